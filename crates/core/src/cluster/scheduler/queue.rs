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

    /// Takes every pod waiting now, oldest first (the scheduler puts back those it could
    /// not place).
    pub fn take_all(&mut self) -> BTreeSet<PodId> {
        std::mem::take(&mut self.pending)
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}
