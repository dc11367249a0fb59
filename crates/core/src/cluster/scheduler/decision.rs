//! What the scheduler decided for a pod, kept for `cluster explain` and the pictures: for each
//! node the filters' verdicts or its score, and the pick; or why no node would do.

use super::filters::Reason;
use super::scores::Strategy;
use crate::event::Tick;
use std::collections::BTreeMap;

/// Above this many nodes a decision keeps its summary only (counts, pick, score): a full table
/// per pod would cost nodes × pods.
pub const TABLE_LIMIT: usize = 256;

/// One node's row of a decision table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub node: String,
    /// Per filter of [`super::filters::FILTERS`]: the reasons it rejected the node (empty: passed).
    pub filters: Vec<Vec<Reason>>,
    /// Its score, if every filter passed.
    pub score: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub at: Tick,
    pub strategy: Strategy,
    /// The chosen node (its index in the cluster's nodes), or None (FailedScheduling).
    pub picked: Option<u32>,
    /// The chosen node's score (ranking strategies only).
    pub score: Option<u32>,
    pub nodes: usize,
    pub feasible: usize,
    /// How many nodes tied for the best score (the seeded RNG broke the tie).
    pub tied: usize,
    /// Per reason, how many nodes it rejected.
    pub rejections: BTreeMap<Reason, usize>,
    /// The whole table, for clusters of at most [`TABLE_LIMIT`] nodes.
    pub rows: super::table::Table,
}

impl Decision {
    /// kube's FailedScheduling message: `0/3 nodes are available: 1 node(s) were
    /// unschedulable, 2 Insufficient cpu.` (the "count reason" strings sorted, as kube does).
    pub fn failure_message(&self) -> String {
        failure_message(self.nodes, &self.rejections)
    }
}

pub fn failure_message(nodes: usize, rejections: &BTreeMap<Reason, usize>) -> String {
    let mut parts: Vec<String> = rejections
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(reason, n)| format!("{n} {reason}"))
        .collect();
    crate::order::sort(&mut parts);
    if parts.is_empty() {
        return format!("0/{nodes} nodes are available.");
    }
    format!("0/{nodes} nodes are available: {}.", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_orders_reasons_as_kube_does() {
        let mut r = BTreeMap::new();
        r.insert(Reason::InsufficientCpu, 2);
        r.insert(Reason::Unschedulable, 1);
        assert_eq!(
            failure_message(3, &r),
            "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu."
        );
    }
}
