//! The store's values: each object as the compact JSON kept under its key. Serialized from
//! borrowed structs straight into one reused buffer (no `serde_json::Value` tree per object),
//! because a sync visits every object: 150,000 pods in a large cluster. Fields are declared in
//! key order, so the bytes are those a sorted JSON map would give.

use super::labels::Labels;
use super::node::Taint;
use super::objects::PodId;
use super::objects::{Pod, PodTemplate};
use super::print::{node_ip, Runtime, Runtimes};
use super::quantity::{format_cpu, format_memory};
use super::services::Service;
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
    labels: &'a Labels,
}

#[derive(Serialize)]
struct WorkloadSpec<'a> {
    replicas: u32,
    selector: MatchLabels<'a>,
    template: TemplateValue<'a>,
}

impl<'a> WorkloadSpec<'a> {
    fn of(replicas: u32, t: &'a PodTemplate) -> WorkloadSpec<'a> {
        WorkloadSpec {
            replicas,
            selector: MatchLabels {
                match_labels: &t.labels,
            },
            template: TemplateValue {
                metadata: TemplateMeta { labels: &t.labels },
                spec: SpecValue::of(t, None),
            },
        }
    }
}

/// What the ReplicaSet and Deployment controllers report of their pods.
#[derive(Serialize, Clone, Copy, Default)]
struct WorkloadStatus {
    #[serde(rename = "availableReplicas")]
    available: usize,
    #[serde(rename = "readyReplicas")]
    ready: usize,
    replicas: usize,
    #[serde(rename = "updatedReplicas")]
    updated: usize,
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

#[derive(Serialize)]
struct ServiceMeta<'a> {
    name: &'a str,
    namespace: &'a str,
    uid: &'a str,
}

#[derive(Serialize)]
struct ServiceValue<'a> {
    kind: &'static str,
    metadata: ServiceMeta<'a>,
    spec: ServiceSpec<'a>,
}

#[derive(Serialize)]
struct ServiceSpec<'a> {
    #[serde(rename = "clusterIP")]
    cluster_ip: &'a str,
    ports: Vec<PortValue<'a>>,
    selector: &'a Labels,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct PortValue<'a> {
    #[serde(rename = "nodePort")]
    node_port: Option<u32>,
    port: u32,
    protocol: &'a str,
    #[serde(rename = "targetPort")]
    target_port: u32,
}

#[derive(Serialize)]
struct EndpointsValue<'a> {
    kind: &'static str,
    metadata: EndpointsMeta<'a>,
    subsets: [Subset<'a>; 1],
}

#[derive(Serialize)]
struct EndpointsMeta<'a> {
    name: &'a str,
    namespace: &'a str,
}

#[derive(Serialize)]
struct Subset<'a> {
    addresses: Vec<Address<'a>>,
    ports: Vec<u32>,
}

#[derive(Serialize)]
struct Address<'a> {
    ip: Option<&'a str>,
    #[serde(rename = "nodeName")]
    node_name: Option<&'a str>,
    #[serde(rename = "targetRef")]
    target_ref: TargetRef<'a>,
}

#[derive(Serialize)]
struct TargetRef<'a> {
    kind: &'static str,
    name: &'a str,
}

type ReadyIndex<'a> = BTreeMap<(&'a str, &'a str, &'a str), Vec<&'a Pod>>;

/// A Service's endpoints from the index, as `Cluster::endpoints` finds them (creation order).
fn endpoints_of<'a>(
    ready: &'a ReadyIndex<'a>,
    s: &'a Service,
) -> impl Iterator<Item = &'a Pod> + 'a {
    let first = s.selector.iter().next();
    first
        .and_then(|(k, v)| ready.get(&(s.namespace.as_str(), k.as_str(), v.as_str())))
        .into_iter()
        .flatten()
        .copied()
        .filter(move |p| s.selector.iter().all(|(k, v)| p.labels().get(k) == Some(v)))
}

/// Reused key and value buffers: one visit allocates only for what the visitor keeps.
struct Writer<'f> {
    key: String,
    value: Vec<u8>,
    visit: &'f mut dyn FnMut(&str, &str),
}

