//! A Service's three values in the store: its spec (`/registry/services/specs/NS/NAME`), its
//! Endpoints (`/registry/services/endpoints/NS/NAME`) and its EndpointSlice
//! (`/registry/endpointslices/NS/NAME-xxxxx`, discovery.k8s.io/v1), the last two made from
//! the same ready pods.

use super::labels::Labels;
use super::objects::Pod;
use super::services::Service;
use super::store_pod::timestamp;
use super::store_values::Writer;
use super::Cluster;
use serde::Serialize;

#[derive(Serialize)]
struct ServiceMeta<'a> {
    #[serde(rename = "creationTimestamp")]
    creation_timestamp: String,
    #[serde(skip_serializing_if = "Labels::is_empty")]
    labels: &'a Labels,
    name: &'a str,
    namespace: &'a str,
    uid: &'a str,
}

#[derive(Serialize)]
struct ServiceValue<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(rename = "nodePort")]
    node_port: Option<u32>,
    port: u32,
    protocol: &'a str,
    #[serde(rename = "targetPort")]
    target_port: u32,
}

#[derive(Serialize)]
struct EndpointsValue<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    kind: &'static str,
    metadata: EndpointsMeta<'a>,
    subsets: [Subset<'a>; 1],
}

#[derive(Serialize)]
struct EndpointsMeta<'a> {
    #[serde(rename = "creationTimestamp")]
    creation_timestamp: String,
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
    namespace: &'a str,
    uid: &'a str,
}

impl<'a> TargetRef<'a> {
    fn to(p: &'a Pod) -> TargetRef<'a> {
        TargetRef {
            kind: "Pod",
            name: &p.name,
            namespace: &p.namespace,
            uid: &p.uid,
        }
    }
}

/// An EndpointSlice as the EndpointSlice controller writes it.
#[derive(Serialize)]
struct SliceValue<'a> {
    #[serde(rename = "addressType")]
    address_type: &'static str,
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    endpoints: Vec<SliceEndpoint<'a>>,
    kind: &'static str,
    metadata: SliceMeta<'a>,
    ports: Vec<SlicePort<'a>>,
}

#[derive(Serialize)]
struct SliceMeta<'a> {
    #[serde(rename = "creationTimestamp")]
    creation_timestamp: String,
    #[serde(rename = "generateName")]
    generate_name: String,
    labels: SliceLabels<'a>,
    name: &'a str,
    namespace: &'a str,
    #[serde(rename = "ownerReferences")]
    owner_references: [SliceOwner<'a>; 1],
}

#[derive(Serialize)]
struct SliceLabels<'a> {
    #[serde(rename = "endpointslice.kubernetes.io/managed-by")]
    managed_by: &'static str,
    #[serde(rename = "kubernetes.io/service-name")]
    service_name: &'a str,
}

#[derive(Serialize)]
struct SliceOwner<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    #[serde(rename = "blockOwnerDeletion")]
    block_owner_deletion: bool,
    controller: bool,
    kind: &'static str,
    name: &'a str,
    uid: &'a str,
}

#[derive(Serialize)]
struct SliceEndpoint<'a> {
    addresses: [&'a str; 1],
    conditions: Conditions,
    #[serde(rename = "nodeName")]
    node_name: &'a str,
    #[serde(rename = "targetRef")]
    target_ref: TargetRef<'a>,
}

#[derive(Serialize)]
struct Conditions {
    ready: bool,
    serving: bool,
    terminating: bool,
}

#[derive(Serialize)]
struct SlicePort<'a> {
    name: &'a str,
    port: u32,
    protocol: &'a str,
}

/// The EndpointSlice's name: the Service's name and 5 characters of its UID (the real one has
/// a random suffix; this one is stable so that it reads the same every time).
pub fn slice_name(s: &Service) -> String {
    let alphabet = super::names::ALPHABET;
    let suffix: String = s
        .uid
        .bytes()
        .filter(|b| b.is_ascii_hexdigit())
        .take(5)
        .map(|b| alphabet[b as usize % alphabet.len()] as char)
        .collect();
    format!("{}-{suffix}", s.name)
}

