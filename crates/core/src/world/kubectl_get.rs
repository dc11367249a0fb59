//! `kubectl get nodes|pods|deployments|replicasets|events`: every object is read from the
//! cluster's store (the values `etcdctl get` prints), decoded into print::views for the
//! tables and as it stands for `-o json|yaml`. Only the keys the command asks for are read:
//! one key for a name, one namespace's prefix otherwise.

use super::kubectl::{targets, Res};
use super::{Failure, Handled, Reply, World};
use crate::cluster::labels::{Labels, Selector};
use crate::cluster::print::views::{EventView, NodeView, PodView, WorkloadView};
use crate::cluster::print::{self, GetOptions};
use crate::cluster::store::Store;
use crate::command::kubectl::KubectlCommand;
use serde::Deserialize;

fn fail(message: impl Into<String>) -> Failure {
    Failure::new(message, 1)
}

/// The values of a kind's keys: one key for a name, else the namespace's prefix (every
/// namespace with `-A`); nodes have no namespace.
pub(super) fn values<'s>(
    store: &'s Store,
    resource: &str,
    ns: Option<&str>,
    name: Option<&str>,
) -> Vec<&'s str> {
    let dir = match ns {
        Some(ns) => format!("/registry/{resource}/{ns}/"),
        None => format!("/registry/{resource}/"),
    };
    match name {
        Some(n) => store
            .get(&format!("{dir}{n}"))
            .map(|e| e.value.as_str())
            .into_iter()
            .collect(),
        None => store.prefix(&dir).map(|(_, e)| e.value.as_str()).collect(),
    }
}

/// The values decoded as `T`, those whose labels the selector picks.
pub(super) fn pick<'s, T: Deserialize<'s>>(
    values: Vec<&'s str>,
    selector: &Selector,
    labels: impl Fn(&T) -> &Labels,
) -> Vec<(&'s str, T)> {
    values
        .into_iter()
        .filter_map(|v| serde_json::from_str::<T>(v).ok().map(|t| (v, t)))
        .filter(|(_, t)| selector.matches(labels(t)))
        .collect()
}

/// What one kind contributes: its table, its items for `-o json|yaml`, its `-o name` lines.
#[derive(Default)]
pub(super) struct Found {
    pub table: String,
    pub items: Vec<serde_json::Value>,
    pub names: String,
    pub count: usize,
}

impl Found {
    pub(super) fn of<T>(
        picked: &[(&str, T)],
        kind: &str,
        name: impl Fn(&T) -> &str,
        json: bool,
        table: impl FnOnce(Vec<&T>) -> String,
    ) -> Found {
        let mut f = Found {
            count: picked.len(),
            ..Found::default()
        };
        for (value, t) in picked {
            if json {
                f.items
                    .push(serde_json::from_str(value).unwrap_or_default());
            }
            f.names.push_str(&format!("{kind}/{}\n", name(t)));
        }
        if !picked.is_empty() {
            f.table = table(picked.iter().map(|(_, t)| t).collect());
        }
        f
    }
}

/// `-o`, `-l` and the switches of `get`, checked as kubectl checks them.
pub(super) fn get_flags(cmd: &KubectlCommand) -> Result<(&str, Selector, GetOptions), Failure> {
    let output = cmd.value("output").unwrap_or("");
    if !["", "wide", "json", "yaml", "name"].contains(&output) {
        return Err(fail(format!("error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: json,name,wide,yaml")));
    }
    let selector = Selector::parse(cmd.value("selector").unwrap_or("")).map_err(fail)?;
    let opts = GetOptions {
        wide: output == "wide",
        all_namespaces: cmd.has("all-namespaces"),
        show_labels: cmd.has("show-labels"),
    };
    Ok((output, selector, opts))
}

/// What `get` prints for `-o json|yaml` (one object when one was named, else a List), `-o
/// name`, or the tables.
pub(super) fn render(
    output: &str,
    mut items: Vec<serde_json::Value>,
    names: String,
    tables: String,
    single: bool,
) -> String {
    match output {
        "json" | "yaml" => {
            let value = if items.len() == 1 && single {
                items.remove(0)
            } else {
                print::list_json(items)
            };
            if output == "json" {
                serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
            } else {
                crate::cluster::manifest::to_yaml(&value)
            }
        }
        "name" => names,
        _ => tables,
    }
}

