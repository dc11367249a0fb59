//! Container lifecycle: run, create, start, stop, restart, kill, rm, exec, logs, ps, port.

use super::container::{Container, Mount, MountKind, PortBinding, RestartPolicy, Status};
use super::filters::{label_matches, mounts_volume, name_matches, Filters};
use super::wait::Waited;
use super::ProcRecord;
use super::{Failure, Handled, Reply, World};
use crate::command::Invocation;
use crate::digest::short_id;
use crate::driver::{Effect, NetworkIdentity, ProcessHandle, ProcessStart, Purpose, Target};
use crate::event::{EventKind, Tick};
use crate::fs::{normalize, LayerDiff};
use crate::output::{
    align_tab_separated, displayable_ports, ellipsis, go_time, human_duration, human_size,
    render_template, table, PortEntry,
};
use crate::program::Stream;
use serde_json::json;

/// How long a foreground `docker run` waits for the container to end before it returns.
const ATTACH_WAIT_MS: u64 = 3_600_000;
/// How long a foreground `docker exec` may run.
const EXEC_WAIT_MS: u64 = 600_000;
/// How long a start may take before docker gives up on it.
const START_WAIT_MS: u64 = 30_000;
/// How long a SIGKILL may take to end a process before the container is given up on.
const KILL_WAIT_MS: u64 = 10_000;
/// `docker stop`'s default grace period before SIGKILL.
const STOP_GRACE_MS: u64 = 10_000;
/// Docker's restart back-off: 100 ms doubling per restart, at most one minute.
const RESTART_BACKOFF_MS: u64 = 100;
const RESTART_BACKOFF_MAX_MS: u64 = 60_000;
const SIGKILL: i32 = 9;
const SIGTERM: i32 = 15;

impl World {
    /// Finds a container by name, full ID or unique ID prefix.
    pub(crate) fn find_container(&self, key: &str) -> Result<String, Failure> {
        if let Some(c) = self.container_named(key.trim_start_matches('/')) {
            return Ok(c.id.clone());
        }
        if self.containers.contains_key(key) {
            return Ok(key.to_string());
        }
        if !key.is_empty() && key.chars().all(|c| c.is_ascii_hexdigit()) {
            let mut matches = self
                .containers
                .range(key.to_string()..)
                .take_while(|(id, _)| id.starts_with(key));
            match (matches.next(), matches.next()) {
                (Some((id, _)), None) => return Ok(id.clone()),
                (Some(_), Some(_)) => {
                    return Err(Failure::daemon(format!(
                        "multiple IDs found with provided prefix: {key}"
                    )))
                }
                _ => {}
            }
        }
        Err(Failure::daemon(format!("No such container: {key}")))
    }

    pub(super) fn container(&self, id: &str) -> Result<&Container, Failure> {
        self.containers
            .get(id)
            .ok_or_else(|| Failure::daemon(format!("No such container: {id}")))
    }

    pub(crate) async fn cmd_run(&mut self, inv: &Invocation) -> Handled {
        let (id, detach, reply) = self.create_for(inv, true)?;
        self.start_and_attach(inv, &id, detach, reply).await
    }

    pub(crate) fn cmd_create(&mut self, inv: &Invocation) -> Handled {
        let (id, _, mut reply) = self.create_for(inv, false)?;
        reply.stdout = format!("{id}\n");
        Ok(reply)
    }

    /// `docker run`/`create` up to a created container: its ID, whether to detach, and what
    /// was printed on the way (pull progress).
    fn create_for(
        &mut self,
        inv: &Invocation,
        start: bool,
    ) -> Result<(String, bool, Reply), Failure> {
        let verb = if start { "run" } else { "create" };
        let cli_error = |message: String| {
            Failure::new(
                format!("docker: {message}\n\nRun 'docker {verb} --help' for more information"),
                125,
            )
        };
        // Validate everything before anything changes.
        let options = RunOptions::parse(inv, &self.host).map_err(&cli_error)?;
        if let Some(name) = &options.name {
            if let Some(existing) = self.container_named(name) {
                return Err(cli_error(format!(
                    "Error response from daemon: Conflict. The container name \"/{name}\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.",
                    existing.id
                )));
            }
        }
        let image_text = inv.args.first().cloned().unwrap_or_default();
        let mut reply = Reply::default();
        let image_id = match self.images.lookup(&image_text) {
            Ok(image) => image.id.clone(),
            Err(_) => {
                let reference = crate::image::Reference::parse(&image_text).map_err(&cli_error)?;
                if self.registry.manifest(&reference).is_none() {
                    return Err(Failure::new(format!(
                        "Unable to find image '{reference}' locally\ndocker: Error response from daemon: pull access denied for {}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied\n\nRun 'docker {verb} --help' for more information",
                        reference.repository
                    ), 125));
                }
                reply
                    .stderr
                    .push_str(&format!("Unable to find image '{reference}' locally\n"));
                let pulled = self.pull(&reference)?;
                reply.stderr.push_str(&pulled.stdout);
                self.images
                    .lookup(&image_text)
                    .map(|i| i.id.clone())
                    .map_err(|_| Failure::daemon("image vanished during pull"))?
            }
        };
        let id = self.create_container(&options, &image_text, &image_id, &inv.args[1..]);
        Ok((id, options.detach, reply))
    }

