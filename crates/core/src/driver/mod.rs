//! The sans-IO seam: what the World asks a host to do ([`Effect`]) and what the host saw
//! happen ([`Observation`]).
//!
//! The World never calls a driver. It hands out effects ([`crate::Machine::poll_effect`]) and
//! takes observations back ([`crate::Machine::handle_observation`]), each stamped with the
//! logical time it happened. A process is a [`ProcessHandle`]: its start, its output, the
//! ports it listens on and its exit arrive as separate observations, in any order a real host
//! could produce and possibly late. A container's state, logs and exit code are built from
//! them as they arrive: `docker stop` sends SIGTERM and the exit code is whatever the process
//! did. An effect may fail ([`Observation::StartFailed`], [`Observation::EffectFailed`]) and
//! the World reports it in docker's words.
//!
//! Layer contents cross the seam ([`Effect::StoreLayer`]) before any root filesystem that
//! uses them, so a real driver can materialise them; file changes come back as observations.
//!
//! Ids are typed (container, layer, volume) and serialise as the plain strings they hold, so
//! recorded effects and journals read the same as before the types.
//!
//! [`SimDriver`] (pure, the default) runs the simulated programs on the logical clock;
//! [`run_until_idle`] is the small loop the fronts use to drive a World with it. A Linux
//! driver answers the same effects with real processes.

mod delayed;
mod discovery;
mod run;
mod sim;

pub use delayed::Delayed;
pub use discovery::{ServiceTable, VirtualTarget};
pub use run::{run_until_idle, Driver};
pub use sim::SimDriver;

use crate::fs::{FsTree, LayerDiff};
use crate::image::DiffId;
use crate::program::{ExecError, ServerKind, Stream};
use crate::world::{ContainerId, VolumeName};
use crate::{MountKind, PortBinding};
use serde::{Deserialize, Serialize};

/// One process the World asked a host to start, unique within the World.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ProcessHandle(pub u64);

/// One build step's sandbox (the root filesystem a `RUN` runs in), unique within the World.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SandboxId(pub u64);

/// Where a process runs: a container (by full ID), a build step's sandbox, or the host
/// itself (`curl localhost:8080` typed at the host's prompt, outside every container).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Target {
    Container(ContainerId),
    Sandbox(SandboxId),
    Host,
}

/// Why a process is started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Purpose {
    /// A container's PID 1 (`docker run`, `start`, `restart`, a restart policy).
    Main,
    /// `docker exec`.
    Exec,
    /// A Dockerfile `RUN` step.
    BuildRun,
    /// A program typed at the host's own prompt (`curl`, `wget`).
    HostCommand,
}

/// Everything a driver needs to start one process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessStart {
    pub handle: ProcessHandle,
    pub target: Target,
    pub purpose: Purpose,
    /// The PID it gets inside the container (1 for the main process and build steps).
    pub pid: u32,
    /// argv, argv[0] included (the driver resolves it on `$PATH` in the target's files).
    pub argv: Vec<String>,
    pub env: Vec<(String, String)>,
    pub cwd: String,
    /// User name or uid ("" means root).
    pub user: String,
    /// Bytes on standard input (none today: the fronts have no `-i`).
    pub stdin: Vec<u8>,
    pub hostname: String,
    /// Memory limit in bytes (`--memory`), if any.
    pub memory: Option<u64>,
    /// CPU quota in billionths of a CPU (`--cpus`), if any.
    pub nano_cpus: Option<u64>,
    /// Most processes the container may have at once (`--pids-limit`), if any.
    #[serde(default)]
    pub pids_limit: Option<u64>,
}

/// How a container appears on its host's network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkIdentity {
    pub name: String,
    pub hostname: String,
    pub ip: String,
    /// Ports published on the host (`-p 8080:80`, `-P`): the host forwards connections to
    /// these host ports (on `host_ip`) to the container's port while it runs.
    #[serde(default)]
    pub published: Vec<PortBinding>,
    /// A pod's `/etc/resolv.conf` (the cluster DNS and its namespace's search list), written
    /// instead of docker's; None for a plain container.
    #[serde(default)]
    pub resolv_conf: Option<String>,
}

