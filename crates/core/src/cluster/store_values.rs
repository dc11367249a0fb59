//! The store's values: each object as the compact JSON kept under its key. Serialized from
//! borrowed structs straight into one reused buffer (no `serde_json::Value` tree per object),
//! because a sync visits every object: 150,000 pods in a large cluster. Fields are declared in
//! key order, so the bytes are those a sorted JSON map would give.

use super::labels::Labels;
use super::node::Node;
use super::node::Taint;
use super::objects::{Deployment, Pod, PodTemplate, ReplicaSet};
use super::print::{node_ip, Runtime, Runtimes};
use super::quantity::{format_cpu, format_memory};
use super::store_pod::{
    timestamp as rfc3339, ObjectMeta, OwnerReference, PodValue, RsAnnotations, SpecValue,
};
use super::Cluster;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct NodeMeta<'a> {
    #[serde(rename = "creationTimestamp")]
    creation_timestamp: String,
    labels: &'a Labels,
    name: &'a str,
}

#[derive(Serialize)]
struct NodeValue<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    kind: &'static str,
    metadata: NodeMeta<'a>,
    spec: NodeSpec<'a>,
    status: NodeStatus,
}

#[derive(Serialize)]
struct NodeSpec<'a> {
    #[serde(rename = "podCIDR")]
    pod_cidr: String,
    taints: Vec<TaintValue<'a>>,
    unschedulable: bool,
}

#[derive(Serialize)]
struct TaintValue<'a> {
    effect: &'a str,
    key: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct NodeStatus {
    addresses: [NodeAddress; 2],
    capacity: Capacity,
    conditions: [Condition; 1],
}

#[derive(Serialize)]
struct NodeAddress {
    address: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Capacity {
    cpu: String,
    memory: String,
    pods: String,
}

#[derive(Serialize)]
struct Condition {
    status: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct MatchLabels<'a> {
    #[serde(rename = "matchLabels")]
    match_labels: &'a Labels,
}

#[derive(Serialize)]
struct TemplateValue<'a> {
    metadata: TemplateMeta<'a>,
    spec: SpecValue<'a>,
}

#[derive(Serialize)]
struct TemplateMeta<'a> {
    #[serde(skip_serializing_if = "Labels::is_empty")]
    annotations: &'a Labels,
    labels: &'a Labels,
}

#[derive(Serialize)]
struct WorkloadSpec<'a> {
    #[serde(rename = "minReadySeconds", skip_serializing_if = "Option::is_none")]
    min_ready_seconds: Option<u64>,
    replicas: u32,
    selector: MatchLabels<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    strategy: Option<StrategyValue>,
    template: TemplateValue<'a>,
}

/// A Deployment's `spec.strategy`.
#[derive(Serialize)]
struct StrategyValue {
    #[serde(rename = "rollingUpdate", skip_serializing_if = "Option::is_none")]
    rolling_update: Option<RollingUpdateValue>,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct RollingUpdateValue {
    #[serde(rename = "maxSurge")]
    max_surge: serde_json::Value,
    #[serde(rename = "maxUnavailable")]
    max_unavailable: serde_json::Value,
}

/// `25%` as a string, `1` as a number (an IntOrString).
fn int_or_string(v: &impl std::fmt::Display) -> serde_json::Value {
    let text = v.to_string();
    match text.parse::<u64>() {
        Ok(n) => n.into(),
        Err(_) => text.into(),
    }
}

impl StrategyValue {
    fn of(s: &super::rollout::Strategy) -> StrategyValue {
        match s {
            super::rollout::Strategy::RollingUpdate {
                max_surge,
                max_unavailable,
            } => StrategyValue {
                rolling_update: Some(RollingUpdateValue {
                    max_surge: int_or_string(max_surge),
                    max_unavailable: int_or_string(max_unavailable),
                }),
                kind: "RollingUpdate",
            },
            super::rollout::Strategy::Recreate => StrategyValue {
                rolling_update: None,
                kind: "Recreate",
            },
        }
    }
}

impl<'a> WorkloadSpec<'a> {
    fn of(replicas: u32, t: &'a PodTemplate) -> WorkloadSpec<'a> {
        WorkloadSpec {
            min_ready_seconds: None,
            replicas,
            strategy: None,
            selector: MatchLabels {
                match_labels: &t.labels,
            },
            template: TemplateValue {
                metadata: TemplateMeta {
                    annotations: &t.annotations,
                    labels: &t.labels,
                },
                spec: SpecValue::of(t, None),
            },
        }
    }
}

/// What the ReplicaSet and Deployment controllers report of their pods.
#[derive(Serialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct WorkloadStatus {
    #[serde(rename = "availableReplicas")]
    pub available: usize,
    #[serde(rename = "readyReplicas")]
    pub ready: usize,
    pub replicas: usize,
    #[serde(rename = "updatedReplicas")]
    pub updated: usize,
}

impl WorkloadStatus {
    /// A ReplicaSet's status from its pods: `replicas` not terminating, `ready` of them.
    pub(super) fn of_replicaset(replicas: usize, ready: usize) -> WorkloadStatus {
        WorkloadStatus {
            available: ready,
            ready,
            replicas,
            updated: replicas,
        }
    }

