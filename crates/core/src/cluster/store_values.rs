//! The store's values: each object as the compact JSON kept under its key. Serialized from
//! borrowed structs straight into one reused buffer (no `serde_json::Value` tree per object),
//! because a sync visits every object: 150,000 pods in a large cluster. Fields are declared in
//! key order, so the bytes are those a sorted JSON map would give.

use super::labels::Labels;
use super::objects::Pod;
use super::services::Service;
use super::Cluster;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct Named<'a> {
    labels: &'a Labels,
    name: &'a str,
}

#[derive(Serialize)]
struct NodeValue<'a> {
    kind: &'static str,
    metadata: Named<'a>,
    spec: NodeSpec,
    status: NodeStatus,
}

#[derive(Serialize)]
struct NodeSpec {
    unschedulable: bool,
}

#[derive(Serialize)]
struct NodeStatus {
    ready: bool,
}

#[derive(Serialize)]
struct PodMeta<'a> {
    labels: &'a Labels,
    name: &'a str,
    namespace: &'a str,
    #[serde(rename = "ownerReferences")]
    owner_references: Option<&'a str>,
    uid: &'a str,
}

#[derive(Serialize)]
struct PodSpec<'a> {
    images: Vec<&'a str>,
    #[serde(rename = "nodeName")]
    node_name: Option<&'a str>,
}

#[derive(Serialize)]
struct PodStatus<'a> {
    phase: String,
    #[serde(rename = "podIP")]
    pod_ip: Option<&'a str>,
    ready: bool,
}

#[derive(Serialize)]
struct PodValue<'a> {
    kind: &'static str,
    metadata: PodMeta<'a>,
    spec: PodSpec<'a>,
    status: PodStatus<'a>,
}

#[derive(Serialize)]
struct OwnedMeta<'a> {
    name: &'a str,
    namespace: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision: Option<u32>,
    uid: &'a str,
}

#[derive(Serialize)]
struct ReplicaSetValue<'a> {
    kind: &'static str,
    metadata: OwnedMeta<'a>,
    spec: Replicas,
}

#[derive(Serialize)]
struct Replicas {
    replicas: u32,
}

#[derive(Serialize)]
struct LabelledMeta<'a> {
    labels: &'a Labels,
    name: &'a str,
    namespace: &'a str,
    uid: &'a str,
}

#[derive(Serialize)]
struct DeploymentValue<'a> {
    kind: &'static str,
    metadata: LabelledMeta<'a>,
    spec: DeploymentSpec<'a>,
}

#[derive(Serialize)]
struct DeploymentSpec<'a> {
    images: Vec<&'a str>,
    replicas: u32,
}

#[derive(Serialize)]
struct ServiceValue<'a> {
    kind: &'static str,
    metadata: OwnedMeta<'a>,
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
    pub fn visit_store_values(&self, visit: &mut dyn FnMut(&str, &str)) {
        let mut w = Writer {
            key: String::new(),
            value: Vec::new(),
            visit,
        };
        for node in self.nodes() {
            let v = NodeValue {
                kind: "Node",
                metadata: Named {
                    labels: &node.labels,
                    name: &node.name,
                },
                spec: NodeSpec {
                    unschedulable: node.unschedulable,
                },
                status: NodeStatus { ready: node.ready },
            };
            w.emit(format_args!("/registry/minions/{}", node.name), &v);
        }
        for pod in self.pods() {
            let v = PodValue {
                kind: "Pod",
                metadata: PodMeta {
                    labels: pod.labels(),
                    name: &pod.name,
                    namespace: &pod.namespace,
                    owner_references: pod.owner.as_ref().map(|o| o.name.as_str()),
                    uid: &pod.uid,
                },
                spec: PodSpec {
                    images: pod
                        .spec
                        .containers
                        .iter()
                        .map(|c| c.image.as_str())
                        .collect(),
                    node_name: self.node_of(pod),
                },
                status: PodStatus {
                    phase: pod.status(),
                    pod_ip: pod.ip.as_deref(),
                    ready: self.pod_ready(pod),
                },
            };
            w.emit(
                format_args!("/registry/pods/{}/{}", pod.namespace, pod.name),
                &v,
            );
        }
        for rs in self.replicasets() {
            let v = ReplicaSetValue {
                kind: "ReplicaSet",
                metadata: OwnedMeta {
                    name: &rs.name,
                    namespace: &rs.namespace,
                    revision: Some(rs.revision),
                    uid: &rs.uid,
                },
                spec: Replicas {
                    replicas: rs.replicas,
                },
            };
            w.emit(
                format_args!("/registry/replicasets/{}/{}", rs.namespace, rs.name),
                &v,
            );
        }
        for d in self.deployments() {
            let v = DeploymentValue {
                kind: "Deployment",
                metadata: LabelledMeta {
                    labels: &d.labels,
                    name: &d.name,
                    namespace: &d.namespace,
                    uid: &d.uid,
                },
                spec: DeploymentSpec {
                    images: d
                        .template
                        .containers
                        .iter()
                        .map(|c| c.image.as_str())
                        .collect(),
                    replicas: d.replicas,
                },
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
                metadata: OwnedMeta {
                    name: &s.name,
                    namespace: &s.namespace,
                    revision: None,
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
    pub fn store_snapshot(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        self.visit_store_values(&mut |k, v| {
            out.insert(k.to_string(), v.to_string());
        });
        out
    }
}
