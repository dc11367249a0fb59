//! A Kubernetes cluster, modelled in the core: nodes, Pods, ReplicaSets and Deployments with
//! their controllers, the ownership graph, a scheduler that keeps its decisions, and events.
//!
//! Pure and deterministic: no I/O, time comes in as a [`Tick`], randomness from the World's
//! seeded RNG passed in. What the nodes' kubelets must do (start a pod's container, stop or
//! remove one) is queued as [`KubeletAction`]s for the World, which runs them on the node's
//! docker engine (each node is one of the World's hosts).

pub mod controllers;
pub mod dns;
pub mod events;
pub mod labels;
pub mod manifest;
pub mod names;
pub mod node;
pub mod objects;
pub mod owners;
pub mod print;
pub mod probe;
pub mod quantity;
pub mod rollout;
pub mod scheduler;
pub mod services;
mod slots;
pub mod store;
mod store_events;
pub(crate) mod store_pod;
pub mod store_service;
mod store_sync;
mod store_values;
pub mod what_if;
mod workloads;
mod yaml;

pub use workloads::valid_name;

use crate::event::Tick;
use events::KubeEvent;
use labels::Labels;
use node::Node;
use objects::{Deployment, ObjectKey, Pod, PodId, ReplicaSet, Resources};
use owners::Owners;
use rand_core::RngCore;
use scheduler::decision::Decision;
use scheduler::scores::Strategy;
use scheduler::Scheduler;
use std::collections::BTreeMap;

/// The node monitor grace period: a node that has not posted its status for this long is
/// `NotReady` (50 s since Kubernetes 1.32).
pub const NODE_GRACE_MS: Tick = 50_000;
/// The default `tolerationSeconds` for `node.kubernetes.io/unreachable`: pods stay this long
/// on a NotReady node before they are evicted.
pub const EVICTION_MS: Tick = 300_000;

/// How much history of writes the store keeps: kube-apiserver has etcd compacted every 5
/// minutes (`--etcd-compaction-interval`).
pub const COMPACTION_MS: Tick = 300_000;

/// What a node's kubelet must do, queued for the World.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KubeletAction {
    /// Create and start the pod's container on its node.
    Run(PodId),
    /// Start the pod's existing container again (its node came back).
    Restart(PodId),
    /// Stop a container (its node failed): no restart until the node recovers.
    Stop { node: String, container: String },
    /// Remove a container (its pod is gone).
    Remove { node: String, container: String },
    /// Run the pod's readiness probe and give its result to [`Cluster::probe_result`].
    Probe(PodId),
    /// Stop the pod's exec probe that outlasted its timeoutSeconds (a failure).
    ProbeTimedOut(PodId),
}

/// Why a cluster operation was refused (kubectl's words).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ClusterError(pub String);

#[derive(Clone, Default)]
pub struct Cluster {
    nodes: Vec<Node>,
    node_index: BTreeMap<String, u32>,
    /// Tracked: the ready pods per ReplicaSet are brought up to date from the changed ones.
    pods: slots::Tracked<Pod>,
    ready: std::cell::RefCell<rollout::available::ReadyPods>,
    /// The pods bound to each node (by node index).
    by_node: Vec<std::collections::BTreeSet<PodId>>,
    /// Per owner (ReplicaSet), its pods and how many of them are not terminating.
    owned: BTreeMap<ObjectKey, (std::collections::BTreeSet<PodId>, usize)>,
    pod_index: names::PodNames,
    /// The pods carrying each label (a Service's endpoints are found among them).
    by_label: services::PodsByLabel,
    replicasets: BTreeMap<(String, String), ReplicaSet>,
    deployments: BTreeMap<(String, String), Deployment>,
    owners: Owners,
    scheduler: Scheduler,
    decisions: slots::Slots<Decision>,
    events: Vec<KubeEvent>,
    /// Events before this index have been handed to the World's trace.
    events_taken: usize,
    kubelet: Vec<KubeletAction>,
    next_pod: PodId,
    /// Pods whose image pull failed, with the kubelet's back-off.
    backoff: BTreeMap<PodId, rollout::backoff::Backoff>,
    /// Pods whose container exited, with the kubelet's restart back-off.
    crashes: BTreeMap<PodId, rollout::crashloop::CrashBackoff>,
    /// Pods whose container started and may still end at once, with when it started.
    starting: BTreeMap<PodId, Tick>,
    /// Pods that were given a readiness probe state, so the kubelets' probe pass and its
    /// wake-up look at these, not at every pod of a large cluster.
    probed: std::collections::BTreeSet<PodId>,
    /// Pods whose readiness probe changed their READY since the World last looked (name, ready).
    readiness_changes: Vec<(String, bool)>,
    /// When the controllers last ran (what minReadySeconds is measured against).
    clock: Tick,
    services: services::Services,
    /// The etcd-like store the cluster's objects are written through to.
    store: store::Store,
    /// What the last write-through to the store left (so the next looks only at changes).
    store_index: store_sync::StoreIndex,
}

