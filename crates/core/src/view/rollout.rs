//! A Deployment's rollouts over time, for the rollout picture: after each event that moved its
//! pods, how many belong to the new ReplicaSet and how many to the old ones, ready or not.
//!
//! The cluster keeps only the present, so the past is read back from the kept trace: which
//! ReplicaSet made a pod (`SuccessfulCreate`), when its container started, exited or went, when
//! a readiness probe made it ready or unready (`PodReadiness`), and which ReplicaSet the Deployment scaled up last (the rollout's target, also after an undo).
//! Only reads; costs one pass over the trace, so fronts should take it once per command.

use crate::event::{EventKind, Tick};
use crate::World;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Points kept per Deployment (the newest).
pub const MAX_POINTS: usize = 160;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RolloutView {
    pub deployment: String,
    pub replicas: u32,
    /// replicas + maxSurge: the most pods a rolling update may have at once.
    pub max_pods: u32,
    /// replicas − maxUnavailable: the fewest ready pods it may keep.
    pub min_ready: u32,
    /// `RollingUpdate` or `Recreate`.
    pub strategy: String,
    /// `complete`, `progressing`, `stalled` (ProgressDeadlineExceeded) or `paused`.
    pub status: &'static str,
    /// Why the newest ReplicaSet's pods wait (`ImagePullBackOff`), if some do.
    pub waiting: Option<String>,
    /// The newest ReplicaSet's image(s), as in its template.
    pub image: String,
    /// Oldest first, at most [`MAX_POINTS`].
    pub points: Vec<RolloutPoint>,
}

/// The Deployment's pods right after one event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RolloutPoint {
    /// The event's position in the trace.
    pub seq: u64,
    pub at: Tick,
    pub old_ready: u32,
    pub old_unready: u32,
    pub new_ready: u32,
    pub new_unready: u32,
}

#[derive(Clone)]
struct PodState {
    replicaset: usize,
    live: bool,
    ready: bool,
    node: String,
}

/// One Deployment's pods as the trace tells them.
struct Tracker {
    replicasets: BTreeMap<String, usize>,
    /// Each ReplicaSet's pod labels (what `delete pods -l` selects by), by index.
    labels: Vec<crate::cluster::labels::Labels>,
    /// Whether each ReplicaSet's pods have a readiness probe (then they are ready only after a
    /// `PodReadiness` event, not when their container starts).
    probed: Vec<bool>,
    pods: BTreeMap<String, PodState>,
    /// Live pods per ReplicaSet, [unready, ready], kept with `pods` so a point costs a sum over
    /// ReplicaSets, not a pass over thousands of pods after each event.
    live: Vec<[u32; 2]>,
    /// The ReplicaSet last scaled up.
    newest: Option<usize>,
}

/// Counts `state` in (or, `add` false, out of) its ReplicaSet's live tally.
fn tally(live: &mut [[u32; 2]], replicaset: usize, alive: bool, ready: bool, add: bool) {
    if let Some(slot) = live.get_mut(replicaset).filter(|_| alive) {
        let n = &mut slot[usize::from(ready)];
        *n = if add { *n + 1 } else { n.saturating_sub(1) };
    }
}

impl Tracker {
    fn counts(&self, seq: u64, at: Tick) -> RolloutPoint {
        let mut p = RolloutPoint {
            seq,
            at,
            ..RolloutPoint::default()
        };
        for (replicaset, [unready, ready]) in self.live.iter().enumerate() {
            if Some(replicaset) == self.newest {
                p.new_ready += ready;
                p.new_unready += unready;
            } else {
                p.old_ready += ready;
                p.old_unready += unready;
            }
        }
        p
    }

