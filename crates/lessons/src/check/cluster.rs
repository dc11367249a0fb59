//! Checks on the Kubernetes cluster as it is now: `pod` (how many live pods of a Deployment, in
//! which phase, on which node, over how many nodes) and `node` (ready, cordoned, its pods).

use super::{quoted, required, CheckResult};
use serde::{Deserialize, Serialize};
use sim_core::cluster::objects::{Phase, Pod};
use sim_core::cluster::Cluster;
use sim_core::World;
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PodCheck {
    /// The Deployment that owns the pod (through its ReplicaSet).
    pub deployment: Option<String>,
    /// `Pending`, `Running`, `Succeeded` or `Failed`.
    pub phase: Option<String>,
    /// The node it is bound to.
    pub node: Option<String>,
    /// Exactly this many pods match.
    pub count: Option<usize>,
    /// At least this many pods match (default 1 when `count` is not given).
    pub at_least: Option<usize>,
    /// The matching pods are spread over at least this many different nodes.
    pub distinct_nodes: Option<usize>,
    /// The matching pods are on at most this many different nodes (1: all together).
    pub max_nodes: Option<usize>,
}

const PHASES: [&str; 4] = ["Pending", "Running", "Succeeded", "Failed"];

fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Pending => "Pending",
        Phase::Running => "Running",
        Phase::Succeeded => "Succeeded",
        Phase::Failed => "Failed",
    }
}

/// The Deployment a pod belongs to, through its ReplicaSet.
fn deployment_of<'a>(cluster: &'a Cluster, pod: &Pod) -> Option<&'a str> {
    let rs = pod.owner.as_ref()?;
    cluster
        .replicasets()
        .find(|r| r.name == rs.name && r.namespace == rs.namespace)
        .and_then(|r| r.owner.as_ref())
        .map(|d| d.name.as_str())
}

/// The learner's words for "there is no cluster yet".
fn no_cluster() -> CheckResult {
    CheckResult::fail(
        "아직 클러스터가 없습니다 (`cluster create`).",
        "There is no cluster yet (`cluster create`).",
    )
}

