//! Readiness probes on the kubelet's logical clock: a running container with a
//! `readinessProbe` is probed first after initialDelaySeconds, then every periodSeconds; it is
//! ready after successThreshold successes in a row and unready again after failureThreshold
//! failures in a row (a `Unhealthy` warning for each failure). The World runs each probe
//! ([`KubeletAction::Probe`]) and gives back its result.

use crate::cluster::objects::PodId;
use crate::cluster::probe::Probe;
use crate::cluster::{Cluster, KubeletAction};
use crate::event::Tick;

/// Where a pod's readiness probe stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeState {
    /// When the kubelet runs it next.
    pub next_at: Tick,
    /// When a probe was handed to the World whose result has not come back.
    pub in_flight: Option<Tick>,
    pub successes: u32,
    pub failures: u32,
    /// The probe passed (successThreshold times in a row) and has not failed enough since.
    pub ready: bool,
}

impl Cluster {
    /// The readiness probe of a pod's (first) container, if it has one.
    pub fn readiness_probe(&self, id: PodId) -> Option<&Probe> {
        self.pods
            .get(&id)?
            .spec
            .containers
            .first()?
            .readiness
            .as_ref()
    }

    /// The pod's container is running from `now`: ready at once without a probe, else not
    /// before its probe passes (the first one after initialDelaySeconds).
    pub(crate) fn became_running(&mut self, id: PodId, now: Tick) {
        let first = self
            .readiness_probe(id)
            .map(|p| now + p.initial_delay_seconds * 1000);
        let Some(pod) = self.pods.get_mut(&id) else {
            return;
        };
        pod.running = true;
        match first {
            None => pod.ready_since = Some(now),
            Some(next_at) => {
                self.probed.insert(id);
                pod.ready_since = None;
                pod.probe = Some(ProbeState {
                    next_at,
                    in_flight: None,
                    successes: 0,
                    failures: 0,
                    ready: false,
                });
            }
        }
    }

    /// The kubelets' probes due at `now`, handed to the World, and those that took longer
    /// than their timeoutSeconds, given up.
    pub(crate) fn kubelet_probe(&mut self, now: Tick) {
        let mut due = Vec::new();
        let mut late = Vec::new();
        self.probed
            .retain(|id| self.pods.get(id).is_some_and(|p| p.probe.is_some()));
        let probed = self.probed.iter().filter_map(|id| self.pods.get(id));
        for p in probed.filter(|p| p.running && !p.terminating) {
            let probe = p.spec.containers.first().and_then(|c| c.readiness.as_ref());
            let (Some(state), Some(probe)) = (&p.probe, probe) else {
                continue;
            };
            match state.in_flight {
                Some(since) if now >= since + probe.timeout_seconds * 1000 => late.push(p.id),
                Some(_) => {}
                None if state.next_at <= now => due.push((p.id, probe.period_seconds)),
                None => {}
            }
        }
        for id in late {
            self.kubelet.push(KubeletAction::ProbeTimedOut(id));
        }
        for (id, period) in due {
            if let Some(state) = self.pods.get_mut(&id).and_then(|p| p.probe.as_mut()) {
                state.in_flight = Some(now);
                state.next_at = now + period * 1000;
            }
            self.kubelet.push(KubeletAction::Probe(id));
        }
    }

    /// A probe's result at `now`: `Err` carries what the failure says (kubelet's words after
    /// `Readiness probe failed: `).
    pub fn probe_result(&mut self, id: PodId, result: Result<(), String>, now: Tick) {
        let Some((success_threshold, failure_threshold)) = self
            .readiness_probe(id)
            .map(|p| (p.success_threshold, p.failure_threshold))
        else {
            return;
        };
        let Some(pod) = self.pods.get_mut(&id) else {
            return;
        };
        let object = format!("pod/{}", pod.name);
        let Some(state) = pod.probe.as_mut() else {
            return;
        };
        state.in_flight = None;
        match result {
            Ok(()) => {
                state.failures = 0;
                state.successes += 1;
                if !state.ready && state.successes >= success_threshold {
                    state.ready = true;
                    pod.ready_since = Some(now);
                    self.readiness_changes.push((pod.name.clone(), true));
                }
            }
            Err(message) => {
                state.successes = 0;
                state.failures += 1;
                if state.ready && state.failures >= failure_threshold {
                    state.ready = false;
                    pod.ready_since = None;
                    self.readiness_changes.push((pod.name.clone(), false));
                }
                let message = format!("Readiness probe failed: {message}");
                self.event(now, true, "Unhealthy", object, "kubelet", message);
            }
        }
    }

    /// When the kubelets next run a readiness probe or give up waiting for one.
    pub(crate) fn probe_due(&self) -> Option<Tick> {
        self.probed
            .iter()
            .filter_map(|id| self.pods.get(id))
            .filter(|p| p.running && !p.terminating)
            .filter_map(|p| {
                let state = p.probe.as_ref()?;
                let timeout = p
                    .spec
                    .containers
                    .first()?
                    .readiness
                    .as_ref()?
                    .timeout_seconds;
                Some(
                    state
                        .in_flight
                        .map_or(state.next_at, |since| since + timeout * 1000),
                )
            })
            .min()
    }
}