/// Something the World wants done on a host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Keep this layer (by diff_id); its content is the diff (its canonical tar is
    /// [`crate::image::canonical_tar`]). Sent once per host before any root filesystem uses it.
    StoreLayer { diff_id: DiffId, diff: LayerDiff },
    /// Make a container: a root filesystem of these layers (bottom to top, read-only) with an
    /// empty writable layer on top, and the runtime files (`/etc/hostname`, `/etc/hosts`,
    /// `/etc/resolv.conf`) that name it on the network.
    CreateContainer {
        container: ContainerId,
        layers: Vec<DiffId>,
        network: NetworkIdentity,
        /// Paths where mounts will go (empty directories in the root filesystem).
        mount_points: Vec<String>,
        /// `--read-only`: processes cannot write the root filesystem (mounts keep their mode).
        #[serde(default)]
        read_only: bool,
    },
    /// A build step's sandbox: a root filesystem of these layers with a writable layer on top.
    PrepareSandbox {
        sandbox: SandboxId,
        layers: Vec<DiffId>,
    },
    /// The build step is over: throw its sandbox away.
    DiscardSandbox { sandbox: SandboxId },
    /// Create a volume (named, or anonymous with a random name), empty.
    CreateVolume { name: VolumeName },
    /// Fill an empty volume with these files (the image's files at the mount path: docker
    /// does this the first time a volume is mounted over a non-empty image directory).
    CopyUp {
        container: ContainerId,
        volume: VolumeName,
        path: String,
        files: FsTree,
    },
    /// Mount a volume or a host directory into a container before its main process starts.
    /// A missing bind source directory is created (as docker does).
    Mount {
        container: ContainerId,
        kind: MountKind,
        /// Volume name, or an absolute path on the host for binds.
        source: String,
        /// Absolute path inside the container.
        path: String,
        read_only: bool,
    },
    /// Start a process; its start (or failure), output and exit come back as observations.
    StartProcess(ProcessStart),
    /// Send a signal to a process (15 for `docker stop`, 9 when the grace period ends, for
    /// `rm -f` and `kill`; any number for `kill -s`).
    Signal { handle: ProcessHandle, signal: i32 },
    /// Remove a container: its processes are gone by now; its writable layer is discarded.
    RemoveContainer { container: ContainerId },
    /// Remove a volume and its files.
    RemoveVolume { name: VolumeName },
    /// The host is gone, with everything on it (its containers were removed first).
    RemoveHost,
    /// The cluster's Services changed: pods on every host resolve and reach them by this table.
    ServiceTable(ServiceTable),
}

/// How a process ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProcessExit {
    /// It exited with this code.
    Code(i32),
    /// A signal ended it (docker reports 128 + the signal number).
    Signal(i32),
    /// The kernel killed it for exceeding its memory limit (exit 137, `OOMKilled`).
    OomKilled,
}

impl ProcessExit {
    /// The exit code docker reports.
    pub fn code(self) -> i32 {
        match self {
            ProcessExit::Code(code) => code,
            ProcessExit::Signal(signal) => 128 + signal,
            ProcessExit::OomKilled => 137,
        }
    }
}

/// Why a host could not start a process, in the runtime's words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum StartError {
    /// `argv[0]` cannot be executed (not found, not executable, a directory).
    #[error("{}", .error.docker_message(.argv0))]
    Exec { argv0: String, error: ExecError },
    /// The file is not a program this host can run.
    #[error("exec format error")]
    ExecFormat,
    #[error("cannot allocate memory")]
    OutOfMemory,
    #[error("no space left on device")]
    NoSpace,
    /// The target (container or sandbox) does not exist on the host.
    #[error("no such container or sandbox")]
    NoTarget,
    /// This host cannot do that at all (a real host asked for a simulated-only program),
    /// and says why in `reason`, which the World shows as it is.
    #[error("{reason}")]
    Unsupported { reason: String },
}

