//! The container state machine: start (and attach), main-process exit, restart policies
//! and their timers, and removal.

use super::container::Status;
use super::container_error::ContainerError;
use super::ids::ContainerId;
use super::logs::{no_terminal_note, push_logs};
use super::start_failure::{start_failure, StartedBy};
use super::wait::Waited;
use super::ProcRecord;
use super::{Failure, Handled, Reply, Timer, World};
use crate::command::Invocation;
use crate::driver::{Effect, ProcessHandle, ProcessStart, Purpose, Target};
use crate::event::{EventKind, Tick};

/// How long a foreground `docker run` waits for the container to end before it returns.
const ATTACH_WAIT_MS: u64 = 3_600_000;
/// How long a start may take before docker gives up on it.
const START_WAIT_MS: u64 = 30_000;
/// Docker's restart back-off: 100 ms doubling per restart, at most one minute.
const RESTART_BACKOFF_MS: u64 = 100;
const RESTART_BACKOFF_MAX_MS: u64 = 60_000;

impl World {
    pub(crate) async fn cmd_run(&mut self, inv: &Invocation) -> Handled {
        let (id, detach, reply) = self.create_for(inv, true)?;
        self.start_and_attach(inv, &id, detach, reply).await
    }

    async fn start_and_attach(
        &mut self,
        inv: &Invocation,
        id: &ContainerId,
        detach: bool,
        mut reply: Reply,
    ) -> Handled {
        if let Err(failure) = self.start_container(id).await {
            reply
                .stderr
                .push_str(&format!("docker: {}\n", failure.message));
            reply.exit_code = failure.exit_code;
            return Ok(reply);
        }
        if detach {
            reply.stdout.push_str(&format!("{id}\n"));
            return Ok(reply);
        }
        let argv = self.engine.containers.get(id).map(|c| c.argv.clone());
        let mut reply = self.attach_until_exit(id, reply).await?;
        if let Some(note) = argv.and_then(|argv| no_terminal_note(inv, &argv, "run")) {
            reply.stderr.push_str(&note);
        }
        Ok(reply)
    }

    /// Foreground `docker run`/`start -a`: wait until the main process ends (or show what it
    /// printed so far if it keeps running), and return its output and exit code.
    pub(super) async fn attach_until_exit(
        &mut self,
        id: &ContainerId,
        mut reply: Reply,
    ) -> Handled {
        let Some(c) = self.engine.containers.get(id) else {
            // Already ended and removed (`--rm` of a process that exits at once).
            let (logs, code) = self.recently_removed.get(id).cloned().unwrap_or_default();
            push_logs(&mut reply, &logs);
            reply.exit_code = code;
            return Ok(reply);
        };
        let started = c.started_at.unwrap_or(self.now);
        let name = c.name.clone();
        let handle = c.main;
        let deadline = self.now + ATTACH_WAIT_MS;
        self.wait_until(Some(deadline), |w| {
            !w.runs(id, handle)
                || handle.is_some_and(|h| w.procs.get(&h).is_some_and(|p| p.still_running))
        })
        .await;
        let logs = self.logs_of(id, started, self.now);
        push_logs(&mut reply, &logs);
        if self.runs(id, handle) {
            reply.stderr.push_str(&format!(
                "(simulator: {name} keeps running; this terminal returns to you. See its output with `docker logs {name}`, stop it with `docker stop {name}`)\n"
            ));
        } else {
            // The container may be gone already (--rm); its exit code was recorded then.
            reply.exit_code = self
                .engine
                .containers
                .get(id)
                .map(|c| c.exit_code)
                .or_else(|| self.recently_removed.get(id).map(|(_, code)| *code))
                .unwrap_or(0);
        }
        Ok(reply)
    }

