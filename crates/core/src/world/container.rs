//! A container's record: its configuration, writable layer, state and logs.

use crate::event::Tick;
use crate::fs::{FsTree, LayerDiff};
use crate::program::{Exit, OutputChunk, ProcessResult, ServerKind, Stream};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortBinding {
    pub host_ip: String,
    pub host_port: u16,
    pub container_port: u16,
    pub proto: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MountKind {
    Volume,
    Bind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mount {
    pub kind: MountKind,
    /// Volume name, or a path on the simulated host for binds.
    pub source: String,
    pub target: String,
    pub read_only: bool,
    /// Made for an image VOLUME without a name: removed with `docker rm -v`.
    pub anonymous: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestartPolicy {
    /// "no", "always", "on-failure", "unless-stopped".
    pub name: String,
    pub max_retries: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Created,
    Running,
    Exited,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Running => "running",
            Status::Exited => "exited",
        }
    }
}

/// The main process of the current run: what it will do, decided when it started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MainProcess {
    pub started_at: Tick,
    pub result: ProcessResult,
}

impl MainProcess {
    /// When the process ends by itself, if it does within its budget.
    pub fn ends_at(&self) -> Option<Tick> {
        match self.result.exit {
            Exit::Running => None,
            _ => Some(self.started_at + self.result.elapsed_ms),
        }
    }

    pub fn listening(&self) -> &[(u16, ServerKind)] {
        &self.result.listening
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    pub at: Tick,
    pub stream: Stream,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct Container {
    pub id: String,
    pub name: String,
    /// The image as the user named it (shown in `docker ps`).
    pub image_ref: String,
    pub image_id: String,
    pub created: Tick,
    pub argv: Vec<String>,
    pub env: Vec<(String, String)>,
    pub hostname: String,
    pub workdir: String,
    pub user: String,
    pub ports: Vec<PortBinding>,
    pub mounts: Vec<Mount>,
    pub restart: RestartPolicy,
    pub auto_remove: bool,
    pub memory: Option<u64>,
    pub nano_cpus: Option<u64>,
    pub labels: Vec<(String, String)>,
    pub ip: String,
    /// The writable layer: every change the container made to its image's files.
    pub upper: LayerDiff,
    pub status: Status,
    pub pid: u32,
    pub exit_code: i32,
    pub oom_killed: bool,
    pub error: String,
    pub started_at: Option<Tick>,
    pub finished_at: Option<Tick>,
    pub restart_count: u32,
    /// Set by `docker stop`/`kill`, so restart policies other than "always" leave it stopped.
    pub stopped_by_user: bool,
    pub main: Option<MainProcess>,
    /// Output of finished runs; the current run's output is read from `main`.
    pub past_logs: Vec<LogLine>,
    /// Next PID for `docker exec` processes.
    pub next_pid: u32,
    /// When its restart policy brings it back (it shows as "Restarting" until then).
    pub restart_at: Option<Tick>,
}

impl Container {
    pub fn short_id(&self) -> &str {
        &self.id[..12.min(self.id.len())]
    }

    pub fn is_running(&self) -> bool {
        self.status == Status::Running
    }

    /// Every log line written up to `now`.
    pub fn logs(&self, now: Tick) -> Vec<LogLine> {
        let mut out = self.past_logs.clone();
        if let Some(main) = &self.main {
            out.extend(chunks_until(main, now));
        }
        out
    }

    /// Moves the current run's output up to `until` into the kept logs and ends the run.
    pub fn finish_run(&mut self, until: Tick) {
        if let Some(main) = self.main.take() {
            self.past_logs.extend(chunks_until(&main, until));
        }
    }
}

fn chunks_until(main: &MainProcess, until: Tick) -> impl Iterator<Item = LogLine> + '_ {
    main.result
        .output
        .iter()
        .filter(move |c: &&OutputChunk| main.started_at + c.at_ms <= until)
        .map(|c| LogLine {
            at: main.started_at + c.at_ms,
            stream: c.stream,
            bytes: c.bytes.clone(),
        })
}

/// A named volume and the files in it.
#[derive(Clone, Debug)]
pub struct Volume {
    pub name: String,
    pub created: Tick,
    pub labels: Vec<(String, String)>,
    pub files: FsTree,
    /// Created for an image's VOLUME without a name.
    pub anonymous: bool,
}