impl World {
    pub(super) fn kubectl_get(&mut self, cmd: &KubectlCommand) -> Handled {
        let targets = targets(&cmd.args)?;
        let (output, selector, opts) = get_flags(cmd)?;
        let json = matches!(output, "json" | "yaml");
        let ns = cmd.namespace().to_string();
        let scope = (!opts.all_namespaces).then_some(ns.as_str());
        self.refresh_store();
        let now = self.now;
        let cluster = self.cluster_or_refused()?;
        let store = cluster.store();
        let mut out = String::new();
        let mut items = Vec::new();
        let mut names = String::new();
        let mut errors = String::new();
        let mut empty = true;
        for (res, name) in &targets {
            let name = name.as_deref();
            let (found, missing) = match res {
                Res::Nodes => {
                    let picked = pick(
                        values(store, "minions", None, name),
                        &selector,
                        |n: &NodeView| &n.metadata.labels,
                    );
                    let f = Found::of(
                        &picked,
                        res.qualified(),
                        |n| &n.metadata.name,
                        json,
                        |v| print::get_nodes(&v, now, opts),
                    );
                    (f, "nodes")
                }
                Res::Pods => {
                    let mut picked = pick(
                        values(store, "pods", scope, name),
                        &selector,
                        |p: &PodView| &p.metadata.labels,
                    );
                    if opts.all_namespaces {
                        // The API server lists by namespace, then name.
                        crate::order::sort_by(&mut picked, &|a, b| {
                            (&a.1.metadata.namespace, &a.1.metadata.name)
                                .cmp(&(&b.1.metadata.namespace, &b.1.metadata.name))
                        });
                    }
                    let f = Found::of(
                        &picked,
                        res.qualified(),
                        |p| &p.metadata.name,
                        json,
                        |v| print::get_pods(&v, now, opts),
                    );
                    (f, "pods")
                }
                Res::Deployments => {
                    let picked = pick(
                        values(store, "deployments", scope, name),
                        &selector,
                        |d: &WorkloadView| &d.metadata.labels,
                    );
                    let f = Found::of(
                        &picked,
                        res.qualified(),
                        |d| &d.metadata.name,
                        json,
                        |v| print::get_deployments(&v, now, opts),
                    );
                    (f, "deployments.apps")
                }
                Res::ReplicaSets => {
                    let picked = pick(
                        values(store, "replicasets", scope, name),
                        &selector,
                        |r: &WorkloadView| &r.metadata.labels,
                    );
                    let f = Found::of(
                        &picked,
                        res.qualified(),
                        |r| &r.metadata.name,
                        json,
                        |v| print::get_replicasets(&v, now, opts),
                    );
                    (f, "replicasets.apps")
                }
                Res::Events => {
                    let mut picked = pick(
                        values(store, "events", scope, name),
                        &selector,
                        |e: &EventView| &e.metadata.labels,
                    );
                    // In the order they were first recorded, as before they were stored.
                    crate::order::sort_by(&mut picked, &|a, b| a.1.order().cmp(&b.1.order()));
                    let f = Found::of(
                        &picked,
                        res.qualified(),
                        |e| &e.metadata.name,
                        json,
                        |v| print::get_events(&v, now, opts),
                    );
                    (f, "events")
                }
            };
            if let (Some(x), 0) = (name, found.count) {
                errors.push_str(&format!(
                    "Error from server (NotFound): {missing} \"{x}\" not found\n"
                ));
                continue;
            }
            empty &= found.count == 0;
            out.push_str(&found.table);
            items.extend(found.items);
            names.push_str(&found.names);
        }
        let single = targets.iter().all(|(_, n)| n.is_some());
        let stdout = render(output, items, names, out, single);
        let mut reply = Reply::out(stdout);
        if empty && errors.is_empty() && !json {
            reply.stderr = if opts.all_namespaces || targets.iter().all(|(r, _)| *r == Res::Nodes) {
                "No resources found\n".into()
            } else {
                format!("No resources found in {ns} namespace.\n")
            };
        }
        if !errors.is_empty() {
            reply.stderr.push_str(&errors);
            reply.exit_code = 1;
        }
        Ok(reply)
    }
}

#[cfg(test)]
#[path = "kubectl_store_tests.rs"]
mod tests;