    /// Starts a created or exited container's main process and waits until its host says
    /// it started, or why it could not.
    pub(crate) async fn start_container(&mut self, id: &ContainerId) -> Result<(), Failure> {
        let Some(handle) = self.begin_start(id)? else {
            return Ok(());
        };
        let waited = self
            .wait_until(Some(self.now + START_WAIT_MS), |w| {
                w.procs
                    .get(&handle)
                    .is_none_or(|p| p.started || p.failed.is_some())
            })
            .await;
        let failed = self.procs.get(&handle).and_then(|p| p.failed.clone());
        if let Some(error) = failed {
            self.procs.remove(&handle);
            return Err(start_failure(StartedBy::Container, &error));
        }
        if waited == Waited::TimedOut && !self.runs(id, Some(handle)) {
            let detail = self
                .host_errors
                .last()
                .cloned()
                .unwrap_or_else(|| "the host did not report the start".into());
            return Err(ContainerError::StartTimedOut {
                id: id.clone(),
                detail,
            }
            .into());
        }
        Ok(())
    }

    /// Has the host start a container's main process; `None` if it is running already.
    /// The container counts as running once the host reports the start.
    pub(super) fn begin_start(
        &mut self,
        id: &ContainerId,
    ) -> Result<Option<ProcessHandle>, Failure> {
        let c = self.container(id)?;
        if c.is_running() || c.main.is_some() {
            return Ok(None);
        }
        if c.argv.is_empty() {
            return Err(ContainerError::NoCommand.into());
        }
        // A published host port can be bound only once.
        for p in &c.ports {
            let taken = self.engine.containers.values().any(|o| {
                o.id != c.id && o.is_running() && o.ports.iter().any(|q| q.host_port == p.host_port)
            });
            if taken {
                return Err(ContainerError::PortAllocated {
                    name: c.name.clone(),
                    id: c.id.clone(),
                    host_ip: p.host_ip.clone(),
                    port: p.host_port,
                }
                .into());
            }
        }
        let start = ProcessStart {
            handle: ProcessHandle(0),
            target: Target::Container(id.clone()),
            purpose: Purpose::Main,
            pid: 1,
            argv: c.argv.clone(),
            env: c.env.clone(),
            cwd: c.workdir.clone(),
            user: c.user.clone(),
            stdin: Vec::new(),
            hostname: c.hostname.clone(),
            memory: c.memory,
            nano_cpus: c.nano_cpus,
            pids_limit: c.pids_limit,
        };
        let mounts = c.mounts.clone();
        for m in mounts {
            self.issue(Effect::Mount {
                container: id.clone(),
                kind: m.kind,
                source: m.source,
                path: m.target,
                read_only: m.read_only,
            });
        }
        let handle = self.new_handle();
        self.procs
            .insert(handle, ProcRecord::new(start.target.clone(), Purpose::Main));
        if let Some(c) = self.engine.containers.get_mut(id) {
            c.main = Some(handle);
        }
        self.issue(Effect::StartProcess(ProcessStart { handle, ..start }));
        Ok(Some(handle))
    }

    /// A restart timer fell due: start the container again (a failure shows in its state).
    pub(crate) fn fire_timer(&mut self, id: &ContainerId, at: Tick) {
        if self
            .engine
            .containers
            .get(id)
            .is_some_and(|c| c.restart_at == Some(at))
        {
            if let Ok(Some(handle)) = self.begin_start(id) {
                if let Some(p) = self.procs.get_mut(&handle) {
                    p.detached = true;
                }
            }
        }
    }

