//! A pod's value in the store: the object in the API's shape, with the status its node's
//! kubelet reports (one container status: its state, readiness and restarts). kubectl's
//! tables, `describe` and `-o json` read this, so the kubelet's view of the container (from
//! its engine, [`Runtime`]) is written here rather than looked up when printing.

use super::labels::Labels;
use super::objects::{ContainerTemplate, ObjectKey, Phase, Pod, PodTemplate, Resources};
use super::print::Runtime;
use super::quantity::{format_cpu, format_memory};
use super::Cluster;
use serde::Serialize;

/// A template's containers, node selector and node name: the `spec` pods and the templates
/// of ReplicaSets and Deployments share.
#[derive(Serialize)]
pub(crate) struct SpecValue<'a> {
    containers: Containers<'a>,
    #[serde(rename = "nodeName", skip_serializing_if = "Option::is_none")]
    node_name: Option<&'a str>,
    #[serde(rename = "nodeSelector", skip_serializing_if = "Labels::is_empty")]
    node_selector: &'a Labels,
    #[serde(rename = "restartPolicy")]
    restart_policy: &'static str,
    #[serde(skip_serializing_if = "Tolerations::is_empty")]
    tolerations: Tolerations<'a>,
}

/// `spec.tolerations` as the API writes them (`operator: Exists` when no value is given).
struct Tolerations<'a>(&'a [super::objects::Toleration]);

impl Tolerations<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Serialize)]
struct TolerationValue<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    effect: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    key: &'a str,
    operator: &'static str,
    #[serde(rename = "tolerationSeconds", skip_serializing_if = "Option::is_none")]
    toleration_seconds: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
}

impl Serialize for Tolerations<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|t| TolerationValue {
            effect: &t.effect,
            key: &t.key,
            operator: if t.value.is_some() { "Equal" } else { "Exists" },
            toleration_seconds: t.seconds,
            value: t.value.as_deref(),
        }))
    }
}

impl<'a> SpecValue<'a> {
    pub(crate) fn of(t: &'a PodTemplate, node: Option<&'a str>) -> SpecValue<'a> {
        SpecValue {
            containers: Containers(&t.containers),
            node_name: node.or(t.node_name.as_deref()),
            node_selector: &t.node_selector,
            restart_policy: "Always",
            tolerations: Tolerations(&t.tolerations),
        }
    }
}

/// The containers, serialized one by one (no list built per pod and sync).
struct Containers<'a>(&'a [ContainerTemplate]);

impl Serialize for Containers<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(ContainerValue::of))
    }
}

/// A time as the API writes it (`2025-01-01T00:00:05Z`), with milliseconds only when the
/// World's clock has them (`...05.250Z`), so that ages read back exactly.
pub(crate) fn timestamp(at: crate::event::Tick) -> String {
    let full = crate::output::rfc3339(at);
    let cut = if at.is_multiple_of(1000) { 19 } else { 23 };
    format!("{}Z", full.get(..cut).unwrap_or(&full))
}

#[derive(Serialize)]
struct ContainerValue<'a> {
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    command: &'a [String],
    image: &'a str,
    name: &'a str,
    #[serde(rename = "readinessProbe", skip_serializing_if = "Option::is_none")]
    readiness_probe: Option<ProbeValue<'a>>,
    resources: ResourcesValue,
}

/// A readiness probe as the API writes it (`httpGet` or `exec`, and its timings).
#[derive(Serialize)]
struct ProbeValue<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    exec: Option<ExecValue<'a>>,
    #[serde(rename = "failureThreshold")]
    failure_threshold: u32,
    #[serde(rename = "httpGet", skip_serializing_if = "Option::is_none")]
    http_get: Option<HttpGetValue<'a>>,
    #[serde(rename = "initialDelaySeconds")]
    initial_delay_seconds: u64,
    #[serde(rename = "periodSeconds")]
    period_seconds: u64,
    #[serde(rename = "successThreshold")]
    success_threshold: u32,
    #[serde(rename = "timeoutSeconds")]
    timeout_seconds: u64,
}