    async fn start_and_attach(
        &mut self,
        inv: &Invocation,
        id: &str,
        detach: bool,
        mut reply: Reply,
    ) -> Handled {
        let id = id.to_string();
        if let Err(failure) = self.start_container(&id).await {
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
        let argv = self.containers.get(&id).map(|c| c.argv.clone());
        let mut reply = self.attach_until_exit(&id, reply).await?;
        if let Some(note) = argv.and_then(|argv| no_terminal_note(inv, &argv, "run")) {
            reply.stderr.push_str(&note);
        }
        Ok(reply)
    }

    /// Foreground `docker run`/`start -a`: wait until the main process ends (or show what it
    /// printed so far if it keeps running), and return its output and exit code.
    async fn attach_until_exit(&mut self, id: &str, mut reply: Reply) -> Handled {
        let Some(c) = self.containers.get(id) else {
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
                .containers
                .get(id)
                .map(|c| c.exit_code)
                .or_else(|| self.recently_removed.get(id).map(|(_, code)| *code))
                .unwrap_or(0);
        }
        Ok(reply)
    }

    /// The container still runs the main process `handle` (or, for `None`, any).
    pub(crate) fn runs(&self, id: &str, handle: Option<ProcessHandle>) -> bool {
        self.containers
            .get(id)
            .is_some_and(|c| c.is_running() && (handle.is_none() || c.main == handle))
    }

    fn logs_of(&self, id: &str, from: Tick, until: Tick) -> Vec<super::LogLine> {
        let logs = match self.containers.get(id) {
            Some(c) => c.logs(until),
            None => self
                .recently_removed
                .get(id)
                .map(|(logs, _)| logs.clone())
                .unwrap_or_default(),
        };
        logs.into_iter()
            .filter(|l| l.at >= from && l.at <= until)
            .collect()
    }

    fn create_container(
        &mut self,
        options: &RunOptions,
        image_text: &str,
        image_id: &str,
        command: &[String],
    ) -> String {
        let id = self.random_hex_id();
        let name = match &options.name {
            Some(n) => n.clone(),
            None => self.generate_name(),
        };
        let config = self
            .images
            .image(image_id)
            .map(|i| i.config.config.clone())
            .unwrap_or_default();
        let entrypoint = match &options.entrypoint {
            Some(e) if e.is_empty() => Vec::new(),
            Some(e) => vec![e.clone()],
            None => config.entrypoint.clone().unwrap_or_default(),
        };
        // A command on the line replaces CMD; a new entrypoint also drops the image's CMD.
        let cmd = if !command.is_empty() {
            command.to_vec()
        } else if options.entrypoint.is_some() {
            Vec::new()
        } else {
            config.cmd.clone().unwrap_or_default()
        };
        let argv: Vec<String> = entrypoint.into_iter().chain(cmd).collect();
        let mut env = config.env_pairs();
        for (k, v) in &options.env {
            crate::image::set_env(&mut env, k, v);
        }
        let hostname = options
            .hostname
            .clone()
            .unwrap_or_else(|| id[..12].to_string());
        crate::image::set_env(&mut env, "HOSTNAME", &hostname);
        // HOSTNAME goes first, as docker puts it.
        if let Some(pos) = env.iter().position(|(k, _)| k == "HOSTNAME") {
            let entry = env.remove(pos);
            env.insert(0, entry);
        }
        let mut mounts = options.mounts.clone();
        for path in &config.volumes {
            if !mounts.iter().any(|m| m.target == *path) {
                mounts.push(Mount {
                    kind: MountKind::Volume,
                    source: String::new(),
                    target: path.clone(),
                    read_only: false,
                    anonymous: true,
                });
            }
        }
        for m in &mut mounts {
            if m.kind == MountKind::Volume && (m.source.is_empty() || m.anonymous) {
                m.source = self.random_hex_id();
                m.anonymous = true;
            }
            if m.kind == MountKind::Volume && !self.volumes.contains_key(&m.source) {
                self.create_volume(&m.source.clone(), Vec::new(), m.anonymous);
            }
            if m.kind == MountKind::Bind {
                let _ = self.host.mkdir(&m.source, true);
            }
        }
        let ports = options.resolve_ports(&config.exposed_ports, self.used_host_ports());
        let ip = format!("172.17.{}.{}", self.next_ip / 256, self.next_ip % 256);
        self.next_ip += 1;
        let container = Container {
            id: id.clone(),
            name: name.clone(),
            image_ref: image_text.to_string(),
            image_id: image_id.to_string(),
            created: self.now,
            argv,
            env,
            hostname,
            workdir: options.workdir.clone().unwrap_or_else(|| {
                if config.working_dir.is_empty() {
                    "/".into()
                } else {
                    config.working_dir.clone()
                }
            }),
            user: options.user.clone().unwrap_or(config.user.clone()),
            ports,
            mounts,
            restart: options.restart.clone(),
            auto_remove: options.auto_remove,
            memory: options.memory,
            nano_cpus: options.nano_cpus,
            labels: options.labels.clone(),
            ip,
            upper: LayerDiff::new(),
            status: Status::Created,
            pid: 0,
            exit_code: 0,
            oom_killed: false,
            error: String::new(),
            started_at: None,
            finished_at: None,
            restart_count: 0,
            stopped_by_user: false,
            main: None,
            listening: Vec::new(),
            peak_memory: 0,
            past_logs: Vec::new(),
            next_pid: 2,
            restart_at: None,
        };
        self.containers.insert(id.clone(), container);
        self.names.insert(name.clone(), id.clone());
        let layers = self
            .images
            .image(image_id)
            .map(|i| i.config.diff_ids.clone())
            .unwrap_or_default();
        self.store_layers(&layers);
        let (hostname, ip, mount_points) = match self.containers.get(&id) {
            Some(c) => (
                c.hostname.clone(),
                c.ip.clone(),
                c.mounts.iter().map(|m| m.target.clone()).collect(),
            ),
            None => Default::default(),
        };
        self.issue(Effect::CreateContainer {
            container: id.clone(),
            layers,
            network: NetworkIdentity {
                name: name.clone(),
                hostname,
                ip,
            },
            mount_points,
        });
        self.emit(EventKind::ContainerCreated {
            id: id.clone(),
            name,
            image: image_text.to_string(),
        });
        self.copy_up_volumes(&id);
        id
    }

    fn used_host_ports(&self) -> Vec<u16> {
        self.containers
            .values()
            .filter(|c| c.is_running())
            .flat_map(|c| c.ports.iter().map(|p| p.host_port))
            .collect()
    }

    /// Starts a created or exited container's main process and waits until its host says
    /// it started, or why it could not.
    pub(crate) async fn start_container(&mut self, id: &str) -> Result<(), Failure> {
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
            return Err(Failure::new(format!(
                "Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: {error}: unknown"
            ), error.exit_code()));
        }
        if waited == Waited::TimedOut && !self.runs(id, Some(handle)) {
            let detail = self
                .host_errors
                .last()
                .cloned()
                .unwrap_or_else(|| "the host did not report the start".into());
            return Err(Failure::daemon(format!(
                "failed to start container {id}: context deadline exceeded ({detail})"
            )));
        }
        Ok(())
    }

