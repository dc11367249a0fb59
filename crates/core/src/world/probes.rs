//! The kubelet's readiness probes on a pod's node: an httpGet is a request to the pod's
//! container answered from the model at once; an exec is a further process in the container
//! whose exit status (0 = success) comes back as an observation later.

use super::{ContainerId, World};
use crate::cluster::objects::PodId;
use crate::cluster::probe::{Probe, ProbeAction};
use crate::driver::{Effect, ProcessHandle};
use crate::event::Tick;
use crate::program::Stream;
use crate::world::container::LogLine;
use crate::world::preview::PreviewResponse;

impl World {
    /// Runs pod `id`'s readiness probe now.
    pub(super) fn run_probe(&mut self, id: PodId) {
        let Some(cluster) = self.cluster.as_ref() else {
            return;
        };
        let (Some(pod), Some(probe)) = (cluster.pod_by_id(id), cluster.readiness_probe(id)) else {
            return;
        };
        let Some((node, container)) = cluster.pod_container(id) else {
            return;
        };
        let ip = pod.ip.clone().unwrap_or_default();
        let result = match probe.action.clone() {
            ProbeAction::HttpGet {
                path, port, https, ..
            } => {
                let scheme = if https { "https" } else { "http" };
                let url = format!("{scheme}://{ip}:{port}{path}");
                match self.container_http(&node, &container, port, &path) {
                    // The simulated servers speak plain HTTP only: Go's client says so.
                    PreviewResponse::Http { .. } if https => Err(format!(
                        "Get \"{url}\": http: server gave HTTP response to HTTPS client"
                    )),
                    PreviewResponse::Http { status, .. } if (200..400).contains(&status) => Ok(()),
                    PreviewResponse::Http { status, .. } => {
                        Err(format!("HTTP probe failed with statuscode: {status}"))
                    }
                    PreviewResponse::Failed { .. } => Err(format!(
                        "Get \"{url}\": dial tcp {ip}:{port}: connect: connection refused"
                    )),
                }
            }
            ProbeAction::Exec(argv) => {
                let started = self.on_host(&node, |w| w.start_probe_process(&container, argv));
                match started.flatten() {
                    Some(handle) => {
                        self.probing.insert(handle, id);
                        return;
                    }
                    None => Err("container not running".into()),
                }
            }
        };
        let now = self.now;
        if let Some(cluster) = self.cluster.as_mut() {
            cluster.probe_result(id, result, now);
        }
    }

    /// Starts `argv` in `container` of the current host as the kubelet's exec probe.
    fn start_probe_process(&mut self, container: &str, argv: Vec<String>) -> Option<ProcessHandle> {
        let c = self
            .engine
            .containers
            .get(container)
            .filter(|c| c.is_running())?;
        let (env, cwd, user) = (c.env.clone(), c.workdir.clone(), c.user.clone());
        let id = ContainerId(container.to_string());
        Some(self.start_exec_process(&id, argv, env, cwd, user))
    }

    /// Pod `id`'s exec probe outlasted its timeoutSeconds.
    pub(super) fn probe_timed_out(&mut self, id: PodId) {
        let handle = self.probing.iter().find(|(_, &p)| p == id).map(|(&h, _)| h);
        match handle {
            Some(handle) => self.probe_hung(handle, self.now),
            // Its result never comes (the process is gone): count a failure all the same.
            None => {
                let now = self.now;
                if let Some(c) = self.cluster.as_mut() {
                    c.probe_result(id, Err("probe timed out".into()), now);
                }
            }
        }
    }

    /// An exec probe's process outlasted its timeoutSeconds or waits for ever: the kubelet
    /// stops it and counts a failure.
    pub(super) fn probe_hung(&mut self, handle: ProcessHandle, at: Tick) {
        let Some(&id) = self.probing.get(&handle) else {
            return;
        };
        self.issue(Effect::Signal {
            handle,
            signal: crate::command::signal::SIGKILL,
        });
        let command = match self.cluster.as_ref().and_then(|c| c.readiness_probe(id)) {
            Some(Probe {
                action: ProbeAction::Exec(argv),
                ..
            }) => argv.join(" "),
            _ => String::new(),
        };
        // What the kubelet says instead of the command's output.
        if let Some(record) = self.procs.get_mut(&handle) {
            record.output = vec![LogLine {
                at,
                stream: Stream::Stdout,
                bytes: format!("command \"{command}\" timed out").into_bytes(),
            }];
        }
        self.probe_settled(handle, Some(-1), at);
    }

    /// An exec probe's process settled (`code` None: it could not start): its pod's result
    /// goes to the cluster, whose timer wakes to act on it. False if it was no probe.
    pub(super) fn probe_settled(
        &mut self,
        handle: ProcessHandle,
        code: Option<i32>,
        at: Tick,
    ) -> bool {
        let Some(id) = self.probing.remove(&handle) else {
            return false;
        };
        let output: String = self
            .procs
            .remove(&handle)
            .map(|r| {
                r.output
                    .iter()
                    .map(|l| String::from_utf8_lossy(&l.bytes).into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let result = match code {
            Some(0) => Ok(()),
            _ => Err(output.trim_end().to_string()),
        };
        if let Some(cluster) = self.cluster.as_mut() {
            cluster.probe_result(id, result, at);
        }
        self.timers.insert((at, super::Timer::Cluster));
        true
    }
}
