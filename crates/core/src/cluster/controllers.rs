//! The controllers, reconciling on the logical clock: Deployment → ReplicaSet, ReplicaSet →
//! pods, the scheduler's pass over its queue, and the node lifecycle (NotReady after the grace
//! period, eviction after the unreachable toleration).

use super::events::object_of;
use super::labels::Selector;
use super::names::push_suffix;
use super::node::{Taint, UNREACHABLE};
use super::objects::{Phase, PodId};
use super::scheduler::filters::PodShape;
use super::{Cluster, ClusterError, KubeletAction, EVICTION_MS, NODE_GRACE_MS};
use crate::event::Tick;
use rand_core::RngCore;

impl Cluster {
    /// Runs every controller once, in dependency order, then the scheduler.
    pub fn reconcile(&mut self, now: Tick, rng: &mut dyn RngCore) {
        self.reconcile_workloads(now, rng);
        schedule_pending(self, now, rng);
    }

    /// The controllers without the scheduler: node lifecycle, Deployments, ReplicaSets.
    pub fn reconcile_workloads(&mut self, now: Tick, rng: &mut dyn RngCore) {
        self.clock = self.clock.max(now);
        self.node_lifecycle(now);
        self.kubelet_backoff(now);
        self.kubelet_relist(now);
        self.kubelet_crashloop(now);
        self.kubelet_probe(now);
        self.reconcile_deployments(now, rng);
        self.reconcile_replicasets(now, rng);
    }