    /// Adds a ReplicaSet's pods to its Deployment's (`current`: it has the Deployment's template).
    pub(super) fn add(&mut self, rs: WorkloadStatus, current: bool) {
        self.replicas += rs.replicas;
        self.ready += rs.ready;
        self.available += rs.available;
        if current {
            self.updated += rs.replicas;
        }
    }
}

#[derive(Serialize)]
struct WorkloadValue<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta<'a>,
    spec: WorkloadSpec<'a>,
    status: WorkloadStatus,
}

/// Reused key and value buffers: one visit allocates only for what the visitor keeps.
pub(super) struct Writer<'f> {
    key: String,
    value: Vec<u8>,
    visit: &'f mut dyn FnMut(&str, &str),
}

impl<'f> Writer<'f> {
    pub(super) fn new(visit: &'f mut dyn FnMut(&str, &str)) -> Writer<'f> {
        Writer {
            key: String::new(),
            value: Vec::new(),
            visit,
        }
    }
}

impl Writer<'_> {
    pub(super) fn emit(&mut self, key: std::fmt::Arguments, value: &impl Serialize) {
        use std::fmt::Write;
        self.key.clear();
        // Writing into a String cannot fail.
        let _ = self.key.write_fmt(key);
        self.value.clear();
        if serde_json::to_writer(&mut self.value, value).is_err() {
            return;
        }
        // serde_json writes UTF-8 only.
        if let Ok(text) = std::str::from_utf8(&self.value) {
            (self.visit)(&self.key, text);
        }
    }
}

impl Cluster {
    pub(super) fn emit_node(&self, w: &mut Writer, node: &Node) {
        let v = NodeValue {
            api_version: "v1",
            kind: "Node",
            metadata: NodeMeta {
                creation_timestamp: rfc3339(node.created),
                labels: &node.labels,
                name: &node.name,
            },
            spec: NodeSpec {
                pod_cidr: node.pod_cidr(),
                taints: node
                    .taints
                    .iter()
                    .map(|t: &Taint| TaintValue {
                        effect: &t.effect,
                        key: &t.key,
                        value: &t.value,
                    })
                    .collect(),
                unschedulable: node.unschedulable,
            },
            status: NodeStatus {
                addresses: [
                    NodeAddress {
                        address: node_ip(node.index),
                        kind: "InternalIP",
                    },
                    NodeAddress {
                        address: node.name.clone(),
                        kind: "Hostname",
                    },
                ],
                capacity: Capacity {
                    cpu: format_cpu(node.capacity.cpu_m),
                    memory: format_memory(node.capacity.memory),
                    pods: node.max_pods.to_string(),
                },
                conditions: [Condition {
                    status: if node.ready { "True" } else { "Unknown" },
                    kind: "Ready",
                }],
            },
        };
        w.emit(format_args!("/registry/minions/{}", node.name), &v);
    }

    pub(super) fn emit_pod(&self, w: &mut Writer, pod: &Pod, rt: Runtime) {
        w.emit(
            format_args!("/registry/pods/{}/{}", pod.namespace, pod.name),
            &PodValue::of(self, pod, rt),
        );
    }

