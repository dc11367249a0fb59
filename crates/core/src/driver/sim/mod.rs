//! The pure driver: simulated hosts that run the simulated programs on the logical clock.
//!
//! Each host keeps what the World sent it (layers, containers, volumes, mounts) and answers
//! effects with observations scheduled at logical times: a process's output at the moments it
//! wrote it, its exit when it ends. A simulated program runs to the end of its time budget at
//! once; what it did is then released as time passes, and a signal that comes first cancels
//! what had not happened yet. No I/O, clock or thread.

mod host;
mod host_files;
mod network;

use super::{
    Driver, Effect, FilesNow, FilesOf, Observation, ProcessExit, ProcessHandle, ProcessStart,
    Purpose, ServiceTable, StartError, Target,
};
use crate::event::Tick;
use crate::fs::LayerDiff;
use crate::program::{self, Exit, ProcInfo, ProcessCtx, ProcessSpec};
use host::{Changed, SimHost, SimProcess};
use network::HostNetwork;
use std::collections::BTreeMap;

/// How long a simulated process is run ahead when it starts; one still running after this
/// counts as running for good. Containers' main processes get an hour, others ten minutes.
const MAIN_BUDGET_MS: u64 = 3_600_000;
const OTHER_BUDGET_MS: u64 = 600_000;
const SIGKILL: i32 = 9;

/// Simulated hosts, by name, and the observations they have scheduled.
#[derive(Default)]
pub struct SimDriver {
    hosts: BTreeMap<String, SimHost>,
    /// (when, order of scheduling) -> (host, observation).
    queue: BTreeMap<(Tick, u64), (String, Observation)>,
    next_seq: u64,
    /// The cluster's Services as the World last sent them, for every host's pods.
    services: ServiceTable,
    /// Connections to a ClusterIP so far (each one's endpoint is drawn afresh).
    picks: u64,
    /// The cluster DNS's recent answers (kept for their TTL).
    dns_cache: network::DnsAnswers,
    /// What programs parsed from files, reused by the next container of the same image.
    programs: program::ProgramCache,
}

impl SimDriver {
    pub fn new() -> SimDriver {
        SimDriver::default()
    }

    fn schedule(&mut self, at: Tick, host: &str, observation: Observation) {
        self.queue
            .insert((at, self.next_seq), (host.to_string(), observation));
        self.next_seq += 1;
    }

    /// Drops what `handle` would still have done after `now` (a signal ended it first).
    fn cancel_after(&mut self, handle: ProcessHandle, now: Tick) {
        self.queue
            .retain(|(at, _), (_, o)| *at <= now || o.handle() != Some(handle));
    }

    fn host(&mut self, name: &str) -> &mut SimHost {
        self.hosts.entry(name.to_string()).or_default()
    }

    fn report_files(&mut self, host: &str, now: Tick, container: &str, changed: Changed) {
        let Some(sim) = self.hosts.get(host) else {
            return;
        };
        let mut out = Vec::new();
        if changed.upper {
            if let Some((id, c)) = sim.containers.get_key_value(container) {
                out.push(Observation::Files {
                    of: FilesOf::Container(id.clone()),
                    files: FilesNow::Layer(c.upper.clone()),
                });
            }
        }
        for name in changed.volumes {
            if let Some(files) = sim.volumes.get(&name) {
                out.push(Observation::Files {
                    of: FilesOf::Volume(name),
                    files: FilesNow::Tree(files.clone()),
                });
            }
        }
        if changed.host {
            out.push(Observation::Files {
                of: FilesOf::Host,
                files: FilesNow::Tree(sim.files.clone()),
            });
        }
        for observation in out {
            self.schedule(now, host, observation);
        }
    }

