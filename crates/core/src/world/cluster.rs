//! The World's side of the cluster: `cluster ...` commands, nodes as hosts, the kubelets that
//! run pods as containers on their node's engine, cluster events into the trace, and the
//! wake-up that lets the node lifecycle run on the logical clock (`tick 60s`).

use super::engine::Engine;
use super::engine_api::{ContainerId, ContainerSpec, EngineError};
use super::{Failure, Handled, Reply, Timer, World};
use crate::cluster::objects::{PodId, Resources};
use crate::cluster::{Cluster, KubeletAction};
use crate::command::cluster::ClusterCommand;
use crate::driver::{Effect, ServiceTable};
use crate::event::{EventKind, Tick};
use rand_core::RngCore;

/// Bound on controller rounds per sync: a rolling update takes about two rounds per step
/// (a step moves maxSurge + maxUnavailable pods), so even one pod at a time fits for 500.
const MAX_ROUNDS: usize = 1024;

fn fail(message: impl Into<String>) -> Failure {
    Failure::new(message, 1)
}

impl World {
    /// The Kubernetes cluster, if `cluster create` made one: its nodes (capacity, requested,
    /// pods), pods (node, phase, owner, IP), workloads, events and the scheduler's decisions.
    pub fn cluster(&self) -> Option<&Cluster> {
        self.cluster.as_ref()
    }

    pub(crate) fn cmd_cluster(&mut self, command: ClusterCommand) -> Handled {
        if self.cluster.is_none() && !matches!(command, ClusterCommand::Create { .. }) {
            return Err(fail(
                "cluster: there is no cluster: make one with `cluster create`",
            ));
        }
        let reply = match command {
            ClusterCommand::Create {
                nodes,
                cpu_m,
                memory,
            } => self.create_cluster(nodes, Resources { cpu_m, memory })?,
            ClusterCommand::NodeAdd {
                name,
                cpu_m,
                memory,
                labels,
            } => {
                self.add_cluster_node(
                    &name,
                    Resources { cpu_m, memory },
                    labels.into_iter().collect(),
                )?;
                Reply::out(format!("node/{name} added\n"))
            }
            ClusterCommand::NodeFail { name } => {
                let now = self.now;
                self.with_cluster(|c, _| c.fail_node(&name, now))?;
                Reply::out(format!("node/{name} failed: its kubelet stopped; NotReady in 50s, its pods evicted 300s after that\n"))
            }
            ClusterCommand::NodeRecover { name } => {
                let now = self.now;
                self.with_cluster(|c, _| c.recover_node(&name, now))?;
                Reply::out(format!("node/{name} recovered\n"))
            }
            ClusterCommand::Scheduler { strategy: None } => {
                let s = self
                    .cluster
                    .as_ref()
                    .map(|c| c.strategy().name())
                    .unwrap_or("");
                Reply::out(format!("{s}\n"))
            }
            ClusterCommand::Scheduler { strategy: Some(s) } => {
                self.with_cluster(|c, _| {
                    c.set_strategy(s);
                    Ok(())
                })?;
                Reply::out(format!("scheduler strategy: {}\n", s.name()))
            }
            ClusterCommand::Explain { pod, namespace } => {
                let cluster = self.cluster_or_refused()?;
                let p = cluster.pod(&namespace, &pod).ok_or_else(|| {
                    fail(format!(
                        "Error from server (NotFound): pods \"{pod}\" not found"
                    ))
                })?;
                Reply::out(crate::cluster::print::explain(cluster, p))
            }
            ClusterCommand::Delete => self.delete_cluster(),
        };
        self.cluster_sync();
        Ok(reply)
    }

    fn create_cluster(&mut self, nodes: u32, size: Resources) -> Result<Reply, Failure> {
        if self.cluster.is_some() {
            return Err(fail(
                "cluster: a cluster exists already (cluster delete removes it)",
            ));
        }
        let names: Vec<String> = (1..=nodes).map(|i| format!("node-{i}")).collect();
        if let Some(taken) = names.iter().find(|n| self.has_host(n)) {
            return Err(fail(format!(
                "cluster: a host named \"{taken}\" already exists"
            )));
        }
        self.cluster = Some(Cluster::new(Default::default()));
        self.emit(EventKind::ClusterCreated {
            nodes: names.iter().map(|n| n.as_str().into()).collect(),
        });
        for name in &names {
            self.add_cluster_node(name, size, Default::default())?;
        }
        Ok(Reply::out(format!(
            "cluster created: {nodes} node(s) ({}, {} CPU, {} memory each)\n",
            names.join(", "),
            crate::cluster::quantity::format_cpu(size.cpu_m),
            crate::cluster::quantity::format_memory(size.memory)
        )))
    }

