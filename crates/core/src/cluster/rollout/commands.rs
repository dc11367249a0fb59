//! What `kubectl set image`, `annotate`, `rollout undo|pause|resume|restart` change on a
//! Deployment (the controller then rolls it out). Errors are kubectl's words; a refused
//! command changes nothing.

use crate::cluster::{Cluster, ClusterError};
use crate::event::Tick;

fn not_found(name: &str) -> ClusterError {
    ClusterError(format!(
        "Error from server (NotFound): deployments.apps \"{name}\" not found"
    ))
}

/// What `rollout undo` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Undo {
    RolledBack,
    /// The template already is that revision's.
    Skipped(u32),
}

impl Cluster {
    fn deployment_mut(
        &mut self,
        ns: &str,
        name: &str,
    ) -> Result<&mut crate::cluster::objects::Deployment, ClusterError> {
        self.deployments
            .get_mut(&(ns.to_string(), name.to_string()))
            .ok_or_else(|| not_found(name))
    }

    /// `kubectl set image deployment/NAME CONTAINER=IMAGE...` (`*` names every container).
    /// Returns whether anything changed.
    pub fn set_image(
        &mut self,
        ns: &str,
        name: &str,
        pairs: &[(String, String)],
    ) -> Result<bool, ClusterError> {
        let d = self.deployment_mut(ns, name)?;
        for (container, _) in pairs {
            if container != "*" && !d.template.containers.iter().any(|c| c.name == *container) {
                return Err(ClusterError(format!(
                    "error: unable to find container named \"{container}\""
                )));
            }
        }
        let before = d.template.clone();
        for (container, image) in pairs {
            for c in &mut d.template.containers {
                if container == "*" || c.name == *container {
                    c.image = image.clone();
                }
            }
        }
        Ok(d.template != before)
    }

    /// A manifest's rollout fields and annotations (`apply -f`); where the rollout stands is kept.
    pub fn set_rollout_settings(
        &mut self,
        ns: &str,
        name: &str,
        settings: &super::Rollout,
    ) -> Result<(), ClusterError> {
        let r = &mut self.deployment_mut(ns, name)?.rollout;
        *r = super::Rollout {
            progress_at: r.progress_at,
            ready_new: r.ready_new,
            timed_out: r.timed_out,
            ..settings.clone()
        };
        Ok(())
    }

    /// `kubectl annotate deployment NAME key=value` (`key-` removes it). Without
    /// `--overwrite` a key with another value is refused, as kubectl does.
    pub fn annotate(
        &mut self,
        ns: &str,
        name: &str,
        key: &str,
        value: Option<&str>,
        overwrite: bool,
    ) -> Result<(), ClusterError> {
        let d = self.deployment_mut(ns, name)?;
        let annotations = &mut d.rollout.annotations;
        match value {
            Some(v) => {
                if annotations.get(key).is_some_and(|old| old != v) && !overwrite {
                    return Err(ClusterError(format!(
                        "error: --overwrite is false but found the following declared annotation(s): '{key}' already has a value ({})",
                        annotations[key]
                    )));
                }
                annotations.insert(key.into(), v.into());
            }
            None => {
                annotations.remove(key);
            }
        }
        Ok(())
    }

    /// `kubectl rollout pause|resume`; refused when it already is so.
    pub fn set_paused(&mut self, ns: &str, name: &str, paused: bool) -> Result<(), ClusterError> {
        let d = self.deployment_mut(ns, name)?;
        if d.rollout.paused == paused {
            let word = if paused {
                "already paused"
            } else {
                "not paused"
            };
            return Err(ClusterError(format!(
                "error: deployments.apps \"{name}\" is {word}"
            )));
        }
        d.rollout.paused = paused;
        // Time spent paused does not count against the progress deadline.
        Ok(())
    }

    /// `kubectl rollout restart`: a new template annotation, hence a new revision.
    pub fn restart(&mut self, ns: &str, name: &str, now: Tick) -> Result<(), ClusterError> {
        let d = self.deployment_mut(ns, name)?;
        if d.rollout.paused {
            return Err(ClusterError(format!(
                "error: deployments.apps \"{name}\" can't restart paused deployment (run rollout resume first)"
            )));
        }
        d.template.annotations.insert(
            "kubectl.kubernetes.io/restartedAt".into(),
            crate::output::rfc3339(now),
        );
        Ok(())
    }

    /// `kubectl rollout undo [--to-revision=N]`: the Deployment takes that revision's
    /// template (and its CHANGE-CAUSE) back.
    pub fn undo(
        &mut self,
        ns: &str,
        name: &str,
        to: Option<u32>,
        now: Tick,
    ) -> Result<Undo, ClusterError> {
        let d = self
            .deployments
            .get(&(ns.to_string(), name.to_string()))
            .ok_or_else(|| not_found(name))?;
        if d.rollout.paused {
            return Err(ClusterError("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again".into()));
        }
        let rs = self.rollback_target(d, to).map_err(ClusterError)?;
        let mut template = rs.template.clone();
        template.labels.remove("pod-template-hash");
        let (revision, cause) = (rs.revision, rs.change_cause.clone());
        if template == d.template {
            return Ok(Undo::Skipped(revision));
        }
        let dname = d.name.clone();
        let d = self.deployment_mut(ns, name)?;
        d.template = template;
        match cause {
            Some(c) => d.rollout.annotations.insert(super::CHANGE_CAUSE.into(), c),
            None => d.rollout.annotations.remove(super::CHANGE_CAUSE),
        };
        self.event(
            now,
            false,
            "DeploymentRollback",
            format!("deployment/{dname}"),
            "deployment-controller",
            format!("Rolled back deployment \"{dname}\" to revision {revision}"),
        );
        Ok(Undo::RolledBack)
    }
}
