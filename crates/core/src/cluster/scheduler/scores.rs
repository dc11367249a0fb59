//! Scores (NodeResourcesFit's scoring strategies): 0..100 per node, higher is better. kube
//! averages CPU and memory with weight 1 each; these scores are already in kube's 0..100
//! range, so normalising leaves them as they are.

use super::super::node::Node;
use super::super::objects::Resources;

/// How a cluster chooses among the nodes that fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
pub enum Strategy {
    /// The least busy node (kube's default LeastAllocated; Swarm's `spread`).
    #[default]
    LeastAllocated,
    /// The busiest node that still fits (MostAllocated: bin-packing).
    MostAllocated,
    /// Each node in turn, in node order.
    RoundRobin,
    /// Any node that fits, drawn from the seeded RNG.
    Random,
}

impl Strategy {
    pub const ALL: [Strategy; 4] = [
        Strategy::LeastAllocated,
        Strategy::MostAllocated,
        Strategy::RoundRobin,
        Strategy::Random,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::LeastAllocated => "least-allocated",
            Strategy::MostAllocated => "most-allocated",
            Strategy::RoundRobin => "round-robin",
            Strategy::Random => "random",
        }
    }

    pub fn parse(text: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.name() == text)
    }

    /// Whether nodes are ranked by score (the other two pick without one).
    pub fn ranks(self) -> bool {
        matches!(self, Strategy::LeastAllocated | Strategy::MostAllocated)
    }
}

/// The node's score for a pod requesting `pod` (its non-zero requests).
pub fn score(strategy: Strategy, node: &Node, pod: Resources) -> u32 {
    let cpu = resource_score(
        strategy,
        node.nonzero_requested.cpu_m + pod.cpu_m,
        node.capacity.cpu_m,
    );
    let memory = resource_score(
        strategy,
        node.nonzero_requested.memory + pod.memory,
        node.capacity.memory,
    );
    ((cpu + memory) / 2) as u32
}

fn resource_score(strategy: Strategy, requested: u64, capacity: u64) -> u64 {
    if capacity == 0 {
        return 0;
    }
    let requested = requested.min(capacity);
    match strategy {
        Strategy::MostAllocated => requested * 100 / capacity,
        _ => (capacity - requested) * 100 / capacity,
    }
}
