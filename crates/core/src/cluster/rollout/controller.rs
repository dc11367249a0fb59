//! The deployment controller's rollout: make sure the current template has a ReplicaSet
//! (a new revision, or an old one brought back), then move pods from the old ReplicaSets to
//! it as the strategy allows, watching progress against the deadline.

use super::Strategy;
use crate::cluster::labels::Selector;
use crate::cluster::names::template_hash;
use crate::cluster::objects::ReplicaSet;
use crate::cluster::Cluster;
use crate::event::Tick;
use rand_core::RngCore;

type Key = (String, String);

impl Cluster {
    /// One pass of the deployment controller over one Deployment.
    pub(crate) fn reconcile_deployment(&mut self, key: &Key, now: Tick, rng: &mut dyn RngCore) {
        let Some(d) = self.deployments.get(key) else {
            return;
        };
        // A paused Deployment keeps its ReplicaSets as they are: no new revision, no moves.
        if d.rollout.paused {
            return;
        }
        let events_before = self.events.len();
        let new_key = self.ensure_new_replicaset(key, now, rng);
        let d = &self.deployments[key];
        let (replicas, strategy, dname) = (d.replicas, d.rollout.strategy, d.name.clone());
        let all: Vec<Key> = self
            .replicasets_of(d)
            .iter()
            .map(|r| (r.namespace.clone(), r.name.clone()))
            .collect();
        let olds: Vec<Key> = all.iter().filter(|k| **k != new_key).cloned().collect();
        match strategy {
            Strategy::Recreate => {
                for old in &olds {
                    self.scale_replicaset(old, 0, &dname, now);
                }
                let old_live: usize = olds.iter().map(|k| self.live_of(k)).sum();
                if old_live == 0 {
                    self.scale_replicaset(&new_key, replicas, &dname, now);
                }
            }
            Strategy::RollingUpdate { .. } => {
                let (surge, unavailable) = strategy.bounds(replicas);
                // As the deployment controller does: a pass that scaled the new ReplicaSet
                // up leaves the old ones for the next pass.
                if !self.scale_up_new(&new_key, &all, replicas, surge, &dname, now) {
                    self.scale_down_old(&new_key, &all, &olds, replicas, unavailable, &dname, now);
                }
            }
        }
        self.trim_history(key, &new_key, now);
        let moved = self.events.len() > events_before;
        self.track_progress(key, &new_key, moved, now);
    }

    fn live_of(&self, key: &Key) -> usize {
        self.replicasets
            .get(key)
            .map_or(0, |rs| self.replicaset_counts(rs).0)
    }

    fn spec_of(&self, key: &Key) -> u32 {
        self.replicasets.get(key).map_or(0, |rs| rs.replicas)
    }

    /// Ready pods of a ReplicaSet, counted up to what it wants (a pod it is about to delete
    /// no longer counts towards availability).
    fn available_of(&self, key: &Key) -> u32 {
        self.replicasets.get(key).map_or(0, |rs| {
            (self.replicaset_counts(rs).1 as u32).min(rs.replicas)
        })
    }

    /// The ReplicaSet of the Deployment's current template: made as the next revision when
    /// the template is new, or an old one given the next revision number when the template
    /// went back to it (`rollout undo`).
    fn ensure_new_replicaset(&mut self, key: &Key, now: Tick, rng: &mut dyn RngCore) -> Key {
        let d = &self.deployments[key];
        let hash = template_hash(&d.template, 0);
        let rs_key = (d.namespace.clone(), format!("{}-{hash}", d.name));
        let dkey = d.key();
        let cause = d.rollout.annotations.get(super::CHANGE_CAUSE).cloned();
        let newest = self.replicasets_of(d).last().map_or(0, |r| r.revision);
        let restarted = match self.replicasets.get_mut(&rs_key) {
            Some(rs) => {
                if cause.is_some() && rs.change_cause != cause {
                    rs.change_cause = cause;
                }
                let back = rs.revision < newest;
                if back {
                    rs.revision = newest + 1;
                }
                back
            }
            None => {
                let mut template = d.template.clone();
                template
                    .labels
                    .insert("pod-template-hash".into(), hash.clone());
                let rs = ReplicaSet {
                    name: rs_key.1.clone(),
                    namespace: rs_key.0.clone(),
                    uid: crate::cluster::workloads::new_uid(rng),
                    selector: Selector::of_labels(&template.labels),
                    replicas: 0,
                    template,
                    template_hash: hash,
                    owner: Some(dkey.clone()),
                    created: now,
                    revision: newest + 1,
                    change_cause: cause,
                };
                self.owners.add(rs.key(), Some(&dkey));
                self.replicasets.insert(rs_key.clone(), rs);
                true
            }
        };
        if restarted {
            // A new rollout (or one back to an old revision) starts its own progress clock.
            let r = &mut self
                .deployments
                .get_mut(key)
                .expect("looked up above")
                .rollout;
            r.progress_at = now;
            r.ready_new = 0;
            r.timed_out = false;
        }
        rs_key
    }