    /// Records the end of a container's main process and applies --rm and restart policies.
    pub(super) fn container_exited(&mut self, id: &ContainerId, at: Tick, code: i32, oom: bool) {
        let Some(c) = self.engine.containers.get_mut(id) else {
            return;
        };
        c.main = None;
        c.listening.clear();
        c.status = Status::Exited;
        c.exit_code = code;
        c.oom_killed = oom;
        c.finished_at = Some(at);
        c.pid = 0;
        let name = c.name.clone();
        let restart = match c.restart.name.as_str() {
            "always" => !c.stopped_by_user,
            "unless-stopped" => !c.stopped_by_user,
            "on-failure" => {
                !c.stopped_by_user
                    && code != 0
                    && (c.restart.max_retries == 0 || c.restart_count < c.restart.max_retries)
            }
            _ => false,
        };
        let auto_remove = c.auto_remove;
        let restart_count = c.restart_count;
        let pod_run = c
            .labels
            .iter()
            .any(|(k, _)| k == "io.kubernetes.pod.uid")
            .then(|| (c.started_at.unwrap_or(at), !c.stopped_by_user));
        self.emit(EventKind::ContainerExited {
            id: id.clone(),
            name: name.clone(),
            exit_code: code,
            oom_killed: oom,
        });
        if let Some((started, crashed)) = pod_run {
            self.pod_container_exited(id, code, started, at, crashed);
        }
        if auto_remove {
            self.remove_container(id, true);
        } else if restart {
            let delay = (RESTART_BACKOFF_MS << restart_count.min(20)).min(RESTART_BACKOFF_MAX_MS);
            if let Some(c) = self.engine.containers.get_mut(id) {
                c.restart_count += 1;
                c.restart_at = Some(at + delay);
            }
            let timer = Timer::Restart {
                host: self.host_name.clone(),
                id: id.clone(),
            };
            self.timers.insert((at + delay, timer));
            self.emit(EventKind::ContainerRestarting {
                id: id.clone(),
                name,
                restart_count: restart_count + 1,
                delay_ms: delay,
            });
        }
    }

    /// Removes a container: its writable layer is thrown away; named volumes stay, anonymous
    /// ones go when `remove_anonymous` (`rm -v`, `--rm`).
    pub(super) fn remove_container(&mut self, id: &ContainerId, remove_anonymous: bool) {
        let Some(mut c) = self.engine.containers.remove(id) else {
            return;
        };
        self.engine.names.remove(&c.name);
        if let Some(handle) = c.main.take() {
            self.procs.remove(&handle);
        }
        // A foreground `run --rm` still prints the output and exit code of what it removed.
        self.recently_removed
            .insert(id.clone(), (c.past_logs.clone(), c.exit_code));
        let discarded = c.upper.size();
        self.issue(Effect::RemoveContainer {
            container: id.clone(),
        });
        self.emit(EventKind::ContainerRemoved {
            id: id.clone(),
            name: c.name.clone(),
            discarded_bytes: discarded,
        });
        if remove_anonymous {
            for m in c.mounts.iter().filter(|m| m.anonymous) {
                let in_use = self
                    .engine
                    .containers
                    .values()
                    .any(|o| o.mounts.iter().any(|om| om.source == m.source));
                if in_use {
                    continue;
                }
                if let Some(volume) = self.engine.volumes.remove(m.source.as_str()) {
                    self.issue(Effect::RemoveVolume {
                        name: volume.name.clone(),
                    });
                    self.emit(EventKind::VolumeRemoved { name: volume.name });
                }
            }
        }
    }

    pub(crate) async fn cmd_start(&mut self, inv: &Invocation) -> Handled {
        let ids = self.resolve_all(&inv.args)?;
        let mut reply = Reply::default();
        for (key, id) in inv.args.iter().zip(&ids) {
            match self.start_container(id).await {
                Ok(()) if inv.flags.has("attach") => {
                    let r = self.attach_until_exit(id, Reply::default()).await?;
                    reply.stdout.push_str(&r.stdout);
                    reply.stderr.push_str(&r.stderr);
                    reply.exit_code = r.exit_code;
                }
                Ok(()) => reply.stdout.push_str(&format!("{key}\n")),
                Err(f) => {
                    reply.stderr.push_str(&format!("{}\n", f.message));
                    reply.exit_code = 1;
                }
            }
        }
        if reply.exit_code != 0 && reply.stdout.is_empty() {
            return Err(Failure::new(reply.stderr.trim_end().to_string(), 1));
        }
        Ok(reply)
    }

    pub(crate) async fn cmd_restart(&mut self, inv: &Invocation) -> Handled {
        let grace = World::grace_ms(inv)?;
        let ids = self.resolve_all(&inv.args)?;
        let mut reply = Reply::default();
        for (key, id) in inv.args.iter().zip(&ids) {
            self.stop_container(id, grace).await;
            if let Some(c) = self.engine.containers.get_mut(id) {
                c.stopped_by_user = false;
            }
            match self.start_container(id).await {
                Ok(()) => reply.stdout.push_str(&format!("{key}\n")),
                Err(f) => return Err(f),
            }
        }
        Ok(reply)
    }
}
