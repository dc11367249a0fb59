//! The World: all simulated state, the logical clock, the seeded PRNG and the trace.
//!
//! One command line goes in through [`World::run_line`]; it is parsed by [`crate::command`],
//! dispatched to the handler of its subcommand (one file per area below), and its output and
//! events come back. Time only moves when a command lets it: one logical second after each
//! successful command (the time a person takes to type the next one), the duration of
//! foreground work (`docker run busybox sleep 5`), and `tick`.

mod apply;
mod build;
mod cluster;
mod container;
mod container_error;
mod create;
mod engine;
mod engine_api;
mod etcdctl;
mod exec;
mod filters;
mod format;
mod host_program;
mod hosts;
mod ids;
mod images;
mod inspect;
mod kubectl;
mod kubectl_get;
mod kubectl_get_many;
mod kubectl_watch;
mod lifecycle;
mod load;
mod logs;
mod lookup;
mod machine;
mod names;
mod observe;
mod port;
mod preview;
mod probes;
mod prune;
mod ps;
mod query;
mod rollout;
mod services;
mod start_failure;
mod stop;
mod storage;
mod top;
mod volumes;
mod wait;

pub use container::{
    Container, LogLine, Mount, MountKind, PortBinding, RestartPolicy, Status, Volume,
};
use ids::Timer;
pub use ids::{ContainerId, HostName};
use inspect::ObjectKind;
pub use machine::{Busy, Machine};
pub(crate) use observe::ProcRecord;
pub use preview::{PreviewResponse, PublishedPort};
pub use volumes::VolumeName;

use crate::command::{self, Command, Invocation, Sub};
use crate::driver::{Effect, ProcessHandle, SandboxId, SimDriver};
use crate::event::{EventKind, Tick, Trace};

use crate::image::{DiffId, ImageStore};
use crate::registry::Registry;
use crate::{BuildContext, Outcome};
use engine::Engine;
use machine::SharedPort;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};

/// Logical time a person takes between two commands.
const THINK_TIME_MS: Tick = 1_000;
/// The host every command addresses until there are more.
pub const DEFAULT_HOST: &str = "default";

pub struct World {
    seed: u64,
    rng: ChaCha8Rng,
    now: Tick,
    trace: Trace,
    registry: Registry,
    /// The engine of the host commands address now (`host_name`).
    engine: Box<Engine>,
    /// The other hosts' engines, by host name. Boxed: entering a host moves two pointers,
    /// not two engines, however many hosts share the map's nodes.
    parked: BTreeMap<HostName, Box<Engine>>,
    /// Pending container restarts and the cluster's next round, by when they fall due.
    timers: BTreeSet<(Tick, Timer)>,
    /// When commands waiting on their host give up waiting.
    deadlines: BTreeSet<Tick>,
    /// Output and exit code of containers removed during the current command.
    recently_removed: BTreeMap<ContainerId, (Vec<LogLine>, i32)>,
    /// Where effects go out and observations come in (see [`Machine`]).
    pub(crate) port: SharedPort,
    /// The host `engine` belongs to.
    host_name: HostName,
    /// Processes started and not yet done with.
    pub(crate) procs: BTreeMap<ProcessHandle, ProcRecord>,
    next_handle: u64,
    next_sandbox: u64,
    /// Changes build sandboxes reported, until their step takes them.
    pub(crate) sandbox_changes: BTreeMap<SandboxId, crate::fs::LayerDiff>,
    /// Effects the host reported as failed, oldest first (shown by the command that waits).
    pub(crate) host_errors: Vec<String>,
    /// The simulated host [`World::run_line`] drives; fronts with their own driver use a
    /// [`Machine`] instead.
    attached: Option<Box<SimDriver>>,
    /// While [`crate::view::run_line_with_frames`] runs: a picture snapshot taken right after
    /// each event, so fronts can show the state between the events of one command.
    pub(crate) frames: Option<Vec<crate::view::Snapshot>>,
    /// The Kubernetes cluster, once `cluster create` made one (its nodes are hosts).
    pub(crate) cluster: Option<crate::cluster::Cluster>,
    /// The Services table the hosts last got (see `cluster_sync`).
    pub(crate) service_table: Option<crate::driver::ServiceTable>,
    /// The kubelets' exec readiness probes running, by process (see `probes.rs`).
    probing: BTreeMap<ProcessHandle, crate::cluster::objects::PodId>,
}

