//! Rollouts: a Deployment's strategy (RollingUpdate with maxSurge/maxUnavailable, or
//! Recreate), its revisions and their history, pause/resume, the progress deadline, and the
//! kubelet's back-off for images it cannot pull.

pub(crate) mod available;
pub mod backoff;
mod commands;
mod controller;
pub mod crashloop;
#[cfg(test)]
mod kept_tests;
pub mod spec;
pub mod started;
pub use commands::Undo;
pub mod readiness;
pub mod status;

use super::labels::Labels;
use super::objects::Pod;
use super::Cluster;
use crate::event::Tick;
use backoff::ERR_IMAGE_PULL_MS;

/// The annotation `kubectl rollout history` reads its CHANGE-CAUSE from.
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

/// `25%` or `3`: how maxSurge and maxUnavailable are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntOrPercent {
    Int(u32),
    Percent(u32),
}

impl IntOrPercent {
    /// Reads `3` or `25%` (kubectl's and the API's spelling).
    pub fn parse(text: &str) -> Option<IntOrPercent> {
        match text.strip_suffix('%') {
            Some(p) => p.parse().ok().map(IntOrPercent::Percent),
            None => text.parse().ok().map(IntOrPercent::Int),
        }
    }

    /// The count for `replicas`, rounding a percentage up or down.
    pub fn of(self, replicas: u32, round_up: bool) -> u32 {
        match self {
            IntOrPercent::Int(n) => n,
            IntOrPercent::Percent(p) => {
                let scaled = replicas as u64 * p as u64;
                let n = if round_up {
                    scaled.div_ceil(100)
                } else {
                    scaled / 100
                };
                n as u32
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    RollingUpdate {
        max_surge: IntOrPercent,
        max_unavailable: IntOrPercent,
    },
    /// Every old pod goes before any new one starts.
    Recreate,
}

impl Default for Strategy {
    fn default() -> Self {
        Strategy::RollingUpdate {
            max_surge: IntOrPercent::Percent(25),
            max_unavailable: IntOrPercent::Percent(25),
        }
    }
}

impl Strategy {
    /// (surge, unavailable) for `replicas` pods; never both 0, as the API server enforces
    /// (a Deployment with both 0 could never move, so unavailable becomes 1).
    pub fn bounds(self, replicas: u32) -> (u32, u32) {
        match self {
            Strategy::RollingUpdate {
                max_surge,
                max_unavailable,
            } => {
                let surge = max_surge.of(replicas, true);
                let unavailable = max_unavailable.of(replicas, false).min(replicas);
                if surge == 0 && unavailable == 0 {
                    (0, 1)
                } else {
                    (surge, unavailable)
                }
            }
            Strategy::Recreate => (0, replicas),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Strategy::RollingUpdate { .. } => "RollingUpdate",
            Strategy::Recreate => "Recreate",
        }
    }
}

/// A Deployment's rollout settings (Kubernetes' defaults) and where its rollout stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rollout {
    pub strategy: Strategy,
    pub min_ready_seconds: u64,
    pub progress_deadline_seconds: u64,
    pub revision_history_limit: u32,
    pub paused: bool,
    /// `metadata.annotations` (CHANGE-CAUSE lives here).
    pub annotations: Labels,
    /// When the rollout last moved (a ReplicaSet scaled, a new pod became ready).
    pub progress_at: Tick,
    /// Ready pods of the newest ReplicaSet at the last look (progress is any increase).
    pub ready_new: usize,
    /// `Progressing=False, reason ProgressDeadlineExceeded`.
    pub timed_out: bool,
}

impl Default for Rollout {
    fn default() -> Self {
        Rollout {
            strategy: Strategy::default(),
            min_ready_seconds: 0,
            progress_deadline_seconds: 600,
            revision_history_limit: 10,
            paused: false,
            annotations: Labels::new(),
            progress_at: 0,
            ready_new: 0,
            timed_out: false,
        }
    }
}

impl std::fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntOrPercent::Int(n) => write!(f, "{n}"),
            IntOrPercent::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// The strategy lines of `kubectl describe deployment`.
pub fn describe_strategy(r: &Rollout) -> String {
    let mut out = format!(
        "StrategyType:           {}\nMinReadySeconds:        {}\n",
        r.strategy.name(),
        r.min_ready_seconds
    );
    if let Strategy::RollingUpdate {
        max_surge,
        max_unavailable,
    } = r.strategy
    {
        out.push_str(&format!(
            "RollingUpdateStrategy:  {max_unavailable} max unavailable, {max_surge} max surge\n"
        ));
    }
    out
}

impl Rollout {
    /// The same settings and annotations (what `apply` compares), whatever the progress.
    pub fn same_settings(&self, other: &Rollout) -> bool {
        self.strategy == other.strategy
            && self.min_ready_seconds == other.min_ready_seconds
            && self.progress_deadline_seconds == other.progress_deadline_seconds
            && self.revision_history_limit == other.revision_history_limit
            && self.paused == other.paused
            && self.annotations == other.annotations
    }
}

impl Cluster {
    /// A pod counts as available when it is bound, its container started and runs (no waiting
    /// reason, its node reported the start),
    /// it is not going away, its node's kubelet still reports, and its readiness probe (if any)
    /// passed.
    pub fn pod_ready(&self, pod: &Pod) -> bool {
        !pod.terminating
            && pod.waiting_reason.is_none()
            && pod.last_exit.is_none()
            && pod.running
            && pod.container.is_some()
            && pod.phase == super::objects::Phase::Running
            && pod.node.is_some_and(|n| self.nodes[n as usize].heartbeat)
            && pod.probe.as_ref().is_none_or(|p| p.ready)
    }

    /// (pods not terminating, ready pods) of a ReplicaSet.
    pub fn replicaset_counts(&self, rs: &super::objects::ReplicaSet) -> (usize, usize) {
        let Some((set, live)) = self.owned.get(&rs.key()) else {
            return (0, 0);
        };
        let key = rs.key();
        let ready = self.available_pods(&key, self.min_ready_of(&key));
        // The kept count must be the walk it replaces (tests have small ReplicaSets).
        if cfg!(debug_assertions) && set.len() <= 256 {
            let walked = set
                .iter()
                .filter_map(|id| self.pods.get(id))
                .filter(|p| self.pod_available(p))
                .count();
            assert_eq!(ready, walked, "ready pods of {key:?}");
        }
        (*live, ready)
    }

    /// A Deployment's ReplicaSets, newest revision last.
    pub fn replicasets_of(
        &self,
        d: &super::objects::Deployment,
    ) -> Vec<&super::objects::ReplicaSet> {
        let key = d.key();
        let mut list: Vec<&super::objects::ReplicaSet> = self
            .replicasets
            .values()
            .filter(|r| r.owner.as_ref() == Some(&key))
            .collect();
        crate::order::sort_by_key(&mut list, |r| r.revision);
        list
    }

    /// When a rollout next needs the clock (a pull or a crashed container to retry, a progress
    /// deadline to pass).
    pub fn rollout_due(&self) -> Option<Tick> {
        // A failed pull shows ErrImagePull for a while, then ImagePullBackOff until the retry.
        let retry = self
            .backoff
            .iter()
            .map(|(id, b)| {
                let erring = self
                    .pods
                    .get(id)
                    .is_some_and(|p| p.waiting_reason.as_deref() == Some("ErrImagePull"));
                if erring {
                    b.retry_at.min(b.failed_at + ERR_IMAGE_PULL_MS)
                } else {
                    b.retry_at
                }
            })
            .min();
        let deadline = self
            .deployments
            .values()
            .filter(|d| !d.rollout.timed_out && !d.rollout.paused && !self.rollout_complete(d))
            .map(|d| d.rollout.progress_at + d.rollout.progress_deadline_seconds * 1000)
            .min();
        [
            retry,
            deadline,
            self.crashloop_due(),
            self.relist_due(),
            self.probe_due(),
        ]
        .into_iter()
        .flatten()
        .min()
    }
}
