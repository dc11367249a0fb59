//! The kubelet's restarts of a pod's container that exited (restartPolicy Always): the pod
//! shows `Completed` or `Error` right after the exit, then `CrashLoopBackOff` while the kubelet
//! waits; the wait starts at 10 s and doubles up to 5 minutes, and starts over once a run
//! lasted 10 minutes.

use super::backoff::{INITIAL_MS, MAX_MS};
use crate::cluster::objects::PodId;
use crate::cluster::{Cluster, KubeletAction};
use crate::event::Tick;

/// A run at least this long forgets the earlier crashes (the kubelet's back-off reset).
pub const RESET_AFTER_MS: Tick = 600_000;
/// How long the pod shows its container's end (`Completed`, `Error`) before the kubelet's
/// next look at it turns that into `CrashLoopBackOff`.
pub const EXITED_SHOW_MS: Tick = 5_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CrashBackoff {
    /// The wait after the last exit.
    pub delay: Tick,
    pub exited_at: Tick,
    /// When the kubelet starts the container again (`Tick::MAX` once that is queued).
    pub retry_at: Tick,
    /// The pod shows `CrashLoopBackOff` (and its event was given).
    pub waiting: bool,
}

impl CrashBackoff {
    /// When the kubelet next has something to do for this pod.
    pub fn due(&self) -> Tick {
        if self.waiting {
            self.retry_at
        } else {
            self.retry_at.min(self.exited_at + EXITED_SHOW_MS)
        }
    }
}

impl Cluster {
    /// The pod whose container `container` is on node `node`.
    pub(crate) fn pod_of_container(&self, node: &str, container: &str) -> Option<PodId> {
        let &index = self.node_index.get(node)?;
        self.by_node[index as usize].iter().copied().find(|id| {
            self.pods
                .get(id)
                .is_some_and(|p| p.container.as_deref() == Some(container))
        })
    }

    /// The container `container` on node `node` ended with `code` at `now` after running
    /// since `started`. `crashed`: it ended by itself (not stopped by the kubelet because its
    /// node failed or its pod goes), so the kubelet restarts it after its back-off. True when
    /// it was a pod's container.
    pub(crate) fn container_exited(
        &mut self,
        node: &str,
        container: &str,
        code: i32,
        started: Tick,
        now: Tick,
        crashed: bool,
    ) -> bool {
        let Some(id) = self.pod_of_container(node, container) else {
            return false;
        };
        let heartbeat = self
            .node_index
            .get(node)
            .is_some_and(|&i| self.nodes[i as usize].heartbeat);
        let Some(pod) = self.pods.get_mut(&id) else {
            return false;
        };
        pod.running = false;
        pod.ready_since = None;
        pod.probe = None;
        self.starting.remove(&id);
        let Some(pod) = self.pods.get_mut(&id) else {
            return false;
        };
        if pod.terminating || !crashed || !heartbeat {
            return true;
        }
        pod.last_exit = Some(code);
        pod.waiting_reason = None;
        let delay = match self.crashes.get(&id) {
            Some(b) if now.saturating_sub(started) < RESET_AFTER_MS => (b.delay * 2).min(MAX_MS),
            _ => INITIAL_MS,
        };
        self.crashes.insert(
            id,
            CrashBackoff {
                delay,
                exited_at: now,
                retry_at: now + delay,
                waiting: false,
            },
        );
        true
    }

    /// The kubelets' side of crash restarts at `now`: pods whose container ended a moment ago
    /// show `CrashLoopBackOff` (a BackOff warning), pods whose wait is over start again.
    pub(crate) fn kubelet_crashloop(&mut self, now: Tick) {
        let ids: Vec<PodId> = self.crashes.keys().copied().collect();
        for id in ids {
            let Some(pod) = self.pods.get_mut(&id).filter(|p| !p.terminating) else {
                self.crashes.remove(&id);
                continue;
            };
            let b = self.crashes[&id];
            if !b.waiting && now >= b.exited_at + EXITED_SHOW_MS && now < b.retry_at {
                pod.waiting_reason = Some("CrashLoopBackOff".into());
                let container = pod
                    .spec
                    .containers
                    .first()
                    .map_or(String::new(), |c| c.name.clone());
                let message = format!(
                    "Back-off restarting failed container {container} in pod {}_{}({})",
                    pod.name, pod.namespace, pod.uid
                );
                let object = format!("pod/{}", pod.name);
                if let Some(entry) = self.crashes.get_mut(&id) {
                    entry.waiting = true;
                }
                self.event(now, true, "BackOff", object, "kubelet", message);
            }
            if now >= b.retry_at {
                if let Some(pod) = self.pods.get_mut(&id) {
                    pod.restarts += 1;
                    pod.last_exit = None;
                    pod.waiting_reason = None;
                }
                if let Some(entry) = self.crashes.get_mut(&id) {
                    entry.retry_at = Tick::MAX;
                    entry.waiting = true;
                }
                self.kubelet.push(KubeletAction::Restart(id));
            }
        }
    }

    /// When the kubelets next look at a crashed container.
    pub(crate) fn crashloop_due(&self) -> Option<Tick> {
        self.crashes
            .values()
            .map(CrashBackoff::due)
            .filter(|&t| t != Tick::MAX)
            .min()
    }
}