    /// Has the host start a container's main process; `None` if it is running already.
    /// The container counts as running once the host reports the start.
    fn begin_start(&mut self, id: &str) -> Result<Option<ProcessHandle>, Failure> {
        let c = self.container(id)?;
        if c.is_running() || c.main.is_some() {
            return Ok(None);
        }
        if c.argv.is_empty() {
            return Err(Failure::daemon(
                "failed to create task for container: no command specified",
            )
            .with_code(125));
        }
        // A published host port can be bound only once.
        for p in &c.ports {
            let taken = self.containers.values().any(|o| {
                o.id != c.id && o.is_running() && o.ports.iter().any(|q| q.host_port == p.host_port)
            });
            if taken {
                return Err(Failure::new(format!(
                    "Error response from daemon: driver failed programming external connectivity on endpoint {} ({}): Bind for {}:{} failed: port is already allocated",
                    c.name, c.id, p.host_ip, p.host_port
                ), 125));
            }
        }
        let start = ProcessStart {
            handle: ProcessHandle(0),
            target: Target::Container(id.to_string()),
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
        };
        let mounts = c.mounts.clone();
        for m in mounts {
            self.issue(Effect::Mount {
                container: id.to_string(),
                kind: m.kind,
                source: m.source,
                path: m.target,
                read_only: m.read_only,
            });
        }
        let handle = self.new_handle();
        self.procs
            .insert(handle, ProcRecord::new(start.target.clone(), Purpose::Main));
        if let Some(c) = self.containers.get_mut(id) {
            c.main = Some(handle);
        }
        self.issue(Effect::StartProcess(ProcessStart { handle, ..start }));
        Ok(Some(handle))
    }

