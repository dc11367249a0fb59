//! [`LinuxDriver`]: the core's effects carried out on this machine.
//!
//! Layers go to the [`LayerStore`]; a container is a directory with its own `upper` and `work`
//! directories, a `runtime` layer (its /etc/hostname, /etc/hosts, /etc/resolv.conf and mount
//! points) and `rootfs`, where its init mounts overlayfs over the image's layers inside its own
//! mount namespace (so nothing stays mounted on the host once the container's processes end). A process is a
//! real child ([`spawn`]) whose output and exit reader threads send back, stamped with the real
//! time mapped onto the World's logical clock ([`Clock`]).

use crate::cgroup::{Group, Layout, Limits};
use crate::clock::Clock;
use crate::spawn::{self, Bind, Place, Plan, Step};
use crate::store::LayerStore;
use crate::upper;
use serde::{Deserialize, Serialize};
use sim_core::driver::{
    Driver, Effect, FilesNow, FilesOf, NetworkIdentity, Observation, ProcessExit, ProcessHandle,
    ProcessStart, Purpose, SandboxId, StartError, Target,
};
use sim_core::program::{ExecError, Stream};
use sim_core::{MountKind, Tick};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::io::{self, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

fn default_host() -> String {
    sim_core::DEFAULT_HOST.to_string()
}

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

/// A container as kept on disk (`config.json`), so later invocations can run it again.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct ContainerConfig {
    #[serde(default = "default_host")]
    host: String,
    layers: Vec<String>,
    hostname: String,
    ip: String,
    mount_points: Vec<String>,
    /// (kind is volume, source, path, read-only)
    mounts: Vec<(bool, String, String, bool)>,
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

/// What became of a process an earlier invocation left running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Adopted {
    /// It still runs under its supervisor; this driver follows its log.
    Running,
    /// It ended meanwhile: its output and exit are queued as observations.
    Finished,
    /// Neither its supervisor nor an exit record is left (the machine restarted, or a prune).
    Gone,
}