impl Cluster {
    pub fn new(strategy: Strategy) -> Cluster {
        Cluster {
            scheduler: Scheduler::new(strategy),
            ..Cluster::default()
        }
    }

    // ---- read accessors (for kubectl, the pictures and the lessons) ----

    /// The nodes, in the order they joined (each with capacity, requested and pod count).
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn node(&self, name: &str) -> Option<&Node> {
        self.node_index.get(name).map(|&i| &self.nodes[i as usize])
    }

    /// Every pod, in creation order (each with its node, phase, owner and IP).
    pub fn pods(&self) -> impl DoubleEndedIterator<Item = &Pod> {
        self.pods.values()
    }

    pub fn pod(&self, namespace: &str, name: &str) -> Option<&Pod> {
        self.pod_index
            .get(namespace, name)
            .and_then(|id| self.pods.get(&id))
    }

    pub fn pod_by_id(&self, id: PodId) -> Option<&Pod> {
        self.pods.get(&id)
    }

    pub(crate) fn pod_mut(&mut self, id: PodId) -> Option<&mut Pod> {
        self.pods.get_mut(&id)
    }

    /// The pods bound to node number `index`, in creation order.
    pub fn pods_on(&self, index: u32) -> impl Iterator<Item = &Pod> {
        self.by_node
            .get(index as usize)
            .into_iter()
            .flatten()
            .filter_map(|id| self.pods.get(id))
    }

    /// The name of the node a pod is bound to.
    pub fn node_of(&self, pod: &Pod) -> Option<&str> {
        pod.node.map(|i| self.nodes[i as usize].name.as_str())
    }

    /// Where pod `id`'s container is: its node's name and the container's ID on that node's
    /// engine (none before the kubelet made it).
    pub fn pod_container(&self, id: PodId) -> Option<(String, String)> {
        let pod = self.pods.get(&id)?;
        Some((self.node_of(pod)?.to_string(), pod.container.clone()?))
    }

    pub fn replicasets(&self) -> impl Iterator<Item = &ReplicaSet> {
        self.replicasets.values()
    }

    pub fn deployments(&self) -> impl Iterator<Item = &Deployment> {
        self.deployments.values()
    }

    pub fn deployment(&self, namespace: &str, name: &str) -> Option<&Deployment> {
        self.deployments
            .get(&(namespace.to_string(), name.to_string()))
    }

    /// What `owner` owns directly (a Deployment's ReplicaSets, a ReplicaSet's pods), in name
    /// order.
    pub fn dependents(&self, owner: &ObjectKey) -> Vec<ObjectKey> {
        let mut out: Vec<ObjectKey> = self.owners.dependents(owner).into_iter().cloned().collect();
        if let Some((set, _)) = self.owned.get(owner) {
            out.extend(set.iter().filter_map(|id| self.pods.get(id)).map(Pod::key));
        }
        crate::order::sort(&mut out);
        out
    }

    /// The scheduler's last decision for a pod.
    pub fn decision(&self, pod: PodId) -> Option<&Decision> {
        self.decisions.get(&pod)
    }

    /// Every event so far, oldest first.
    pub fn events(&self) -> &[KubeEvent] {
        &self.events
    }

    pub fn strategy(&self) -> Strategy {
        self.scheduler.strategy
    }

    /// Pods waiting for a node.
    pub fn pending(&self) -> usize {
        self.scheduler.queue.len()
    }

    // ---- what the World takes ----

    /// Events not yet recorded in the World's trace.
    pub(crate) fn take_events(&mut self) -> Vec<KubeEvent> {
        let new = self.events[self.events_taken..].to_vec();
        self.events_taken = self.events.len();
        new
    }

