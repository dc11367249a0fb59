//! What `kubectl describe` reads back from the store: pods, nodes, Deployments and
//! ReplicaSets decoded with the fields its pages show (print::views has the lighter views
//! the `get` tables use).

use super::views::{Meta, PodStatusView, WorkloadStatusView};
use crate::cluster::labels::Labels;
use crate::cluster::quantity::{parse_cpu, parse_memory};
use serde::Deserialize;
use std::borrow::Cow;

type Text<'a> = Cow<'a, str>;

#[derive(Deserialize, Debug)]
pub struct OwnerRef<'a> {
    #[serde(borrow)]
    pub kind: Text<'a>,
    #[serde(borrow)]
    pub name: Text<'a>,
}

#[derive(Deserialize, Debug, Default)]
pub struct Annotations<'a> {
    #[serde(borrow, rename = "deployment.kubernetes.io/revision", default)]
    pub revision: Option<Text<'a>>,
}

/// `metadata` with the owner and annotations.
#[derive(Deserialize, Debug)]
pub struct MetaDetail<'a> {
    #[serde(borrow, flatten)]
    pub meta: Meta<'a>,
    #[serde(borrow, rename = "ownerReferences", default)]
    pub owner_references: Vec<OwnerRef<'a>>,
    #[serde(borrow, default)]
    pub annotations: Annotations<'a>,
}

#[derive(Deserialize, Debug, Default)]
pub struct Quantities<'a> {
    #[serde(borrow, default)]
    pub cpu: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub memory: Option<Text<'a>>,
}

impl Quantities<'_> {
    /// (millicores, bytes), 0 where unset.
    pub fn amounts(&self) -> (u64, u64) {
        (
            self.cpu.as_deref().and_then(parse_cpu).unwrap_or(0),
            self.memory.as_deref().and_then(parse_memory).unwrap_or(0),
        )
    }
}

#[derive(Deserialize, Debug, Default)]
pub struct ResourcesDetail<'a> {
    #[serde(borrow, default)]
    pub limits: Option<Quantities<'a>>,
    #[serde(borrow, default)]
    pub requests: Option<Quantities<'a>>,
}

#[derive(Deserialize, Debug)]
pub struct ExecDetail<'a> {
    #[serde(borrow, default)]
    pub command: Vec<Text<'a>>,
}

#[derive(Deserialize, Debug)]
pub struct HttpGetDetail<'a> {
    #[serde(borrow, default)]
    pub path: Text<'a>,
    /// A number or a container port's name.
    pub port: serde_json::Value,
    #[serde(borrow, default)]
    pub scheme: Text<'a>,
}

#[derive(Deserialize, Debug)]
pub struct ProbeDetail<'a> {
    #[serde(borrow, default)]
    pub exec: Option<ExecDetail<'a>>,
    #[serde(borrow, rename = "httpGet", default)]
    pub http_get: Option<HttpGetDetail<'a>>,
    #[serde(rename = "initialDelaySeconds", default)]
    pub initial_delay_seconds: u64,
    #[serde(rename = "timeoutSeconds", default)]
    pub timeout_seconds: u64,
    #[serde(rename = "periodSeconds", default)]
    pub period_seconds: u64,
    #[serde(rename = "successThreshold", default)]
    pub success_threshold: u32,
    #[serde(rename = "failureThreshold", default)]
    pub failure_threshold: u32,
}

#[derive(Deserialize, Debug)]
pub struct ContainerDetail<'a> {
    #[serde(borrow)]
    pub name: Text<'a>,
    #[serde(borrow)]
    pub image: Text<'a>,
    #[serde(borrow, default)]
    pub command: Vec<Text<'a>>,
    #[serde(borrow, default)]
    pub resources: ResourcesDetail<'a>,
    #[serde(borrow, rename = "readinessProbe", default)]
    pub readiness_probe: Option<ProbeDetail<'a>>,
}

#[derive(Deserialize, Debug)]
pub struct SpecDetail<'a> {
    #[serde(borrow)]
    pub containers: Vec<ContainerDetail<'a>>,
    #[serde(borrow, rename = "nodeName", default)]
    pub node_name: Option<Text<'a>>,
    #[serde(rename = "nodeSelector", default)]
    pub node_selector: Labels,
}

impl SpecDetail<'_> {
    /// The containers' requests added up: (millicores, bytes).
    pub fn requests(&self) -> (u64, u64) {
        self.containers
            .iter()
            .filter_map(|c| c.resources.requests.as_ref())
            .map(Quantities::amounts)
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    }
}