/// How often the log of an adopted process is read for new records.
const TAIL_INTERVAL: Duration = Duration::from_millis(5);

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

    /// Makes the directories of a root filesystem: layers below, a runtime layer on top.
    fn make_root(
        &mut self,
        dir: &Path,
        layers: &[String],
        runtime: &[(String, Vec<u8>)],
        dirs: &[String],
    ) -> io::Result<()> {
        for sub in ["upper", "work", "runtime", "rootfs"] {
            fs::create_dir_all(dir.join(sub))?;
        }
        let runtime_dir = dir.join("runtime");
        for inner in dirs {
            fs::create_dir_all(runtime_dir.join(inner.trim_start_matches('/')))?;
        }
        for (path, data) in runtime {
            let host = runtime_dir.join(path.trim_start_matches('/'));
            if let Some(parent) = host.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(host, data)?;
        }
        for diff_id in layers {
            if let Some(refusal) = self.store.refusal(diff_id) {
                self.notes.push(refusal.clone());
                return Err(io::Error::other(refusal));
            }
            if !self.store.has(diff_id) {
                return Err(io::Error::other(format!(
                    "layer {diff_id} was never stored on this host"
                )));
            }
        }
        Ok(())
    }

    /// Where a root filesystem goes (`dir/rootfs`), the overlayfs mount options that make it
    /// (the child mounts it inside its own mount namespace: the host never sees it, and it
    /// goes when the container's last process does), and its directories top first.
    fn root_of(&self, dir: &Path, layers: &[String]) -> (PathBuf, String, Vec<PathBuf>) {
        let mut stack = vec![dir.join("upper"), dir.join("runtime")];
        for diff_id in layers.iter().rev() {
            stack.push(self.store.layer_dir(diff_id));
        }
        let lower: Vec<String> = stack[1..]
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let data = format!(
            "lowerdir={},upperdir={},workdir={}",
            lower.join(":"),
            dir.join("upper").display(),
            dir.join("work").display()
        );
        (dir.join("rootfs"), data, stack)
    }

    fn load_config(&self, id: &str) -> Option<ContainerConfig> {
        let text = fs::read_to_string(self.container_dir(id).join("config.json")).ok()?;
        serde_json::from_str(&text).ok()
    }

    fn save_config(&self, id: &str, config: &ContainerConfig) -> io::Result<()> {
        let text = serde_json::to_string(config).map_err(io::Error::other)?;
        fs::write(self.container_dir(id).join("config.json"), text)
    }

    fn create_container(
        &mut self,
        host: &str,
        id: &str,
        layers: Vec<String>,
        network: NetworkIdentity,
        mount_points: Vec<String>,
    ) -> io::Result<()> {
        let dir = self.container_dir(id);
        let runtime: Vec<(String, Vec<u8>)> =
            sim_core::fs::overlay::runtime_files(&network.hostname, &network.ip)
                .into_iter()
                .map(|(path, node)| {
                    let data = match node {
                        sim_core::fs::Node::File { data, .. } => data,
                        _ => Vec::new(),
                    };
                    (path, data)
                })
                .collect();
        let mut dirs = vec!["/proc".to_string(), "/dev".into(), "/sys".into()];
        dirs.extend(mount_points.iter().cloned());
        self.make_root(&dir, &layers, &runtime, &dirs)?;
        let config = ContainerConfig {
            host: host.to_string(),
            layers,
            hostname: network.hostname,
            ip: network.ip,
            mount_points,
            mounts: Vec::new(),
        };
        self.save_config(id, &config)
    }

    fn group(&mut self, name: &str, limits: Limits) -> io::Result<Group> {
        let full = format!("{}{name}", self.group_prefix);
        let group = Group::create(&self.layout, &full, limits)?;
        self.groups.insert(name.to_string(), group.clone());
        Ok(group)
    }

    fn drop_group(&mut self, name: &str) {
        if let Some(group) = self.groups.remove(name) {
            let _ = group.destroy();
        } else {
            // A group of an earlier invocation, if one is left: found by name.
            let full = format!("{}{name}", self.group_prefix);
            let dirs: Vec<PathBuf> = self
                .layout
                .existing_groups()
                .into_iter()
                .filter(|d| d.file_name().is_some_and(|n| n.to_string_lossy() == full))
                .collect();
            let _ = crate::cgroup::remove_dirs(&dirs);
        }
    }

    /// uid and gid of `user` ("", a number, "uid:gid" or a name in `passwd`).
    fn resolve_user(passwd: &str, user: &str) -> Result<(u32, u32), String> {
        if user.is_empty() {
            return Ok((0, 0));
        }
        let (name, group) = match user.split_once(':') {
            Some((n, g)) => (n, Some(g)),
            None => (user, None),
        };
        let entry = passwd.lines().find_map(|line| {
            let f: Vec<&str> = line.split(':').collect();
            (f.len() >= 4 && (f[0] == name || f[2] == name))
                .then(|| (f[2].parse::<u32>().ok(), f[3].parse::<u32>().ok()))
        });
        let (uid, default_gid) = match (name.parse::<u32>(), entry) {
            (_, Some((Some(uid), gid))) => (uid, gid.unwrap_or(uid)),
            (Ok(uid), _) => (uid, uid),
            _ => {
                return Err(format!(
                    "unable to find user {name}: no matching entries in passwd file"
                ))
            }
        };
        let gid = match group {
            None => default_gid,
            Some(g) => g.parse().map_err(|_| {
                format!("unable to find group {g}: no matching entries in group file")
            })?,
        };
        Ok((uid, gid))
    }

    fn start(&mut self, host: &str, start: ProcessStart) {
        let handle = start.handle;
        let result = self.try_start(host, &start);
        if result.is_err() && start.purpose != Purpose::Exec {
            let name = match &start.target {
                Target::Container(id) => id.clone(),
                Target::Sandbox(s) => format!("sandbox-{}", s.0),
            };
            self.drop_group(&name);
        }
        match result {
            Ok(()) => self.push_now(host, Observation::Started { handle }),
            Err(Failure::Start(error)) => {
                self.push_now(host, Observation::StartFailed { handle, error })
            }
            Err(Failure::Other(message)) => {
                self.failed(host, "start process", message);
                self.push_now(
                    host,
                    Observation::StartFailed {
                        handle,
                        error: StartError::NoTarget,
                    },
                );
            }
        }
    }

    fn try_start(&mut self, host: &str, start: &ProcessStart) -> Result<(), Failure> {
        let other = |e: io::Error| Failure::Other(io_text(&e));
        let (place, group_name, limits, passwd) = match &start.target {
            Target::Container(id) => {
                let config = self
                    .load_config(id)
                    .ok_or(Failure::Start(StartError::NoTarget))?;
                let dir = self.container_dir(id);
                let (rootfs, overlay, stack) = self.root_of(&dir, &config.layers);
                let main = self
                    .procs
                    .values()
                    .find(|p| p.purpose == Purpose::Main && !p.exited && p.target == start.target)
                    .map(|p| p.pid);
                let mut passwd = file_in_stack(&stack, "etc/passwd");
                let place = match (start.purpose, main) {
                    (Purpose::Exec, Some(pid)) => {
                        // What the container sees now.
                        passwd = fs::read_to_string(format!("/proc/{pid}/root/etc/passwd"))
                            .unwrap_or_default();
                        Place::Join { pid }
                    }
                    (Purpose::Exec, None) => return Err(Failure::Start(StartError::NoTarget)),
                    _ => {
                        let mut binds = Vec::new();
                        for (is_volume, source, path, read_only) in &config.mounts {
                            let source = if *is_volume {
                                self.volume_dir(&config.host, source)
                            } else {
                                PathBuf::from(source)
                            };
                            fs::create_dir_all(&source).map_err(other)?;
                            binds.push(Bind {
                                source,
                                target: path.clone(),
                                read_only: *read_only,
                            });
                        }
                        Place::New {
                            rootfs,
                            overlay,
                            hostname: start.hostname.clone(),
                            binds,
                        }
                    }
                };
                let limits = Limits {
                    memory: start.memory,
                    nano_cpus: start.nano_cpus,
                    pids: None,
                };
                (place, id.clone(), limits, passwd)
            }
            Target::Sandbox(sandbox) => {
                let dir = self.sandbox_dir(*sandbox);
                let layers: Vec<String> = fs::read_to_string(dir.join("layers"))
                    .map_err(|_| Failure::Start(StartError::NoTarget))?
                    .lines()
                    .map(str::to_string)
                    .collect();
                let (rootfs, overlay, stack) = self.root_of(&dir, &layers);
                let passwd = file_in_stack(&stack, "etc/passwd");
                let place = Place::New {
                    rootfs,
                    overlay,
                    hostname: start.hostname.clone(),
                    binds: Vec::new(),
                };
                let limits = Limits {
                    memory: start.memory,
                    nano_cpus: start.nano_cpus,
                    pids: None,
                };
                (place, format!("sandbox-{}", sandbox.0), limits, passwd)
            }
        };
        let (uid, gid) = Self::resolve_user(&passwd, &start.user).map_err(Failure::Other)?;
        let group = if start.purpose == Purpose::Exec {
            self.groups.get(&group_name).cloned()
        } else {
            Some(self.group(&group_name, limits).map_err(other)?)
        };
        let supervise =
            if start.purpose == Purpose::Main && matches!(start.target, Target::Container(_)) {
                let dir = self.proc_dir(start.handle);
                let _ = fs::remove_dir_all(&dir);
                fs::create_dir_all(&dir).map_err(other)?;
                Some(dir.join("log"))
            } else {
                None
            };
        let plan = Plan {
            supervise,
            place,
            argv: start.argv.clone(),
            env: start.env.clone(),
            cwd: if start.cwd.is_empty() {
                "/".into()
            } else {
                start.cwd.clone()
            },
            uid,
            gid,
            cgroup_procs: group.as_ref().map(|g| g.procs_files()).unwrap_or_default(),
        };
        let started = match spawn::spawn(&plan) {
            Ok(started) => started,
            Err((Some(f), _)) if f.step == Step::Exec => {
                let argv0 = start.argv.first().cloned().unwrap_or_default();
                let error = match f.errno {
                    nix::libc::ENOEXEC => return Err(Failure::Start(StartError::ExecFormat)),
                    nix::libc::EACCES => ExecError::PermissionDenied,
                    _ if argv0.contains('/') => ExecError::NoSuchFile,
                    _ => ExecError::NotFound,
                };
                return Err(Failure::Start(StartError::Exec { argv0, error }));
            }
            Err((Some(f), e)) => {
                return Err(Failure::Other(format!("{} failed: {e}", f.step.describe())))
            }
            Err((None, e)) => return Err(Failure::Other(format!("cannot start: {e}"))),
        };
        let oom_before = group.as_ref().map_or(0, |g| g.oom_kills());
        self.procs.insert(
            start.handle,
            Running {
                host: host.to_string(),
                target: start.target.clone(),
                purpose: start.purpose,
                pid: started.pid,
                oom_before,
                exited: false,
                supervised: started.supervised,
            },
        );
        if started.supervised {
            let dir = self.proc_dir(start.handle);
            let _ = fs::write(dir.join("pid"), started.pid.to_string());
            let _ = fs::write(dir.join("supervisor"), started.child.id().to_string());
        }
        self.watch(start.handle, started);
        Ok(())
    }

    /// Reader threads for stdout and stderr, and a waiter that reports the exit after both
    /// pipes are drained (so output always comes before the exit).
    fn watch(&mut self, handle: ProcessHandle, started: spawn::Started) {
        let spawn::Started {
            mut child,
            pid,
            supervised,
        } = started;
        if let Some(p) = self.procs.get_mut(&handle) {
            p.pid = pid;
        }
        if supervised {
            // The supervisor's stdout carries the log records, its exit last.
            let tx = self.tx.clone();
            std::thread::spawn(move || {
                let mut exited = false;
                if let Some(mut pipe) = child.stdout.take() {
                    while let Ok(Some(record)) = crate::supervise::read_record(&mut pipe) {
                        exited |= forward(&tx, handle, record);
                    }
                }
                let _ = child.wait();
                if !exited {
                    // The supervisor itself was killed: so was what it watched.
                    let _ = tx.send(Seen::Exited {
                        handle,
                        status: std::process::ExitStatus::from_raw(9),
                        at: Instant::now(),
                    });
                }
            });
            return;
        }
        let mut readers = Vec::new();
        let pipes: [(Stream, Option<Box<dyn Read + Send>>); 2] = [
            (
                Stream::Stdout,
                child
                    .stdout
                    .take()
                    .map(|s| Box::new(s) as Box<dyn Read + Send>),
            ),
            (
                Stream::Stderr,
                child
                    .stderr
                    .take()
                    .map(|s| Box::new(s) as Box<dyn Read + Send>),
            ),
        ];
        for (stream, pipe) in pipes {
            let Some(mut pipe) = pipe else { continue };
            let tx = self.tx.clone();
            readers.push(std::thread::spawn(move || {
                let mut buffer = vec![0u8; 64 * 1024];
                loop {
                    match pipe.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            let _ = tx.send(Seen::Output {
                                handle,
                                stream,
                                bytes: buffer[..n].to_vec(),
                                at: Instant::now(),
                            });
                        }
                    }
                }
            }));
        }
        let tx = self.tx.clone();
        std::thread::spawn(move || {
            let status = child.wait();
            for reader in readers {
                let _ = reader.join();
            }
            if let Ok(status) = status {
                let _ = tx.send(Seen::Exited {
                    handle,
                    status,
                    at: Instant::now(),
                });
            }
        });
    }

    /// Turns what a thread saw into observations.
    fn take(&mut self, seen: Seen) {
        match seen {
            Seen::Output {
                handle,
                stream,
                bytes,
                at,
            } => {
                let at = self.clock.tick_of(at);
                let Some(host) = self.procs.get(&handle).map(|p| p.host.clone()) else {
                    return;
                };
                self.push(
                    &host,
                    at,
                    Observation::Output {
                        handle,
                        stream,
                        bytes,
                    },
                );
            }
            Seen::Exited { handle, status, at } => {
                let at = self.clock.tick_of(at);
                let Some(p) = self.procs.get_mut(&handle) else {
                    return;
                };
                p.exited = true;
                let (host, target, purpose, oom_before) =
                    (p.host.clone(), p.target.clone(), p.purpose, p.oom_before);
                let group_name = match &target {
                    Target::Container(id) => id.clone(),
                    Target::Sandbox(s) => format!("sandbox-{}", s.0),
                };
                let group = self.groups.get(&group_name).cloned();
                let exit = match (status.code(), status.signal()) {
                    (Some(code), _) => ProcessExit::Code(code),
                    (None, Some(9))
                        if group.as_ref().is_some_and(|g| g.oom_kills() > oom_before) =>
                    {
                        ProcessExit::OomKilled
                    }
                    (None, Some(signal)) => ProcessExit::Signal(signal),
                    (None, None) => ProcessExit::Code(255),
                };
                if purpose != Purpose::Exec {
                    if let Some(g) = &group {
                        let peak = g.peak_memory();
                        self.push(&host, at, Observation::Memory { handle, peak });
                    }
                }
                self.report_files(&host, &target, at);
                self.push(&host, at, Observation::Exited { handle, exit });
                let supervised = self.procs.remove(&handle).is_some_and(|p| p.supervised);
                if supervised {
                    let _ = fs::remove_dir_all(self.proc_dir(handle));
                }
                if purpose != Purpose::Exec {
                    // Its init is gone, so is everything else in it: the group goes too.
                    self.drop_group(&group_name);
                }
            }
        }
    }

    /// What a process changed: a sandbox's or container's upper layer, its volumes.
    fn report_files(&mut self, host: &str, target: &Target, at: Tick) {
        match target {
            Target::Sandbox(sandbox) => {
                let upper = self.sandbox_dir(*sandbox).join("upper");
                match upper::read_upper(&upper) {
                    Ok(diff) => self.push(
                        host,
                        at,
                        Observation::Files {
                            of: FilesOf::Sandbox(*sandbox),
                            files: FilesNow::Layer(diff),
                        },
                    ),
                    Err(e) => self.failed(host, "read build step files", io_text(&e)),
                }
            }
            Target::Container(id) => {
                let upper = self.container_dir(id).join("upper");
                if let Ok(diff) = upper::read_upper(&upper) {
                    self.push(
                        host,
                        at,
                        Observation::Files {
                            of: FilesOf::Container(id.clone()),
                            files: FilesNow::Layer(diff),
                        },
                    );
                }
                let volumes: Vec<String> = self
                    .load_config(id)
                    .map(|c| c.mounts.into_iter().filter(|m| m.0).map(|m| m.1).collect())
                    .unwrap_or_default();
                for name in volumes {
                    if let Ok(tree) = upper::read_tree(&self.volume_dir(host, &name)) {
                        self.push(
                            host,
                            at,
                            Observation::Files {
                                of: FilesOf::Volume(name),
                                files: FilesNow::Tree(tree),
                            },
                        );
                    }
                }
            }
        }
    }

    fn signal(&mut self, handle: ProcessHandle, signal: i32) {
        let Some(p) = self.procs.get(&handle).filter(|p| !p.exited && p.pid > 0) else {
            return;
        };
        if let Ok(signal) = nix::sys::signal::Signal::try_from(signal) {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(p.pid), signal);
        }
    }

    fn remove_container(&mut self, id: &str) {
        self.drop_group(id);
        self.wait_gone(&Target::Container(id.to_string()));
        let _ = fs::remove_dir_all(self.container_dir(id));
    }

    /// Waits (briefly) for the exits of the target's killed processes to come in, so a removed
    /// container leaves no process behind.
    fn wait_gone(&mut self, target: &Target) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self
            .procs
            .values()
            .any(|p| &p.target == target && !p.exited)
        {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(seen) => self.take(seen),
                Err(_) => break,
            }
        }
    }

    fn prepare_sandbox(&mut self, sandbox: SandboxId, layers: &[String]) -> io::Result<()> {
        let dir = self.sandbox_dir(sandbox);
        let _ = fs::remove_dir_all(&dir);
        let dirs = ["/proc".to_string(), "/dev".into(), "/sys".into()];
        self.make_root(&dir, layers, &[], &dirs)?;
        fs::write(dir.join("layers"), layers.join("\n"))
    }

    fn discard_sandbox(&mut self, sandbox: SandboxId) {
        let name = format!("sandbox-{}", sandbox.0);
        self.drop_group(&name);
        self.wait_gone(&Target::Sandbox(sandbox));
        let _ = fs::remove_dir_all(self.sandbox_dir(sandbox));
    }

    fn mount(
        &mut self,
        host: &str,
        id: &str,
        kind: MountKind,
        source: String,
        path: String,
        read_only: bool,
    ) -> io::Result<()> {
        let mut config = self
            .load_config(id)
            .ok_or_else(|| io::Error::other(format!("no such container: {id}")))?;
        let is_volume = kind == MountKind::Volume;
        if is_volume {
            fs::create_dir_all(self.volume_dir(host, &source))?;
        } else {
            fs::create_dir_all(&source)?;
        }
        config.mounts.retain(|m| m.2 != path);
        config.mounts.push((is_volume, source, path, read_only));
        self.save_config(id, &config)
    }

    fn copy_up(&mut self, host: &str, volume: &str, files: &sim_core::FsTree) -> io::Result<()> {
        let dir = self.volume_dir(host, volume);
        fs::create_dir_all(&dir)?;
        for (path, node) in files.iter() {
            let host = dir.join(path.trim_start_matches('/'));
            match node {
                sim_core::fs::Node::Dir { .. } => fs::create_dir_all(&host)?,
                sim_core::fs::Node::File { data, .. } => {
                    if let Some(parent) = host.parent() {
                        fs::create_dir_all(parent)?;
                    }
                    fs::write(&host, data)?;
                }
                sim_core::fs::Node::Symlink { target } => {
                    let _ = std::os::unix::fs::symlink(target, &host);
                }
            }
        }
        Ok(())
    }

    /// Takes over a container's main process an earlier invocation started: what its log
    /// holds beyond the first `delivered` output records is reported, then its exit if it has
    /// ended, or it is followed from here on if its supervisor still runs.
    pub fn adopt(
        &mut self,
        handle: ProcessHandle,
        host: &str,
        target: Target,
        delivered: usize,
    ) -> Adopted {
        let dir = self.proc_dir(handle);
        let log = fs::read(dir.join("log")).unwrap_or_default();
        let read_pid = |name: &str| -> Option<i32> {
            fs::read_to_string(dir.join(name)).ok()?.trim().parse().ok()
        };
        let (Some(pid), Some(supervisor)) = (read_pid("pid"), read_pid("supervisor")) else {
            return Adopted::Gone;
        };
        let (records, used) = crate::supervise::parse(&log);
        let ended = records
            .iter()
            .any(|r| matches!(r, crate::supervise::Record::Exit { .. }));
        let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(supervisor), None).is_ok()
            && fs::read_to_string(format!("/proc/{supervisor}/cmdline")).is_ok();
        if !ended && !alive {
            return Adopted::Gone;
        }
        let group_name = match &target {
            Target::Container(id) => id.clone(),
            Target::Sandbox(s) => format!("sandbox-{}", s.0),
        };
        let group = Group::existing(&self.layout, &format!("{}{group_name}", self.group_prefix));
        self.groups.insert(group_name, group);
        self.procs.insert(
            handle,
            Running {
                host: host.to_string(),
                target,
                purpose: Purpose::Main,
                pid,
                oom_before: 0,
                exited: false,
                supervised: true,
            },
        );
        let mut outputs = 0;
        for record in records {
            if let crate::supervise::Record::Output { .. } = record {
                outputs += 1;
                if outputs <= delivered {
                    continue;
                }
            }
            let _ = forward(&self.tx, handle, record);
        }
        if ended {
            return Adopted::Finished;
        }
        let tx = self.tx.clone();
        let path = dir.join("log");
        std::thread::spawn(move || tail(&path, used as u64, supervisor, &tx, handle));
        Adopted::Running
    }

    /// Blocks until an observation is ready, or the logical clock reaches `until`, or none of
    /// the processes `waited_on` is left running (time then jumps: nothing the command waits
    /// for can happen in between).
    pub fn wait(&mut self, until: Option<Tick>, waited_on: &BTreeSet<ProcessHandle>) {
        while let Ok(seen) = self.rx.try_recv() {
            self.take(seen);
        }
        let runs = |d: &LinuxDriver| {
            waited_on
                .iter()
                .any(|h| d.procs.get(h).is_some_and(|p| !p.exited))
        };
        while self.queue.is_empty() && runs(self) {
            let wait = match until {
                Some(t) => {
                    let now = self.clock.now();
                    if now >= t {
                        return;
                    }
                    Duration::from_millis(t - now)
                }
                None => Duration::from_secs(3600),
            };
            match self.rx.recv_timeout(wait) {
                Ok(seen) => self.take(seen),
                Err(RecvTimeoutError::Timeout) => return,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    /// Kills every process still running and takes in their exits: the end of an invocation
    /// (nothing outlives it yet). Returns their handles.
    pub fn stop_all(&mut self) -> Vec<ProcessHandle> {
        let running: Vec<ProcessHandle> = self
            .procs
            .iter()
            .filter(|(_, p)| !p.exited && !p.supervised)
            .map(|(h, _)| *h)
            .collect();
        for handle in &running {
            self.signal(*handle, 9);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while running
            .iter()
            .any(|h| self.procs.get(h).is_some_and(|p| !p.exited))
        {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(seen) => self.take(seen),
                Err(_) => break,
            }
        }
        running
    }
}

enum Failure {
    Start(StartError),
    Other(String),
}

/// A file as overlayfs shows it from a stack of directories (top first): the first that has
/// it, unless that one holds a whiteout. Empty when none has it.
fn file_in_stack(stack: &[PathBuf], path: &str) -> String {
    use std::os::unix::fs::FileTypeExt;
    for dir in stack {
        let candidate = dir.join(path);
        match fs::symlink_metadata(&candidate) {
            Ok(meta) if meta.file_type().is_char_device() => return String::new(),
            Ok(_) => return fs::read_to_string(candidate).unwrap_or_default(),
            Err(_) => {}
        }
    }
    String::new()
}

/// Sends one log record on as what a thread saw; true for the exit.
fn forward(tx: &Sender<Seen>, handle: ProcessHandle, record: crate::supervise::Record) -> bool {
    let at = Instant::now();
    match record {
        crate::supervise::Record::Output { stream, bytes } => {
            let _ = tx.send(Seen::Output {
                handle,
                stream,
                bytes,
                at,
            });
            false
        }
        crate::supervise::Record::Exit { status } => {
            let _ = tx.send(Seen::Exited {
                handle,
                status: std::process::ExitStatus::from_raw(status),
                at,
            });
            true
        }
    }
}

/// Follows a supervisor's log from `offset` until its exit record (or until the supervisor
/// is gone without writing one).
fn tail(path: &Path, mut offset: u64, supervisor: i32, tx: &Sender<Seen>, handle: ProcessHandle) {
    use std::io::{Seek, SeekFrom};
    let mut pending = Vec::new();
    loop {
        let alive = fs::metadata(format!("/proc/{supervisor}")).is_ok();
        let mut fresh = Vec::new();
        if let Ok(mut file) = fs::File::open(path) {
            if file.seek(SeekFrom::Start(offset)).is_ok() {
                let _ = file.read_to_end(&mut fresh);
            }
        }
        offset += fresh.len() as u64;
        pending.extend_from_slice(&fresh);
        let (records, used) = crate::supervise::parse(&pending);
        pending.drain(..used);
        for record in records {
            if forward(tx, handle, record) {
                return;
            }
        }
        if !alive {
            // Read once more after it was seen gone: nothing came, so no exit was written.
            let _ = tx.send(Seen::Exited {
                handle,
                status: std::process::ExitStatus::from_raw(9),
                at: Instant::now(),
            });
            return;
        }
        std::thread::sleep(TAIL_INTERVAL);
    }
}

impl Drop for LinuxDriver {
    fn drop(&mut self) {
        self.stop_all();
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
            } => {
                if let Err(e) =
                    self.create_container(host, &container, layers, network, mount_points)
                {
                    self.failed(host, "create container", io_text(&e));
                }
            }
            Effect::PrepareSandbox { sandbox, layers } => {
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
