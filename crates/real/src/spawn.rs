//! Starting one process in a container: new namespaces (pid, mount, uts, ipc, net, cgroup)
//! or those of the container's init (`exec`), its cgroup, the container's root through
//! `pivot_root` with a fresh /proc and a minimal /dev, its user and working directory.
//!
//! Everything the child does between fork and exec is a plain system call on buffers prepared
//! here beforehand: the parent has threads, so the child must not allocate.

use nix::libc;
use std::ffi::{CStr, CString};
use std::io::{self, Read};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

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

fn cstr(bytes: &[u8]) -> io::Result<CString> {
    CString::new(bytes).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
}

fn cpath(path: &Path) -> io::Result<CString> {
    cstr(path.as_os_str().as_bytes())
}

/// One mount(2) call, prepared.
struct MountCall {
    source: Option<CString>,
    target: CString,
    fstype: Option<CString>,
    flags: libc::c_ulong,
    data: Option<CString>,
    /// A failure is ignored (sysfs, a device the host lacks).
    optional: bool,
    /// Create this empty file first (a device bind target on the /dev tmpfs).
    touch: bool,
}

/// Everything the child needs, allocated before the fork.
struct Prepared {
    cgroup_procs: Vec<CString>,
    hostname: Option<CString>,
    new_root: Option<CString>,
    mounts: Vec<MountCall>,
    symlinks: Vec<(CString, CString)>,
    join_mnt: Option<OwnedFd>,
    join_others: Vec<(OwnedFd, libc::c_int)>,
    join_root: Option<OwnedFd>,
    workdir_steps: Vec<CString>,
    uid: u32,
    gid: u32,
    candidates: Vec<CString>,
    argv: Vec<CString>,
    envp: Vec<CString>,
    status: OwnedFd,
    supervise_log: Option<CString>,
}

/// Raw pointer arrays for execve, kept beside the strings they point into.
struct ExecArrays {
    argv: Vec<*const libc::c_char>,
    envp: Vec<*const libc::c_char>,
}

// SAFETY: the arrays point into CStrings owned by the same closure, used only in the child.
unsafe impl Send for ExecArrays {}
unsafe impl Sync for ExecArrays {}

const DEVICES: [&str; 6] = ["null", "zero", "full", "random", "urandom", "tty"];