    /// What a pod counts for in its ReplicaSet's status, as the ReplicaSet controller reads
    /// the pod's stored status: its owner and whether it is ready (None when not counted).
    pub(super) fn pod_counts<'p>(
        &self,
        pod: &'p Pod,
        rt: Runtime,
    ) -> Option<(&'p str, &'p str, bool)> {
        let owner = pod.owner.as_ref().filter(|_| !pod.terminating)?;
        Some((
            &owner.namespace,
            &owner.name,
            rt.running && self.pod_ready(pod),
        ))
    }

    pub(super) fn emit_replicaset(&self, w: &mut Writer, rs: &ReplicaSet, status: WorkloadStatus) {
        let v = WorkloadValue {
            api_version: "apps/v1",
            kind: "ReplicaSet",
            metadata: ObjectMeta {
                annotations: Some(RsAnnotations {
                    revision: rs.revision.to_string(),
                }),
                creation_timestamp: rfc3339(rs.created),
                deletion_timestamp: None,
                labels: &rs.template.labels,
                name: &rs.name,
                namespace: &rs.namespace,
                owner_references: OwnerReference::to(rs.owner.as_ref()),
                uid: &rs.uid,
            },
            spec: WorkloadSpec::of(rs.replicas, &rs.template),
            status,
        };
        w.emit(
            format_args!("/registry/replicasets/{}/{}", rs.namespace, rs.name),
            &v,
        );
    }

    pub(super) fn emit_deployment(&self, w: &mut Writer, d: &Deployment, status: WorkloadStatus) {
        let v = WorkloadValue {
            api_version: "apps/v1",
            kind: "Deployment",
            metadata: ObjectMeta {
                annotations: None,
                creation_timestamp: rfc3339(d.created),
                deletion_timestamp: None,
                labels: &d.labels,
                name: &d.name,
                namespace: &d.namespace,
                owner_references: None,
                uid: &d.uid,
            },
            spec: WorkloadSpec {
                min_ready_seconds: Some(d.rollout.min_ready_seconds),
                strategy: Some(StrategyValue::of(&d.rollout.strategy)),
                ..WorkloadSpec::of(d.replicas, &d.template)
            },
            status,
        };
        w.emit(
            format_args!("/registry/deployments/{}/{}", d.namespace, d.name),
            &v,
        );
    }

    /// Each Deployment's status from its ReplicaSets' (`status_of`), updated pods being the
    /// ReplicaSets' with the Deployment's current template.
    pub(super) fn deployment_statuses(
        &self,
        status_of: impl Fn(&ReplicaSet) -> WorkloadStatus,
    ) -> BTreeMap<(&str, &str), WorkloadStatus> {
        let hashes: BTreeMap<(&str, &str), String> = self
            .deployments()
            .map(|d| {
                (
                    (d.namespace.as_str(), d.name.as_str()),
                    super::names::template_hash(&d.template, 0),
                )
            })
            .collect();
        let mut out: BTreeMap<(&str, &str), WorkloadStatus> = BTreeMap::new();
        for rs in self.replicasets() {
            if let Some(owner) = &rs.owner {
                let key = (owner.namespace.as_str(), owner.name.as_str());
                let current = hashes.get(&key) == Some(&rs.template_hash);
                out.entry(key).or_default().add(status_of(rs), current);
            }
        }
        out
    }

    /// Every object as its store key and compact JSON value, handed to `visit` one by one,
    /// each computed from scratch (the incremental write-through is checked against this).
    /// `now` is the store's clock (events expire).
    pub fn visit_store_values(
        &self,
        runtimes: &Runtimes,
        now: crate::event::Tick,
        visit: &mut dyn FnMut(&str, &str),
    ) {
        let mut w = Writer::new(visit);
        for node in self.nodes() {
            self.emit_node(&mut w, node);
        }
        let mut counts: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
        for pod in self.pods() {
            let rt = runtimes.get(&pod.id).copied().unwrap_or_default();
            self.emit_pod(&mut w, pod, rt);
            if let Some((ns, name, ready)) = self.pod_counts(pod, rt) {
                let c = counts.entry((ns, name)).or_default();
                c.0 += 1;
                c.1 += usize::from(ready);
            }
        }
        let rs_status = |rs: &ReplicaSet| {
            let (replicas, ready) = counts
                .get(&(rs.namespace.as_str(), rs.name.as_str()))
                .copied()
                .unwrap_or_default();
            WorkloadStatus::of_replicaset(replicas, ready)
        };
        for rs in self.replicasets() {
            self.emit_replicaset(&mut w, rs, rs_status(rs));
        }
        let statuses = self.deployment_statuses(rs_status);
        for d in self.deployments() {
            let status = statuses
                .get(&(d.namespace.as_str(), d.name.as_str()))
                .copied()
                .unwrap_or_default();
            self.emit_deployment(&mut w, d, status);
        }
        for s in self.services().iter() {
            self.emit_service(&mut w, s);
            self.emit_endpoints(&mut w, s, &self.endpoint_pods(s));
        }
        super::store_events::emit_all(&mut w, self.events(), now);
    }

    /// Every object as its store key and compact JSON value.
    pub fn store_snapshot(
        &self,
        runtimes: &Runtimes,
        now: crate::event::Tick,
    ) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        self.visit_store_values(runtimes, now, &mut |k, v| {
            out.insert(k.to_string(), v.to_string());
        });
        out
    }
}