    /// When the node lifecycle next has something to do (a NotReady mark or an eviction).
    pub fn next_due(&self) -> Option<Tick> {
        let mut due: Option<Tick> = None;
        for node in &self.nodes {
            let at = if node.heartbeat {
                continue;
            } else if node.ready {
                node.last_heartbeat + NODE_GRACE_MS
            } else {
                let evictable = self.by_node[node.index as usize]
                    .iter()
                    .any(|id| self.pods.get(id).is_some_and(|p| !p.terminating));
                if !evictable {
                    continue;
                }
                node.not_ready_since.unwrap_or(0) + EVICTION_MS
            };
            due = Some(due.map_or(at, |d: Tick| d.min(at)));
        }
        match (due, self.rollout_due()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// `cluster node fail NAME`: the node's kubelet stops heart-beating and its containers
    /// stop. Nothing else changes until the grace period passes.
    pub fn fail_node(&mut self, name: &str, now: Tick) -> Result<(), ClusterError> {
        let i = self.node_index_of(name)?;
        if !self.nodes[i as usize].heartbeat {
            return Err(ClusterError(format!(
                "cluster: node {name} has already failed"
            )));
        }
        let node = &mut self.nodes[i as usize];
        node.heartbeat = false;
        node.last_heartbeat = now;
        self.touch_pods_on(i);
        let containers: Vec<String> = self.by_node[i as usize]
            .iter()
            .filter_map(|id| self.pods.get(id))
            .filter_map(|p| p.container.clone())
            .collect();
        for container in containers {
            self.kubelet.push(KubeletAction::Stop {
                node: name.into(),
                container,
            });
        }
        self.event(
            now,
            true,
            "NodeFailed",
            format!("node/{name}"),
            "sim",
            format!(
                "Node {name} stopped: its kubelet posts no status and its containers are stopped"
            ),
        );
        Ok(())
    }

    /// `cluster node recover NAME`: the kubelet posts status again; pods evicted meanwhile are
    /// removed from it, the others' containers start again.
    pub fn recover_node(&mut self, name: &str, now: Tick) -> Result<(), ClusterError> {
        let i = self.node_index_of(name)?;
        if self.nodes[i as usize].heartbeat {
            return Err(ClusterError(format!("cluster: node {name} has not failed")));
        }
        let node = &mut self.nodes[i as usize];
        node.heartbeat = true;
        node.last_heartbeat = now;
        let was_ready = node.ready;
        node.ready = true;
        node.not_ready_since = None;
        node.taints.retain(|t| t.key != UNREACHABLE);
        self.scheduler.touch(i);
        self.touch_pods_on(i);
        if !was_ready {
            self.event(
                now,
                false,
                "NodeReady",
                format!("node/{name}"),
                "kubelet",
                format!("Node {name} status is now: NodeReady"),
            );
        }
        let on_node: Vec<(PodId, bool)> = self.by_node[i as usize]
            .iter()
            .filter_map(|id| self.pods.get(id))
            .map(|p| (p.id, p.terminating))
            .collect();
        for (id, terminating) in on_node {
            if terminating {
                self.remove_pod(id, now);
            } else {
                self.kubelet.push(KubeletAction::Restart(id));
            }
        }
        Ok(())
    }

    /// Its pods' readiness follows the node's kubelet: they are looked at again.
    fn touch_pods_on(&mut self, node: u32) {
        for &id in &self.by_node[node as usize] {
            self.pods.touch(id);
        }
    }

    /// The node lifecycle controller at `now`: NotReady after the grace period (with the
    /// unreachable taints), eviction of the pods after the toleration.
    fn node_lifecycle(&mut self, now: Tick) {
        for i in 0..self.nodes.len() {
            let node = &self.nodes[i];
            if node.heartbeat {
                continue;
            }
            let name = node.name.clone();
            if node.ready && now >= node.last_heartbeat + NODE_GRACE_MS {
                let at = node.last_heartbeat + NODE_GRACE_MS;
                let node = &mut self.nodes[i];
                node.ready = false;
                node.not_ready_since = Some(at);
                node.taints.push(Taint::new(UNREACHABLE, "NoSchedule"));
                node.taints.push(Taint::new(UNREACHABLE, "NoExecute"));
                self.scheduler.touch(i as u32);
                self.event(
                    at,
                    false,
                    "NodeNotReady",
                    format!("node/{name}"),
                    "node-controller",
                    format!("Node {name} status is now: NodeNotReady"),
                );
            }
            let node = &self.nodes[i];
            let Some(since) = node.not_ready_since else {
                continue;
            };
            if now < since + EVICTION_MS {
                continue;
            }
            let victims: Vec<(PodId, String, String)> = self.by_node[i]
                .iter()
                .filter_map(|id| self.pods.get(id))
                .filter(|p| !p.terminating)
                .map(|p| (p.id, p.namespace.clone(), p.name.clone()))
                .collect();
            for (id, ns, pod) in victims {
                self.event(
                    since + EVICTION_MS,
                    false,
                    "TaintManagerEviction",
                    format!("pod/{pod}"),
                    "taint-eviction-controller",
                    format!("Marking for deletion Pod {ns}/{pod}"),
                );
                self.delete_pod(id, now);
            }
        }
    }

    /// Each Deployment has a ReplicaSet for its current template; its strategy moves the
    /// pods over from the older ones (see [`super::rollout`]).
    fn reconcile_deployments(&mut self, now: Tick, rng: &mut dyn RngCore) {
        let keys: Vec<(String, String)> = self.deployments.keys().cloned().collect();
        for key in keys {
            self.reconcile_deployment(&key, now, rng);
        }
    }

    /// Each ReplicaSet has as many live (not terminating) pods as it wants: it creates the
    /// missing ones and deletes the extra ones (unscheduled first, then the newest).
    fn reconcile_replicasets(&mut self, now: Tick, rng: &mut dyn RngCore) {
        let keys: Vec<(String, String)> = self.replicasets.keys().cloned().collect();
        for key in keys {
            let Some(rs) = self.replicasets.get(&key) else {
                continue;
            };
            let rs_key = rs.key();
            let want = rs.replicas as usize;
            let live = self.owned.get(&rs_key).map_or(0, |o| o.1);
            if live < want {
                let ns = rs.namespace.clone();
                let base = rs.name.clone();
                let template = std::rc::Rc::new(rs.template.clone());
                for _ in live..want {
                    let name = loop {
                        let mut name = String::with_capacity(base.len() + 6);
                        name.push_str(&base);
                        name.push('-');
                        push_suffix(rng, 5, &mut name);
                        if !self.pod_index.contains(&ns, &name) {
                            break name;
                        }
                    };
                    self.add_pod(&ns, &name, template.clone(), Some(rs_key.clone()), now, rng);
                    self.event(
                        now,
                        false,
                        "SuccessfulCreate",
                        ["replicaset/", base.as_str()].concat(),
                        "replicaset-controller",
                        ["Created pod: ", name.as_str()].concat(),
                    );
                }
            } else if live > want {
                // Unscheduled pods go first, then pending ones, then the newest: each pod's
                // sort key taken once (the key holds its ID, so no two are equal).
                let mut victims: Vec<(bool, bool, std::cmp::Reverse<PodId>)> = self.owned[&rs_key]
                    .0
                    .iter()
                    .filter_map(|id| self.pods.get(id))
                    .filter(|p| !p.terminating)
                    .map(|p| {
                        let running = p.phase == Phase::Running;
                        (p.node.is_some(), running, std::cmp::Reverse(p.id))
                    })
                    .collect();
                crate::order::sort(&mut victims);
                let extra = victims.len() - want;
                for (_, _, std::cmp::Reverse(id)) in victims.into_iter().take(extra) {
                    let name = self.pods[&id].name.clone();
                    self.delete_pod(id, now);
                    self.event(
                        now,
                        false,
                        "SuccessfulDelete",
                        object_of(&rs_key),
                        "replicaset-controller",
                        format!("Deleted pod: {name}"),
                    );
                }
            }
        }
    }
}

/// The scheduler's pass: every pending pod, oldest first, decided and bound or left Pending
/// with kube's FailedScheduling message (one event per new message).
pub(crate) fn schedule_pending(cluster: &mut Cluster, now: Tick, rng: &mut dyn RngCore) {
    let pending = cluster.scheduler.queue.take_all();
    // One event and one kubelet action per pod bound: grow once, not while binding.
    cluster.events.reserve(pending.len());
    cluster.kubelet.reserve(pending.len());
    for id in pending {
        let Some(pod) = cluster.pods.get(&id) else {
            continue;
        };
        let shape = PodShape::of(&pod.spec);
        let mut decision = cluster.scheduler.decide(&shape, &cluster.nodes, rng, now);
        match decision.picked {
            Some(n) => {
                decision.rows = cluster.scheduler.table(&shape, &cluster.nodes);
                bind(cluster, id, n, now);
                cluster.scheduler.bound(n, &cluster.nodes, rng);
                cluster.decisions.insert(id, decision);
            }
            None => {
                let message = decision.failure_message();
                cluster.scheduler.queue.push(id);
                let pod = cluster.pods.get_mut(&id).expect("pod exists");
                if pod.last_failure.as_deref() != Some(message.as_str()) {
                    pod.last_failure = Some(message.clone());
                    let object = format!("pod/{}", pod.name);
                    cluster.event(
                        now,
                        true,
                        "FailedScheduling",
                        object,
                        "default-scheduler",
                        message,
                    );
                    decision.rows = cluster.scheduler.table(&shape, &cluster.nodes);
                    cluster.decisions.insert(id, decision);
                }
            }
        }
    }
}

/// Binds a pod to node `n`: the node's share and an address from its range; its kubelet will
/// run it.
fn bind(cluster: &mut Cluster, id: PodId, n: u32, now: Tick) {
    let node = &mut cluster.nodes[n as usize];
    let Some(pod) = cluster.pods.get_mut(&id) else {
        return;
    };
    let requests = pod.spec.requests();
    node.requested.add(requests);
    node.nonzero_requested.add(requests.nonzero());
    node.pod_count += 1;
    pod.node = Some(n);
    pod.ip = node.allocate_ip();
    cluster.by_node[n as usize].insert(id);
    pod.last_failure = None;
    // concat, not format!: one exact allocation each, for 150,000 binds in one pass.
    let message = [
        "Successfully assigned ",
        &pod.namespace,
        "/",
        &pod.name,
        " to ",
        &node.name,
    ]
    .concat();
    let object = ["pod/", pod.name.as_str()].concat();
    cluster.kubelet.push(KubeletAction::Run(id));
    cluster.event(
        now,
        false,
        "Scheduled",
        object,
        "default-scheduler",
        message,
    );
}

/// Keys of the pods a selector picks in a namespace (for `-l` and `drain`).
pub fn pods_matching<'a>(
    cluster: &'a Cluster,
    namespace: Option<&'a str>,
    selector: &'a Selector,
) -> impl Iterator<Item = &'a super::objects::Pod> + 'a {
    cluster.pods.values().filter(move |p| {
        namespace.is_none_or(|ns| p.namespace == ns) && selector.matches(p.labels())
    })
}