/// What a handler gives back: text for the terminal and the exit code.
#[derive(Default)]
pub(crate) struct Reply {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

impl Reply {
    pub fn out(text: impl Into<String>) -> Reply {
        Reply {
            stdout: text.into(),
            ..Reply::default()
        }
    }
}

/// A command that failed: docker's message (stderr) and exit code. The state is unchanged
/// unless docker itself keeps a partial result (a container created but not started).
#[derive(Debug)]
pub(crate) struct Failure {
    pub message: String,
    pub exit_code: i32,
}

impl Failure {
    pub fn new(message: impl Into<String>, exit_code: i32) -> Failure {
        Failure {
            message: message.into(),
            exit_code,
        }
    }

    /// "Error response from daemon: ..." with exit code 1, as most subcommands report.
    pub fn daemon(message: impl std::fmt::Display) -> Failure {
        Failure::new(format!("Error response from daemon: {message}"), 1)
    }
}

pub(crate) type Handled = Result<Reply, Failure>;

/// Docker's rule for container and volume names: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`.
pub(crate) fn is_docker_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

impl World {
    /// A World with the built-in registry. [`World::run_line`] runs its commands on a
    /// simulated host ([`SimDriver`]); a [`Machine`] runs them with any driver.
    pub fn new(seed: u64) -> World {
        World::with_registry(seed, Registry::with_stock_images())
    }

    fn with_registry(seed: u64, registry: Registry) -> World {
        World {
            seed,
            rng: ChaCha8Rng::seed_from_u64(seed),
            now: 0,
            trace: Trace::default(),
            registry,
            engine: Box::new(Engine::new()),
            parked: BTreeMap::new(),
            timers: BTreeSet::new(),
            deadlines: BTreeSet::new(),
            recently_removed: BTreeMap::new(),
            port: SharedPort::default(),
            host_name: HostName::from(DEFAULT_HOST),
            procs: BTreeMap::new(),
            next_handle: 1,
            next_sandbox: 1,
            sandbox_changes: BTreeMap::new(),
            host_errors: Vec::new(),
            attached: None,
            frames: None,
            cluster: None,
            service_table: None,
            probing: BTreeMap::new(),
        }
    }

    /// Records `effect` and hands it to the host.
    pub(crate) fn issue(&mut self, effect: Effect) {
        self.port
            .borrow_mut()
            .effects
            .push_back((self.host_name.to_string(), effect));
    }

    /// Makes `name` the host that commands and effects address; false if there is none.
    pub(crate) fn enter_host(&mut self, name: &str) -> bool {
        if name == self.host_name {
            return true;
        }
        let Some(engine) = self.parked.remove(name) else {
            return false;
        };
        let previous = std::mem::replace(&mut self.engine, engine);
        let previous_name = std::mem::replace(&mut self.host_name, HostName::from(name));
        self.parked.insert(previous_name, previous);
        true
    }

    /// Runs `work` with `host` entered, then goes back; nothing happens for an unknown host.
    pub(crate) fn on_host<R>(
        &mut self,
        host: &str,
        work: impl FnOnce(&mut World) -> R,
    ) -> Option<R> {
        let back = self.host_name.clone();
        if !self.enter_host(host) {
            return None;
        }
        let result = work(self);
        self.enter_host(&back);
        Some(result)
    }

    pub(crate) fn new_handle(&mut self) -> ProcessHandle {
        let handle = ProcessHandle(self.next_handle);
        self.next_handle += 1;
        handle
    }

    pub(crate) fn new_sandbox(&mut self) -> SandboxId {
        let sandbox = SandboxId(self.next_sandbox);
        self.next_sandbox += 1;
        sandbox
    }

    /// Sends the host every layer of `diff_ids` it does not have yet, bottom first.
    pub(crate) fn store_layers(&mut self, diff_ids: &[DiffId]) {
        for diff_id in diff_ids {
            if self.engine.stored_layers.contains(diff_id) {
                continue;
            }
            let Some(layer) = self.engine.images.layer(diff_id) else {
                continue;
            };
            let diff = layer.diff.clone();
            self.engine.stored_layers.insert(diff_id.clone());
            self.issue(Effect::StoreLayer {
                diff_id: diff_id.clone(),
                diff,
            });
        }
    }

