//! The API objects: Pods, ReplicaSets and Deployments, and the pod template they share.

use super::labels::{Labels, Selector};
use crate::event::Tick;
use serde::Serialize;

/// CPU (millicores) and memory (bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Resources {
    pub cpu_m: u64,
    pub memory: u64,
}

impl Resources {
    pub fn add(&mut self, other: Resources) {
        self.cpu_m += other.cpu_m;
        self.memory += other.memory;
    }

    pub fn sub(&mut self, other: Resources) {
        self.cpu_m = self.cpu_m.saturating_sub(other.cpu_m);
        self.memory = self.memory.saturating_sub(other.memory);
    }

    /// kube-scheduler's non-zero requests for scoring: 100m and 200Mi stand in for nothing.
    pub fn nonzero(self) -> Resources {
        Resources {
            cpu_m: if self.cpu_m == 0 { 100 } else { self.cpu_m },
            memory: if self.memory == 0 {
                200 << 20
            } else {
                self.memory
            },
        }
    }
}

/// A toleration: `key`/`value`/`effect` as in a pod spec (`operator: Exists` when value is None).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Toleration {
    pub key: String,
    pub value: Option<String>,
    /// Empty: every effect.
    pub effect: String,
    /// How long a `NoExecute` taint is tolerated (None: for ever).
    pub seconds: Option<u64>,
}

impl Toleration {
    pub fn tolerates(&self, taint: &super::node::Taint) -> bool {
        (self.key.is_empty() || self.key == taint.key)
            && (self.effect.is_empty() || self.effect == taint.effect)
            && self.value.as_ref().is_none_or(|v| *v == taint.value)
    }
}

/// One container of a pod template.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ContainerTemplate {
    pub name: String,
    pub image: String,
    /// Replaces the image's entrypoint and command when not empty.
    pub command: Vec<String>,
    pub requests: Resources,
    pub limits: Resources,
    /// Its `readinessProbe` (None: ready once running); left out of the pod-template-hash
    /// when absent so templates without one hash as before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readiness: Option<super::probe::Probe>,
}

/// What a pod is made from (a Deployment's `.spec.template`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct PodTemplate {
    pub labels: Labels,
    pub containers: Vec<ContainerTemplate>,
    pub node_selector: Labels,
    pub tolerations: Vec<Toleration>,
    /// `spec.nodeName`: bound there without the scheduler's choice of node.
    pub node_name: Option<String>,
    /// `metadata.annotations` of the template (`kubectl rollout restart` sets one); left out of
    /// the pod-template-hash when empty so templates without any hash as before.
    #[serde(skip_serializing_if = "Labels::is_empty")]
    pub annotations: Labels,
}

impl PodTemplate {
    /// One container named after the image (`kubectl create deployment`'s shape).
    pub fn single(name: &str, image: &str, labels: Labels) -> PodTemplate {
        PodTemplate {
            labels,
            containers: vec![ContainerTemplate {
                name: name.into(),
                image: image.into(),
                command: Vec::new(),
                requests: Resources::default(),
                limits: Resources::default(),
                readiness: None,
            }],
            ..PodTemplate::default()
        }
    }

    /// The sum of its containers' requests (what NodeResourcesFit checks).
    pub fn requests(&self) -> Resources {
        let mut total = Resources::default();
        for c in &self.containers {
            total.add(c.requests);
        }
        total
    }
}

/// A reference to an object of the cluster (its kind and name in its namespace).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectKey {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Kind {
    Deployment,
    ReplicaSet,
    Pod,
}

impl Kind {
    /// How kubectl writes it in `kind/name` (`pod/web-1`, `replicaset/web-5d4f`).
    pub fn lower(self) -> &'static str {
        match self {
            Kind::Deployment => "deployment",
            Kind::ReplicaSet => "replicaset",
            Kind::Pod => "pod",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Deployment => "Deployment",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::Pod => "Pod",
        }
    }
}

