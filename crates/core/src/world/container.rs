//! A container's record: its configuration, writable layer, state and logs.

use super::ids::ContainerId;
use super::volumes::VolumeName;
use crate::driver::ProcessHandle;
use crate::event::Tick;
use crate::fs::{FsTree, LayerDiff};
use crate::program::{ServerKind, Stream};
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    pub at: Tick,
    pub stream: Stream,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct Container {
    pub id: ContainerId,
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
    /// `--read-only` root filesystem.
    pub read_only: bool,
    pub pids_limit: Option<u64>,
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
    /// The current main process, from its start until it ends.
    pub main: Option<ProcessHandle>,
    /// Ports the main process listens on (servers).
    pub listening: Vec<(u16, ServerKind)>,
    /// Highest memory use of the current run, as its host reported it.
    pub peak_memory: u64,
    /// Everything its main processes wrote, as it arrived.
    pub past_logs: Vec<LogLine>,
    /// Next PID for `docker exec` processes.
    pub next_pid: u32,
    /// When its restart policy brings it back (it shows as "Restarting" until then).
    pub restart_at: Option<Tick>,
}

impl Container {
    pub fn short_id(&self) -> &str {
        self.id.short()
    }

    /// A pod's container resolves through the cluster DNS (the kubelet writes its
    /// resolv.conf for `dnsPolicy: ClusterFirst`); a plain container keeps docker's.
    pub fn resolv_conf(&self) -> Option<String> {
        self.labels
            .iter()
            .find(|(k, _)| k == "io.kubernetes.pod.namespace")
            .map(|(_, ns)| crate::cluster::dns::resolv_conf(ns))
    }

    pub fn is_running(&self) -> bool {
        self.status == Status::Running
    }

    /// Every log line written up to `now`.
    pub fn logs(&self, now: Tick) -> Vec<LogLine> {
        self.past_logs
            .iter()
            .filter(|l| l.at <= now)
            .cloned()
            .collect()
    }
}

/// A named volume and the files in it.
#[derive(Clone, Debug)]
pub struct Volume {
    pub name: VolumeName,
    pub created: Tick,
    pub labels: Vec<(String, String)>,
    pub files: FsTree,
    /// Created for an image's VOLUME without a name.
    pub anonymous: bool,
}
