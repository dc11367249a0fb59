//! Processes: starting one (its cgroup, user, supervisor), following its output and exit,
//! signals, and waiting for what a command waits on.

use super::adopt::forward;
use super::root::file_in_stack;
use super::{io_text, Failure, LinuxDriver, Running, Seen};
use crate::cgroup::{Group, Limits};
use crate::spawn::{self, Bind, Place, Plan, Step};
use crate::upper;
use sim_core::driver::{
    FilesNow, FilesOf, Observation, ProcessExit, ProcessHandle, ProcessStart, Purpose, StartError,
    Target,
};
use sim_core::program::{ExecError, Stream};
use sim_core::{Tick, VolumeName};
use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Read};
use std::os::fd::AsRawFd;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

/// The name of a target's cgroup (and of its directory under the state).
pub(super) fn group_name(target: &Target) -> String {
    match target {
        Target::Container(id) => id.to_string(),
        Target::Sandbox(s) => format!("sandbox-{}", s.0),
        // Never a real cgroup: host commands are refused before one would be made.
        Target::Host => "host".to_string(),
    }
}

const HOST_COMMAND_NOT_REAL: &str = "curl and wget at the host prompt are not run for real by sim --real (use the machine's own curl on a published -p port, run them inside a container with docker exec, or run without --real)";

impl LinuxDriver {
    pub(super) fn group(&mut self, name: &str, limits: Limits) -> io::Result<Group> {
        let full = format!("{}{name}", self.group_prefix);
        let group = Group::create(&self.layout, &full, limits)?;
        self.groups.insert(name.to_string(), group.clone());
        Ok(group)
    }

    pub(super) fn drop_group(&mut self, name: &str) {
        if let Some(group) = self.groups.remove(name) {
            let _ = group.destroy();
        } else {
            // A group of an earlier invocation, if one is left: looked up by name (listing
            // every group would stat the machine's others too).
            let full = format!("{}{name}", self.group_prefix);
            let dirs: Vec<PathBuf> = Group::existing(&self.layout, &full)
                .dirs()
                .iter()
                .filter(|d| d.is_dir())
                .cloned()
                .collect();
            let _ = crate::cgroup::remove_dirs(&dirs);
        }
    }

    /// uid and gid of `user` ("", a number, "uid:gid" or a name in `passwd`).
    pub(super) fn resolve_user(passwd: &str, user: &str) -> Result<(u32, u32), String> {
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

    pub(super) fn start(&mut self, host: &str, start: ProcessStart) {
        let handle = start.handle;
        let result = self.try_start(host, &start);
        if result.is_err() && start.purpose != Purpose::Exec {
            let name = group_name(&start.target);
            self.drop_group(&name);
            // A supervisor whose init could not start has nothing to keep.
            let _ = fs::remove_dir_all(self.proc_dir(handle));
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

    pub(super) fn try_start(&mut self, host: &str, start: &ProcessStart) -> Result<(), Failure> {
        let other = |e: io::Error| Failure::Other(io_text(&e));
        // Bound here and kept until the supervisor has its copies (see crate::ports).
        let mut published = Vec::new();
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
                        if start.purpose == Purpose::Main {
                            published =
                                crate::ports::bind(&config.name, id, &config.ip, &config.published)
                                    .map_err(|reason| {
                                        Failure::Start(StartError::Unsupported { reason })
                                    })?;
                        }
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
                            read_only: config.read_only,
                            netns: self.container_network(id, &config.ip),
                        }
                    }
                };
                let limits = Limits {
                    memory: start.memory,
                    nano_cpus: start.nano_cpus,
                    pids: start.pids_limit,
                };
                (place, id.to_string(), limits, passwd)
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
                    read_only: false,
                    netns: None,
                };
                let limits = Limits {
                    memory: start.memory,
                    nano_cpus: start.nano_cpus,
                    pids: None,
                };
                (place, format!("sandbox-{}", sandbox.0), limits, passwd)
            }
            // Honest rather than wrong: the real host's curl would not reach the container.
            Target::Host => {
                return Err(Failure::Start(StartError::Unsupported {
                    reason: HOST_COMMAND_NOT_REAL.to_string(),
                }))
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
            forwards: published
                .iter()
                .map(|p| (p.listener.as_raw_fd(), p.to))
                .collect(),
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
    pub(super) fn watch(&mut self, handle: ProcessHandle, started: spawn::Started) {
        let spawn::Started {
            mut child,
            pid,
            supervised,
        } = started;
        if let Some(p) = self.procs.get_mut(&handle) {
            p.pid = pid;
        }
        if supervised {
            // The supervisor's stdout carries the log records, its exit last. The exit is
            // passed on once the supervisor is gone too: then nothing of the container runs.
            let tx = self.tx.clone();
            std::thread::spawn(move || {
                let mut exit = None;
                if let Some(mut pipe) = child.stdout.take() {
                    while let Ok(Some(record)) = crate::supervise::read_record(&mut pipe) {
                        match record {
                            crate::supervise::Record::Exit { .. } => exit = Some(record),
                            output => {
                                forward(&tx, handle, output);
                            }
                        }
                    }
                }
                let _ = child.wait();
                // Without an exit record the supervisor itself was killed: so was its init.
                let exit = exit.unwrap_or(crate::supervise::Record::Exit { status: 9 });
                forward(&tx, handle, exit);
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
    pub(super) fn take(&mut self, seen: Seen) {
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
                let group_name = group_name(&target);
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
                // As docker, a stopped container has no network (a start makes it again): its
                // namespace went with its last process, and the veth pair with the namespace.
            }
        }
    }

    /// What a process changed: a sandbox's or container's upper layer, its volumes.
    pub(super) fn report_files(&mut self, host: &str, target: &Target, at: Tick) {
        match target {
            Target::Sandbox(sandbox) => {
                let dir = self.sandbox_dir(*sandbox);
                let layers: Vec<String> = fs::read_to_string(dir.join("layers"))
                    .unwrap_or_default()
                    .lines()
                    .map(str::to_string)
                    .collect();
                let (_, _, stack) = self.root_of(&dir, &layers);
                match upper::read_changes(&stack[0], &stack[1..]) {
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
            Target::Host => {}
            Target::Container(id) => {
                let dir = self.container_dir(id);
                let layers = self.load_config(id).map(|c| c.layers).unwrap_or_default();
                let (_, _, stack) = self.root_of(&dir, &layers);
                if let Ok(diff) = upper::read_changes(&stack[0], &stack[1..]) {
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
                // The names came from the World's effects, so they parse.
                for name in volumes.iter().filter_map(|n| VolumeName::parse(n).ok()) {
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

    pub(super) fn signal(&mut self, handle: ProcessHandle, signal: i32) {
        let Some(p) = self.procs.get(&handle).filter(|p| !p.exited && p.pid > 0) else {
            return;
        };
        if let Ok(signal) = nix::sys::signal::Signal::try_from(signal) {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(p.pid), signal);
        }
    }

    /// Waits (briefly) for the exits of the target's killed processes to come in, so a removed
    /// container leaves no process behind.
    pub(super) fn wait_gone(&mut self, target: &Target) {
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