impl StartError {
    /// docker's exit code for a command that could not start.
    pub fn exit_code(&self) -> i32 {
        match self {
            StartError::Exec { error, .. } => error.exit_code(),
            _ => 126,
        }
    }
}

/// What a file observation is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FilesOf {
    /// A container's whole writable layer, as it is now.
    Container(ContainerId),
    /// A volume's files, as they are now.
    Volume(VolumeName),
    /// The host's own files (where bind mounts keep their data), as they are now.
    Host,
    /// A build sandbox's changes relative to the layers it was prepared from.
    Sandbox(SandboxId),
}

/// Something a host saw happen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Observation {
    /// The process started.
    Started { handle: ProcessHandle },
    /// The process could not be started.
    StartFailed {
        handle: ProcessHandle,
        error: StartError,
    },
    /// The process wrote these bytes.
    Output {
        handle: ProcessHandle,
        stream: Stream,
        bytes: Vec<u8>,
    },
    /// The process listens on these ports (servers): others can connect to it.
    Listening {
        handle: ProcessHandle,
        ports: Vec<(u16, ServerKind)>,
    },
    /// The process's highest memory use so far, in bytes.
    Memory { handle: ProcessHandle, peak: u64 },
    /// The process keeps running and will do nothing more by itself (a server, a long
    /// `sleep`): a foreground wait on it ends here. Only simulated hosts can know this.
    StillRunning { handle: ProcessHandle },
    /// The process ended.
    Exited {
        handle: ProcessHandle,
        exit: ProcessExit,
    },
    /// Files changed: see [`FilesOf`] for what `files` holds.
    Files { of: FilesOf, files: FilesNow },
    /// An effect other than a process start failed.
    EffectFailed { effect: String, error: String },
}

/// The content a [`Observation::Files`] carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FilesNow {
    /// A writable layer or a sandbox's changes.
    Layer(LayerDiff),
    /// A whole tree (a volume or the host's files).
    Tree(FsTree),
}

impl Observation {
    /// The process this observation is about, if any.
    pub fn handle(&self) -> Option<ProcessHandle> {
        match self {
            Observation::Started { handle }
            | Observation::StartFailed { handle, .. }
            | Observation::Output { handle, .. }
            | Observation::Listening { handle, .. }
            | Observation::Memory { handle, .. }
            | Observation::StillRunning { handle }
            | Observation::Exited { handle, .. } => Some(*handle),
            Observation::Files { .. } | Observation::EffectFailed { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Effects and observations recorded before the ids were typed (the `sim --real`
    /// journal) read back and write out the same.
    #[test]
    fn typed_ids_cross_the_seam_as_plain_strings() {
        let files = serde_json::to_string(&FsTree::new()).unwrap();
        let old = format!(
            r#"{{"CopyUp":{{"container":"c1","volume":"data","path":"/data","files":{files}}}}}"#
        );
        let effect: Effect = serde_json::from_str(&old).unwrap();
        let Effect::CopyUp {
            container, volume, ..
        } = &effect
        else {
            panic!("{effect:?}");
        };
        assert_eq!((container.as_str(), volume.as_str()), ("c1", "data"));
        assert_eq!(serde_json::to_string(&effect).unwrap(), old);

        let target = Target::Container(ContainerId::from("c1"));
        assert_eq!(
            serde_json::to_string(&target).unwrap(),
            r#"{"Container":"c1"}"#
        );
        let of: FilesOf = serde_json::from_str(r#"{"Volume":"data"}"#).unwrap();
        assert_eq!(of, FilesOf::Volume(VolumeName::parse("data").unwrap()));
    }
}
