//! `kubectl rollout status|history|undo|pause|resume|restart`, `kubectl set image` and
//! `kubectl annotate` on Deployments. The model is crate::cluster::rollout's.

use super::kubectl::{targets, Res};
use super::{Failure, Handled, Reply, World};
use crate::cluster::rollout::Undo;
use crate::command::kubectl::KubectlCommand;

fn fail(message: impl Into<String>) -> Failure {
    Failure::new(message, 1)
}

/// The Deployment names a command targets (`deployment/web` or `deployment web`).
fn deployments(args: &[String], verb: &str) -> Result<Vec<String>, Failure> {
    if args.is_empty() {
        return Err(fail(format!(
            "error: required resource not specified\nSee 'kubectl {verb} -h' for help and examples"
        )));
    }
    let mut names = Vec::new();
    for (res, name) in targets(args)? {
        match (res, name) {
            (Res::Deployments, Some(n)) => names.push(n),
            (Res::Deployments, None) => {
                return Err(fail(
                    "error: resource(s) were provided, but no name was specified",
                ))
            }
            (other, _) => {
                return Err(fail(format!(
                    "error: no {verb} supported for {} here: deployments only",
                    res_word(other)
                )))
            }
        }
    }
    Ok(names)
}

fn res_word(res: Res) -> &'static str {
    match res {
        Res::Nodes => "nodes",
        Res::Pods => "pods",
        Res::Deployments => "deployments",
        Res::ReplicaSets => "replicasets",
        Res::Events => "events",
    }
}

fn revision_flag(cmd: &KubectlCommand, flag: &str) -> Result<Option<u32>, Failure> {
    match cmd.value(flag) {
        None | Some("0") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            fail(format!("error: invalid argument \"{v}\" for \"--{flag}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"))
        }),
    }
}

impl World {
    pub(super) fn kubectl_rollout(&mut self, cmd: &KubectlCommand) -> Handled {
        let Some(sub) = cmd.args.first().map(String::as_str) else {
            return Err(fail("error: Manage the rollout of one or many resources: kubectl rollout status|history|undo|pause|resume|restart deployment/NAME"));
        };
        if !["status", "history", "undo", "pause", "resume", "restart"].contains(&sub) {
            return Err(fail(format!(
                "error: unknown command \"{sub}\" for \"kubectl rollout\"\nRun 'kubectl rollout --help' for usage."
            )));
        }
        let verb = format!("rollout {sub}");
        let names = deployments(&cmd.args[1..], &verb)?;
        let (ns, now) = (cmd.namespace().to_string(), self.now);
        let mut out = String::new();
        for name in names {
            match sub {
                "status" | "history" => {
                    let cluster = self.cluster_or_refused()?;
                    let d = cluster.deployment(&ns, &name).ok_or_else(|| {
                        fail(format!(
                            "Error from server (NotFound): deployments.apps \"{name}\" not found"
                        ))
                    })?;
                    if sub == "history" {
                        match revision_flag(cmd, "revision")? {
                            None => out.push_str(&cluster.rollout_history(d)),
                            Some(n) => {
                                out.push_str(&cluster.rollout_revision(d, n).ok_or_else(|| {
                                    fail("error: unable to find the specified revision")
                                })?)
                            }
                        }
                    } else {
                        let (message, _) = cluster.rollout_status(d).map_err(fail)?;
                        out.push_str(&message);
                    }
                }
                "undo" => {
                    let to = revision_flag(cmd, "to-revision")?;
                    match self.with_cluster(|c, _| c.undo(&ns, &name, to, now))? {
                        Undo::RolledBack => {
                            out.push_str(&format!("deployment.apps/{name} rolled back\n"))
                        }
                        Undo::Skipped(n) => out.push_str(&format!(
                            "deployment.apps/{name} skipped rollback (current template already matches revision {n})\n"
                        )),
                    }
                }
                "pause" | "resume" => {
                    let on = sub == "pause";
                    self.with_cluster(|c, _| c.set_paused(&ns, &name, on))?;
                    let word = if on { "paused" } else { "resumed" };
                    out.push_str(&format!("deployment.apps/{name} {word}\n"));
                }
                _ => {
                    self.with_cluster(|c, _| c.restart(&ns, &name, now))?;
                    out.push_str(&format!("deployment.apps/{name} restarted\n"));
                }
            }
        }
        Ok(Reply::out(out))
    }

    /// `kubectl set image deployment/NAME CONTAINER=IMAGE...`.
    pub(super) fn kubectl_set_image(&mut self, cmd: &KubectlCommand) -> Handled {
        let rest = cmd.args.get(1..).unwrap_or(&[]);
        let split = rest.iter().position(|a| a.contains('='));
        let (objects, pairs) = match split {
            Some(i) => rest.split_at(i),
            None => (rest, &[][..]),
        };
        if pairs.is_empty() {
            return Err(fail("error: at least one image update is required"));
        }
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|p| {
                let (c, i) = p.split_once('=').unwrap_or((p, ""));
                if i.is_empty() {
                    Err(fail(format!("error: invalid image update: {p}")))
                } else {
                    Ok((c.to_string(), i.to_string()))
                }
            })
            .collect::<Result<_, _>>()?;
        let names = deployments(objects, "set image")?;
        let ns = cmd.namespace().to_string();
        let mut out = String::new();
        for name in names {
            if self.with_cluster(|c, _| c.set_image(&ns, &name, &pairs))? {
                out.push_str(&format!("deployment.apps/{name} image updated\n"));
            }
        }
        Ok(Reply::out(out))
    }

    /// `kubectl annotate deployment NAME key=value... [--overwrite]` (`key-` removes).
    pub(super) fn kubectl_annotate(&mut self, cmd: &KubectlCommand) -> Handled {
        let split = cmd
            .args
            .iter()
            .position(|a| a.contains('=') || (a.ends_with('-') && !a.contains('/')))
            .unwrap_or(cmd.args.len());
        let (objects, changes) = cmd.args.split_at(split);
        if changes.is_empty() {
            return Err(fail("error: at least one annotation update is required"));
        }
        let names = deployments(objects, "annotate")?;
        let ns = cmd.namespace().to_string();
        let overwrite = cmd.has("overwrite");
        // Check every change on a copy first: a refused one changes nothing.
        let mut trial = self.cluster.clone();
        for name in &names {
            for change in changes {
                let result = match change.split_once('=') {
                    Some((k, v)) => trial
                        .as_mut()
                        .map(|c| c.annotate(&ns, name, k, Some(v), overwrite)),
                    None => trial
                        .as_mut()
                        .map(|c| c.annotate(&ns, name, change.trim_end_matches('-'), None, true)),
                };
                if let Some(Err(e)) = result {
                    return Err(fail(e.0));
                }
            }
        }
        self.cluster = trial;
        Ok(Reply::out(
            names
                .iter()
                .map(|n| format!("deployment.apps/{n} annotated\n"))
                .collect::<String>(),
        ))
    }
}
