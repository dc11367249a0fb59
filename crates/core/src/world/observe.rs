//! What the World does with each observation its host reports: processes start, write, listen
//! and end; files change. A container's state, logs and exit are built from these alone.

use super::container::{LogLine, Status};
use super::{ContainerId, World};
use crate::driver::{
    FilesNow, FilesOf, Observation, ProcessExit, ProcessHandle, Purpose, StartError, Target,
};
use crate::event::EventKind;

/// A process the World started, as far as its host has reported it.
#[derive(Clone, Debug)]
pub(crate) struct ProcRecord {
    pub target: Target,
    pub purpose: Purpose,
    pub started: bool,
    pub failed: Option<StartError>,
    pub exit: Option<ProcessExit>,
    /// The host says it keeps running and will do nothing more by itself.
    pub still_running: bool,
    /// Output of `exec` and build processes (a container's main process writes to its logs).
    pub output: Vec<LogLine>,
    /// No command waits for it (`exec -d`): forget it when it ends.
    pub detached: bool,
}

impl ProcRecord {
    pub fn new(target: Target, purpose: Purpose) -> ProcRecord {
        ProcRecord {
            target,
            purpose,
            started: false,
            failed: None,
            exit: None,
            still_running: false,
            output: Vec::new(),
            detached: false,
        }
    }

    /// It has ended, could not start, or will not end by itself.
    pub fn settled(&self) -> bool {
        self.exit.is_some() || self.failed.is_some() || self.still_running
    }
}

impl World {
    /// Takes in one observation from `host` (the current time is when it happened).
    pub(crate) fn observe(&mut self, observation: Observation) {
        let at = self.now;
        let handle = observation.handle();
        let main_of = handle.and_then(|h| self.main_container_of(h));
        match observation {
            Observation::Started { handle } => {
                if let Some(p) = self.procs.get_mut(&handle) {
                    p.started = true;
                }
                if let Some(id) = main_of {
                    self.main_started(&id, at);
                }
            }
            Observation::StartFailed { handle, error } => {
                if let Some(id) = main_of {
                    if let Some(c) = self.engine.containers.get_mut(&id) {
                        c.main = None;
                        c.error = error.to_string();
                        c.exit_code = error.exit_code();
                    }
                }
                if let Some(p) = self.procs.get_mut(&handle) {
                    p.failed = Some(error);
                }
                if !self.probe_settled(handle, None, at) {
                    self.forget_if_unwatched(handle);
                }
            }
            Observation::Output {
                handle,
                stream,
                bytes,
            } => {
                let line = LogLine { at, stream, bytes };
                if let Some(id) = main_of {
                    if let Some(c) = self.engine.containers.get_mut(&id) {
                        c.past_logs.push(line);
                    }
                } else if let Some(p) = self.procs.get_mut(&handle) {
                    p.output.push(line);
                }
            }
            Observation::Listening { ports, .. } => {
                if let Some(c) = main_of.and_then(|id| self.engine.containers.get_mut(&id)) {
                    c.listening = ports;
                }
            }
            Observation::Memory { peak, .. } => {
                if let Some(c) = main_of.and_then(|id| self.engine.containers.get_mut(&id)) {
                    c.peak_memory = c.peak_memory.max(peak);
                }
            }
            Observation::StillRunning { handle } => {
                if let Some(p) = self.procs.get_mut(&handle) {
                    p.still_running = true;
                }
                self.probe_hung(handle, at);
                if let Some(id) = main_of {
                    self.pod_container_settled(&id);
                }
            }
            Observation::Exited { handle, exit } => {
                if let Some(p) = self.procs.get_mut(&handle) {
                    p.exit = Some(exit);
                }
                if let Some(id) = main_of {
                    let oom = exit == ProcessExit::OomKilled;
                    self.procs.remove(&handle);
                    self.container_exited(&id, at, exit.code(), oom);
                } else if !self.probe_settled(handle, Some(exit.code()), at) {
                    self.forget_if_unwatched(handle);
                }
            }
            Observation::Files { of, files } => self.files_observed(of, files),
            Observation::EffectFailed { effect, error } => {
                self.host_errors.push(format!("{effect}: {error}"));
            }
        }
    }

    /// The container whose current main process `handle` is.
    fn main_container_of(&self, handle: ProcessHandle) -> Option<ContainerId> {
        let record = self.procs.get(&handle)?;
        match (&record.target, record.purpose) {
            (Target::Container(id), Purpose::Main) => self
                .engine
                .containers
                .get(id.as_str())
                .filter(|c| c.main == Some(handle))
                .map(|c| c.id.clone()),
            _ => None,
        }
    }

    fn forget_if_unwatched(&mut self, handle: ProcessHandle) {
        if self.procs.get(&handle).is_some_and(|p| p.detached) {
            self.procs.remove(&handle);
        }
    }

    fn main_started(&mut self, id: &ContainerId, at: crate::event::Tick) {
        let Some(c) = self.engine.containers.get_mut(id) else {
            return;
        };
        c.status = Status::Running;
        c.pid = 1;
        c.next_pid = 2;
        c.started_at = Some(at);
        c.finished_at = None;
        c.oom_killed = false;
        c.error.clear();
        c.restart_at = None;
        c.listening.clear();
        c.peak_memory = 0;
        let (name, argv) = (c.name.clone(), c.argv.clone());
        self.emit(EventKind::ContainerStarted {
            id: id.clone(),
            name,
            argv,
        });
        self.pod_container_started(id, at);
    }

    fn files_observed(&mut self, of: FilesOf, files: FilesNow) {
        match (of, files) {
            (FilesOf::Container(id), FilesNow::Layer(upper)) => {
                if let Some(c) = self.engine.containers.get_mut(id.as_str()) {
                    c.upper = upper;
                }
            }
            (FilesOf::Volume(name), FilesNow::Tree(tree)) => {
                if let Some(v) = self.engine.volumes.get_mut(&name) {
                    v.files = tree;
                }
            }
            (FilesOf::Host, FilesNow::Tree(tree)) => self.engine.host = tree,
            (FilesOf::Sandbox(sandbox), FilesNow::Layer(changes)) => {
                self.sandbox_changes.insert(sandbox, changes);
            }
            (of, _) => self
                .host_errors
                .push(format!("files of {of:?} came in an unexpected form")),
        }
    }
}