    /// A node is a host, made the way `host add` makes one.
    fn add_cluster_node(
        &mut self,
        name: &str,
        size: Resources,
        labels: crate::cluster::labels::Labels,
    ) -> Result<(), Failure> {
        if self.has_host(name) {
            return Err(fail(format!(
                "cluster: a host named \"{name}\" already exists"
            )));
        }
        if !crate::cluster::valid_name(name) {
            return Err(fail(format!(
                "cluster: invalid node name \"{name}\": lower case letters, digits, '-' and '.'"
            )));
        }
        let now = self.now;
        self.with_cluster(|c, _| c.add_node(name, size, labels, now).map(|_| ()))?;
        self.parked.insert(name.into(), Box::new(Engine::new()));
        self.on_host(name, |w| w.emit(EventKind::HostAdded { name: name.into() }));
        Ok(())
    }

    fn delete_cluster(&mut self) -> Reply {
        let Some(cluster) = self.cluster.take() else {
            return Reply::default();
        };
        let names: Vec<String> = cluster.nodes().iter().map(|n| n.name.clone()).collect();
        for name in &names {
            self.on_host(name, |w| {
                let ids: Vec<ContainerId> = w.engine.containers.keys().cloned().collect();
                for id in &ids {
                    let _ = w.remove_by_id(id);
                }
                w.issue(Effect::RemoveHost);
                w.emit(EventKind::HostRemoved {
                    name: name.clone().into(),
                    containers: ids.len(),
                });
            });
            self.parked.remove(name.as_str());
            self.timers.retain(|(_, t)| !t.is_on(name));
        }
        self.timers.retain(|(_, t)| *t != Timer::Cluster);
        self.emit(EventKind::ClusterDeleted { nodes: names.len() });
        Reply::out(format!("cluster deleted ({} node(s))\n", names.len()))
    }

    /// The cluster, or kubectl's "connection refused" when there is none.
    pub(super) fn cluster_or_refused(&self) -> Result<&Cluster, Failure> {
        self.cluster.as_ref().ok_or_else(|| fail(NO_SERVER))
    }

    /// Runs `work` on the cluster with the World's RNG; its error is kubectl's message.
    pub(super) fn with_cluster<R>(
        &mut self,
        work: impl FnOnce(
            &mut Cluster,
            &mut rand_chacha::ChaCha8Rng,
        ) -> Result<R, crate::cluster::ClusterError>,
    ) -> Result<R, Failure> {
        let cluster = self.cluster.as_mut().ok_or_else(|| fail(NO_SERVER))?;
        work(cluster, &mut self.rng).map_err(|e| fail(e.0))
    }

    /// Reconciles the cluster now: controllers and scheduler, then the kubelets' work on the
    /// nodes' engines, the new cluster events into the trace, and the next wake-up. The
    /// cluster stays in the World throughout, so a picture frame taken at any of these
    /// events sees it.
    pub(crate) fn cluster_sync(&mut self) {
        // Controllers and kubelets take turns until nothing moves: a rollout's steps (scale
        // up, pods ready, scale down) all happen at this instant, each one an event.
        for _ in 0..MAX_ROUNDS {
            let Some(cluster) = self.cluster.as_mut() else {
                return;
            };
            let before = cluster.events().len();
            cluster.reconcile(self.now, &mut self.rng);
            let mut acted = false;
            loop {
                self.emit_cluster_events();
                let Some(actions) = self.cluster.as_mut().map(Cluster::take_kubelet) else {
                    return;
                };
                if actions.is_empty() {
                    break;
                }
                acted = true;
                for action in actions {
                    self.kubelet(action);
                }
            }
            let after = self.cluster.as_ref().map_or(before, |c| c.events().len());
            if !acted && after == before {
                break;
            }
        }
        self.refresh_store();
        self.timers.retain(|(_, t)| *t != Timer::Cluster);
        if let Some(due) = self.cluster.as_ref().and_then(Cluster::next_due) {
            self.timers.insert((due.max(self.now), Timer::Cluster));
        }
        // Out for a moment: the table is read from it while the World issues the effect.
        if let Some(cluster) = self.cluster.take() {
            self.send_service_table(&cluster);
            self.cluster = Some(cluster);
        }
    }

    /// Tells the hosts the cluster's Services when they changed (names, addresses,
    /// endpoints), so pods resolve and reach them.
    fn send_service_table(&mut self, cluster: &Cluster) {
        let mut table = cluster.service_table(0);
        if self.service_table.as_ref().map(|t| ServiceTable {
            seed: 0,
            ..t.clone()
        }) == Some(table.clone())
        {
            return;
        }
        table.seed = self.rng.next_u64();
        self.service_table = Some(table.clone());
        self.issue(Effect::ServiceTable(table));
    }