#[derive(Serialize)]
struct ExecValue<'a> {
    command: &'a [String],
}

#[derive(Serialize)]
struct HttpGetValue<'a> {
    path: &'a str,
    /// The container port's name when the manifest gave one, else its number.
    port: serde_json::Value,
    scheme: &'static str,
}

impl<'a> ProbeValue<'a> {
    fn of(p: &'a super::probe::Probe) -> ProbeValue<'a> {
        use super::probe::ProbeAction;
        let (exec, http_get) = match &p.action {
            ProbeAction::Exec(command) => (Some(ExecValue { command }), None),
            ProbeAction::HttpGet {
                path,
                port,
                named,
                https,
            } => (
                None,
                Some(HttpGetValue {
                    path,
                    port: match named {
                        Some(n) => n.as_str().into(),
                        None => (*port).into(),
                    },
                    scheme: if *https { "HTTPS" } else { "HTTP" },
                }),
            ),
        };
        ProbeValue {
            exec,
            failure_threshold: p.failure_threshold,
            http_get,
            initial_delay_seconds: p.initial_delay_seconds,
            period_seconds: p.period_seconds,
            success_threshold: p.success_threshold,
            timeout_seconds: p.timeout_seconds,
        }
    }
}

impl<'a> ContainerValue<'a> {
    fn of(c: &'a ContainerTemplate) -> ContainerValue<'a> {
        ContainerValue {
            command: &c.command,
            image: &c.image,
            name: &c.name,
            readiness_probe: c.readiness.as_ref().map(ProbeValue::of),
            resources: ResourcesValue {
                limits: Quantities::of(c.limits),
                requests: Quantities::of(c.requests),
            },
        }
    }
}

#[derive(Serialize)]
struct ResourcesValue {
    #[serde(skip_serializing_if = "Option::is_none")]
    limits: Option<Quantities>,
    #[serde(skip_serializing_if = "Option::is_none")]
    requests: Option<Quantities>,
}

/// `{"cpu": "500m", "memory": "256Mi"}`, each only when set.
#[derive(Serialize)]
struct Quantities {
    #[serde(skip_serializing_if = "Option::is_none")]
    cpu: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory: Option<String>,
}

impl Quantities {
    fn of(r: Resources) -> Option<Quantities> {
        (r.cpu_m > 0 || r.memory > 0).then(|| Quantities {
            cpu: (r.cpu_m > 0).then(|| format_cpu(r.cpu_m)),
            memory: (r.memory > 0).then(|| format_memory(r.memory)),
        })
    }
}

#[derive(Serialize)]
pub(crate) struct OwnerReference<'a> {
    #[serde(rename = "apiVersion")]
    pub api_version: &'static str,
    pub controller: bool,
    pub kind: &'static str,
    pub name: &'a str,
}

/// An object's `metadata` as the API writes it (fields in its order; absent ones left out).
#[derive(Serialize)]
pub(crate) struct ObjectMeta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<RsAnnotations>,
    #[serde(rename = "creationTimestamp")]
    pub creation_timestamp: String,
    #[serde(rename = "deletionTimestamp", skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<String>,
    pub labels: &'a Labels,
    pub name: &'a str,
    pub namespace: &'a str,
    #[serde(rename = "ownerReferences", skip_serializing_if = "Option::is_none")]
    pub owner_references: Option<[OwnerReference<'a>; 1]>,
    pub uid: &'a str,
}

/// A ReplicaSet's revision, as the Deployment controller annotates it.
#[derive(Serialize)]
pub(crate) struct RsAnnotations {
    #[serde(rename = "deployment.kubernetes.io/revision")]
    pub revision: String,
}

impl<'a> OwnerReference<'a> {
    /// The controller reference to `owner` (a ReplicaSet or a Deployment), if there is one.
    pub(crate) fn to(owner: Option<&'a ObjectKey>) -> Option<[OwnerReference<'a>; 1]> {
        owner.map(|o| {
            [OwnerReference {
                api_version: "apps/v1",
                controller: true,
                kind: o.kind.name(),
                name: &o.name,
            }]
        })
    }
}

#[derive(Serialize)]
struct PodStatus<'a> {
    #[serde(rename = "containerStatuses", skip_serializing_if = "Option::is_none")]
    container_statuses: Option<[ContainerStatus<'a>; 1]>,
    phase: &'static str,
    #[serde(rename = "podIP", skip_serializing_if = "Option::is_none")]
    pod_ip: Option<&'a str>,
}

#[derive(Serialize)]
struct ContainerStatus<'a> {
    image: &'a str,
    name: &'a str,
    ready: bool,
    #[serde(rename = "restartCount")]
    restart_count: u32,
    state: State<'a>,
}

