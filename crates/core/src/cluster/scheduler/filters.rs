//! The Filter plugins of kube-scheduler this model has, in the default profile's order, and
//! the reasons they give (kube's own words, which make up the FailedScheduling message).

use super::super::labels::Labels;
use super::super::node::{Node, UNSCHEDULABLE};
use super::super::objects::{PodTemplate, Resources, Toleration};
use std::fmt;

/// The filters, in the order kube-scheduler runs them.
pub const FILTERS: [&str; 5] = [
    "NodeUnschedulable",
    "NodeName",
    "TaintToleration",
    "NodeAffinity",
    "NodeResourcesFit",
];

/// Why a filter rejected a node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    Unschedulable,
    NodeName,
    NodeSelector,
    Taint { key: String, value: String },
    InsufficientCpu,
    InsufficientMemory,
    TooManyPods,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Unschedulable => write!(f, "node(s) were unschedulable"),
            Reason::NodeName => write!(f, "node(s) didn't match the requested node name"),
            Reason::NodeSelector => write!(f, "node(s) didn't match Pod's node affinity/selector"),
            Reason::Taint { key, value } => {
                write!(f, "node(s) had untolerated taint {{{key}: {value}}}")
            }
            Reason::InsufficientCpu => write!(f, "Insufficient cpu"),
            Reason::InsufficientMemory => write!(f, "Insufficient memory"),
            Reason::TooManyPods => write!(f, "Too many pods"),
        }
    }
}

/// What the filters and scores look at in a pod: pods of one shape get the same verdicts, so
/// the scheduler keeps its per-node verdicts while the shape stays the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodShape {
    pub requests: Resources,
    pub node_selector: Labels,
    pub tolerations: Vec<Toleration>,
    pub node_name: Option<String>,
}

impl PodShape {
    pub fn of(spec: &PodTemplate) -> PodShape {
        PodShape {
            requests: spec.requests(),
            node_selector: spec.node_selector.clone(),
            tolerations: spec.tolerations.clone(),
            node_name: spec.node_name.clone(),
        }
    }

    /// Whether a pod of this spec has this shape (without building one).
    pub fn fits_spec(&self, spec: &PodTemplate) -> bool {
        self.requests == spec.requests()
            && self.node_selector == spec.node_selector
            && self.tolerations == spec.tolerations
            && self.node_name == spec.node_name
    }

    fn tolerates_key(&self, key: &str) -> bool {
        self.tolerations
            .iter()
            .any(|t| t.key == key || (t.key.is_empty() && t.value.is_none()))
    }
}

/// Runs filter number `filter` of [`FILTERS`]; the reasons it rejects the node for (none: it
/// passes).
pub fn run(filter: usize, node: &Node, pod: &PodShape) -> Vec<Reason> {
    match filter {
        0 if node.unschedulable && !pod.tolerates_key(UNSCHEDULABLE) => vec![Reason::Unschedulable],
        1 if pod.node_name.as_ref().is_some_and(|n| *n != node.name) => vec![Reason::NodeName],
        2 => node
            .taints
            .iter()
            .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
            .find(|t| !pod.tolerations.iter().any(|tol| tol.tolerates(t)))
            .map(|t| {
                vec![Reason::Taint {
                    key: t.key.clone(),
                    value: t.value.clone(),
                }]
            })
            .unwrap_or_default(),
        3 if pod
            .node_selector
            .iter()
            .any(|(k, v)| node.labels.get(k) != Some(v)) =>
        {
            vec![Reason::NodeSelector]
        }
        4 => {
            let mut reasons = Vec::new();
            if node.pod_count + 1 > node.max_pods {
                reasons.push(Reason::TooManyPods);
            }
            let free = node.free();
            if pod.requests.cpu_m > free.cpu_m {
                reasons.push(Reason::InsufficientCpu);
            }
            if pod.requests.memory > free.memory {
                reasons.push(Reason::InsufficientMemory);
            }
            reasons
        }
        _ => Vec::new(),
    }
}

/// The first filter that rejects the node, as kube-scheduler stops at it: its number and
/// reasons.
pub fn first_rejection(node: &Node, pod: &PodShape) -> Option<(u8, Vec<Reason>)> {
    (0..FILTERS.len()).find_map(|i| {
        let reasons = run(i, node, pod);
        (!reasons.is_empty()).then_some((i as u8, reasons))
    })
}