    /// The cluster's timer fell due (a node to mark NotReady, pods to evict).
    pub(super) fn cluster_due(&mut self, _at: Tick) {
        self.cluster_sync();
    }

    fn emit_cluster_events(&mut self) {
        let events = self
            .cluster
            .as_mut()
            .map(Cluster::take_events)
            .unwrap_or_default();
        for e in events {
            self.emit(EventKind::KubeEvent {
                warning: e.warning,
                reason: e.reason.to_string(),
                object: e.object,
                message: e.message,
            });
        }
        let readiness = self
            .cluster
            .as_mut()
            .map(Cluster::take_readiness_changes)
            .unwrap_or_default();
        for (pod, ready) in readiness {
            self.emit(EventKind::PodReadiness { pod, ready });
        }
    }

    /// One node's kubelet at work on its engine.
    fn kubelet(&mut self, action: KubeletAction) {
        match action {
            KubeletAction::Run(id) => self.run_pod(id),
            KubeletAction::Restart(id) => {
                let Some(cluster) = self.cluster.as_ref() else {
                    return;
                };
                let Some((node, container)) = cluster.pod_container(id) else {
                    return;
                };
                let started = self.on_host(&node, |w| {
                    // The kubelet starts it: a crash after this one is noticed again.
                    let id = ContainerId(container);
                    if let Some(c) = w.engine.containers.get_mut(&id) {
                        c.stopped_by_user = false;
                    }
                    w.start_detached(&id)
                });
                if let Some(Ok(())) = started {
                    self.container_started_events(id, None);
                }
            }
            KubeletAction::Stop { node, container } => {
                self.on_host(&node, |w| w.kill_container(&ContainerId(container)));
            }
            KubeletAction::Remove { node, container } => {
                let stopping = self
                    .on_host(&node, |w| {
                        let id = ContainerId(container);
                        let running = w.engine.containers.get(&id).and_then(|c| {
                            let label = |key: &str| {
                                c.labels
                                    .iter()
                                    .find(|(k, _)| k == key)
                                    .map(|(_, v)| v.clone())
                            };
                            c.is_running().then(|| {
                                Some((
                                    label("io.kubernetes.pod.name")?,
                                    label("io.kubernetes.container.name")?,
                                ))
                            })?
                        });
                        let _ = w.remove_by_id(&id);
                        running
                    })
                    .flatten();
                // The pod has left the API already; its event stays, as Kubernetes' does.
                if let (Some((pod, name)), Some(cluster)) = (stopping, self.cluster.as_mut()) {
                    cluster.event(
                        self.now,
                        false,
                        "Killing",
                        format!("pod/{pod}"),
                        "kubelet",
                        format!("Stopping container {name}"),
                    );
                }
            }
            KubeletAction::Probe(id) => self.run_probe(id),
            KubeletAction::ProbeTimedOut(id) => self.probe_timed_out(id),
        }
    }

    /// Creates and starts a bound pod's container on its node, with the pod's IP.
    fn run_pod(&mut self, id: PodId) {
        let Some(cluster) = self.cluster.as_ref() else {
            return;
        };
        let Some(pod) = cluster.pod_by_id(id) else {
            return;
        };
        let Some(node) = cluster.node_of(pod).map(str::to_string) else {
            return;
        };
        let Some(c) = pod.spec.containers.first() else {
            return;
        };
        let uid8: String = pod.uid.chars().take(8).collect();
        let spec = ContainerSpec {
            name: format!("k8s_{}_{}_{}_{uid8}_0", c.name, pod.name, pod.namespace),
            image: c.image.clone(),
            command: c.command.clone(),
            env: vec![("KUBERNETES_SERVICE_HOST".into(), "10.96.0.1".into())],
            labels: vec![
                ("io.kubernetes.container.name".into(), c.name.clone()),
                ("io.kubernetes.pod.name".into(), pod.name.clone()),
                ("io.kubernetes.pod.namespace".into(), pod.namespace.clone()),
                ("io.kubernetes.pod.uid".into(), pod.uid.clone()),
            ],
            hostname: Some(pod.name.clone()),
            ip: pod.ip.clone(),
            // The kubelet restarts it (with its own back-off), not docker.
            restart_always: false,
            memory: (c.limits.memory > 0).then_some(c.limits.memory),
        };
        let (image, pod_name) = (c.image.clone(), pod.name.clone());
        let result = self
            .on_host(&node, |w| {
                let present = w.engine.images.lookup(&spec.image).is_ok();
                let container = w.create_from_spec(spec)?;
                // Bytes of the image it runs: what the kubelet's "Pulled" event tells.
                let pulled = (!present).then(|| {
                    w.engine
                        .images
                        .lookup(&image)
                        .map_or(0, |i| i.size(&w.engine.images))
                });
                w.start_detached(&container)?;
                Ok::<_, EngineError>((container, pulled))
            })
            .unwrap_or_else(|| Err(EngineError::Start(format!("no host {node}"))));
        let now = self.now;
        let Some(cluster) = self.cluster.as_mut() else {
            return;
        };
        let Some(pod) = cluster.pod_mut(id) else {
            return;
        };
        match result {
            Ok((container, pulled)) => {
                pod.container = Some(container.0);
                pod.phase = crate::cluster::objects::Phase::Running;
                cluster.pull_succeeded(id);
                self.container_started_events(id, pulled);
            }
            Err(error) => {
                let pull = matches!(
                    error,
                    EngineError::ImageNotFound(_) | EngineError::InvalidReference(_)
                );
                pod.waiting_reason = Some(
                    if pull {
                        "ErrImagePull"
                    } else {
                        "CreateContainerError"
                    }
                    .into(),
                );
                if pull {
                    cluster.pull_failed(id, self.now);
                }
                let message = if pull {
                    format!("Failed to pull image \"{image}\": {error}")
                } else {
                    error.to_string()
                };
                cluster.event(
                    now,
                    true,
                    "Failed",
                    format!("pod/{pod_name}"),
                    "kubelet",
                    message,
                );
            }
        }
    }
}