    /// Applies one event; true when it concerned this Deployment.
    fn apply(&mut self, deployment: &str, kind: &EventKind) -> bool {
        match kind {
            EventKind::KubeEvent {
                reason,
                object,
                message,
                ..
            } => self.kube(deployment, reason, object, message),
            // The kubelet makes and runs the container in one go: ready at once unless the
            // pod waits for its readiness probe to pass.
            EventKind::ContainerCreated { name, .. } | EventKind::ContainerStarted { name, .. } => {
                let probed = |rs: usize| self.probed.get(rs).copied().unwrap_or(false);
                let state = pod_of(name).and_then(|pod| self.pods.get(pod));
                let ready = state.is_some_and(|s| !probed(s.replicaset));
                self.set(name, |s| {
                    s.live = true;
                    s.ready = ready;
                })
            }
            EventKind::PodReadiness { pod, ready } => match self.pods.get_mut(pod) {
                Some(state) if state.live && state.ready != *ready => {
                    tally(&mut self.live, state.replicaset, true, state.ready, false);
                    state.ready = *ready;
                    tally(&mut self.live, state.replicaset, true, state.ready, true);
                    true
                }
                _ => false,
            },
            EventKind::ContainerExited { name, .. } => self.set(name, |s| s.ready = false),
            EventKind::ContainerRemoved { name, .. } => self.set(name, |s| {
                s.live = false;
                s.ready = false;
            }),
            EventKind::Command { line } => self.deleted(line),
            _ => false,
        }
    }

    /// `kubectl delete pod(s) NAME...|-l k=v|--all` and `kubectl drain NODE` take pods away at
    /// once (Terminating pods are not counted), before the events of their replacements.
    fn deleted(&mut self, line: &str) -> bool {
        let words: Vec<&str> = line
            .split_whitespace()
            .map(|w| w.trim_matches(|c| c == '\'' || c == '"'))
            .collect();
        let gone: Vec<String> = match words.as_slice() {
            ["kubectl", "delete", "pod" | "pods" | "po", rest @ ..] => {
                let selector = rest
                    .iter()
                    .position(|w| *w == "-l" || *w == "--selector")
                    .and_then(|i| rest.get(i + 1));
                let all = rest.contains(&"--all");
                self.pods
                    .iter()
                    .filter(|(name, state)| {
                        all || rest.contains(&name.as_str())
                            || selector.is_some_and(|sel| {
                                let Some(labels) = self.labels.get(state.replicaset) else {
                                    return false;
                                };
                                sel.split(',').all(|kv| {
                                    kv.split_once('=').is_some_and(|(k, v)| {
                                        labels.get(k).map(String::as_str) == Some(v)
                                    })
                                })
                            })
                    })
                    .map(|(name, _)| name.clone())
                    .collect()
            }
            ["kubectl", "drain", node, ..] => self
                .pods
                .iter()
                .filter(|(_, state)| state.node == *node)
                .map(|(name, _)| name.clone())
                .collect(),
            _ => return false,
        };
        let mut changed = false;
        for pod in gone {
            changed |= self.gone(&pod);
        }
        changed
    }

    fn kube(&mut self, deployment: &str, reason: &str, object: &str, message: &str) -> bool {
        match reason {
            "ScalingReplicaSet" if object.strip_prefix("deployment/") == Some(deployment) => {
                let rs = message
                    .strip_prefix("Scaled up replica set ")
                    .and_then(|rest| rest.split(' ').next())
                    .and_then(|name| self.replicasets.get(name));
                if let Some(&rs) = rs {
                    self.newest = Some(rs);
                    return true;
                }
                false
            }
            "SuccessfulCreate" => {
                let rs = object
                    .strip_prefix("replicaset/")
                    .and_then(|name| self.replicasets.get(name));
                match (rs, message.strip_prefix("Created pod: ")) {
                    (Some(&replicaset), Some(pod)) => {
                        let state = PodState {
                            replicaset,
                            live: true,
                            ready: false,
                            node: String::new(),
                        };
                        tally(&mut self.live, replicaset, true, false, true);
                        if let Some(old) = self.pods.insert(pod.to_string(), state) {
                            tally(&mut self.live, old.replicaset, old.live, old.ready, false);
                        }
                        true
                    }
                    _ => false,
                }
            }
            "Scheduled" => {
                // `Successfully assigned NS/POD to NODE`
                let placed = message
                    .strip_prefix("Successfully assigned ")
                    .and_then(|rest| rest.split_once(" to "));
                if let Some((pod, node)) = placed {
                    let pod = pod.rsplit('/').next().unwrap_or(pod);
                    if let Some(state) = self.pods.get_mut(pod) {
                        state.node = node.to_string();
                    }
                }
                false
            }
            "SuccessfulDelete" => match message.strip_prefix("Deleted pod: ") {
                Some(pod) => self.gone(pod),
                None => false,
            },
            "TaintManagerEviction" => match object.strip_prefix("pod/") {
                Some(pod) => self.gone(pod),
                None => false,
            },
            _ => false,
        }
    }