/// The store keys of a Service's spec, Endpoints and EndpointSlice.
pub(super) fn service_keys(s: &Service) -> [String; 3] {
    [
        format!("/registry/services/specs/{}/{}", s.namespace, s.name),
        format!("/registry/services/endpoints/{}/{}", s.namespace, s.name),
        format!("/registry/endpointslices/{}/{}", s.namespace, slice_name(s)),
    ]
}

impl Cluster {
    /// The ready pods behind a Service (with an address and a node), in creation order:
    /// looked for among the pods carrying its selector's rarest label.
    pub(super) fn endpoint_pods(&self, s: &Service) -> Vec<&Pod> {
        if s.selector.is_empty() {
            return Vec::new();
        }
        self.by_label
            .candidates(&s.namespace, &s.selector)
            .into_iter()
            .flatten()
            .filter_map(|id| self.pods.get(id))
            .filter(|p| is_endpoint(self, p) && selects(&s.selector, p.labels()))
            .collect()
    }

    pub(super) fn emit_service(&self, w: &mut Writer, s: &Service) {
        let v = ServiceValue {
            api_version: "v1",
            kind: "Service",
            metadata: ServiceMeta {
                creation_timestamp: timestamp(s.created),
                labels: &s.labels,
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
                        name: p.name.as_deref(),
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
    }

    /// The Service's Endpoints and EndpointSlice, both listing `pods`.
    pub(super) fn emit_endpoints(&self, w: &mut Writer, s: &Service, pods: &[&Pod]) {
        let v = EndpointsValue {
            api_version: "v1",
            kind: "Endpoints",
            metadata: EndpointsMeta {
                creation_timestamp: timestamp(s.created),
                name: &s.name,
                namespace: &s.namespace,
            },
            subsets: [Subset {
                addresses: pods
                    .iter()
                    .map(|p| Address {
                        ip: p.ip.as_deref(),
                        node_name: self.node_of(p),
                        target_ref: TargetRef::to(p),
                    })
                    .collect(),
                ports: s.ports.iter().map(|p| p.target_port).collect(),
            }],
        };
        w.emit(
            format_args!("/registry/services/endpoints/{}/{}", s.namespace, s.name),
            &v,
        );
        let name = slice_name(s);
        let v = SliceValue {
            address_type: "IPv4",
            api_version: "discovery.k8s.io/v1",
            endpoints: pods
                .iter()
                .map(|p| SliceEndpoint {
                    addresses: [p.ip.as_deref().unwrap_or("")],
                    conditions: Conditions {
                        ready: true,
                        serving: true,
                        terminating: false,
                    },
                    node_name: self.node_of(p).unwrap_or(""),
                    target_ref: TargetRef::to(p),
                })
                .collect(),
            kind: "EndpointSlice",
            metadata: SliceMeta {
                creation_timestamp: timestamp(s.created),
                generate_name: format!("{}-", s.name),
                labels: SliceLabels {
                    managed_by: "endpointslice-controller.k8s.io",
                    service_name: &s.name,
                },
                name: &name,
                namespace: &s.namespace,
                owner_references: [SliceOwner {
                    api_version: "v1",
                    block_owner_deletion: true,
                    controller: true,
                    kind: "Service",
                    name: &s.name,
                    uid: &s.uid,
                }],
            },
            ports: s
                .ports
                .iter()
                .map(|p| SlicePort {
                    name: p.name.as_deref().unwrap_or(""),
                    port: p.target_port,
                    protocol: &p.protocol,
                })
                .collect(),
        };
        w.emit(
            format_args!("/registry/endpointslices/{}/{name}", s.namespace),
            &v,
        );
    }
}

/// Whether a pod can stand behind a Service: ready, with an address and a node.
pub(super) fn is_endpoint(c: &Cluster, p: &Pod) -> bool {
    p.ip.is_some() && p.node.is_some() && c.pod_ready(p)
}

/// Whether `selector` (not empty) picks a pod with `labels`.
pub(super) fn selects(selector: &Labels, labels: &Labels) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}