/// A pod's place in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Phase {
    /// Not bound to a node yet, or its container not started yet.
    Pending,
    Running,
    Succeeded,
    Failed,
}

/// Index of a pod in the cluster (creation order; never reused).
pub type PodId = u64;

#[derive(Clone, Debug)]
pub struct Pod {
    pub id: PodId,
    pub name: String,
    pub namespace: String,
    pub uid: String,
    /// Its spec (labels included), shared with the other pods its ReplicaSet made at once.
    pub spec: std::rc::Rc<PodTemplate>,
    /// Its controller (a ReplicaSet), if any.
    pub owner: Option<ObjectKey>,
    /// The node it is bound to (index into the cluster's nodes).
    pub node: Option<u32>,
    pub phase: Phase,
    /// Its address, from its node's pod range, once bound.
    pub ip: Option<String>,
    pub created: Tick,
    /// Marked for deletion but not yet confirmed by its node's kubelet (`Terminating`).
    pub terminating: bool,
    /// When it was marked for deletion (`metadata.deletionTimestamp`).
    pub deleted_at: Option<Tick>,
    /// The container on its node's engine, once the kubelet made it.
    pub container: Option<String>,
    /// Why it could not start (`ErrImagePull`), shown as its STATUS.
    pub waiting_reason: Option<String>,
    /// The last FailedScheduling message, so a pod that keeps failing for the same reason
    /// gets one event, not one per attempt.
    pub last_failure: Option<String>,
    /// How often the kubelet started its container again (RESTARTS).
    pub restarts: u32,
    /// The exit code of its container while it waits to be restarted.
    pub last_exit: Option<i32>,
    /// Its node reported the container started and it has not ended since (a container
    /// asked to start is not ready yet: it may end at once).
    pub running: bool,
    /// Since when it is ready (its container reported running), for minReadySeconds.
    pub ready_since: Option<crate::event::Tick>,
    /// Its readiness probe's progress while its container runs (None without a probe).
    pub probe: Option<super::rollout::readiness::ProbeState>,
}

impl Pod {
    pub fn labels(&self) -> &Labels {
        &self.spec.labels
    }

    pub fn key(&self) -> ObjectKey {
        ObjectKey {
            kind: Kind::Pod,
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }

    /// kubectl's STATUS column.
    pub fn status(&self) -> String {
        if self.terminating {
            return "Terminating".into();
        }
        if let Some(reason) = &self.waiting_reason {
            return reason.clone();
        }
        if let Some(code) = self.last_exit {
            return if code == 0 { "Completed" } else { "Error" }.into();
        }
        match (self.phase, self.node) {
            (Phase::Pending, Some(_)) => "ContainerCreating".into(),
            (Phase::Pending, None) => "Pending".into(),
            (Phase::Running, _) => "Running".into(),
            (Phase::Succeeded, _) => "Completed".into(),
            (Phase::Failed, _) => "Error".into(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ReplicaSet {
    pub name: String,
    pub namespace: String,
    pub uid: String,
    pub selector: Selector,
    pub replicas: u32,
    pub template: PodTemplate,
    /// `pod-template-hash`: the label its pods carry and the middle of their names.
    pub template_hash: String,
    pub owner: Option<ObjectKey>,
    pub created: Tick,
    /// `deployment.kubernetes.io/revision`.
    pub revision: u32,
    /// `kubernetes.io/change-cause`, copied from its Deployment.
    pub change_cause: Option<String>,
}

impl ReplicaSet {
    pub fn key(&self) -> ObjectKey {
        ObjectKey {
            kind: Kind::ReplicaSet,
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Deployment {
    pub name: String,
    pub namespace: String,
    pub uid: String,
    pub labels: Labels,
    pub selector: Selector,
    pub replicas: u32,
    pub template: PodTemplate,
    pub created: Tick,
    /// Strategy, limits and progress of its rollouts.
    pub rollout: super::rollout::Rollout,
}

impl Deployment {
    pub fn key(&self) -> ObjectKey {
        ObjectKey {
            kind: Kind::Deployment,
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }
}