    fn start(&mut self, host_name: &str, start: ProcessStart, now: Tick) {
        let handle = start.handle;
        let sim = self.host(host_name);
        let mut overlay = None;
        let fs = match &start.target {
            Target::Container(id) => sim.merged(id),
            Target::Sandbox(sandbox) => sim.sandboxes.get(sandbox).map(|s| s.fs.clone()),
            Target::Host => {
                let (fs, laid) = host_files::lay_over(&sim.files);
                overlay = Some(laid);
                Some(fs)
            }
        };
        let Some(mut fs) = fs else {
            self.schedule(
                now,
                host_name,
                Observation::StartFailed {
                    handle,
                    error: StartError::NoTarget,
                },
            );
            return;
        };
        let argv0 = start.argv.first().cloned().unwrap_or_default();
        if let Err(error) = program::locate_from(&fs, &start.cwd, &argv0, &start.env) {
            self.schedule(
                now,
                host_name,
                Observation::StartFailed {
                    handle,
                    error: StartError::Exec { argv0, error },
                },
            );
            return;
        }
        self.host(host_name);
        let hosts = &self.hosts;
        let sim = &hosts[host_name];
        let container = match &start.target {
            Target::Container(id) => Some(id.clone()),
            Target::Sandbox(_) | Target::Host => None,
        };
        // What the new process can see of its container: the processes in it, and the
        // servers its main process runs (reached through `localhost`).
        let mut processes: Vec<ProcInfo> = sim
            .processes_of(&start.target)
            .into_iter()
            .map(|p| ProcInfo {
                pid: p.pid,
                user: p.user.clone(),
                command: p.command.clone(),
            })
            .collect();
        let user = if start.user.is_empty() {
            "root".to_string()
        } else {
            start.user.clone()
        };
        processes.push(ProcInfo {
            pid: start.pid,
            user: user.clone(),
            command: start.argv.join(" "),
        });
        let (local_servers, local_env) = match container.as_deref().and_then(|id| sim.main_of(id)) {
            Some(main) => (main.listening.clone(), main.env.clone()),
            None => (Vec::new(), Vec::new()),
        };
        let spec = ProcessSpec {
            argv: start.argv.clone(),
            env: start.env.clone(),
            cwd: start.cwd.clone(),
            user: start.user.clone(),
            stdin: start.stdin.clone(),
        };
        let budget_ms = if start.purpose == Purpose::Main {
            MAIN_BUDGET_MS
        } else {
            OTHER_BUDGET_MS
        };
        let (result, opened) = {
            let mut network = HostNetwork {
                host: sim,
                all: hosts,
                caller: container.as_deref().map(str::to_string),
                on_host: start.target == Target::Host,
                opened: BTreeMap::new(),
                services: &self.services,
                picks: &mut self.picks,
                dns_cache: &mut self.dns_cache,
                now,
            };
            let mut ctx = ProcessCtx {
                fs: &mut fs,
                hostname: &start.hostname,
                now_unix: crate::output::EPOCH_UNIX + now / 1000,
                processes: &processes,
                local_servers: &local_servers,
                local_env: &local_env,
                network: &mut network,
                memory_limit: start.memory,
                budget_ms,
            };
            let result = program::run_with(&spec, &mut ctx, &mut self.programs);
            (result, std::mem::take(&mut network.opened))
        };
        self.schedule(now, host_name, Observation::Started { handle });
        // Servers a client wrote to (redis SET, mysql INSERT) keep what it wrote.
        for ((other_host, other), (other_fs, _)) in opened {
            let changed = self.host(&other_host).absorb(&other, other_fs);
            self.report_files(&other_host, now, &other, changed);
        }
        match &start.target {
            Target::Container(id) => {
                let changed = self.host(host_name).absorb(id, fs);
                self.report_files(host_name, now, id, changed);
            }
            Target::Sandbox(sandbox) => {
                let sim = self.host(host_name);
                if let Some(s) = sim.sandboxes.get_mut(sandbox) {
                    s.fs = fs;
                    let changes = LayerDiff::between(&s.lower, &s.fs);
                    let end = now + result.elapsed_ms;
                    self.schedule(
                        end,
                        host_name,
                        Observation::Files {
                            of: FilesOf::Sandbox(*sandbox),
                            files: FilesNow::Layer(changes),
                        },
                    );
                }
            }
            Target::Host => {
                if let Some(overlay) = overlay.take() {
                    let files = host_files::take_off(fs, overlay);
                    let sim = self.host(host_name);
                    if files != sim.files {
                        sim.files = files;
                        let changed = Changed {
                            host: true,
                            ..Changed::default()
                        };
                        self.report_files(host_name, now, "", changed);
                    }
                }
            }
        }
        self.schedule(
            now,
            host_name,
            Observation::Memory {
                handle,
                peak: result.peak_memory,
            },
        );
        if !result.listening.is_empty() {
            self.schedule(
                now,
                host_name,
                Observation::Listening {
                    handle,
                    ports: result.listening.clone(),
                },
            );
        }
        for chunk in result.output {
            self.schedule(
                now + chunk.at_ms,
                host_name,
                Observation::Output {
                    handle,
                    stream: chunk.stream,
                    bytes: chunk.bytes,
                },
            );
        }
        let exit = match result.exit {
            Exit::Code(code) => Some(ProcessExit::Code(code)),
            Exit::OomKilled => Some(ProcessExit::OomKilled),
            Exit::Running => None,
        };
        match exit {
            Some(exit) => {
                self.schedule(
                    now + result.elapsed_ms,
                    host_name,
                    Observation::Exited { handle, exit },
                );
            }
            None => self.schedule(now, host_name, Observation::StillRunning { handle }),
        }
        let sim = self.host(host_name);
        if start.purpose == Purpose::Main {
            if let Some(id) = &container {
                if let Some(c) = sim.containers.get_mut(id) {
                    c.main = Some(handle);
                }
            }
        }
        sim.add_process(
            handle,
            SimProcess {
                target: start.target,
                pid: start.pid,
                user,
                command: start.argv.join(" "),
                env: start.env,
                listening: result.listening,
            },
        );
    }

