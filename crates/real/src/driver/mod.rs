//! [`LinuxDriver`]: the core's effects carried out on this machine.
//!
//! Layers go to the [`LayerStore`]; a container is a directory with its own `upper` and `work`
//! directories, a `runtime` layer (its /etc/hostname, /etc/hosts, /etc/resolv.conf and mount
//! points) and `rootfs`, where its init mounts overlayfs over the image's layers inside its own
//! mount namespace (so nothing stays mounted on the host once the container's processes end).
//! A process is a real child ([`crate::spawn`]) whose output and exit reader threads send
//! back, stamped with the real time mapped onto the World's logical clock.
//!
//! `root`: directories; `process`: starting, following and signalling processes;
//! `adopt`: containers an earlier invocation left running.

use crate::cgroup::{Group, Layout};
use crate::clock::Clock;
use crate::store::LayerStore;
use sim_core::driver::{
    Driver, Effect, Observation, ProcessHandle, Purpose, SandboxId, StartError, Target,
};
use sim_core::program::Stream;
use sim_core::Tick;
use std::collections::{BTreeMap, VecDeque};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::time::Instant;

mod adopt;
mod network;
mod process;
mod root;
mod trash;

pub use adopt::Adopted;

/// What a reader or waiter thread saw.
enum Seen {
    Output {
        handle: ProcessHandle,
        stream: Stream,
        bytes: Vec<u8>,
        at: Instant,
    },
    Exited {
        handle: ProcessHandle,
        status: std::process::ExitStatus,
        at: Instant,
    },
}

struct Running {
    /// The host it runs on, as the World names it (its observations go back there).
    host: String,
    target: Target,
    purpose: Purpose,
    pid: i32,
    /// The container's group's OOM kills when it started (a later one is ours).
    oom_before: u64,
    exited: bool,
    /// Under a supervisor: it goes on when `sim` exits.
    supervised: bool,
}

pub struct LinuxDriver {
    root: PathBuf,
    store: LayerStore,
    layout: Layout,
    clock: Clock,
    tx: Sender<Seen>,
    rx: Receiver<Seen>,
    queue: VecDeque<(Tick, String, Observation)>,
    procs: BTreeMap<ProcessHandle, Running>,
    groups: BTreeMap<String, Group>,
    last_at: Tick,
    /// Messages for the user about the last command (an image with no real form).
    notes: Vec<String>,
    /// Prefix of this state directory's cgroups, so parallel sessions never touch each other's.
    group_prefix: String,
    /// Directories discarded so far (names in the trash are unique).
    trash_count: u64,
}

fn io_text(e: &io::Error) -> String {
    e.to_string()
}

impl LinuxDriver {
    /// A driver keeping its files under `root` (`<state>/real`), whose logical clock starts at
    /// `now`.
    pub fn new(root: &Path, now: Tick) -> LinuxDriver {
        let (tx, rx) = channel();
        LinuxDriver {
            root: root.to_path_buf(),
            store: LayerStore::new(root),
            layout: Layout::detect(),
            clock: Clock::new(now),
            tx,
            rx,
            queue: VecDeque::new(),
            procs: BTreeMap::new(),
            groups: BTreeMap::new(),
            last_at: now,
            notes: Vec::new(),
            group_prefix: crate::prune::group_prefix(root),
            trash_count: 0,
        }
    }