    /// Processes the World started and still keeps a record of (running main processes,
    /// and others until their command has taken their result).
    pub fn open_processes(&self) -> usize {
        self.procs.len()
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Logical time now, in ms since the World began.
    pub fn now(&self) -> Tick {
        self.now
    }

    /// Runs one command line (`docker run -d nginx`, `docker ps -a`, ...) on the simulated
    /// host and returns what it printed. `context` is the build context for a `docker build`
    /// on this line (ignored otherwise). Never panics: errors come back as docker would print
    /// them, with the state unchanged.
    pub fn run_line(&mut self, line: &str, context: &BuildContext) -> Outcome {
        let mut driver = self.attached.take().unwrap_or_default();
        let world = std::mem::replace(self, World::with_registry(0, Registry::empty()));
        let mut machine = Machine::new(world);
        let _ = machine.submit(line, context);
        let finished = crate::driver::run_until_idle(&mut machine, &mut *driver);
        let outcome = machine.poll_outcome();
        // Every wait has a deadline and the simulated host always answers, so the command has
        // finished and the World comes back.
        if let Ok(world) = machine.into_world() {
            *self = world;
        }
        self.attached = Some(driver);
        match outcome {
            Some(outcome) if finished => outcome,
            _ => Outcome {
                stderr: "(simulator: the command is still running)\n".into(),
                exit_code: 1,
                ..Outcome::default()
            },
        }
    }

    /// One command line, start to end, waiting on the host where the command must.
    pub(crate) async fn execute(&mut self, line: &str, context: &BuildContext) -> Outcome {
        let first_event = self.trace.len() as u64;
        self.recently_removed.clear();
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Outcome {
                first_event,
                end_event: first_event,
                ..Outcome::default()
            };
        }
        // Between commands, so a watch never loses what it is watching.
        if let Some(cluster) = self.cluster.as_mut() {
            cluster.compact_store(self.now.saturating_sub(crate::cluster::COMPACTION_MS));
        }
        let result = match command::parse_line(line) {
            Ok(cmd) => {
                self.emit(EventKind::Command {
                    line: line.to_string(),
                });
                self.apply(cmd, context).await
            }
            Err(e) => Err(Failure::new(e.message, e.exit_code)),
        };
        let (stdout, stderr, exit_code) = match result {
            Ok(reply) => {
                self.sleep(THINK_TIME_MS).await;
                (reply.stdout, reply.stderr, reply.exit_code)
            }
            Err(failure) => {
                self.emit(EventKind::CommandFailed {
                    line: line.to_string(),
                    error: failure.message.clone(),
                });
                let mut message = failure.message;
                if !message.ends_with('\n') {
                    message.push('\n');
                }
                (String::new(), message, failure.exit_code)
            }
        };
        // `-H` addressed another host for this command only.
        self.enter_host(DEFAULT_HOST);
        Outcome {
            stdout,
            stderr,
            exit_code,
            first_event,
            end_event: self.trace.len() as u64,
        }
    }

    async fn apply(&mut self, cmd: Command, context: &BuildContext) -> Handled {
        match cmd {
            Command::Help { topic } => Ok(Reply::out(command::help_text(topic))),
            Command::Tick { ms } => {
                self.sleep(ms).await;
                Ok(Reply::default())
            }
            Command::Docker(inv) => {
                if let Some(host) = &inv.host {
                    if !self.enter_host(host) {
                        return Err(Failure::new(
                            format!("Cannot connect to the Docker daemon at tcp://{host}:2375. Is the docker daemon running?"),
                            1,
                        ));
                    }
                }
                self.docker(inv, context).await
            }
            Command::Host(command) => self.cmd_host(command).await,
            Command::OnHost(program) => self.cmd_on_host(program).await,
            Command::Cluster(command) => self.cmd_cluster(command),
            Command::Kubectl(command) => self.cmd_kubectl(command, context).await,
            Command::Etcdctl(command) => self.cmd_etcdctl(command).await,
        }
    }