    /// What a signal does to a simulated process. Servers end cleanly on SIGTERM, SIGINT and
    /// SIGQUIT; PID 1 without a handler ignores every signal but SIGKILL (the kernel's rule
    /// for init processes, which is why `docker stop` of `sleep` waits for the grace period);
    /// other processes die of it.
    fn signal(&mut self, host_name: &str, handle: ProcessHandle, signal: i32, now: Tick) {
        let Some(process) = self.host(host_name).processes.get(&handle) else {
            return;
        };
        let server = !process.listening.is_empty();
        let exit = if signal == SIGKILL {
            ProcessExit::Signal(SIGKILL)
        } else if server && [2, 3, 15].contains(&signal) {
            ProcessExit::Code(0)
        } else if process.pid == 1 {
            return;
        } else {
            ProcessExit::Signal(signal)
        };
        let target = process.target.clone();
        let is_main = process.pid == 1;
        self.end(host_name, handle, exit, now);
        if is_main {
            // The container's other processes die with its init.
            let others = self.host(host_name).handles_of(&target);
            for other in others {
                self.end(host_name, other, ProcessExit::Signal(SIGKILL), now);
            }
        }
    }

    fn end(&mut self, host_name: &str, handle: ProcessHandle, exit: ProcessExit, now: Tick) {
        self.cancel_after(handle, now);
        // An exit already scheduled for now or earlier stands.
        let already = self
            .queue
            .iter()
            .any(|(_, (_, o))| matches!(o, Observation::Exited { handle: h, .. } if *h == handle));
        if !already {
            self.schedule(now, host_name, Observation::Exited { handle, exit });
        }
        if let Some(p) = self.host(host_name).processes.get_mut(&handle) {
            p.listening.clear();
        }
    }

