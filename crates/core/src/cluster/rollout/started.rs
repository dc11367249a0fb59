//! When the kubelet reports a pod's container running: at once when its node says the process
//! keeps running (a server waiting for requests), else at the kubelet's next look a second
//! later if it has not ended by then. A container that ends at once is never ready.

use crate::cluster::objects::PodId;
use crate::cluster::Cluster;
use crate::event::Tick;

/// How often the kubelet looks at its containers' states (the PLEG relist period).
pub const RELIST_MS: Tick = 1_000;
/// How long after its container's start or end a pod's new status reaches the controllers:
/// a moment, so that everything a node reports at one instant is taken in by one
/// reconcile (not one per container, which a large scale-up would feel).
pub const STATUS_MS: Tick = 1;

impl Cluster {
    /// The node reported that a container started at `now`. True if it was a pod's.
    pub(crate) fn container_started(&mut self, node: &str, container: &str, now: Tick) -> bool {
        let Some(id) = self.pod_of_container(node, container) else {
            return false;
        };
        self.starting.insert(id, now);
        true
    }

    /// The node reported that a container keeps running by itself. True if it was a pod's.
    pub(crate) fn container_settled(&mut self, node: &str, container: &str) -> bool {
        let Some(id) = self.pod_of_container(node, container) else {
            return false;
        };
        self.starting.remove(&id);
        self.pods.get_mut(&id).is_some_and(|p| {
            p.running = true;
            true
        })
    }

    /// The kubelets' look at `now`: containers started a second ago and still running.
    pub(crate) fn kubelet_relist(&mut self, now: Tick) {
        let due: Vec<PodId> = self
            .starting
            .iter()
            .filter(|(_, &at)| now >= at + RELIST_MS)
            .map(|(&id, _)| id)
            .collect();
        for id in due {
            self.starting.remove(&id);
            if let Some(p) = self.pods.get_mut(&id) {
                p.running = true;
            }
        }
    }

    /// When the kubelets next look at a container that started.
    pub(crate) fn relist_due(&self) -> Option<Tick> {
        self.starting.values().map(|&at| at + RELIST_MS).min()
    }
}