    /// A restart timer fell due: start the container again (a failure shows in its state).
    pub(crate) fn fire_timer(&mut self, id: &str, at: Tick) {
        if self
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
    pub(super) fn container_exited(&mut self, id: &str, at: Tick, code: i32, oom: bool) {
        let Some(c) = self.containers.get_mut(id) else {
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
        self.emit(EventKind::ContainerExited {
            id: id.to_string(),
            name: name.clone(),
            exit_code: code,
            oom_killed: oom,
        });
        if auto_remove {
            self.remove_container(id, true);
        } else if restart {
            let delay = (RESTART_BACKOFF_MS << restart_count.min(20)).min(RESTART_BACKOFF_MAX_MS);
            if let Some(c) = self.containers.get_mut(id) {
                c.restart_count += 1;
                c.restart_at = Some(at + delay);
            }
            self.timers.insert((at + delay, id.to_string()));
            self.emit(EventKind::ContainerRestarting {
                id: id.to_string(),
                name,
                restart_count: restart_count + 1,
                delay_ms: delay,
            });
        }
    }

    /// Removes a container: its writable layer is thrown away; named volumes stay, anonymous
    /// ones go when `remove_anonymous` (`rm -v`, `--rm`).
    pub(super) fn remove_container(&mut self, id: &str, remove_anonymous: bool) {
        let Some(mut c) = self.containers.remove(id) else {
            return;
        };
        self.names.remove(&c.name);
        if let Some(handle) = c.main.take() {
            self.procs.remove(&handle);
        }
        // A foreground `run --rm` still prints the output and exit code of what it removed.
        self.recently_removed
            .insert(id.to_string(), (c.past_logs.clone(), c.exit_code));
        let discarded = c.upper.size();
        self.issue(Effect::RemoveContainer {
            container: id.to_string(),
        });
        self.emit(EventKind::ContainerRemoved {
            id: id.to_string(),
            name: c.name.clone(),
            discarded_bytes: discarded,
        });
        if remove_anonymous {
            for m in c.mounts.iter().filter(|m| m.anonymous) {
                let in_use = self
                    .containers
                    .values()
                    .any(|o| o.mounts.iter().any(|om| om.source == m.source));
                if !in_use && self.volumes.remove(&m.source).is_some() {
                    self.issue(Effect::RemoveVolume {
                        name: m.source.clone(),
                    });
                    self.emit(EventKind::VolumeRemoved {
                        name: m.source.clone(),
                    });
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

    /// Resolves every argument to a container ID before acting on any of them.
    fn resolve_all(&self, keys: &[String]) -> Result<Vec<String>, Failure> {
        keys.iter().map(|k| self.find_container(k)).collect()
    }

    fn grace_ms(inv: &Invocation) -> Result<u64, Failure> {
        match inv.flags.value("time") {
            None => Ok(STOP_GRACE_MS),
            Some(t) => t
                .parse::<u64>()
                .map(|s| s * 1000)
                .map_err(|_| Failure::new(format!("invalid argument \"{t}\" for \"-t, --time\" flag: strconv.ParseInt: parsing \"{t}\": invalid syntax"), 125)),
        }
    }

    pub(crate) async fn cmd_stop(&mut self, inv: &Invocation) -> Handled {
        let grace = World::grace_ms(inv)?;
        let ids = self.resolve_all(&inv.args)?;
        for id in &ids {
            self.stop_container(id, grace).await;
        }
        Ok(Reply::out(
            inv.args
                .iter()
                .map(|a| format!("{a}\n"))
                .collect::<String>(),
        ))
    }

    /// SIGTERM, then SIGKILL after the grace period; the exit code is what the process did.
    /// (A shell or `sleep` as PID 1 has no handler, so the kernel ignores SIGTERM and the
    /// container is killed after the grace period, exit 137, as with real docker.)
    async fn stop_container(&mut self, id: &str, grace: u64) {
        let Some(c) = self.containers.get_mut(id) else {
            return;
        };
        c.stopped_by_user = true;
        if !c.is_running() {
            c.restart_at = None;
            return;
        }
        let handle = c.main;
        let Some(h) = handle else {
            return;
        };
        self.issue(Effect::Signal {
            handle: h,
            signal: SIGTERM,
        });
        let deadline = self.now + grace;
        if self
            .wait_until(Some(deadline), |w| !w.runs(id, handle))
            .await
            == Waited::Done
        {
            return;
        }
        self.kill_and_wait(id, h).await;
    }

    /// SIGKILL, and wait for the host to report the end.
    async fn kill_and_wait(&mut self, id: &str, handle: ProcessHandle) {
        self.issue(Effect::Signal {
            handle,
            signal: SIGKILL,
        });
        let deadline = self.now + KILL_WAIT_MS;
        self.wait_until(Some(deadline), |w| !w.runs(id, Some(handle)))
            .await;
    }

    pub(crate) async fn cmd_restart(&mut self, inv: &Invocation) -> Handled {
        let grace = World::grace_ms(inv)?;
        let ids = self.resolve_all(&inv.args)?;
        let mut reply = Reply::default();
        for (key, id) in inv.args.iter().zip(&ids) {
            self.stop_container(id, grace).await;
            if let Some(c) = self.containers.get_mut(id) {
                c.stopped_by_user = false;
            }
            match self.start_container(id).await {
                Ok(()) => reply.stdout.push_str(&format!("{key}\n")),
                Err(f) => return Err(f),
            }
        }
        Ok(reply)
    }

    pub(crate) fn cmd_kill(&mut self, inv: &Invocation) -> Handled {
        let ids = self.resolve_all(&inv.args)?;
        let signal = inv.flags.value("signal").unwrap_or("KILL");
        let number = signal_number(signal)
            .ok_or_else(|| Failure::daemon(format!("Invalid signal: {signal}")))?;
        for (key, id) in inv.args.iter().zip(&ids) {
            if !self.containers.get(id).is_some_and(Container::is_running) {
                return Err(Failure::daemon(format!(
                    "cannot kill container: {key}: container {id} is not running"
                )));
            }
        }
        for id in &ids {
            let Some(c) = self.containers.get_mut(id) else {
                continue;
            };
            c.stopped_by_user = true;
            if let Some(handle) = c.main {
                self.issue(Effect::Signal {
                    handle,
                    signal: number,
                });
            }
        }
        Ok(Reply::out(
            inv.args
                .iter()
                .map(|a| format!("{a}\n"))
                .collect::<String>(),
        ))
    }

    pub(crate) async fn cmd_rm(&mut self, inv: &Invocation) -> Handled {
        let ids = self.resolve_all(&inv.args)?;
        let force = inv.flags.has("force");
        for (key, id) in inv.args.iter().zip(&ids) {
            if !force && self.containers.get(id).is_some_and(Container::is_running) {
                return Err(Failure::daemon(format!(
                    "cannot remove container \"/{}\": container is running: stop the container before removing or force remove",
                    self.containers.get(id).map(|c| c.name.as_str()).unwrap_or(key)
                )));
            }
        }
        for id in &ids {
            let running = self.containers.get_mut(id).filter(|c| c.is_running());
            if let Some(handle) = running.and_then(|c| {
                c.stopped_by_user = true;
                c.main
            }) {
                self.kill_and_wait(id, handle).await;
            }
            self.remove_container(id, inv.flags.has("volumes"));
        }
        Ok(Reply::out(
            inv.args
                .iter()
                .map(|a| format!("{a}\n"))
                .collect::<String>(),
        ))
    }

    pub(crate) async fn cmd_exec(&mut self, inv: &Invocation) -> Handled {
        let key = &inv.args[0];
        let id = self.find_container(key)?;
        let c = self.container(&id)?;
        if !c.is_running() {
            return Err(Failure::daemon(format!("container {id} is not running")));
        }
        let argv: Vec<String> = inv.args[1..].to_vec();
        let mut env = c.env.clone();
        for entry in inv.flags.values("env") {
            let (k, v) = entry.split_once('=').unwrap_or((entry.as_str(), ""));
            crate::image::set_env(&mut env, k, v);
        }
        let cwd = inv
            .flags
            .value("workdir")
            .map(|w| normalize(&c.workdir, w))
            .unwrap_or_else(|| c.workdir.clone());
        let pid = c.next_pid;
        let mut start = ProcessStart {
            handle: ProcessHandle(0),
            target: Target::Container(id.clone()),
            purpose: Purpose::Exec,
            pid,
            argv: argv.clone(),
            env,
            cwd,
            user: inv
                .flags
                .value("user")
                .map(str::to_string)
                .unwrap_or(c.user.clone()),
            stdin: Vec::new(),
            hostname: c.hostname.clone(),
            memory: c.memory,
            nano_cpus: c.nano_cpus,
        };
        if let Some(c) = self.containers.get_mut(&id) {
            c.next_pid += 1;
        }
        let handle = self.new_handle();
        start.handle = handle;
        self.procs
            .insert(handle, ProcRecord::new(start.target.clone(), Purpose::Exec));
        self.issue(Effect::StartProcess(start));
        let started = self.now;
        let detach = inv.flags.has("detach");
        self.wait_until(Some(self.now + EXEC_WAIT_MS), |w| {
            w.procs
                .get(&handle)
                .is_none_or(|p| p.failed.is_some() || (detach && p.started) || p.settled())
        })
        .await;
        let Some(record) = self.procs.get(&handle).cloned() else {
            return Err(Failure::daemon(format!("container {id} is not running")));
        };
        if let Some(error) = &record.failed {
            self.procs.remove(&handle);
            return Err(Failure::new(
                format!("OCI runtime exec failed: exec failed: unable to start container process: {error}: unknown"),
                error.exit_code(),
            ));
        }
        if detach {
            if let Some(p) = self.procs.get_mut(&handle) {
                p.detached = true;
                p.output.clear();
            }
            if record.exit.is_some() {
                self.procs.remove(&handle);
            }
            return Ok(Reply::default());
        }
        let exit_code = record.exit.map(|e| e.code()).unwrap_or(0);
        self.emit(EventKind::ExecRan {
            id: id.clone(),
            argv: argv.clone(),
            exit_code,
        });
        let mut reply = Reply {
            exit_code,
            ..Reply::default()
        };
        let logs: Vec<super::LogLine> = record
            .output
            .into_iter()
            .filter(|l| l.at >= started)
            .collect();
        push_logs(&mut reply, &logs);
        if let Some(note) = no_terminal_note(inv, &argv, "exec") {
            reply.stderr.push_str(&note);
        }
        if record.exit.is_none() {
            // Still running after the wait: interrupt it, as Ctrl-C would.
            self.issue(Effect::Signal {
                handle,
                signal: SIGKILL,
            });
            if let Some(p) = self.procs.get_mut(&handle) {
                p.detached = true;
            }
            reply.stderr.push_str(
                "(simulator: the command was still running after 10 minutes and was interrupted)\n",
            );
            reply.exit_code = 130;
        } else {
            self.procs.remove(&handle);
        }
        Ok(reply)
    }

    pub(crate) fn cmd_logs(&mut self, inv: &Invocation) -> Handled {
        let id = self.find_container(&inv.args[0])?;
        let c = self.container(&id)?;
        let mut lines = c.logs(self.now);
        if let Some(tail) = inv.flags.value("tail") {
            if tail != "all" {
                let n: usize = tail.parse().map_err(|_| {
                    Failure::new(
                        format!("invalid argument \"{tail}\" for \"-n, --tail\" flag"),
                        125,
                    )
                })?;
                lines = split_lines(lines);
                let skip = lines.len().saturating_sub(n);
                lines.drain(..skip);
            }
        }
        let stamps = inv.flags.has("timestamps");
        let mut reply = Reply::default();
        for line in split_lines(lines) {
            let mut text = String::from_utf8_lossy(&line.bytes).into_owned();
            if stamps {
                text = format!("{} {text}", crate::output::rfc3339(line.at));
            }
            match line.stream {
                Stream::Stdout => reply.stdout.push_str(&text),
                Stream::Stderr => reply.stderr.push_str(&text),
            }
        }
        Ok(reply)
    }

    pub(crate) fn cmd_ps(&mut self, inv: &Invocation) -> Handled {
        let filters = Filters::parse(
            inv,
            "ps",
            &[
                "id", "name", "status", "exited", "ancestor", "label", "volume",
            ],
        )?;
        filters.check_values(
            "status",
            &[
                "created",
                "restarting",
                "running",
                "removing",
                "paused",
                "exited",
                "dead",
            ],
        )?;
        // -n N / -l: the N (1) newest containers, whatever their state.
        let last = match (inv.flags.value("last"), inv.flags.has("latest")) {
            (Some(n), _) => Some(n.parse::<i64>().map_err(|_| {
                Failure::new(
                    format!("invalid argument \"{n}\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"{n}\": invalid syntax\nSee 'docker ps --help'."),
                    125,
                )
            })?),
            (None, true) => Some(1),
            (None, false) => None,
        };
        // Asking for a status (or the last N) lists stopped containers without -a, as docker
        // does; docker's default `-n -1` means all.
        let last = last.filter(|n| *n >= 0).map(|n| n as usize);
        let all = inv.flags.has("all") || filters.has("status") || last.is_some();
        let no_trunc = inv.flags.has("no-trunc");
        // Newest first, as docker lists them.
        let mut shown: Vec<&Container> = self
            .containers
            .values()
            .filter(|c| all || c.is_running())
            .filter(|c| self.ps_filters_accept(&filters, c))
            .collect();
        crate::order::sort_by(&mut shown, &|a, b| {
            b.created.cmp(&a.created).then(b.id.cmp(&a.id))
        });
        if let Some(n) = last {
            shown.truncate(n);
        }
        if inv.flags.has("quiet") {
            return Ok(Reply::out(
                shown
                    .iter()
                    .map(|c| format!("{}\n", if no_trunc { &c.id } else { c.short_id() }))
                    .collect::<String>(),
            ));
        }
        let rows: Vec<serde_json::Value> = shown.iter().map(|c| self.ps_row(c, no_trunc)).collect();
        if let Some(format) = inv.flags.value("format") {
            return format_rows(format, &rows, PS_COLUMNS);
        }
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                PS_COLUMNS
                    .iter()
                    .map(|(_, key)| r[key].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .collect();
        let header: Vec<&str> = PS_COLUMNS.iter().map(|(h, _)| *h).collect();
        Ok(Reply::out(table(&header, &cells)))
    }

    fn ps_filters_accept(&self, filters: &Filters, c: &Container) -> bool {
        filters.accepts("id", |v| c.id.starts_with(v))
            && filters.accepts("name", |v| name_matches(v, &c.name))
            && filters.accepts("status", |v| v == c.status.as_str())
            && filters.accepts("exited", |v| {
                c.status == Status::Exited && v.parse() == Ok(c.exit_code)
            })
            && filters.accepts("ancestor", |v| {
                c.image_ref == v
                    || c.image_id.trim_start_matches("sha256:").starts_with(v)
                    || self.images.lookup(v).is_ok_and(|i| i.id == c.image_id)
            })
            && filters.accepts("label", |v| label_matches(v, &c.labels))
            && filters.accepts("volume", |v| mounts_volume(c, v))
    }

    /// docker ps's PORTS: while the container runs, its published ports and the ports its
    /// image exposes without one; nothing once it stopped (its network is gone).
    fn ports_text(&self, c: &Container) -> String {
        if !c.is_running() {
            return String::new();
        }
        let mut ports: Vec<PortEntry> = c
            .ports
            .iter()
            .map(|p| PortEntry {
                container_port: p.container_port,
                host: Some((p.host_ip.clone(), p.host_port)),
                proto: p.proto.clone(),
            })
            .collect();
        let exposed = self
            .images
            .image(&c.image_id)
            .map(|i| &i.config.config.exposed_ports);
        for spec in exposed.into_iter().flatten() {
            let (number, proto) = spec.split_once('/').unwrap_or((spec.as_str(), "tcp"));
            let Ok(container_port) = number.parse::<u16>() else {
                continue;
            };
            let published = c
                .ports
                .iter()
                .any(|p| p.container_port == container_port && p.proto == proto);
            if !published {
                ports.push(PortEntry {
                    container_port,
                    host: None,
                    proto: proto.to_string(),
                });
            }
        }
        displayable_ports(ports)
    }

    fn ps_row(&self, c: &Container, no_trunc: bool) -> serde_json::Value {
        let command = format!("\"{}\"", c.argv.join(" "));
        let command = if no_trunc {
            command
        } else {
            format!("\"{}\"", ellipsis(command.trim_matches('"'), 20))
        };
        let status = match (c.status, c.restart_at) {
            (Status::Running, _) => format!(
                "Up {}",
                human_duration(self.now - c.started_at.unwrap_or(self.now))
            ),
            (Status::Exited, Some(_)) => format!(
                "Restarting ({}) {} ago",
                c.exit_code,
                human_duration(self.now - c.finished_at.unwrap_or(self.now))
            ),
            (Status::Exited, None) => format!(
                "Exited ({}) {} ago",
                c.exit_code,
                human_duration(self.now - c.finished_at.unwrap_or(self.now))
            ),
            (Status::Created, _) => "Created".to_string(),
        };
        let image = if c.image_ref.is_empty() {
            short_id(&c.image_id).to_string()
        } else {
            c.image_ref.clone()
        };
        json!({
            "ID": if no_trunc { c.id.clone() } else { c.short_id().to_string() },
            "Image": image,
            "Command": command,
            "CreatedAt": go_time(c.created),
            "RunningFor": format!("{} ago", human_duration(self.now - c.created)),
            "Status": status,
            "State": c.status.as_str(),
            "Ports": self.ports_text(c),
            "Names": c.name,
            "Size": format!("{} (virtual {})", human_size(c.upper.size()), human_size(c.upper.size() + self.images.image(&c.image_id).map(|i| i.size(&self.images)).unwrap_or(0))),
            "Mounts": c.mounts.iter().map(|m| m.source.chars().take(15).collect::<String>()).collect::<Vec<_>>().join(","),
            "Labels": c.labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","),
        })
    }

    pub(crate) fn cmd_port(&mut self, inv: &Invocation) -> Handled {
        let id = self.find_container(&inv.args[0])?;
        let c = self.container(&id)?;
        let wanted = inv.args.get(1).map(|p| {
            if p.contains('/') {
                p.clone()
            } else {
                format!("{p}/tcp")
            }
        });
        let lines: Vec<String> = c
            .ports
            .iter()
            .filter(|p| {
                wanted
                    .as_ref()
                    .is_none_or(|w| *w == format!("{}/{}", p.container_port, p.proto))
            })
            .map(|p| {
                if wanted.is_some() {
                    format!("{}:{}\n", p.host_ip, p.host_port)
                } else {
                    format!(
                        "{}/{} -> {}:{}\n",
                        p.container_port, p.proto, p.host_ip, p.host_port
                    )
                }
            })
            .collect();
        if lines.is_empty() {
            if let Some(w) = wanted {
                return Err(Failure::new(
                    format!("Error: No public port '{w}' published for {}", inv.args[0]),
                    1,
                ));
            }
        }
        Ok(Reply::out(lines.concat()))
    }
}

fn push_logs(reply: &mut Reply, logs: &[super::LogLine]) {
    for line in logs {
        let text = String::from_utf8_lossy(&line.bytes);
        match line.stream {
            Stream::Stdout => reply.stdout.push_str(&text),
            Stream::Stderr => reply.stderr.push_str(&text),
        }
    }
}

/// Columns of `docker ps`: header and the field `--format` uses.
const PS_COLUMNS: &[(&str, &str)] = &[
    ("CONTAINER ID", "ID"),
    ("IMAGE", "Image"),
    ("COMMAND", "Command"),
    ("CREATED", "RunningFor"),
    ("STATUS", "Status"),
    ("PORTS", "Ports"),
    ("NAMES", "Names"),
];

/// `--format`: `table` followed by a template prints a header row, otherwise one line per row.
pub(crate) fn format_rows(
    format: &str,
    rows: &[serde_json::Value],
    columns: &[(&str, &str)],
) -> Handled {
    let (with_header, template) = match format.strip_prefix("table") {
        Some(rest) => (true, rest.trim_start()),
        None => (false, format),
    };
    if format == "json" {
        return Ok(Reply::out(
            rows.iter()
                .map(|r| format!("{}\n", serde_json::to_string(r).unwrap_or_default()))
                .collect::<String>(),
        ));
    }
    // docker turns a typed `\t` into a tab before anything else.
    let template = template.replace("\\t", "\t");
    let mut lines = Vec::with_capacity(rows.len() + 1);
    if with_header {
        let mut header = template.clone();
        for (title, key) in columns {
            header = header.replace(&format!("{{{{.{key}}}}}"), title);
        }
        lines.push(header);
    }
    for row in rows {
        lines.push(render_template(&template, row).map_err(|e| Failure::new(e, 1))?);
    }
    if with_header {
        return Ok(Reply::out(align_tab_separated(&lines)));
    }
    Ok(Reply::out(
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    ))
}

/// What to tell someone who asked for an interactive shell (`docker run -it busybox sh`,
/// `docker exec -it web sh`): there is no terminal to type into here, so the shell read no
/// input and ended at once, and how to run commands in a container instead.
fn no_terminal_note(inv: &Invocation, argv: &[String], verb: &str) -> Option<String> {
    let interactive = inv.flags.has("interactive") || inv.flags.has("tty");
    let program = argv.first()?.rsplit('/').next()?;
    let shell = ["sh", "bash", "ash", "zsh"].contains(&program);
    if !interactive || !shell || argv.len() > 1 {
        return None;
    }
    let how = if verb == "exec" {
        "run each command with `docker exec NAME COMMAND` (for example `docker exec NAME ls /`)"
    } else {
        "give the commands to the shell (`docker run IMAGE sh -c 'COMMAND; COMMAND'`), or keep a container running (`docker run -d --name NAME IMAGE sleep 3600`) and use `docker exec NAME COMMAND`"
    };
    Some(format!(
        "(simulator: there is no interactive terminal here, so `{program}` read no input and ended. Instead, {how}.)\n"
    ))
}

/// Log chunks split into lines, so `--tail` counts lines.
fn split_lines(chunks: Vec<super::LogLine>) -> Vec<super::LogLine> {
    let mut out = Vec::new();
    for chunk in chunks {
        for piece in chunk.bytes.split_inclusive(|b| *b == b'\n') {
            out.push(super::LogLine {
                at: chunk.at,
                stream: chunk.stream,
                bytes: piece.to_vec(),
            });
        }
    }
    out
}

fn signal_number(signal: &str) -> Option<i32> {
    let name = signal.trim_start_matches("SIG");
    let table = [
        ("HUP", 1),
        ("INT", 2),
        ("QUIT", 3),
        ("KILL", 9),
        ("USR1", 10),
        ("USR2", 12),
        ("TERM", 15),
    ];
    table
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
        .or_else(|| signal.parse().ok().filter(|n| (1..=64).contains(n)))
}

/// `docker run`/`create` options, validated.
pub(crate) struct RunOptions {
    pub detach: bool,
    pub name: Option<String>,
    pub env: Vec<(String, String)>,
    pub mounts: Vec<Mount>,
    pub publish: Vec<(Option<String>, Option<u16>, u16, String)>,
    pub publish_all: bool,
    pub auto_remove: bool,
    pub restart: RestartPolicy,
    pub hostname: Option<String>,
    pub workdir: Option<String>,
    pub entrypoint: Option<String>,
    pub memory: Option<u64>,
    pub nano_cpus: Option<u64>,
    pub user: Option<String>,
    pub labels: Vec<(String, String)>,
}

impl RunOptions {
    fn parse(inv: &Invocation, host: &crate::fs::FsTree) -> Result<RunOptions, String> {
        let f = &inv.flags;
        if let Some(name) = f.value("name") {
            if !super::is_docker_name(name) {
                return Err(format!("Error response from daemon: Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"));
            }
        }
        let mut env = Vec::new();
        for file in f.values("env-file") {
            let path = normalize("/", file);
            let data = host
                .read_file(&path)
                .map_err(|_| format!("open {file}: no such file or directory (env files are read from the simulated host; create it with a bind mount first)"))?;
            for line in String::from_utf8_lossy(data).lines() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                env.push(split_env(line)?);
            }
        }
        for entry in f.values("env") {
            env.push(split_env(entry)?);
        }
        let mut mounts = Vec::new();
        for spec in f.values("volume") {
            mounts.push(parse_volume(spec)?);
        }
        let mut publish = Vec::new();
        for spec in f.values("publish") {
            publish.push(parse_publish(spec)?);
        }
        let restart = match f.value("restart") {
            None => RestartPolicy {
                name: "no".into(),
                max_retries: 0,
            },
            Some(r) => {
                let (name, retries) = r.split_once(':').unwrap_or((r, "0"));
                let max_retries: u32 = retries.parse().map_err(|_| {
                    format!("invalid restart policy: maximum retry count must be a number: {r}")
                })?;
                if !["no", "always", "on-failure", "unless-stopped"].contains(&name) {
                    return Err(format!("invalid restart policy: unknown policy '{name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"));
                }
                if max_retries > 0 && name != "on-failure" {
                    return Err("invalid restart policy: maximum retry count can only be used with 'on-failure'".to_string());
                }
                RestartPolicy {
                    name: name.into(),
                    max_retries,
                }
            }
        };
        let auto_remove = f.has("rm");
        if auto_remove && restart.name != "no" {
            return Err("Conflicting options: --restart and --rm".into());
        }
        let memory = match f.value("memory") {
            None => None,
            Some(m) => {
                let bytes = parse_bytes(m).ok_or_else(|| {
                    format!(
                        "invalid argument \"{m}\" for \"-m, --memory\" flag: invalid size: '{m}'"
                    )
                })?;
                if bytes < 6 * 1024 * 1024 {
                    return Err(
                        "Error response from daemon: Minimum memory limit allowed is 6MB".into(),
                    );
                }
                Some(bytes)
            }
        };
        let nano_cpus = match f.value("cpus") {
            None => None,
            Some(c) => {
                let cpus: f64 = c.parse().map_err(|_| format!("invalid argument \"{c}\" for \"--cpus\" flag: failed to parse {c} as a rational number"))?;
                if !(cpus > 0.0 && cpus <= 2.0) {
                    return Err("Error response from daemon: range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available".to_string());
                }
                Some((cpus * 1e9) as u64)
            }
        };
        let mut labels = Vec::new();
        for l in f.values("label") {
            let (k, v) = l.split_once('=').unwrap_or((l.as_str(), ""));
            labels.push((k.to_string(), v.to_string()));
        }
        Ok(RunOptions {
            detach: f.has("detach"),
            name: f.value("name").map(str::to_string),
            env,
            mounts,
            publish,
            publish_all: f.has("publish-all"),
            auto_remove,
            restart,
            hostname: f.value("hostname").map(str::to_string),
            workdir: f.value("workdir").map(|w| normalize("/", w)),
            entrypoint: f.value("entrypoint").map(str::to_string),
            memory,
            nano_cpus,
            user: f.value("user").map(str::to_string),
            labels,
        })
    }

    /// Host ports for `-p` and `-P`; a missing host port gets the next free one from 32768,
    /// as docker's ephemeral range does.
    fn resolve_ports(
        &self,
        exposed: &std::collections::BTreeSet<String>,
        mut used: Vec<u16>,
    ) -> Vec<PortBinding> {
        let mut requests = self.publish.clone();
        if self.publish_all {
            for port in exposed {
                let (num, proto) = port.split_once('/').unwrap_or((port, "tcp"));
                if let Ok(n) = num.parse() {
                    requests.push((None, None, n, proto.to_string()));
                }
            }
        }
        let mut out = Vec::new();
        for (ip, host_port, container_port, proto) in requests {
            let host_port = host_port.unwrap_or_else(|| {
                let mut p = 32768u16;
                while used.contains(&p) && p < u16::MAX {
                    p += 1;
                }
                p
            });
            used.push(host_port);
            out.push(PortBinding {
                host_ip: ip.unwrap_or_else(|| "0.0.0.0".into()),
                host_port,
                container_port,
                proto,
            });
        }
        out
    }
}

fn split_env(entry: &str) -> Result<(String, String), String> {
    let (k, v) = entry.split_once('=').unwrap_or((entry, ""));
    if k.is_empty() {
        return Err(format!("invalid argument \"{entry}\" for \"-e, --env\" flag: invalid environment variable: {entry}"));
    }
    Ok((k.to_string(), v.to_string()))
}

/// `-v name:/path[:ro]`, `-v /host:/path[:ro]`, `-v /path` (anonymous).
fn parse_volume(spec: &str) -> Result<Mount, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let invalid = || {
        format!("invalid argument \"{spec}\" for \"-v, --volume\" flag: invalid spec: {spec}: too many colons")
    };
    let (source, target, mode) = match parts.as_slice() {
        [target] => ("", *target, ""),
        [source, target] => (*source, *target, ""),
        [source, target, mode] => (*source, *target, *mode),
        _ => return Err(invalid()),
    };
    if !target.starts_with('/') {
        return Err(format!("Error response from daemon: invalid volume specification: '{spec}': invalid mount config for type \"volume\": invalid mount path: '{target}' mount path must be absolute"));
    }
    if !["", "ro", "rw", "z", "Z"].contains(&mode) {
        return Err(format!("Error response from daemon: invalid mode: {mode}"));
    }
    let kind = if source.starts_with('/') || source.starts_with('.') {
        MountKind::Bind
    } else {
        MountKind::Volume
    };
    if kind == MountKind::Volume && !source.is_empty() && !super::is_docker_name(source) {
        return Err(format!("Error response from daemon: create {source}: \"{source}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path"));
    }
    Ok(Mount {
        kind,
        source: if kind == MountKind::Bind {
            normalize("/", source)
        } else {
            source.to_string()
        },
        target: normalize("/", target),
        read_only: mode == "ro",
        anonymous: source.is_empty(),
    })
}

/// `-p 8080:80`, `-p 127.0.0.1:8080:80/tcp`, `-p 80`.
fn parse_publish(spec: &str) -> Result<(Option<String>, Option<u16>, u16, String), String> {
    let (addr, proto) = spec.split_once('/').unwrap_or((spec, "tcp"));
    if proto != "tcp" && proto != "udp" && proto != "sctp" {
        return Err(format!(
            "invalid argument \"{spec}\" for \"-p, --publish\" flag: invalid proto: {proto}"
        ));
    }
    let bad = || {
        format!(
            "invalid argument \"{spec}\" for \"-p, --publish\" flag: invalid containerPort: {spec}"
        )
    };
    let port = |p: &str| p.parse::<u16>().ok().filter(|n| *n > 0);
    let parts: Vec<&str> = addr.split(':').collect();
    let (ip, host, container) = match parts.as_slice() {
        [c] => (None, None, port(c).ok_or_else(bad)?),
        [h, c] => (
            None,
            Some(port(h).ok_or_else(bad)?),
            port(c).ok_or_else(bad)?,
        ),
        [ip, h, c] => (
            Some(ip.to_string()),
            if h.is_empty() {
                None
            } else {
                Some(port(h).ok_or_else(bad)?)
            },
            port(c).ok_or_else(bad)?,
        ),
        _ => return Err(bad()),
    };
    Ok((ip, host, container, proto.to_string()))
}

/// `512m`, `1g`, `100k`, `1048576`, `1.5g` in bytes (docker uses binary units here).
pub(crate) fn parse_bytes(text: &str) -> Option<u64> {
    let lower = text.to_ascii_lowercase();
    let trimmed = lower.trim_end_matches('b');
    let (number, scale) = match trimmed.chars().last()? {
        'k' => (&trimmed[..trimmed.len() - 1], 1u64 << 10),
        'm' => (&trimmed[..trimmed.len() - 1], 1u64 << 20),
        'g' => (&trimmed[..trimmed.len() - 1], 1u64 << 30),
        't' => (&trimmed[..trimmed.len() - 1], 1u64 << 40),
        _ => (trimmed, 1),
    };
    let value: f64 = number.parse().ok()?;
    let bytes = value * scale as f64;
    (0.0..1e18).contains(&bytes).then_some(bytes as u64)
}

impl Failure {
    fn with_code(mut self, code: i32) -> Failure {
        self.exit_code = code;
        self
    }
}