fn prepare(plan: &Plan, status: OwnedFd) -> io::Result<Prepared> {
    let path_var = plan
        .env
        .iter()
        .rev()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.as_str())
        .unwrap_or(sim_core::program::DEFAULT_PATH);
    let argv0 = plan.argv.first().map(String::as_str).unwrap_or("");
    let candidates = if argv0.contains('/') {
        vec![cstr(argv0.as_bytes())?]
    } else {
        path_var
            .split(':')
            .filter(|d| !d.is_empty())
            .map(|d| cstr(format!("{}/{argv0}", d.trim_end_matches('/')).as_bytes()))
            .collect::<io::Result<_>>()?
    };
    let mut workdir_steps = Vec::new();
    let mut so_far = String::new();
    for part in plan.cwd.split('/').filter(|p| !p.is_empty()) {
        so_far.push('/');
        so_far.push_str(part);
        workdir_steps.push(cstr(so_far.as_bytes())?);
    }
    if workdir_steps.is_empty() {
        workdir_steps.push(cstr(b"/")?);
    }
    let mut prepared = Prepared {
        cgroup_procs: plan
            .cgroup_procs
            .iter()
            .map(|p| cpath(p))
            .collect::<io::Result<_>>()?,
        hostname: None,
        new_root: None,
        mounts: Vec::new(),
        symlinks: Vec::new(),
        join_mnt: None,
        join_others: Vec::new(),
        join_root: None,
        workdir_steps,
        uid: plan.uid,
        gid: plan.gid,
        candidates,
        argv: plan
            .argv
            .iter()
            .map(|a| cstr(a.as_bytes()))
            .collect::<io::Result<_>>()?,
        envp: plan
            .env
            .iter()
            .map(|(k, v)| cstr(format!("{k}={v}").as_bytes()))
            .collect::<io::Result<_>>()?,
        status,
        supervise_log: plan.supervise.as_deref().map(cpath).transpose()?,
    };
    match &plan.place {
        Place::New {
            rootfs,
            overlay,
            hostname,
            binds,
        } => {
            prepared.hostname = Some(cstr(hostname.as_bytes())?);
            prepared.new_root = Some(cpath(rootfs)?);
            let at = |inner: &str| cpath(&rootfs.join(inner.trim_start_matches('/')));
            let call = |source: Option<&str>,
                        target: CString,
                        fstype: Option<&str>,
                        flags,
                        data: Option<&str>|
             -> io::Result<MountCall> {
                Ok(MountCall {
                    source: source.map(|s| cstr(s.as_bytes())).transpose()?,
                    target,
                    fstype: fstype.map(|s| cstr(s.as_bytes())).transpose()?,
                    flags,
                    data: data.map(|s| cstr(s.as_bytes())).transpose()?,
                    optional: false,
                    touch: false,
                })
            };
            let m = &mut prepared.mounts;
            m.push(call(
                None,
                cstr(b"/")?,
                None,
                libc::MS_REC | libc::MS_PRIVATE,
                None,
            )?);
            m.push(call(
                Some("overlay"),
                cpath(rootfs)?,
                Some("overlay"),
                0,
                Some(overlay),
            )?);
            m.push(call(
                Some("proc"),
                at("/proc")?,
                Some("proc"),
                libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
                None,
            )?);
            m.push(call(
                Some("tmpfs"),
                at("/dev")?,
                Some("tmpfs"),
                libc::MS_NOSUID | libc::MS_STRICTATIME,
                Some("mode=755,size=65536k"),
            )?);
            for device in DEVICES {
                let mut bind = call(
                    Some(&format!("/dev/{device}")),
                    at(&format!("/dev/{device}"))?,
                    None,
                    libc::MS_BIND,
                    None,
                )?;
                bind.touch = true;
                bind.optional = device == "tty";
                m.push(bind);
            }
            let mut shm = call(
                Some("shm"),
                at("/dev/shm")?,
                Some("tmpfs"),
                libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
                Some("mode=1777,size=65536k"),
            )?;
            shm.optional = true;
            m.push(shm);
            let mut sys = call(
                Some("sysfs"),
                at("/sys")?,
                Some("sysfs"),
                libc::MS_RDONLY | libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
                None,
            )?;
            sys.optional = true;
            m.push(sys);
            for bind in binds {
                let target = at(&bind.target)?;
                m.push(call(
                    Some(&bind.source.to_string_lossy()),
                    target.clone(),
                    None,
                    libc::MS_BIND | libc::MS_REC,
                    None,
                )?);
                if bind.read_only {
                    m.push(call(
                        None,
                        target,
                        None,
                        libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY | libc::MS_REC,
                        None,
                    )?);
                }
            }
            for (link, target) in [
                ("/dev/fd", "/proc/self/fd"),
                ("/dev/stdin", "/proc/self/fd/0"),
                ("/dev/stdout", "/proc/self/fd/1"),
                ("/dev/stderr", "/proc/self/fd/2"),
            ] {
                prepared
                    .symlinks
                    .push((cstr(target.as_bytes())?, at(link)?));
            }
        }
        Place::Join { pid } => {
            let ns = |name: &str| -> io::Result<OwnedFd> {
                let file = std::fs::File::open(format!("/proc/{pid}/ns/{name}"))?;
                Ok(OwnedFd::from(file))
            };
            prepared.join_mnt = Some(ns("mnt")?);
            for (name, flag) in [
                ("ipc", libc::CLONE_NEWIPC),
                ("uts", libc::CLONE_NEWUTS),
                ("net", libc::CLONE_NEWNET),
                ("cgroup", libc::CLONE_NEWCGROUP),
            ] {
                prepared.join_others.push((ns(name)?, flag));
            }
            prepared.join_root = Some(OwnedFd::from(std::fs::File::open(format!(
                "/proc/{pid}/root"
            ))?));
        }
    }
    Ok(prepared)
}

fn errno() -> i32 {
    io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

/// Reports the failed step to the parent and returns the error for std to pass on.
fn fail(status: RawFd, step: Step) -> io::Error {
    let code = errno();
    let mut record = [0u8; 5];
    record[0] = step as u8;
    record[1..].copy_from_slice(&code.to_ne_bytes());
    // SAFETY: writing a stack buffer to a pipe we own.
    unsafe { libc::write(status, record.as_ptr().cast(), record.len()) };
    io::Error::from_raw_os_error(code)
}

fn check(rc: libc::c_int, status: RawFd, step: Step) -> io::Result<()> {
    if rc < 0 {
        Err(fail(status, step))
    } else {
        Ok(())
    }
}

/// Brings `lo` up in the new network namespace.
fn loopback_up() -> libc::c_int {
    // SAFETY: a socket and two ioctls on a zeroed ifreq naming "lo".
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return -1;
        }
        let mut req: libc::ifreq = std::mem::zeroed();
        for (i, b) in b"lo".iter().enumerate() {
            req.ifr_name[i] = *b as libc::c_char;
        }
        let mut rc = libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut req);
        if rc >= 0 {
            req.ifr_ifru.ifru_flags |= (libc::IFF_UP | libc::IFF_RUNNING) as libc::c_short;
            rc = libc::ioctl(fd, libc::SIOCSIFFLAGS, &req);
        }
        libc::close(fd);
        rc
    }
}

