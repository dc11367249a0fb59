//! `kubectl apply -f FILE` and `kubectl delete -f FILE`: the file comes in the build context
//! the front loaded for the line (see [`crate::command::manifest_request`]); every document is
//! read and checked before anything changes.

use super::{Failure, Handled, Reply, World};
use crate::cluster::manifest::{self, Manifest};
use crate::command::kubectl::KubectlCommand;
use crate::BuildContext;

fn fail(message: impl Into<String>) -> Failure {
    Failure::new(message, 1)
}

impl World {
    fn read_manifests(
        cmd: &KubectlCommand,
        context: &BuildContext,
    ) -> Result<Vec<Manifest>, Failure> {
        let file = cmd
            .value("filename")
            .ok_or_else(|| fail("error: must specify one of -f and -k"))?;
        let key = crate::command::manifest_key(file);
        let bytes = context
            .read_file(&key)
            .map_err(|_| fail(format!("error: the path \"{file}\" does not exist")))?;
        let text = String::from_utf8_lossy(bytes);
        let manifests = manifest::parse(file, &text, cmd.namespace()).map_err(fail)?;
        if manifests.is_empty() {
            return Err(fail(format!("error: no objects passed to {}", cmd.verb)));
        }
        Ok(manifests)
    }

    pub(super) fn kubectl_apply(
        &mut self,
        cmd: &KubectlCommand,
        context: &BuildContext,
    ) -> Handled {
        let manifests = Self::read_manifests(cmd, context)?;
        let now = self.now;
        let mut out = String::new();
        for m in manifests {
            let shown = m.display_name();
            let verb = match m {
                Manifest::Pod {
                    namespace,
                    name,
                    template,
                } => {
                    let exists = self
                        .cluster
                        .as_ref()
                        .and_then(|c| c.pod(&namespace, &name))
                        .map(|p| *p.spec == template);
                    match exists {
                        Some(true) => "unchanged",
                        Some(false) => return Err(fail(format!("The Pod \"{name}\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`, `spec.tolerations` (only additions to existing tolerations) (simulated: delete it and apply again)"))),
                        None => {
                            self.with_cluster(|c, rng| c.create_pod(&namespace, &name, template, now, rng))?;
                            "created"
                        }
                    }
                }
                Manifest::Deployment {
                    namespace,
                    name,
                    replicas,
                    template,
                    rollout,
                } => {
                    let existing = self
                        .cluster
                        .as_ref()
                        .and_then(|c| c.deployment(&namespace, &name))
                        .map(|d| {
                            d.replicas == replicas
                                && d.template == template
                                && d.rollout.same_settings(&rollout)
                        });
                    match existing {
                        Some(true) => "unchanged",
                        Some(false) => {
                            self.with_cluster(|c, _| {
                                c.scale(&namespace, &name, replicas)?;
                                c.set_rollout_settings(&namespace, &name, &rollout)?;
                                c.set_template(&namespace, &name, |t| *t = template)
                            })?;
                            "configured"
                        }
                        None => {
                            self.with_cluster(|c, rng| {
                                c.create_deployment(
                                    &namespace, &name, replicas, template, now, rng,
                                )?;
                                c.set_rollout_settings(&namespace, &name, &rollout)
                            })?;
                            "created"
                        }
                    }
                }
            };
            out.push_str(&format!("{shown} {verb}\n"));
        }
        Ok(Reply::out(out))
    }

    pub(super) fn kubectl_delete_file(
        &mut self,
        cmd: &KubectlCommand,
        context: &BuildContext,
    ) -> Handled {
        let manifests = Self::read_manifests(cmd, context)?;
        let now = self.now;
        let mut out = String::new();
        let mut errors = String::new();
        for m in manifests {
            let result = match &m {
                Manifest::Pod {
                    namespace, name, ..
                } => self
                    .with_cluster(|c, _| c.delete_pod_named(namespace, name, now))
                    .map(|_| format!("pod \"{name}\" deleted\n")),
                Manifest::Deployment {
                    namespace, name, ..
                } => self
                    .with_cluster(|c, _| c.delete_deployment(namespace, name, now))
                    .map(|_| format!("deployment.apps \"{name}\" deleted\n")),
            };
            match result {
                Ok(line) => out.push_str(&line),
                Err(f) => errors.push_str(&format!("{}\n", f.message)),
            }
        }
        let mut reply = Reply::out(out);
        if !errors.is_empty() {
            reply.stderr = errors;
            reply.exit_code = 1;
        }
        Ok(reply)
    }
}
