//! The scheduling queue: pods waiting for a node, oldest first (kube orders by priority, then
//! creation time; every pod here has the same priority).

use super::super::objects::PodId;
use std::collections::BTreeSet;

#[derive(Clone, Debug, Default)]
pub struct Queue {
    pending: BTreeSet<PodId>,
}

impl Queue {
    pub fn push(&mut self, pod: PodId) {
        self.pending.insert(pod);
    }

    pub fn remove(&mut self, pod: PodId) {
        self.pending.remove(&pod);
    }

    /// The pods waiting now, oldest first.
    pub fn snapshot(&self) -> Vec<PodId> {
        self.pending.iter().copied().collect()
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}