/// The child's side, between fork and exec. Returns only on failure.
fn child(p: &Prepared, arrays: &ExecArrays) -> io::Result<()> {
    let status = p.status.as_raw_fd();
    // SAFETY (whole function): plain system calls on buffers prepared before the fork.
    unsafe {
        for procs in &p.cgroup_procs {
            let fd = libc::open(procs.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
            check(fd, status, Step::Cgroup)?;
            let rc = libc::write(fd, b"0".as_ptr().cast(), 1);
            libc::close(fd);
            check(rc as libc::c_int, status, Step::Cgroup)?;
        }
        if p.supervise_log.is_none() {
            // A plain child dies with the `sim` that started it (its pid namespace goes too).
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        }
        if let Some(root) = &p.new_root {
            let flags = libc::CLONE_NEWNS
                | libc::CLONE_NEWUTS
                | libc::CLONE_NEWIPC
                | libc::CLONE_NEWNET
                | libc::CLONE_NEWCGROUP;
            check(libc::unshare(flags), status, Step::Namespaces)?;
            if let Some(name) = &p.hostname {
                check(
                    libc::sethostname(name.as_ptr(), name.as_bytes().len()),
                    status,
                    Step::Hostname,
                )?;
            }
            check(loopback_up(), status, Step::Loopback)?;
            for m in &p.mounts {
                if m.touch {
                    let fd = libc::open(
                        m.target.as_ptr(),
                        libc::O_CREAT | libc::O_WRONLY | libc::O_CLOEXEC,
                        0o666,
                    );
                    if fd >= 0 {
                        libc::close(fd);
                    }
                }
                let rc = libc::mount(
                    m.source.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
                    m.target.as_ptr(),
                    m.fstype.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
                    m.flags,
                    m.data
                        .as_ref()
                        .map_or(std::ptr::null(), |s| s.as_ptr().cast()),
                );
                if rc < 0 && !m.optional {
                    return Err(fail(status, Step::Mounts));
                }
            }
            for (target, link) in &p.symlinks {
                libc::symlink(target.as_ptr(), link.as_ptr());
            }
            check(libc::chdir(root.as_ptr()), status, Step::PivotRoot)?;
            let dot = c".";
            check(
                libc::syscall(libc::SYS_pivot_root, dot.as_ptr(), dot.as_ptr()) as libc::c_int,
                status,
                Step::PivotRoot,
            )?;
            check(
                libc::umount2(dot.as_ptr(), libc::MNT_DETACH),
                status,
                Step::PivotRoot,
            )?;
        } else {
            if let Some(mnt) = &p.join_mnt {
                check(
                    libc::setns(mnt.as_raw_fd(), libc::CLONE_NEWNS),
                    status,
                    Step::Namespaces,
                )?;
            }
            for (fd, flag) in &p.join_others {
                check(libc::setns(fd.as_raw_fd(), *flag), status, Step::Namespaces)?;
            }
            if let Some(root) = &p.join_root {
                check(libc::fchdir(root.as_raw_fd()), status, Step::PivotRoot)?;
                check(libc::chroot(c".".as_ptr()), status, Step::PivotRoot)?;
            }
        }
        let slash = c"/";
        check(libc::chdir(slash.as_ptr()), status, Step::Workdir)?;
        // docker makes a missing working directory.
        for step in &p.workdir_steps {
            libc::mkdir(step.as_ptr(), 0o755);
        }
        let cwd: &CStr = p.workdir_steps.last().map_or(slash, |c| c.as_c_str());
        check(libc::chdir(cwd.as_ptr()), status, Step::Workdir)?;
        check(libc::setgroups(0, std::ptr::null()), status, Step::User)?;
        check(libc::setgid(p.gid), status, Step::User)?;
        check(libc::setuid(p.uid), status, Step::User)?;
        let mut last = libc::ENOENT;
        for candidate in &p.candidates {
            libc::execve(
                candidate.as_ptr(),
                arrays.argv.as_ptr(),
                arrays.envp.as_ptr(),
            );
            let e = errno();
            match e {
                libc::ENOENT | libc::ENOTDIR => {}
                libc::EACCES => last = libc::EACCES,
                other => {
                    last = other;
                    break;
                }
            }
        }
        *libc::__errno_location() = last;
        Err(fail(status, Step::Exec))
    }
}

fn realtime_ms() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime fills the timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut ts) };
    ts.tv_sec as u64 * 1000 + ts.tv_nsec as u64 / 1_000_000
}