    async fn docker(&mut self, inv: Invocation, context: &BuildContext) -> Handled {
        match inv.sub {
            Sub::Run => self.cmd_run(&inv).await,
            Sub::Create => self.cmd_create(&inv),
            Sub::Start => self.cmd_start(&inv).await,
            Sub::Stop => self.cmd_stop(&inv).await,
            Sub::Restart => self.cmd_restart(&inv).await,
            Sub::Kill => self.cmd_kill(&inv),
            Sub::Rm => self.cmd_rm(&inv).await,
            Sub::Ps => self.cmd_ps(&inv),
            Sub::Logs => self.cmd_logs(&inv),
            Sub::Exec => self.cmd_exec(&inv).await,
            Sub::Inspect => self.cmd_inspect(&inv),
            Sub::ContainerInspect => self.cmd_inspect_one_kind(&inv, ObjectKind::Container),
            Sub::ImageInspect => self.cmd_inspect_one_kind(&inv, ObjectKind::Image),
            Sub::Port => self.cmd_port(&inv),
            Sub::Build => self.cmd_build(&inv, context).await,
            Sub::Images => self.cmd_images(&inv),
            Sub::History => self.cmd_history(&inv),
            Sub::Tag => self.cmd_tag(&inv),
            Sub::Rmi => self.cmd_rmi(&inv),
            Sub::Pull => self.cmd_pull(&inv),
            Sub::Push => self.cmd_push(&inv),
            Sub::Commit => self.cmd_commit(&inv),
            Sub::Diff => self.cmd_diff(&inv),
            Sub::SystemDf => self.cmd_system_df(&inv),
            Sub::VolumeCreate => self.cmd_volume_create(&inv),
            Sub::VolumeLs => self.cmd_volume_ls(&inv),
            Sub::VolumeInspect => self.cmd_volume_inspect(&inv),
            Sub::VolumeRm => self.cmd_volume_rm(&inv),
            Sub::Top => self.cmd_top(&inv),
            Sub::Load => self.cmd_load(&inv, context),
            Sub::Rename => self.cmd_rename(&inv),
            Sub::VolumePrune => self.cmd_volume_prune(&inv),
            Sub::ContainerPrune => self.cmd_container_prune(&inv),
            Sub::ImagePrune => self.cmd_image_prune(&inv),
            Sub::Version => Ok(Reply::out(format!(
                "Client:\n Version:           27.3.1 (simulated)\n API version:       1.47\n OS/Arch:           linux/amd64\n\nServer: sim-core {}\n Engine:\n  Version:          27.3.1 (simulated)\n  Seed:             {}\n",
                env!("CARGO_PKG_VERSION"),
                self.seed
            ))),
        }
    }

    pub fn events(&self) -> &[crate::Event] {
        self.trace.events()
    }

    pub fn trace_hash(&self) -> String {
        self.trace.hash()
    }

    /// A digest of the observable state (not the trace): images, containers, volumes, host
    /// files and the clock. Tests use it to prove a failed command changed nothing.
    pub fn state_digest(&self) -> String {
        let mut text = format!("now={}\n", self.now);
        let mut engines: Vec<(&HostName, &Engine)> =
            self.parked.iter().map(|(name, e)| (name, &**e)).collect();
        engines.push((&self.host_name, &self.engine));
        crate::order::sort_by(&mut engines, &|a, b| a.0.cmp(b.0));
        for (name, engine) in engines {
            text.push_str(&format!("host {name}\n"));
            engine.describe(&mut text);
        }
        crate::digest::sha256_digest(text.as_bytes())
    }

    /// Read access for fronts that draw pictures: containers in ID order.
    pub fn containers(&self) -> impl Iterator<Item = &Container> {
        self.engine.containers.values()
    }

    pub fn volumes(&self) -> impl Iterator<Item = &Volume> {
        self.engine.volumes.values()
    }

    pub fn images(&self) -> &ImageStore {
        &self.engine.images
    }

    pub(crate) fn emit(&mut self, kind: EventKind) {
        self.trace.push(self.now, &self.host_name, kind);
        if self.frames.is_some() {
            // Events are emitted after the change they report, so this is the state "at" it.
            let frame = crate::view::snapshot(self);
            if let Some(frames) = &mut self.frames {
                frames.push(frame);
            }
        }
    }

    /// 64 hex digits from the seeded PRNG (container and anonymous volume IDs).
    pub(crate) fn random_hex_id(&mut self) -> String {
        let mut bytes = [0u8; 32];
        self.rng.fill_bytes(&mut bytes);
        crate::digest::hex(&bytes)
    }

    pub(crate) fn random_below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.rng.next_u64() % n as u64) as usize
        }
    }

    /// Lets time pass up to `target`, handling every restart that falls due on the way, in
    /// time order (ties by container ID).
    pub(crate) fn advance_to(&mut self, target: Tick) {
        self.fire_timers(|at| at <= target);
        if target > self.now {
            self.now = target;
        }
    }

    /// Fires the restart timers `due` accepts, earliest first, each on its own host.
    pub(super) fn fire_timers(&mut self, due: impl Fn(Tick) -> bool) {
        while let Some((at, timer)) = self.timers.first().cloned() {
            if !due(at) {
                break;
            }
            self.timers.remove(&(at, timer.clone()));
            self.now = self.now.max(at);
            match timer {
                Timer::Cluster => self.cluster_due(at),
                Timer::Restart { host, id } => {
                    self.on_host(&host, |w| w.fire_timer(&id, at));
                }
            }
        }
    }
}