impl World {
    /// The kubelet's events for a pod container it started: the image (pulled now, with its
    /// size, or already on the node), then `Created` and `Started`, in Kubernetes' words.
    /// `pulled`: the image's bytes when this start pulled it (a pull takes no logical time
    /// here); `None` when it was on the node already (also on every restart).
    fn container_started_events(&mut self, id: PodId, pulled: Option<u64>) {
        let now = self.now;
        let Some(cluster) = self.cluster.as_mut() else {
            return;
        };
        let Some((object, container, image)) = cluster.pod_by_id(id).and_then(|p| {
            let c = p.spec.containers.first()?;
            Some((format!("pod/{}", p.name), c.name.clone(), c.image.clone()))
        }) else {
            return;
        };
        let mut event =
            |reason, message| cluster.event(now, false, reason, object.clone(), "kubelet", message);
        match pulled {
            Some(bytes) => {
                event("Pulling", format!("Pulling image \"{image}\""));
                event(
                    "Pulled",
                    format!(
                        "Successfully pulled image \"{image}\" in 0s (0s including waiting). Image size: {bytes} bytes."
                    ),
                );
            }
            None => event(
                "Pulled",
                format!("Container image \"{image}\" already present on machine"),
            ),
        }
        event("Created", format!("Created container: {container}"));
        event("Started", format!("Started container {container}"));
    }

    /// A container on this host ended: if it was a pod's, it is not ready any more, and
    /// when it ended by itself its kubelet restarts it after its back-off. The cluster's
    /// timer wakes for it.
    pub(super) fn pod_container_exited(
        &mut self,
        id: &str,
        code: i32,
        started: Tick,
        at: Tick,
        crashed: bool,
    ) {
        let host = self.host_name.clone();
        let pod = self
            .cluster
            .as_mut()
            .is_some_and(|c| c.container_exited(&host, id, code, started, at, crashed));
        if pod {
            self.wake_cluster(at + crate::cluster::rollout::started::STATUS_MS);
        }
    }

    /// A container on this host started: a pod's is ready once its kubelet sees it still
    /// running a moment later.
    pub(super) fn pod_container_started(&mut self, id: &str, at: Tick) {
        let host = self.host_name.clone();
        if self
            .cluster
            .as_mut()
            .is_some_and(|c| c.container_started(&host, id, at))
        {
            self.wake_cluster(at + crate::cluster::rollout::started::RELIST_MS);
        }
    }

    /// A container on this host keeps running by itself: a pod's is ready now.
    pub(super) fn pod_container_settled(&mut self, id: &str) {
        let host = self.host_name.clone();
        if self
            .cluster
            .as_mut()
            .is_some_and(|c| c.container_settled(&host, id, self.now))
        {
            self.wake_cluster(self.now + crate::cluster::rollout::started::STATUS_MS);
        }
    }

    fn wake_cluster(&mut self, at: Tick) {
        self.timers.insert((at, Timer::Cluster));
    }
}

/// What kubectl says with no API server to talk to.
pub(super) const NO_SERVER: &str =
    "The connection to the server localhost:8080 was refused - did you specify the right host or port?";
