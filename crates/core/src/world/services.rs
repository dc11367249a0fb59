//! `kubectl expose`, `create service`, and `get|describe|delete` for services, endpoints and
//! endpointslices. The model is crate::cluster::services; `get` and `describe` read the
//! Services', Endpoints' and EndpointSlices' values in the store (print::services prints them).

use super::kubectl_get::{get_flags, pick, render, values, Found};
use super::{Failure, Handled, Reply, World};
use crate::cluster::labels::Labels;
use crate::cluster::print::services as print;
use crate::cluster::print::views::{self, EndpointsView, ServiceView, SliceView};
use crate::cluster::services::{ServicePort, ServiceRequest};
use crate::command::kubectl::KubectlCommand;

fn fail(message: impl Into<String>) -> Failure {
    Failure::new(message, 1)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Services,
    Endpoints,
    EndpointSlices,
}

impl Kind {
    /// The resource as the API server's NotFound names it.
    fn word(self) -> &'static str {
        match self {
            Kind::Services => "services",
            Kind::Endpoints => "endpoints",
            Kind::EndpointSlices => "endpointslices.discovery.k8s.io",
        }
    }

    /// How kubectl writes the kind before a name (`service/web`).
    fn qualified(self) -> &'static str {
        match self {
            Kind::Services => "service",
            Kind::Endpoints => "endpoints",
            Kind::EndpointSlices => "endpointslice.discovery.k8s.io",
        }
    }
}

/// How kubectl writes a Service kind before a name, by any word for the kind.
pub(super) fn qualified(word: &str) -> Option<&'static str> {
    kind(word).map(Kind::qualified)
}

fn kind(word: &str) -> Option<Kind> {
    Some(match word.to_ascii_lowercase().as_str() {
        "services" | "service" | "svc" => Kind::Services,
        "endpoints" | "endpoint" | "ep" => Kind::Endpoints,
        "endpointslices" | "endpointslice" | "endpointslices.discovery.k8s.io" => {
            Kind::EndpointSlices
        }
        _ => return None,
    })
}

/// Whether a get/describe/delete line is about services (`svc`, `svc/web`, `endpoints`...).
pub(super) fn service_target(args: &[String]) -> bool {
    args.first()
        .map(|a| a.split('/').next().unwrap_or(a))
        .is_some_and(|w| kind(w).is_some())
}

/// `TYPE NAME...` or `TYPE/NAME`.
fn target(args: &[String]) -> (Kind, Vec<String>) {
    let first = &args[0];
    match first.split_once('/') {
        Some((t, n)) => (kind(t).unwrap_or(Kind::Services), vec![n.to_string()]),
        None => (kind(first).unwrap_or(Kind::Services), args[1..].to_vec()),
    }
}

fn number(cmd: &KubectlCommand, flag: &str) -> Result<Option<u32>, Failure> {
    cmd.value(flag)
        .map(|v| {
            v.parse::<i64>()
                .ok()
                .and_then(|n| u32::try_from(n.clamp(0, u32::MAX as i64)).ok())
                .ok_or_else(|| fail(format!("error: invalid argument \"{v}\" for \"--{flag}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax")))
        })
        .transpose()
}

fn headless(cmd: &KubectlCommand) -> bool {
    cmd.value("cluster-ip")
        .or(cmd.value("clusterip"))
        .is_some_and(|v| v.eq_ignore_ascii_case("none"))
}

impl World {
    pub(super) fn kubectl_services(&mut self, cmd: &KubectlCommand) -> Handled {
        let (kind, names) = target(&cmd.args);
        let ns = cmd.namespace().to_string();
        if cmd.verb == "delete" {
            if kind != Kind::Services {
                return Err(fail(
                    "error: endpoints follow their Service here: delete the Service",
                ));
            }
            if names.is_empty() {
                return Err(fail(
                    "error: resource(s) were provided, but no name was specified",
                ));
            }
            let mut out = String::new();
            for name in names {
                self.with_cluster(|c, _| c.delete_service(&ns, &name))?;
                out.push_str(&format!("service \"{name}\" deleted\n"));
            }
            return Ok(Reply::out(out));
        }
        if cmd.verb == "describe" {
            return self.describe_services(&ns, &names);
        }
        self.get_services(cmd, kind, &ns, &names)
    }