/// `{"running": {}}`, `{"waiting": {"reason": ...}}` or `{"terminated": {...}}`.
#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum State<'a> {
    Running {},
    Waiting {
        reason: &'a str,
    },
    Terminated {
        #[serde(rename = "exitCode")]
        exit_code: i32,
        reason: &'static str,
    },
}

#[derive(Serialize)]
pub(crate) struct PodValue<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta<'a>,
    spec: SpecValue<'a>,
    status: PodStatus<'a>,
}

fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::Pending => "Pending",
        Phase::Running => "Running",
        Phase::Succeeded => "Succeeded",
        Phase::Failed => "Failed",
    }
}

fn terminated(code: i32) -> State<'static> {
    State::Terminated {
        exit_code: code,
        reason: if code == 0 { "Completed" } else { "Error" },
    }
}

/// What the kubelet says of the container: waiting with a reason, running, or ended.
fn state<'a>(cluster: &Cluster, pod: &'a Pod, rt: Runtime) -> Option<State<'a>> {
    if let Some(reason) = &pod.waiting_reason {
        return Some(State::Waiting { reason });
    }
    if let Some(code) = pod.last_exit {
        return Some(terminated(code));
    }
    if pod.container.is_none() {
        return match (pod.phase, pod.node) {
            (Phase::Pending, Some(_)) => Some(State::Waiting {
                reason: "ContainerCreating",
            }),
            (Phase::Pending, None) => None,
            (Phase::Running, _) => Some(State::Running {}),
            (Phase::Succeeded, _) => Some(terminated(0)),
            (Phase::Failed, _) => Some(terminated(1)),
        };
    }
    // The last status a node that stopped reporting sent was "running".
    let node_up = pod
        .node
        .is_none_or(|n| cluster.nodes()[n as usize].heartbeat);
    Some(if rt.running || !node_up {
        State::Running {}
    } else {
        terminated(rt.exited.unwrap_or(1))
    })
}

impl<'a> PodValue<'a> {
    pub(crate) fn of(cluster: &'a Cluster, pod: &'a Pod, rt: Runtime) -> PodValue<'a> {
        let first = pod.spec.containers.first();
        let container_statuses = state(cluster, pod, rt).map(|state| {
            [ContainerStatus {
                image: first.map_or("", |c| c.image.as_str()),
                name: first.map_or("", |c| c.name.as_str()),
                ready: rt.running && cluster.pod_ready(pod),
                restart_count: pod.restarts.max(rt.restarts),
                state,
            }]
        });
        PodValue {
            api_version: "v1",
            kind: "Pod",
            metadata: ObjectMeta {
                annotations: None,
                creation_timestamp: timestamp(pod.created),
                deletion_timestamp: pod.deleted_at.map(timestamp),
                labels: pod.labels(),
                name: &pod.name,
                namespace: &pod.namespace,
                owner_references: OwnerReference::to(pod.owner.as_ref()),
                uid: &pod.uid,
            },
            spec: SpecValue::of(&pod.spec, cluster.node_of(pod)),
            status: PodStatus {
                container_statuses,
                phase: phase_name(pod.phase),
                pod_ip: pod.ip.as_deref(),
            },
        }
    }
}