    /// What the user should hear about the last command, once.
    pub fn take_notes(&mut self) -> Vec<String> {
        // The first reason is enough: an image's other layers would only repeat it.
        let notes = std::mem::take(&mut self.notes);
        notes.into_iter().take(1).collect()
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The driver's logical time now (real time since it began, plus any jumps).
    pub fn now(&self) -> Tick {
        self.clock.now()
    }

    /// Logical time moved to `now` without waiting (the World jumped ahead).
    pub fn sync(&mut self, now: Tick) {
        self.clock.sync(now);
    }

    /// Host PIDs of a container's processes now (its cgroup's), for `docker top`.
    pub fn container_pids(&self, id: &str) -> Vec<i32> {
        match self.groups.get(id) {
            Some(group) => group.pids(),
            None => Group::existing(&self.layout, &format!("{}{id}", self.group_prefix)).pids(),
        }
    }

    /// Processes started and not yet seen to exit.
    pub fn running(&self) -> Vec<ProcessHandle> {
        self.procs
            .iter()
            .filter(|(_, p)| !p.exited)
            .map(|(h, _)| *h)
            .collect()
    }

    fn container_dir(&self, id: &str) -> PathBuf {
        self.root.join("containers").join(id)
    }

    fn sandbox_dir(&self, sandbox: SandboxId) -> PathBuf {
        self.root.join("sandboxes").join(sandbox.0.to_string())
    }

    /// A supervised process's files: its log, its PID and its supervisor's.
    fn proc_dir(&self, handle: ProcessHandle) -> PathBuf {
        self.root.join("procs").join(handle.0.to_string())
    }

    /// A volume's directory: volume names are per host, as in the World.
    fn volume_dir(&self, host: &str, name: &str) -> PathBuf {
        if host == sim_core::DEFAULT_HOST {
            self.root.join("volumes").join(name)
        } else {
            self.root
                .join("hosts")
                .join(host)
                .join("volumes")
                .join(name)
        }
    }

    fn push(&mut self, host: &str, at: Tick, observation: Observation) {
        let at = at.max(self.last_at);
        self.last_at = at;
        self.queue.push_back((at, host.to_string(), observation));
    }

    fn push_now(&mut self, host: &str, observation: Observation) {
        let now = self.clock.now();
        self.push(host, now, observation);
    }

    fn failed(&mut self, host: &str, effect: &str, error: String) {
        self.push_now(
            host,
            Observation::EffectFailed {
                effect: effect.to_string(),
                error,
            },
        );
    }
}

enum Failure {
    Start(StartError),
    Other(String),
}

impl Drop for LinuxDriver {
    fn drop(&mut self) {
        self.stop_all();
        self.empty_trash();
    }
}

impl Driver for LinuxDriver {
    fn handle_effect(&mut self, host: &str, effect: Effect, now: Tick) {
        self.clock.sync(now);
        match effect {
            Effect::StoreLayer { diff_id, diff } => {
                if let Err(e) = self.store.store(&diff_id, &diff) {
                    self.notes.push(e.to_string());
                    self.failed(host, "store layer", e.to_string());
                }
            }
            Effect::CreateContainer {
                container,
                layers,
                network,
                mount_points,
                read_only,
            } => {
                if let Err(e) = self.create_container(
                    host,
                    &container,
                    layers.iter().map(ToString::to_string).collect(),
                    network,
                    mount_points,
                    read_only,
                ) {
                    self.failed(host, "create container", io_text(&e));
                }
            }
            Effect::PrepareSandbox { sandbox, layers } => {
                let layers: Vec<String> = layers.iter().map(ToString::to_string).collect();
                if let Err(e) = self.prepare_sandbox(sandbox, &layers) {
                    self.failed(host, "prepare sandbox", io_text(&e));
                }
            }
            Effect::DiscardSandbox { sandbox } => self.discard_sandbox(sandbox),
            Effect::CreateVolume { name } => {
                if let Err(e) = fs::create_dir_all(self.volume_dir(host, &name)) {
                    self.failed(host, "create volume", io_text(&e));
                }
            }
            Effect::CopyUp { volume, files, .. } => {
                if let Err(e) = self.copy_up(host, &volume, &files) {
                    self.failed(host, "copy up", io_text(&e));
                }
            }
            Effect::Mount {
                container,
                kind,
                source,
                path,
                read_only,
            } => {
                if let Err(e) = self.mount(host, &container, kind, source, path, read_only) {
                    self.failed(host, "mount", io_text(&e));
                }
            }
            Effect::StartProcess(start) => self.start(host, start),
            Effect::Signal { handle, signal } => self.signal(handle, signal),
            Effect::RemoveContainer { container } => self.remove_container(&container),
            Effect::RemoveVolume { name } => {
                let _ = fs::remove_dir_all(self.volume_dir(host, &name));
            }
            // Real hosts have no cluster DNS or kube-proxy here yet.
            Effect::ServiceTable(_) => {}
            Effect::RemoveHost => {
                // Its containers went first; its volumes go with it.
                if host != sim_core::DEFAULT_HOST {
                    let _ = fs::remove_dir_all(self.root.join("hosts").join(host));
                }
            }
        }
    }

    fn next_observation_at(&self) -> Option<Tick> {
        self.queue.front().map(|(at, _, _)| *at)
    }

    fn poll_observation(&mut self, until: Tick) -> Option<(Tick, String, Observation)> {
        if self.queue.front().is_some_and(|(at, _, _)| *at <= until) {
            self.queue.pop_front()
        } else {
            None
        }
    }
}