    /// `get svc|endpoints|endpointslices`: the values under the kind's keys in the store.
    fn get_services(
        &mut self,
        cmd: &KubectlCommand,
        kind: Kind,
        ns: &str,
        names: &[String],
    ) -> Handled {
        let (output, selector, opts) = get_flags(cmd)?;
        let json = matches!(output, "json" | "yaml");
        let scope = (!opts.all_namespaces).then_some(ns);
        self.refresh_store();
        let now = self.now;
        let store = self.cluster_or_refused()?.store();
        let asked: Vec<Option<&str>> = if names.is_empty() {
            vec![None]
        } else {
            names.iter().map(|n| Some(n.as_str())).collect()
        };
        let (mut tables, mut items, mut names_out, mut errors) =
            (String::new(), Vec::new(), String::new(), String::new());
        let mut count = 0;
        for name in asked {
            let found = match kind {
                Kind::Services => {
                    let picked = pick(
                        values(store, "services/specs", scope, name),
                        &selector,
                        |s: &ServiceView| &s.metadata.labels,
                    );
                    Found::of(
                        &picked,
                        "service",
                        |s| &s.metadata.name,
                        json,
                        |v| print::get_services(&v, now, opts),
                    )
                }
                Kind::Endpoints => {
                    let picked = pick(
                        values(store, "services/endpoints", scope, name),
                        &selector,
                        |e: &EndpointsView| &e.metadata.labels,
                    );
                    Found::of(
                        &picked,
                        "endpoints",
                        |e| &e.metadata.name,
                        json,
                        |v| print::get_endpoints(&v, now, opts.all_namespaces),
                    )
                }
                Kind::EndpointSlices => {
                    let picked = pick(
                        values(store, "endpointslices", scope, name),
                        &selector,
                        |e: &SliceView| &e.metadata.labels,
                    );
                    Found::of(
                        &picked,
                        "endpointslice.discovery.k8s.io",
                        |e| &e.metadata.name,
                        json,
                        |v| print::get_endpointslices(&v, now, opts.all_namespaces),
                    )
                }
            };
            if let (Some(n), 0) = (name, found.count) {
                errors.push_str(&format!(
                    "Error from server (NotFound): {} \"{n}\" not found\n",
                    kind.word()
                ));
                continue;
            }
            count += found.count;
            tables.push_str(&found.table);
            items.extend(found.items);
            names_out.push_str(&found.names);
        }
        let mut reply = Reply::out(render(output, items, names_out, tables, !names.is_empty()));
        if !errors.is_empty() {
            reply.stderr = errors;
            reply.exit_code = 1;
        } else if count == 0 && !json {
            reply.stderr = if opts.all_namespaces {
                "No resources found\n".into()
            } else {
                format!("No resources found in {ns} namespace.\n")
            };
        }
        Ok(reply)
    }

    /// `describe svc [NAME...]`: each Service's value and its EndpointSlice's, from the store.
    fn describe_services(&mut self, ns: &str, names: &[String]) -> Handled {
        self.refresh_store();
        let store = self.cluster_or_refused()?.store();
        let slices: Vec<SliceView> = views::list(store, &format!("/registry/endpointslices/{ns}/"));
        let mut errors = String::new();
        let services: Vec<ServiceView> = if names.is_empty() {
            views::list(store, &format!("/registry/services/specs/{ns}/"))
        } else {
            let mut found = Vec::new();
            for n in names {
                match views::get(store, &format!("/registry/services/specs/{ns}/{n}")) {
                    Some(s) => found.push(s),
                    None => errors.push_str(&format!(
                        "Error from server (NotFound): services \"{n}\" not found\n"
                    )),
                }
            }
            found
        };
        let out: Vec<String> = services
            .iter()
            .map(|s| {
                let slice = slices.iter().find(|e| {
                    e.metadata
                        .labels
                        .get("kubernetes.io/service-name")
                        .map(String::as_str)
                        == Some(s.metadata.name.as_ref())
                });
                print::describe_service(s, slice)
            })
            .collect();
        let mut reply = Reply::out(out.join("\n\n"));
        if !errors.is_empty() {
            reply.stderr = errors;
            reply.exit_code = 1;
        } else if services.is_empty() {
            reply.stderr = format!("No resources found in {ns} namespace.\n");
        }
        Ok(reply)
    }