    /// Sets a ReplicaSet's replicas, with the controller's event.
    fn scale_replicaset(&mut self, key: &Key, want: u32, dname: &str, now: Tick) {
        let Some(rs) = self.replicasets.get_mut(key) else {
            return;
        };
        if rs.replicas == want {
            return;
        }
        let (from, name) = (rs.replicas, rs.name.clone());
        rs.replicas = want;
        let verb = if want > from { "up" } else { "down" };
        self.event(
            now,
            false,
            "ScalingReplicaSet",
            format!("deployment/{dname}"),
            "deployment-controller",
            format!("Scaled {verb} replica set {name} from {from} to {want}"),
        );
    }

    /// The new ReplicaSet grows while all pods together stay within replicas + maxSurge;
    /// true when it changed.
    fn scale_up_new(
        &mut self,
        new: &Key,
        all: &[Key],
        replicas: u32,
        surge: u32,
        dname: &str,
        now: Tick,
    ) -> bool {
        let current = self.spec_of(new);
        if current > replicas {
            self.scale_replicaset(new, replicas, dname, now);
            return true;
        }
        let total: u32 = all.iter().map(|k| self.spec_of(k)).sum();
        let room = (replicas + surge).saturating_sub(total);
        let step = room.min(replicas - current);
        if step > 0 {
            self.scale_replicaset(new, current + step, dname, now);
        }
        step > 0
    }

    /// Old ReplicaSets shrink while at least replicas - maxUnavailable pods stay available:
    /// unhealthy old pods go first (they serve nobody), then healthy ones, oldest first.
    #[allow(clippy::too_many_arguments)]
    fn scale_down_old(
        &mut self,
        new: &Key,
        all: &[Key],
        olds: &[Key],
        replicas: u32,
        unavailable: u32,
        dname: &str,
        now: Tick,
    ) {
        let min_available = replicas.saturating_sub(unavailable) as i64;
        let all_pods: i64 = all.iter().map(|k| self.spec_of(k) as i64).sum();
        let new_unavailable = self.spec_of(new) as i64 - self.available_of(new) as i64;
        let mut room = all_pods - min_available - new_unavailable;
        for old in olds {
            if room <= 0 {
                break;
            }
            let unhealthy = (self.spec_of(old) - self.available_of(old)) as i64;
            let down = room.min(unhealthy);
            if down > 0 {
                self.scale_replicaset(old, self.spec_of(old) - down as u32, dname, now);
                room -= down;
            }
        }
        let available: i64 = all.iter().map(|k| self.available_of(k) as i64).sum();
        let mut room = available - min_available;
        for old in olds {
            if room <= 0 {
                break;
            }
            let down = room.min(self.spec_of(old) as i64);
            if down > 0 {
                self.scale_replicaset(old, self.spec_of(old) - down as u32, dname, now);
                room -= down;
            }
        }
    }

    /// Keeps at most revisionHistoryLimit old ReplicaSets that are down to no pods.
    fn trim_history(&mut self, key: &Key, new: &Key, now: Tick) {
        let d = &self.deployments[key];
        let limit = d.rollout.revision_history_limit as usize;
        let idle: Vec<Key> = self
            .replicasets_of(d)
            .into_iter()
            .filter(|r| {
                (&r.namespace, &r.name) != (&new.0, &new.1)
                    && r.replicas == 0
                    && self.replicaset_counts(r).0 == 0
            })
            .map(|r| (r.namespace.clone(), r.name.clone()))
            .collect();
        let extra = idle.len().saturating_sub(limit);
        for (ns, name) in idle.into_iter().take(extra) {
            let _ = self.delete_replicaset(&ns, &name, now);
        }
    }

    /// Progress is a ReplicaSet scaled or one more new pod ready; with none for
    /// progressDeadlineSeconds the rollout is marked ProgressDeadlineExceeded.
    fn track_progress(&mut self, key: &Key, new: &Key, moved: bool, now: Tick) {
        let ready_new = self
            .replicasets
            .get(new)
            .map_or(0, |rs| self.replicaset_counts(rs).1);
        let complete = self.rollout_complete(&self.deployments[key]);
        let Some(d) = self.deployments.get_mut(key) else {
            return;
        };
        let r = &mut d.rollout;
        if moved || ready_new > r.ready_new {
            r.progress_at = now;
        }
        r.ready_new = ready_new;
        let deadline = r.progress_at + r.progress_deadline_seconds * 1000;
        if !complete && !r.timed_out && now >= deadline {
            r.timed_out = true;
            let (dname, rs) = (d.name.clone(), new.1.clone());
            self.event(
                deadline,
                true,
                "ProgressDeadlineExceeded",
                format!("deployment/{dname}"),
                "deployment-controller",
                format!("ReplicaSet \"{rs}\" has timed out progressing."),
            );
        }
    }
}