    fn gone(&mut self, pod: &str) -> bool {
        match self.pods.remove(pod) {
            Some(s) => {
                tally(&mut self.live, s.replicaset, s.live, s.ready, false);
                s.live
            }
            None => false,
        }
    }

    /// Changes the pod a container belongs to.
    fn set(&mut self, container: &str, change: impl Fn(&mut PodState)) -> bool {
        let Some(pod) = pod_of(container) else {
            return false;
        };
        match self.pods.get_mut(pod) {
            Some(state) => {
                let before = (state.live, state.ready);
                tally(
                    &mut self.live,
                    state.replicaset,
                    state.live,
                    state.ready,
                    false,
                );
                change(state);
                tally(
                    &mut self.live,
                    state.replicaset,
                    state.live,
                    state.ready,
                    true,
                );
                before != (state.live, state.ready)
            }
            None => false,
        }
    }
}

/// The pod a kubelet's container belongs to (`k8s_<container>_<pod>_<ns>_<uid>_<n>`).
fn pod_of(container: &str) -> Option<&str> {
    container
        .strip_prefix("k8s_")
        .and_then(|rest| rest.split('_').nth(1))
}

/// Every Deployment's rollout history, in the Deployments' order; empty without a cluster.
/// One pass over the whole trace: a front that asks after every command keeps a [`Rollouts`].
pub fn rollouts(world: &World) -> Vec<RolloutView> {
    Rollouts::default().update(world)
}

/// Rollout histories kept between calls, so each call reads only the events recorded since the
/// last one (a trace only grows): a command then costs its own events, not the whole trace.
/// Keep one per World (a replayed World needs a new one); the views equal [`rollouts`]'.
#[derive(Default)]
pub struct Rollouts {
    /// Events already read.
    read: usize,
    /// By Deployment name.
    kept: BTreeMap<String, Kept>,
}

/// One Deployment's history so far.
struct Kept {
    /// Its ReplicaSets' names when last read, in the tracker's order (by revision).
    names: Vec<String>,
    tracker: Tracker,
    points: Vec<RolloutPoint>,
}

impl Rollouts {
    /// The rollouts now, as [`rollouts`] computes them, reading only the new events.
    pub fn update(&mut self, world: &World) -> Vec<RolloutView> {
        let events = world.events();
        if events.len() < self.read {
            // Not the World this was kept for.
            self.kept.clear();
            self.read = 0;
        }
        let Some(cluster) = world.cluster() else {
            self.kept.clear();
            self.read = events.len();
            return Vec::new();
        };
        let mut kept = BTreeMap::new();
        let views = cluster
            .deployments()
            .map(|d| {
                let sets = cluster.replicasets_of(d);
                let going_on = self.kept.remove(&d.name).filter(|k| k.leads_to(&sets));
                let from = if going_on.is_some() { self.read } else { 0 };
                let mut state = going_on.unwrap_or_else(Kept::new);
                state.read(&d.name, &sets, events.get(from..).unwrap_or_default());
                let view = view(cluster, d, &sets, &state);
                kept.insert(d.name.clone(), state);
                view
            })
            .collect();
        self.kept = kept;
        self.read = events.len();
        views
    }
}