impl PodCheck {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if let Some(phase) = &self.phase {
            if !PHASES.contains(&phase.as_str()) {
                return Err(format!("`phase` must be one of {PHASES:?}, not `{phase}`"));
            }
        }
        if self.count.is_some() && self.at_least.is_some() {
            return Err("give `count` or `at_least`, not both".into());
        }
        for (value, field) in [(&self.deployment, "deployment"), (&self.node, "node")] {
            if let Some(v) = value {
                required(v, field)?;
            }
        }
        Ok(())
    }

    fn matches(&self, cluster: &Cluster, pod: &Pod) -> bool {
        !pod.terminating
            && self
                .deployment
                .as_deref()
                .is_none_or(|d| deployment_of(cluster, pod) == Some(d))
            && self
                .phase
                .as_deref()
                .is_none_or(|p| phase_name(pod.phase) == p)
            && self
                .node
                .as_deref()
                .is_none_or(|n| cluster.node_of(pod) == Some(n))
    }

    pub(crate) fn evaluate(&self, world: &World) -> CheckResult {
        let Some(cluster) = world.cluster() else {
            return no_cluster();
        };
        let found: Vec<&Pod> = cluster
            .pods()
            .filter(|p| self.matches(cluster, p))
            .collect();
        let nodes: BTreeSet<&str> = found.iter().filter_map(|p| cluster.node_of(p)).collect();
        let enough = match (self.count, self.at_least) {
            (Some(n), _) => found.len() == n,
            (None, n) => found.len() >= n.unwrap_or(1),
        };
        let spread = self.distinct_nodes.is_none_or(|n| nodes.len() >= n)
            && self.max_nodes.is_none_or(|n| nodes.len() <= n);
        let (ko, en) = self.describe();
        let seen_ko = format!("{}개, 노드 {}개", found.len(), nodes.len());
        let seen_en = format!("{} of them, on {} node(s)", found.len(), nodes.len());
        if enough && spread {
            CheckResult::pass(format!("{ko}: {seen_ko}."), format!("{en}: {seen_en}."))
        } else {
            CheckResult::fail(
                format!("{ko}가 필요합니다. 지금은 {seen_ko}입니다."),
                format!("{en} needed; now there are {seen_en}."),
            )
        }
    }

    /// What is asked, in words (Korean, English).
    fn describe(&self) -> (String, String) {
        let mut ko = Vec::new();
        let mut en = Vec::new();
        if let Some(d) = &self.deployment {
            ko.push(format!("디플로이먼트 {}의", quoted(d)));
            en.push(format!("of Deployment {}", quoted(d)));
        }
        if let Some(p) = &self.phase {
            ko.push(format!("{p} 상태인"));
            en.push(p.clone());
        }
        if let Some(n) = &self.node {
            ko.push(format!("노드 {}에 있는", quoted(n)));
            en.push(format!("on node {}", quoted(n)));
        }
        let amount = match (self.count, self.at_least) {
            (Some(n), _) => (format!("정확히 {n}개"), format!("exactly {n}")),
            (None, n) => (
                format!("{}개 이상", n.unwrap_or(1)),
                format!("at least {}", n.unwrap_or(1)),
            ),
        };
        let mut ko_text = format!("{} 파드 {}", ko.join(" "), amount.0);
        let mut en_text = format!("{} pod(s) {}", amount.1, en.join(" "));
        if let Some(n) = self.distinct_nodes {
            ko_text.push_str(&format!(" (서로 다른 노드 {n}개 이상에)"));
            en_text.push_str(&format!(" (on at least {n} different nodes)"));
        }
        if let Some(n) = self.max_nodes {
            ko_text.push_str(&format!(" (노드 {n}개 이하에)"));
            en_text.push_str(&format!(" (on at most {n} node(s))"));
        }
        (ko_text.trim().to_string(), en_text.trim().to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeCheck {
    pub name: String,
    /// The node controller sees it `Ready`.
    pub ready: Option<bool>,
    /// Cordoned (`SchedulingDisabled`).
    pub unschedulable: Option<bool>,
    /// Exactly this many live (not terminating) pods are bound to it.
    pub pods: Option<usize>,
}

impl NodeCheck {
    pub(crate) fn validate(&self) -> Result<(), String> {
        required(&self.name, "name")
    }

    pub(crate) fn evaluate(&self, world: &World) -> CheckResult {
        let Some(cluster) = world.cluster() else {
            return no_cluster();
        };
        let n = quoted(&self.name);
        let Some(node) = cluster.node(&self.name) else {
            return CheckResult::fail(
                format!("노드 {n}이(가) 없습니다."),
                format!("There is no node {n}."),
            );
        };
        let pods = cluster
            .pods_on(node.index)
            .filter(|p| !p.terminating)
            .count();
        let status = node.status();
        let mut missing_ko = Vec::new();
        let mut missing_en = Vec::new();
        if self.ready.is_some_and(|r| r != node.ready) {
            let want = if node.ready { "NotReady" } else { "Ready" };
            missing_ko.push(format!("{want}여야 합니다"));
            missing_en.push(format!("it should be {want}"));
        }
        if self.unschedulable.is_some_and(|u| u != node.unschedulable) {
            if node.unschedulable {
                missing_ko.push("새 파드를 받을 수 있어야 합니다 (uncordon)".to_string());
                missing_en.push("it should take new pods again (uncordon)".to_string());
            } else {
                missing_ko.push("새 파드를 받지 않아야 합니다 (cordon)".to_string());
                missing_en.push("it should take no new pods (cordon)".to_string());
            }
        }
        if self.pods.is_some_and(|want| want != pods) {
            let want = self.pods.unwrap_or_default();
            missing_ko.push(format!("파드가 {want}개여야 합니다"));
            missing_en.push(format!("it should have {want} pod(s)"));
        }
        let seen_ko = format!("지금 {status}, 파드 {pods}개");
        let seen_en = format!("now {status}, {pods} pod(s)");
        if missing_en.is_empty() {
            CheckResult::pass(
                format!("노드 {n}: {seen_ko}."),
                format!("Node {n}: {seen_en}."),
            )
        } else {
            CheckResult::fail(
                format!("노드 {n}: {} ({seen_ko}).", missing_ko.join(", ")),
                format!("Node {n}: {} ({seen_en}).", missing_en.join(", ")),
            )
        }
    }
}
