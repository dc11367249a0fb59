//! The sans-IO seam: what the World asks the host to do ([`Effect`]) and what it hears back
//! ([`Observation`]).
//!
//! The World owns the state and decides; a [`Driver`] carries out each effect and reports what
//! happened. The World decides only from those reports: a container's exit code, its logs and
//! its writable layer come from observations, never from calling the simulated programs
//! directly. [`SimDriver`] (the default, pure) runs the simulated programs; a Linux driver would
//! use overlayfs, namespaces and cgroups for the same effects.
//!
//! Effects are plain data (serde), so a log of them can be stored, compared and replayed.
//! [`crate::World::effects`] returns every effect issued so far; the event trace does not
//! include them, so trace hashes do not depend on the driver's bookkeeping.

mod sim;

pub use sim::SimDriver;

use crate::fs::{FsTree, LayerDiff};
use crate::program::{Exit, Network, OutputChunk, ProcInfo, ProcessResult, ServerKind};
use crate::MountKind;
use serde::{Deserialize, Serialize};

/// Where a filesystem or process lives: a container, or the sandbox of one build step.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Target {
    /// A container, by full ID.
    Container(String),
    /// A `docker build` step's sandbox, by its BuildKit step number (`#7`) within the build.
    BuildStep(usize),
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
}

/// Everything a driver needs to start one process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessStart {
    pub target: Target,
    pub purpose: Purpose,
    /// The PID it gets inside the container (1 for the main process and build steps).
    pub pid: u32,
    /// argv, argv[0] included (resolved on `$PATH` in the target's filesystem).
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
    /// Logical time the process may run before it counts as still running.
    pub budget_ms: u64,
}

/// Something the World wants done on the host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Create a volume (named, or anonymous with a random name), empty.
    CreateVolume { name: String },
    /// Make a root filesystem: these image layers read-only, bottom to top (by diff_id), plus
    /// an empty writable layer on top.
    PrepareRootfs { target: Target, layers: Vec<String> },
    /// Fill an empty volume with the files the container's image has at `path` (docker does
    /// this the first time a volume is mounted over a non-empty image directory).
    CopyUp {
        container: String,
        volume: String,
        path: String,
    },
    /// Mount a volume or a host directory into a container before its main process starts.
    /// A missing bind source directory is created (as docker does).
    Mount {
        container: String,
        kind: MountKind,
        /// Volume name, or an absolute path on the host for binds.
        source: String,
        /// Absolute path inside the container.
        path: String,
        read_only: bool,
    },
    /// Start a process and report what it does.
    StartProcess(ProcessStart),
    /// Send a signal to a container's main process (15 for `docker stop`, 9 when the grace
    /// period ends, `rm -f` and `kill`; any number for `kill -s`).
    Signal { container: String, signal: i32 },
    /// Remove a container: its processes are gone by now; its writable layer is discarded.
    RemoveContainer { container: String },
    /// Remove a volume and its files.
    RemoveVolume { name: String },
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
    /// It was still running when its time budget ended (servers, `sleep 1000`).
    StillRunning,
}

/// Something a driver saw happen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Observation {
    /// Output a process wrote, timestamped in logical ms since it started.
    Output { chunks: Vec<OutputChunk> },
    /// The process listens on these ports (servers): others can connect; it handles SIGTERM.
    Listening { ports: Vec<(u16, ServerKind)> },
    /// The process ended (or ran out of budget) after `elapsed_ms` of logical time.
    ProcessExited {
        exit: ProcessExit,
        elapsed_ms: u64,
        /// Highest memory use in bytes.
        peak_memory: u64,
    },
    /// Files changed in a target's filesystem, relative to what it had when the process
    /// started (mount points included: the World sends those changes on to the volumes and
    /// host directories). A driver that changes the [`Sandbox`] filesystem in place (as
    /// [`SimDriver`] does) need not report them.
    FilesChanged { target: Target, changes: LayerDiff },
}

/// The target as the model knows it, for drivers that simulate processes rather than run them:
/// the merged filesystem (image layers + writable layer + mounts; changes made to it are kept),
/// the logical clock, the process table, and the network of other containers. A driver that
/// runs real processes ignores it and reports [`Observation::FilesChanged`] instead.
pub struct Sandbox<'a> {
    pub fs: &'a mut FsTree,
    /// Logical wall clock when the process starts, seconds since the Unix epoch.
    pub now_unix: u64,
    /// The container's processes (for `ps`), the new process included as the last one.
    pub processes: &'a [ProcInfo],
    /// Servers running in this container, by port: `localhost` reaches these.
    pub local_servers: &'a [(u16, ServerKind)],
    /// The environment of the container's main process (servers read it).
    pub local_env: &'a [(String, String)],
    pub network: &'a mut dyn Network,
}

/// Carries out effects and reports observations. Calls come in the order the World decides
/// them; a driver must answer deterministically for the same calls to keep runs reproducible.
pub trait Driver {
    /// Carries out an effect that starts no process (every variant but `StartProcess`).
    /// The World applies [`Observation::FilesChanged`] reported here; the outcome of a signal
    /// is still decided by the model (servers exit 0 on SIGTERM, others are killed when the
    /// grace period ends), so other observations from here are not used yet.
    fn perform(&mut self, effect: &Effect) -> Vec<Observation>;

    /// Starts the process `start` describes, in `sandbox`, and reports what it did: output,
    /// listening ports, how it ended, files it changed.
    fn run_process(&mut self, start: &ProcessStart, sandbox: &mut Sandbox<'_>) -> Vec<Observation>;
}

impl<D: Driver + ?Sized> Driver for Box<D> {
    fn perform(&mut self, effect: &Effect) -> Vec<Observation> {
        (**self).perform(effect)
    }

    fn run_process(&mut self, start: &ProcessStart, sandbox: &mut Sandbox<'_>) -> Vec<Observation> {
        (**self).run_process(start, sandbox)
    }
}

/// Folds a process's observations back into the result the model keeps. Files changes are
/// not part of it (the World applies those to the filesystems). A driver that reports no
/// exit leaves the process as one that could not be executed (126).
pub(crate) fn process_result(observations: &[Observation]) -> ProcessResult {
    let mut result = ProcessResult {
        exit: Exit::Code(126),
        output: Vec::new(),
        elapsed_ms: 0,
        peak_memory: 0,
        listening: Vec::new(),
    };
    for observation in observations {
        match observation {
            Observation::Output { chunks } => result.output.extend(chunks.iter().cloned()),
            Observation::Listening { ports } => result.listening.extend(ports.iter().cloned()),
            Observation::ProcessExited {
                exit,
                elapsed_ms,
                peak_memory,
            } => {
                result.exit = match *exit {
                    ProcessExit::Code(code) => Exit::Code(code),
                    ProcessExit::Signal(signal) => Exit::Code(128 + signal),
                    ProcessExit::OomKilled => Exit::OomKilled,
                    ProcessExit::StillRunning => Exit::Running,
                };
                result.elapsed_ms = *elapsed_ms;
                result.peak_memory = *peak_memory;
            }
            Observation::FilesChanged { .. } => {}
        }
    }
    result
}