/// What makes two points the same picture.
fn counts(p: &RolloutPoint) -> [u32; 4] {
    [p.old_ready, p.old_unready, p.new_ready, p.new_unready]
}

impl Kept {
    fn new() -> Kept {
        Kept {
            names: Vec::new(),
            tracker: Tracker {
                replicasets: BTreeMap::new(),
                labels: Vec::new(),
                probed: Vec::new(),
                pods: BTreeMap::new(),
                live: Vec::new(),
                newest: None,
            },
            points: Vec::new(),
        }
    }

    /// Going on from here is the same as starting again only when the ReplicaSets it knew are
    /// still the Deployment's first ones, in the same order (a rollback reorders them: then
    /// the whole trace is read once more).
    fn leads_to(&self, sets: &[&crate::cluster::objects::ReplicaSet]) -> bool {
        self.names.len() <= sets.len() && self.names.iter().zip(sets).all(|(n, rs)| *n == rs.name)
    }

    /// Takes the ReplicaSets it does not know yet, then `events`.
    fn read(
        &mut self,
        deployment: &str,
        sets: &[&crate::cluster::objects::ReplicaSet],
        events: &[crate::Event],
    ) {
        for rs in sets.get(self.names.len()..).unwrap_or_default() {
            self.tracker.add(rs);
            self.names.push(rs.name.clone());
        }
        for event in events {
            if self.tracker.apply(deployment, &event.kind) {
                let point = self.tracker.counts(event.seq, event.at);
                // Only changes in the counts make a new point.
                if self.points.last().map(counts) != Some(counts(&point)) {
                    self.points.push(point);
                }
            }
        }
        if self.points.len() > MAX_POINTS {
            self.points.drain(..self.points.len() - MAX_POINTS);
        }
    }
}

impl Tracker {
    /// Knows one more ReplicaSet of the Deployment (the next in revision order).
    fn add(&mut self, rs: &crate::cluster::objects::ReplicaSet) {
        self.replicasets.insert(rs.name.clone(), self.labels.len());
        self.labels.push(rs.template.labels.clone());
        let first = rs.template.containers.first();
        self.probed
            .push(first.is_some_and(|c| c.readiness.is_some()));
        self.live.push([0, 0]);
    }
}

/// The picture's view of one Deployment: its history and what its ReplicaSets are now.
fn view(
    cluster: &crate::cluster::Cluster,
    d: &crate::cluster::objects::Deployment,
    sets: &[&crate::cluster::objects::ReplicaSet],
    state: &Kept,
) -> RolloutView {
    let newest = state
        .tracker
        .newest
        .and_then(|i| sets.get(i))
        .or(sets.last());
    let (surge, unavailable) = d.rollout.strategy.bounds(d.replicas);
    let waiting: BTreeSet<String> = newest
        .map(|rs| {
            let key = Some(rs.key());
            cluster
                .pods()
                .filter(|p| p.owner == key && !p.terminating)
                .filter_map(|p| p.waiting_reason.clone())
                .collect()
        })
        .unwrap_or_default();
    let status = if d.rollout.paused {
        "paused"
    } else if d.rollout.timed_out {
        "stalled"
    } else if cluster.rollout_complete(d) {
        "complete"
    } else {
        "progressing"
    };
    RolloutView {
        deployment: d.name.clone(),
        replicas: d.replicas,
        max_pods: d.replicas + surge,
        min_ready: d.replicas.saturating_sub(unavailable),
        strategy: d.rollout.strategy.name().to_string(),
        status,
        waiting: waiting.into_iter().next(),
        image: newest
            .map(|rs| {
                rs.template
                    .containers
                    .iter()
                    .map(|c| c.image.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        points: state.points.clone(),
    }
}