impl Writer<'_> {
    fn emit(&mut self, key: std::fmt::Arguments, value: &impl Serialize) {
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
    /// Every object as its store key and compact JSON value, handed to `visit` one by one
    /// (nodes, pods, ReplicaSets, Deployments, then each Service and its Endpoints).
    pub fn visit_store_values(&self, runtimes: &Runtimes, visit: &mut dyn FnMut(&str, &str)) {
        self.visit_values(runtimes, None, visit);
    }

    /// As [`Cluster::visit_store_values`], leaving out the pods in `fresh`, whose stored
    /// values were written with the runtime they still have and which have not changed since.
    pub(super) fn visit_values(
        &self,
        runtimes: &Runtimes,
        fresh: Option<&BTreeMap<PodId, (Runtime, String)>>,
        visit: &mut dyn FnMut(&str, &str),
    ) {
        let mut w = Writer {
            key: String::new(),
            value: Vec::new(),
            visit,
        };
        for node in self.nodes() {
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
        // Each ReplicaSet's pods as its controller counts them, gathered on the pods' pass.
        let mut counts: BTreeMap<(&str, &str), WorkloadStatus> = BTreeMap::new();
        for pod in self.pods() {
            let rt = runtimes.get(&pod.id).copied().unwrap_or_default();
            let unchanged = fresh
                .and_then(|f| f.get(&pod.id))
                .is_some_and(|(written, _)| *written == rt);
            if !unchanged {
                w.emit(
                    format_args!("/registry/pods/{}/{}", pod.namespace, pod.name),
                    &PodValue::of(self, pod, rt),
                );
            }
            if let (Some(owner), false) = (&pod.owner, pod.terminating) {
                let c = counts
                    .entry((owner.namespace.as_str(), owner.name.as_str()))
                    .or_default();
                c.replicas += 1;
                if rt.running && self.pod_ready(pod) {
                    c.ready += 1;
                    c.available += 1;
                }
            }
        }
        // Each Deployment's pods: all its ReplicaSets', updated ones from the current template's.
        let mut by_deployment: BTreeMap<(&str, &str), WorkloadStatus> = BTreeMap::new();
        let hashes: BTreeMap<(&str, &str), String> = self
            .deployments()
            .map(|d| {
                (
                    (d.namespace.as_str(), d.name.as_str()),
                    super::names::template_hash(&d.template, 0),
                )
            })
            .collect();
        for rs in self.replicasets() {
            let c = counts
                .get(&(rs.namespace.as_str(), rs.name.as_str()))
                .copied()
                .unwrap_or_default();
            if let Some(owner) = &rs.owner {
                let key = (owner.namespace.as_str(), owner.name.as_str());
                let d = by_deployment.entry(key).or_default();
                d.replicas += c.replicas;
                d.ready += c.ready;
                d.available += c.available;
                if hashes.get(&key) == Some(&rs.template_hash) {
                    d.updated += c.replicas;
                }
            }
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
                status: WorkloadStatus {
                    updated: c.replicas,
                    ..c
                },
            };
            w.emit(
                format_args!("/registry/replicasets/{}/{}", rs.namespace, rs.name),
                &v,
            );
        }
        for d in self.deployments() {
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
                spec: WorkloadSpec::of(d.replicas, &d.template),
                status: by_deployment
                    .get(&(d.namespace.as_str(), d.name.as_str()))
                    .copied()
                    .unwrap_or_default(),
            };
            w.emit(
                format_args!("/registry/deployments/{}/{}", d.namespace, d.name),
                &v,
            );
        }
        // Ready pods with an IP and a node, indexed by namespace and label, so every
        // Service's endpoints come from one pass over the pods (not one per Service).
        let mut ready: ReadyIndex = BTreeMap::new();
        for p in self.pods() {
            if p.ip.is_some() && p.node.is_some() && self.pod_ready(p) {
                for (k, v) in p.labels() {
                    ready
                        .entry((p.namespace.as_str(), k.as_str(), v.as_str()))
                        .or_default()
                        .push(p);
                }
            }
        }
        for s in self.services().iter() {
            let v = ServiceValue {
                kind: "Service",
                metadata: ServiceMeta {
                    name: &s.name,
                    namespace: &s.namespace,
                    uid: &s.uid,
                },
                spec: ServiceSpec {
                    cluster_ip: s.cluster_ip.as_deref().unwrap_or("None"),
                    ports: s
                        .ports
                        .iter()
                        .map(|p| PortValue {
                            node_port: p.node_port,
                            port: p.port,
                            protocol: &p.protocol,
                            target_port: p.target_port,
                        })
                        .collect(),
                    selector: &s.selector,
                    kind: s.kind.name(),
                },
            };
            w.emit(
                format_args!("/registry/services/specs/{}/{}", s.namespace, s.name),
                &v,
            );
            let v = EndpointsValue {
                kind: "Endpoints",
                metadata: EndpointsMeta {
                    name: &s.name,
                    namespace: &s.namespace,
                },
                subsets: [Subset {
                    addresses: endpoints_of(&ready, s)
                        .map(|p| Address {
                            ip: p.ip.as_deref(),
                            node_name: self.node_of(p),
                            target_ref: TargetRef {
                                kind: "Pod",
                                name: &p.name,
                            },
                        })
                        .collect(),
                    ports: s.ports.iter().map(|p| p.target_port).collect(),
                }],
            };
            w.emit(
                format_args!("/registry/services/endpoints/{}/{}", s.namespace, s.name),
                &v,
            );
        }
    }

    /// Every object as its store key and compact JSON value.
    pub fn store_snapshot(&self, runtimes: &Runtimes) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        self.visit_store_values(runtimes, &mut |k, v| {
            out.insert(k.to_string(), v.to_string());
        });
        out
    }
}
