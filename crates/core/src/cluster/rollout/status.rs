//! Where a rollout stands, in `kubectl rollout status` and `rollout history` words.

use crate::cluster::names::template_hash;
use crate::cluster::objects::{Deployment, ReplicaSet};
use crate::cluster::Cluster;

/// A Deployment's status counts, as its `.status` has them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Pods of all its ReplicaSets (not terminating).
    pub replicas: usize,
    /// Pods of the current template's ReplicaSet.
    pub updated: usize,
    /// Ready pods of all its ReplicaSets.
    pub available: usize,
    /// Ready pods of the current template's ReplicaSet.
    pub updated_available: usize,
}

impl Cluster {
    /// The ReplicaSet of a Deployment's current template, once the controller made it.
    pub fn current_replicaset(&self, d: &Deployment) -> Option<&ReplicaSet> {
        let name = format!("{}-{}", d.name, template_hash(&d.template, 0));
        self.replicasets
            .get(&(d.namespace.clone(), name))
            .filter(|r| r.owner.as_ref() == Some(&d.key()))
    }

    pub fn rollout_counts(&self, d: &Deployment) -> Counts {
        let current = self.current_replicaset(d).map(|r| r.name.clone());
        let mut c = Counts::default();
        for rs in self.replicasets_of(d) {
            let (live, ready) = self.replicaset_counts(rs);
            c.replicas += live;
            c.available += ready;
            if Some(&rs.name) == current.as_ref() {
                c.updated = live;
                c.updated_available = ready;
            }
        }
        c
    }

    /// Every pod is of the current template, and all of them are ready.
    pub fn rollout_complete(&self, d: &Deployment) -> bool {
        let c = self.rollout_counts(d);
        let want = d.replicas as usize;
        self.current_replicaset(d).is_some()
            && c.updated == want
            && c.replicas == want
            && c.available == want
    }

    /// `kubectl rollout status` without waiting: (message, finished), or the error for a
    /// rollout past its deadline.
    pub fn rollout_status(&self, d: &Deployment) -> Result<(String, bool), String> {
        if d.rollout.timed_out {
            return Err(format!(
                "error: deployment \"{}\" exceeded its progress deadline",
                d.name
            ));
        }
        let c = self.rollout_counts(d);
        let want = d.replicas as usize;
        let name = &d.name;
        let waiting = "Waiting for deployment";
        Ok(if c.updated < want {
            (
                format!("{waiting} \"{name}\" rollout to finish: {} out of {want} new replicas have been updated...\n", c.updated),
                false,
            )
        } else if c.replicas > c.updated {
            (
                format!("{waiting} \"{name}\" rollout to finish: {} old replicas are pending termination...\n", c.replicas - c.updated),
                false,
            )
        } else if c.available < c.updated {
            (
                format!("{waiting} \"{name}\" rollout to finish: {} of {} updated replicas are available...\n", c.available, c.updated),
                false,
            )
        } else {
            (
                format!("deployment \"{name}\" successfully rolled out\n"),
                true,
            )
        })
    }

    /// `kubectl rollout history deployment/NAME`.
    pub fn rollout_history(&self, d: &Deployment) -> String {
        let mut rows = Vec::new();
        for rs in self.replicasets_of(d) {
            rows.push(vec![
                rs.revision.to_string(),
                rs.change_cause.clone().unwrap_or_else(|| "<none>".into()),
            ]);
        }
        format!(
            "deployment.apps/{} \n{}\n",
            d.name,
            crate::cluster::print::table(&["REVISION", "CHANGE-CAUSE"], &rows)
        )
    }

    /// `rollout history --revision=N`: that revision's pod template.
    pub fn rollout_revision(&self, d: &Deployment, revision: u32) -> Option<String> {
        let rs = self
            .replicasets_of(d)
            .into_iter()
            .find(|r| r.revision == revision)?;
        let t = &rs.template;
        let mut out = format!(
            "deployment.apps/{} with revision #{revision}\nPod Template:\n  Labels:\t{}\n",
            d.name,
            crate::cluster::labels::format(&t.labels).replace(',', "\n\t")
        );
        if let Some(cause) = &rs.change_cause {
            out.push_str(&format!(
                "  Annotations:\t{}: {cause}\n",
                super::CHANGE_CAUSE
            ));
        }
        out.push_str("  Containers:\n");
        for c in &t.containers {
            out.push_str(&format!(
                "   {}:\n    Image:\t{}\n    Port:\t<none>\n    Host Port:\t<none>\n    Environment:\t<none>\n    Mounts:\t<none>\n",
                c.name, c.image
            ));
        }
        out.push_str("  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n\n");
        Some(out)
    }

    /// The template `rollout undo` goes back to: the previous revision, or `to` when given.
    pub fn rollback_target(&self, d: &Deployment, to: Option<u32>) -> Result<&ReplicaSet, String> {
        let list = self.replicasets_of(d);
        match to {
            Some(n) => list
                .into_iter()
                .find(|r| r.revision == n)
                .ok_or_else(|| format!("error: unable to find specified revision {n} in history")),
            None => {
                if list.len() < 2 {
                    return Err(format!(
                        "error: no rollout history found for deployment \"{}\"",
                        d.name
                    ));
                }
                Ok(list[list.len() - 2])
            }
        }
    }
}