/// Writes all of `bytes` to `fd`; false once the other end is gone.
fn write_all(fd: RawFd, mut bytes: &[u8]) -> bool {
    while !bytes.is_empty() {
        // SAFETY: writing a valid buffer.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if n < 0 {
            if errno() == libc::EINTR {
                continue;
            }
            return false;
        }
        bytes = &bytes[n as usize..];
    }
    true
}

/// The supervisor (a fork of `sim`, in the host's namespaces): forks the container's init into
/// a new pid namespace, relays its output as log records to the log file and to `sim` (fd 1,
/// while it reads), waits for it and records the exit. Never returns unless the fork fails.
fn supervisor(p: &Prepared, arrays: &ExecArrays, log: &CStr) -> io::Result<()> {
    let status = p.status.as_raw_fd();
    // SAFETY (whole function): system calls on stack buffers and fds; no allocation.
    unsafe {
        // Its own session: a terminal's signals for `sim` do not reach it; a closed pipe to a
        // `sim` that is gone is an error to ignore, not a signal.
        libc::setsid();
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        check(libc::unshare(libc::CLONE_NEWPID), status, Step::Namespaces)?;
        let mut out = [0; 2];
        let mut err = [0; 2];
        check(
            libc::pipe2(out.as_mut_ptr(), libc::O_CLOEXEC),
            status,
            Step::Namespaces,
        )?;
        check(
            libc::pipe2(err.as_mut_ptr(), libc::O_CLOEXEC),
            status,
            Step::Namespaces,
        )?;
        let log_fd = libc::open(
            log.as_ptr(),
            libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND | libc::O_CLOEXEC,
            0o600,
        );
        check(log_fd, status, Step::Namespaces)?;
        let pid = libc::fork();
        check(pid, status, Step::Namespaces)?;
        if pid == 0 {
            // The container's init: PID 1 of the new namespace.
            libc::dup2(out[1], 1);
            libc::dup2(err[1], 2);
            for fd in [out[0], out[1], err[0], err[1], log_fd] {
                libc::close(fd);
            }
            return child(p, arrays);
        }
        libc::close(out[1]);
        libc::close(err[1]);
        let mut record = [0u8; 5];
        record[0] = PID_RECORD;
        record[1..].copy_from_slice(&pid.to_ne_bytes());
        write_all(status, &record);
        // Everything else `sim` had open goes (std's exec-error pipe among them, so `sim`'s
        // spawn returns once the init has exec'd); fd 1 stays: the pipe to `sim`.
        let mut keep = [out[0], err[0], log_fd];
        keep.sort_unstable();
        let mut from = 3;
        for fd in keep {
            if fd > from {
                libc::syscall(
                    libc::SYS_close_range,
                    from as libc::c_uint,
                    (fd - 1) as libc::c_uint,
                    0,
                );
            }
            from = from.max(fd + 1);
        }
        libc::syscall(
            libc::SYS_close_range,
            from as libc::c_uint,
            libc::c_uint::MAX,
            0,
        );
        let mut to_sim = true;
        let mut fds = [
            libc::pollfd {
                fd: out[0],
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: err[0],
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        let mut buffer = [0u8; 16 * 1024];
        while fds.iter().any(|f| f.fd >= 0) {
            if libc::poll(fds.as_mut_ptr(), 2, -1) < 0 {
                if errno() == libc::EINTR {
                    continue;
                }
                break;
            }
            for (i, f) in fds.iter_mut().enumerate() {
                if f.fd < 0 || f.revents == 0 {
                    continue;
                }
                let n = libc::read(f.fd, buffer.as_mut_ptr().cast(), buffer.len());
                if n <= 0 {
                    if n < 0 && errno() == libc::EINTR {
                        continue;
                    }
                    libc::close(f.fd);
                    f.fd = -1;
                    continue;
                }
                let h = crate::supervise::header(
                    crate::supervise::OUTPUT,
                    i as u8 + 1,
                    n as u32,
                    realtime_ms(),
                );
                write_all(log_fd, &h);
                write_all(log_fd, &buffer[..n as usize]);
                if to_sim {
                    to_sim = write_all(1, &h) && write_all(1, &buffer[..n as usize]);
                }
            }
        }
        let mut wait_status = 0;
        while libc::waitpid(pid, &mut wait_status, 0) < 0 && errno() == libc::EINTR {}
        let h =
            crate::supervise::header(crate::supervise::EXIT, 0, wait_status as u32, realtime_ms());
        write_all(log_fd, &h);
        if to_sim {
            write_all(1, &h);
        }
        // After `sim` has heard: the log is for later invocations.
        libc::fsync(log_fd);
        libc::_exit(0);
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
            Some(log) => supervisor(&prepared, &arrays, log),
            None => child(&prepared, &arrays),
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
