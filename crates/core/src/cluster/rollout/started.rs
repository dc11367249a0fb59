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
    pub(crate) fn container_settled(&mut self, node: &str, container: &str, now: Tick) -> bool {
        let Some(id) = self.pod_of_container(node, container) else {
            return false;
        };
        self.starting.remove(&id);
        if self.pods.get(&id).is_none() {
            return false;
        }
        self.became_running(id, now);
        true
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
            self.became_running(id, now);
        }
    }

    /// When the kubelets next look at a container that started, or a ready pod has been
    /// ready for its Deployment's minReadySeconds (it becomes available then).
    pub(crate) fn relist_due(&self) -> Option<Tick> {
        let relist = self.starting.values().map(|&at| at + RELIST_MS).min();
        let any_min_ready = self
            .deployments
            .values()
            .any(|d| d.rollout.min_ready_seconds > 0);
        let available = any_min_ready
            .then(|| {
                self.pods
                    .values()
                    .filter(|p| self.pod_ready(p))
                    .filter_map(|p| Some(p.ready_since? + self.min_ready_ms(p)))
                    .filter(|&at| at > self.clock)
                    .min()
            })
            .flatten();
        [relist, available].into_iter().flatten().min()
    }

    /// The minReadySeconds of the Deployment a pod belongs to, in ms (0 for others).
    pub(crate) fn min_ready_ms(&self, pod: &crate::cluster::objects::Pod) -> Tick {
        pod.owner
            .as_ref()
            .map_or(0, |owner| self.min_ready_of(owner))
    }

    /// The minReadySeconds of the Deployment owning the ReplicaSet `owner`, in ms.
    pub(crate) fn min_ready_of(&self, owner: &crate::cluster::objects::ObjectKey) -> Tick {
        self.replicasets
            .get(&(owner.namespace.clone(), owner.name.clone()))
            .and_then(|rs| rs.owner.as_ref())
            .and_then(|d| self.deployments.get(&(d.namespace.clone(), d.name.clone())))
            .map_or(0, |d| d.rollout.min_ready_seconds * 1000)
    }

    /// Ready for its Deployment's minReadySeconds (what rollouts count as available).
    pub fn pod_available(&self, pod: &crate::cluster::objects::Pod) -> bool {
        self.pod_ready(pod)
            && pod
                .ready_since
                .is_some_and(|since| since + self.min_ready_ms(pod) <= self.clock)
    }
}