    /// `kubectl expose deployment|pod NAME --port=P [--target-port=T] [--type=NodePort]
    /// [--name=S] [--cluster-ip=None]`: a Service selecting what the object's pods carry.
    pub(super) fn kubectl_expose(&mut self, cmd: &KubectlCommand) -> Handled {
        let args: Vec<String> = match cmd.args.first().and_then(|a| a.split_once('/')) {
            Some((t, n)) => vec![t.to_string(), n.to_string()],
            None => cmd.args.clone(),
        };
        let (Some(res), Some(name)) = (args.first(), args.get(1)) else {
            return Err(fail("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"));
        };
        let ns = cmd.namespace().to_string();
        let cluster = self.cluster_or_refused()?;
        let selector: Labels = match res.as_str() {
            "deployment" | "deployments" | "deploy" | "deployment.apps" => cluster
                .deployment(&ns, name)
                .map(|d| d.template.labels.clone())
                .ok_or_else(|| {
                    fail(format!(
                        "Error from server (NotFound): deployments.apps \"{name}\" not found"
                    ))
                })?,
            "pod" | "pods" | "po" => cluster
                .pod(&ns, name)
                .map(|p| {
                    let mut l = p.labels().clone();
                    l.remove("pod-template-hash");
                    l
                })
                .ok_or_else(|| {
                    fail(format!(
                        "Error from server (NotFound): pods \"{name}\" not found"
                    ))
                })?,
            "service" | "services" | "svc" => cluster
                .services()
                .get(&ns, name)
                .map(|s| s.selector.clone())
                .ok_or_else(|| {
                    fail(format!(
                        "Error from server (NotFound): services \"{name}\" not found"
                    ))
                })?,
            other => {
                return Err(fail(format!(
                    "error: cannot expose a {other}: deployments, pods and services only here"
                )))
            }
        };
        if selector.is_empty() {
            return Err(fail(format!("error: couldn't retrieve selectors via --selector flag or introspection: the {res} has no labels")));
        }
        let port = number(cmd, "port")?
            .ok_or_else(|| fail("error: couldn't find port via --port flag or introspection"))?;
        let target_port = number(cmd, "target-port")?.unwrap_or(port);
        let node_port = match cmd.value("type").unwrap_or("ClusterIP") {
            "ClusterIP" => false,
            "NodePort" => true,
            other => {
                return Err(fail(format!("The Service \"{}\" is invalid: spec.type: Unsupported value: \"{other}\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"", cmd.value("name").unwrap_or(name))))
            }
        };
        let svc_name = cmd.value("name").unwrap_or(name).to_string();
        let req = ServiceRequest {
            name: svc_name.clone(),
            namespace: ns,
            node_port,
            headless: headless(cmd),
            labels: selector.clone(),
            selector,
            ports: vec![ServicePort {
                name: None,
                protocol: cmd.value("protocol").unwrap_or("TCP").to_string(),
                port,
                target_port,
                node_port: None,
            }],
        };
        let now = self.now;
        self.with_cluster(|c, rng| c.create_service(req, now, rng).map(|_| ()))?;
        Ok(Reply::out(format!("service/{svc_name} exposed\n")))
    }

    /// `kubectl create service clusterip|nodeport NAME --tcp=PORT[:TARGET] [--node-port=N]
    /// [--clusterip=None]`: selects `app=NAME`, as kubectl does.
    pub(super) fn kubectl_create_service(&mut self, cmd: &KubectlCommand) -> Handled {
        let kind = cmd.args.get(1).map(String::as_str).unwrap_or("");
        let node_port = match kind {
            "clusterip" => false,
            "nodeport" => true,
            "" => return Err(fail("error: create service needs a type: clusterip, nodeport")),
            other => {
                return Err(fail(format!(
                    "error: unknown command \"{other}\" for \"kubectl create service\"\n\nDid you mean this?\n\tclusterip\n\tnodeport"
                )))
            }
        };
        let name = cmd
            .args
            .get(2)
            .ok_or_else(|| fail("error: exactly one NAME is required, got 0"))?
            .clone();
        let mut ports = Vec::new();
        for spec in cmd
            .value("tcp")
            .unwrap_or("")
            .split(',')
            .filter(|s| !s.is_empty())
        {
            let (p, t) = spec.split_once(':').unwrap_or((spec, spec));
            let parse = |v: &str| {
                v.parse::<u32>().map_err(|_| {
                    fail(format!(
                        "error: invalid port number \"{v}\" in --tcp={spec}"
                    ))
                })
            };
            ports.push(ServicePort {
                name: Some(format!("{p}-{t}")),
                protocol: "TCP".into(),
                port: parse(p)?,
                target_port: parse(t)?,
                node_port: number(cmd, "node-port")?.filter(|n| *n != 0),
            });
        }
        let h = headless(cmd);
        if ports.is_empty() && !h {
            return Err(fail(
                "error: at least one tcp port specifier must be provided",
            ));
        }
        let selector: Labels = [("app".to_string(), name.clone())].into_iter().collect();
        let req = ServiceRequest {
            name: name.clone(),
            namespace: cmd.namespace().to_string(),
            node_port,
            headless: h,
            labels: selector.clone(),
            selector,
            ports,
        };
        let now = self.now;
        self.with_cluster(|c, rng| c.create_service(req, now, rng).map(|_| ()))?;
        Ok(Reply::out(format!("service/{name} created\n")))
    }
}