    /// The pods a readiness probe made ready or unready since the last call, in order.
    pub(crate) fn take_readiness_changes(&mut self) -> Vec<(String, bool)> {
        std::mem::take(&mut self.readiness_changes)
    }

    /// The kubelets' work queued since the last call.
    pub(crate) fn take_kubelet(&mut self) -> Vec<KubeletAction> {
        std::mem::take(&mut self.kubelet)
    }

    pub(crate) fn event(
        &mut self,
        at: Tick,
        warning: bool,
        reason: &'static str,
        object: String,
        source: &'static str,
        message: String,
    ) {
        self.events.push(KubeEvent {
            at,
            warning,
            reason,
            object,
            namespace: String::new(),
            source,
            message,
        });
    }

    // ---- nodes ----

    /// Adds a node (its kubelet registers at once and is Ready).
    pub fn add_node(
        &mut self,
        name: &str,
        capacity: Resources,
        labels: Labels,
        now: Tick,
    ) -> Result<&Node, ClusterError> {
        if self.node_index.contains_key(name) {
            return Err(ClusterError(format!(
                "Error from server (AlreadyExists): nodes \"{name}\" already exists"
            )));
        }
        let index = self.nodes.len() as u32;
        let mut labels = labels;
        labels.insert("kubernetes.io/hostname".into(), name.into());
        labels.insert("kubernetes.io/os".into(), "linux".into());
        self.nodes
            .push(Node::new(name, index, capacity, labels, now));
        self.by_node.push(Default::default());
        self.node_index.insert(name.into(), index);
        self.scheduler.touch(index);
        self.event(
            now,
            false,
            "RegisteredNode",
            format!("node/{name}"),
            "node-controller",
            format!("Node {name} event: Registered Node {name} in Controller"),
        );
        Ok(&self.nodes[index as usize])
    }

    pub(crate) fn node_index_of(&self, name: &str) -> Result<u32, ClusterError> {
        self.node_index.get(name).copied().ok_or_else(|| {
            ClusterError(format!(
                "Error from server (NotFound): nodes \"{name}\" not found"
            ))
        })
    }

    /// `kubectl cordon` / `uncordon`; false if it already was so.
    pub fn set_unschedulable(
        &mut self,
        name: &str,
        on: bool,
        now: Tick,
    ) -> Result<bool, ClusterError> {
        let i = self.node_index_of(name)?;
        let node = &mut self.nodes[i as usize];
        if node.unschedulable == on {
            return Ok(false);
        }
        node.unschedulable = on;
        self.scheduler.touch(i);
        let (reason, message) = if on {
            (
                "NodeNotSchedulable",
                format!("Node {name} status is now: NodeNotSchedulable"),
            )
        } else {
            (
                "NodeSchedulable",
                format!("Node {name} status is now: NodeSchedulable"),
            )
        };
        self.event(
            now,
            false,
            reason,
            format!("node/{name}"),
            "kubelet",
            message,
        );
        Ok(true)
    }

    /// `kubectl label node NAME k=v` (or `k-` to remove).
    pub fn label_node(
        &mut self,
        name: &str,
        key: &str,
        value: Option<&str>,
    ) -> Result<(), ClusterError> {
        let i = self.node_index_of(name)?;
        let labels = &mut self.nodes[i as usize].labels;
        match value {
            Some(v) => labels.insert(key.into(), v.into()),
            None => labels.remove(key),
        };
        self.scheduler.touch(i);
        Ok(())
    }

    /// Adds a taint to a node (`kubectl taint`).
    pub fn taint_node(&mut self, name: &str, taint: node::Taint) -> Result<(), ClusterError> {
        let i = self.node_index_of(name)?;
        let taints = &mut self.nodes[i as usize].taints;
        if !taints.contains(&taint) {
            taints.push(taint);
        }
        self.scheduler.touch(i);
        Ok(())
    }

    /// Chooses how nodes are picked from now on.
    pub fn set_strategy(&mut self, strategy: Strategy) {
        self.scheduler.set_strategy(strategy);
    }

    /// Schedules every pending pod (the scheduler's loop over its queue).
    pub fn schedule_pending(&mut self, now: Tick, rng: &mut dyn RngCore) {
        controllers::schedule_pending(self, now, rng);
    }
}