    /// Forgets a process once its exit has been reported.
    fn reap(&mut self, host_name: &str, observation: &Observation) {
        if let Observation::Exited { handle, .. } = observation {
            let sim = self.host(host_name);
            if let Some(p) = sim.remove_process(*handle) {
                if let Target::Container(id) = &p.target {
                    if let Some(c) = sim.containers.get_mut(id) {
                        if c.main == Some(*handle) {
                            c.main = None;
                        }
                    }
                }
            }
        }
    }

    fn failed(&mut self, host: &str, now: Tick, effect: &str, error: String) {
        self.schedule(
            now,
            host,
            Observation::EffectFailed {
                effect: effect.to_string(),
                error,
            },
        );
    }
}

impl Driver for SimDriver {
    fn handle_effect(&mut self, host_name: &str, effect: Effect, now: Tick) {
        match effect {
            Effect::StoreLayer { diff_id, diff } => {
                self.host(host_name).layers.insert(diff_id, diff);
            }
            Effect::CreateContainer {
                container,
                layers,
                network,
                mount_points,
                read_only,
            } => {
                let result = self.host(host_name).create_container(
                    &container,
                    &layers,
                    network,
                    &mount_points,
                    read_only,
                );
                if let Err(error) = result {
                    self.failed(host_name, now, "create container", error);
                }
            }
            Effect::PrepareSandbox { sandbox, layers } => {
                let sim = self.host(host_name);
                match sim.rootfs(&layers) {
                    Ok(lower) => {
                        let fs = lower.clone();
                        sim.sandboxes
                            .insert(sandbox, host::SimSandbox { lower, fs });
                    }
                    Err(error) => self.failed(host_name, now, "prepare sandbox", error),
                }
            }
            Effect::DiscardSandbox { sandbox } => {
                self.host(host_name).sandboxes.remove(&sandbox);
            }
            Effect::CreateVolume { name } => {
                self.host(host_name).volumes.entry(name).or_default();
            }
            Effect::CopyUp { volume, files, .. } => {
                self.host(host_name).volumes.insert(volume, files);
            }
            Effect::Mount {
                container,
                kind,
                source,
                path,
                read_only,
            } => {
                let sim = self.host(host_name);
                if kind == crate::MountKind::Bind {
                    let _ = sim.files.mkdir(&source, true);
                }
                if let Some(c) = sim.containers.get_mut(&container) {
                    c.mounts.retain(|m| m.target != path);
                    c.mounts.push(crate::Mount {
                        kind,
                        source,
                        target: path,
                        read_only,
                        anonymous: false,
                    });
                }
            }
            Effect::StartProcess(start) => self.start(host_name, start, now),
            Effect::Signal { handle, signal } => self.signal(host_name, handle, signal, now),
            Effect::RemoveContainer { container } => {
                let sim = self.host(host_name);
                sim.containers.remove(&container);
                let target = Target::Container(container);
                for handle in sim.handles_of(&target) {
                    self.host(host_name).remove_process(handle);
                    self.queue.retain(|_, (_, o)| o.handle() != Some(handle));
                }
            }
            Effect::RemoveVolume { name } => {
                self.host(host_name).volumes.remove(&name);
            }
            Effect::RemoveHost => {
                self.hosts.remove(host_name);
                self.queue.retain(|_, (host, _)| host != host_name);
            }
            Effect::ServiceTable(table) => self.services = table,
        }
    }

    fn next_observation_at(&self) -> Option<Tick> {
        self.queue.keys().next().map(|(at, _)| *at)
    }

    fn poll_observation(&mut self, until: Tick) -> Option<(Tick, String, Observation)> {
        let (&(at, seq), _) = self.queue.iter().next()?;
        if at > until {
            return None;
        }
        let (host, observation) = self.queue.remove(&(at, seq))?;
        self.reap(&host, &observation);
        Some((at, host, observation))
    }
}