#[derive(Deserialize, Debug)]
pub struct PodDetail<'a> {
    #[serde(borrow)]
    pub metadata: MetaDetail<'a>,
    #[serde(borrow)]
    pub spec: SpecDetail<'a>,
    #[serde(borrow)]
    pub status: PodStatusView<'a>,
}

impl PodDetail<'_> {
    /// The same pod as the `get` view reads it (for its READY/STATUS/RESTARTS columns).
    pub fn columns(value: &str) -> Option<(String, String, u32)> {
        serde_json::from_str::<super::views::PodView>(value)
            .ok()
            .map(|v| v.columns())
    }
}

#[derive(Deserialize, Debug)]
pub struct TaintDetail<'a> {
    #[serde(borrow)]
    pub effect: Text<'a>,
    #[serde(borrow)]
    pub key: Text<'a>,
    #[serde(borrow, default)]
    pub value: Text<'a>,
}

#[derive(Deserialize, Debug)]
pub struct NodeSpecDetail<'a> {
    #[serde(borrow, rename = "podCIDR", default)]
    pub pod_cidr: Text<'a>,
    #[serde(borrow, default)]
    pub taints: Vec<TaintDetail<'a>>,
    #[serde(default)]
    pub unschedulable: bool,
}

#[derive(Deserialize, Debug)]
pub struct NodeStatusDetail<'a> {
    #[serde(borrow, default)]
    pub addresses: Vec<super::views::Address<'a>>,
    #[serde(borrow, default)]
    pub capacity: CapacityDetail<'a>,
    #[serde(borrow, default)]
    pub conditions: Vec<super::views::Condition<'a>>,
}

#[derive(Deserialize, Debug, Default)]
pub struct CapacityDetail<'a> {
    #[serde(borrow, default)]
    pub cpu: Text<'a>,
    #[serde(borrow, default)]
    pub memory: Text<'a>,
    #[serde(borrow, default)]
    pub pods: Text<'a>,
}

#[derive(Deserialize, Debug)]
pub struct NodeDetail<'a> {
    #[serde(borrow)]
    pub metadata: Meta<'a>,
    #[serde(borrow)]
    pub spec: NodeSpecDetail<'a>,
    #[serde(borrow)]
    pub status: NodeStatusDetail<'a>,
}

impl NodeDetail<'_> {
    pub fn address(&self, kind: &str) -> &str {
        self.status
            .addresses
            .iter()
            .find(|a| a.kind == kind)
            .map_or("", |a| &a.address)
    }

    pub fn ready(&self) -> bool {
        self.status
            .conditions
            .iter()
            .any(|c| c.kind == "Ready" && c.status == "True")
    }
}

#[derive(Deserialize, Debug)]
pub struct RollingUpdateDetail {
    #[serde(rename = "maxSurge")]
    pub max_surge: serde_json::Value,
    #[serde(rename = "maxUnavailable")]
    pub max_unavailable: serde_json::Value,
}

#[derive(Deserialize, Debug)]
pub struct StrategyDetail<'a> {
    #[serde(borrow, rename = "type")]
    pub kind: Text<'a>,
    #[serde(rename = "rollingUpdate", default)]
    pub rolling_update: Option<RollingUpdateDetail>,
}

#[derive(Deserialize, Debug)]
pub struct TemplateMetaDetail {
    #[serde(default)]
    pub labels: Labels,
}

#[derive(Deserialize, Debug)]
pub struct TemplateDetail<'a> {
    pub metadata: TemplateMetaDetail,
    #[serde(borrow)]
    pub spec: SpecDetail<'a>,
}

#[derive(Deserialize, Debug)]
pub struct WorkloadSpecDetail<'a> {
    #[serde(rename = "minReadySeconds", default)]
    pub min_ready_seconds: u64,
    pub replicas: u32,
    #[serde(borrow, default)]
    pub strategy: Option<StrategyDetail<'a>>,
    #[serde(borrow)]
    pub template: TemplateDetail<'a>,
}

/// A Deployment or a ReplicaSet, for describe.
#[derive(Deserialize, Debug)]
pub struct WorkloadDetail<'a> {
    #[serde(borrow)]
    pub metadata: MetaDetail<'a>,
    #[serde(borrow)]
    pub spec: WorkloadSpecDetail<'a>,
    #[serde(default)]
    pub status: WorkloadStatusView,
}

/// An IntOrString as kubectl prints it (`25%`, `1`).
pub fn int_or_string(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
