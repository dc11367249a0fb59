//! Starting one process in a container: new namespaces (pid, mount, uts, ipc, net, cgroup)
//! or those of the container's init (`exec`), its cgroup, the container's root through
//! `pivot_root` with a fresh /proc and a minimal /dev, its user and working directory.
//!
//! Everything the child does between fork and exec is a plain system call on buffers prepared
//! here beforehand: the parent has threads, so the child must not allocate.

use nix::libc;
use std::io::{self, Read};
use std::net::SocketAddrV4;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

mod child;
mod prepare;
mod relay;
mod supervisor;

use prepare::{prepare, ExecArrays};
pub use relay::MAX_LISTENERS;

/// A host directory bind-mounted into the container.
#[derive(Clone, Debug)]
pub struct Bind {
    pub source: PathBuf,
    /// Absolute path inside the container.
    pub target: String,
    pub read_only: bool,
}

/// Where the process goes.
#[derive(Clone, Debug)]
pub enum Place {
    /// A fresh container: new namespaces, the root at this directory, where the child mounts
    /// overlayfs with these options in its own mount namespace.
    New {
        rootfs: PathBuf,
        overlay: String,
        hostname: String,
        binds: Vec<Bind>,
        /// `--read-only`: the root is remounted read-only (mounts below keep their own mode).
        read_only: bool,
        /// A network namespace (made with its veth by [`crate::net`]) to join; `None`: a new
        /// one with loopback only.
        netns: Option<std::sync::Arc<OwnedFd>>,
    },
    /// Into the namespaces and root of a running process (host PID): `docker exec`.
    Join { pid: i32 },
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub place: Place,
    pub argv: Vec<String>,
    pub env: Vec<(String, String)>,
    pub cwd: String,
    pub uid: u32,
    pub gid: u32,
    pub cgroup_procs: Vec<PathBuf>,
    /// Run under a supervisor that keeps this log (a container's main process): it outlives
    /// the `sim` that started it. `None`: a plain child of `sim` (exec, build steps).
    pub supervise: Option<PathBuf>,
    /// Published ports (supervised only): listening sockets the caller keeps open until
    /// [`spawn`] returns, each relayed to the container's address by the supervisor.
    pub forwards: Vec<(RawFd, SocketAddrV4)>,
}

/// The status pipe's record for the supervised process's host PID.
const PID_RECORD: u8 = 0xff;

/// The step of the child's set-up that failed, and its errno.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetupFailure {
    pub step: Step,
    pub errno: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Step {
    Cgroup = 1,
    Namespaces,
    Hostname,
    Loopback,
    Mounts,
    PivotRoot,
    Workdir,
    User,
    /// execve itself: not found, not executable, exec format error.
    Exec,
    Unknown,
}

impl Step {
    fn from_byte(b: u8) -> Step {
        [
            Step::Cgroup,
            Step::Namespaces,
            Step::Hostname,
            Step::Loopback,
            Step::Mounts,
            Step::PivotRoot,
            Step::Workdir,
            Step::User,
            Step::Exec,
        ]
        .into_iter()
        .find(|s| *s as u8 == b)
        .unwrap_or(Step::Unknown)
    }

    pub fn describe(self) -> &'static str {
        match self {
            Step::Cgroup => "joining the container's cgroup",
            Step::Namespaces => "creating namespaces",
            Step::Hostname => "setting the hostname",
            Step::Loopback => "bringing up the loopback interface",
            Step::Mounts => "mounting the container's filesystems",
            Step::PivotRoot => "pivot_root into the container's root",
            Step::Workdir => "changing to the working directory",
            Step::User => "switching to the container's user",
            Step::Exec => "exec",
            Step::Unknown => "starting the process",
        }
    }
}

/// A started process: the std handle (with its stdout and stderr pipes) and its host PID.
pub struct Started {
    /// The std handle: of the process itself, or of its supervisor (whose stdout carries the
    /// log records).
    pub child: Child,
    /// The process's host PID.
    pub pid: i32,
    pub supervised: bool,
}

/// Starts `plan`. A failure of the set-up says which step failed.
pub fn spawn(plan: &Plan) -> Result<Started, (Option<SetupFailure>, io::Error)> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills two fds we then own.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } < 0 {
        return Err((None, io::Error::last_os_error()));
    }
    // SAFETY: both fds were just created and are owned once each.
    let (read_end, write_end) =
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    let prepared = prepare(plan, write_end).map_err(|e| (None, e))?;
    let mut arrays = ExecArrays {
        argv: prepared.argv.iter().map(|a| a.as_ptr()).collect(),
        envp: prepared.envp.iter().map(|a| a.as_ptr()).collect(),
    };
    arrays.argv.push(std::ptr::null());
    arrays.envp.push(std::ptr::null());

    // The child is the first process of a new pid namespace (or enters the container's):
    // this thread's namespace for children is switched for the fork, then put back.
    let own_pid_ns = std::fs::File::open("/proc/self/ns/pid").map_err(|e| (None, e))?;
    let supervised = prepared.supervise_log.is_some();
    let switched = match &plan.place {
        // A supervisor makes the new pid namespace itself, for its child.
        Place::New { .. } if supervised => 0,
        Place::New { .. } => unsafe { libc::unshare(libc::CLONE_NEWPID) },
        Place::Join { pid } => match std::fs::File::open(format!("/proc/{pid}/ns/pid")) {
            // SAFETY: setns on an fd we hold open.
            Ok(ns) => unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWPID) },
            Err(e) => return Err((None, e)),
        },
    };
    if switched < 0 {
        let e = io::Error::last_os_error();
        return Err((
            Some(SetupFailure {
                step: Step::Namespaces,
                errno: e.raw_os_error().unwrap_or(0),
            }),
            e,
        ));
    }
    let mut command = Command::new(plan.argv.first().map(String::as_str).unwrap_or("true"));
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(if supervised {
            Stdio::null()
        } else {
            Stdio::piped()
        });
    // SAFETY: the closure only makes system calls on memory prepared before the fork.
    unsafe {
        command.pre_exec(move || match &prepared.supervise_log {
            Some(log) => supervisor::supervisor(&prepared, &arrays, log),
            None => child::child(&prepared, &arrays),
        });
    }
    let spawned = command.spawn();
    // SAFETY: back to this process's own pid namespace for the next children.
    unsafe { libc::setns(own_pid_ns.as_raw_fd(), libc::CLONE_NEWPID) };
    drop(command);
    // The status pipe: the supervised PID, or the step that failed (until every writer is
    // gone: the init exec'd or failed, the supervisor closed its copy).
    let mut reader = std::fs::File::from(read_end);
    let mut supervised_pid = None;
    let mut failure = None;
    let mut record = [0u8; 5];
    while reader.read_exact(&mut record).is_ok() {
        let value = i32::from_ne_bytes([record[1], record[2], record[3], record[4]]);
        if record[0] == PID_RECORD {
            supervised_pid = Some(value);
        } else {
            failure = Some(SetupFailure {
                step: Step::from_byte(record[0]),
                errno: value,
            });
        }
    }
    match spawned {
        Ok(child) => {
            let pid = supervised_pid.unwrap_or(child.id() as i32);
            Ok(Started {
                child,
                pid,
                supervised,
            })
        }
        Err(e) => Err((failure, e)),
    }
}
