//! Everything a child needs, prepared before the fork: C strings, the mount calls of a new
//! container's root, namespace fds to join, exec candidates along `$PATH`.

use super::{Place, Plan};
use nix::libc;
use std::ffi::CString;
use std::io;
use std::net::SocketAddrV4;
use std::os::fd::{OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

pub(super) fn cstr(bytes: &[u8]) -> io::Result<CString> {
    CString::new(bytes).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
}

pub(super) fn cpath(path: &Path) -> io::Result<CString> {
    cstr(path.as_os_str().as_bytes())
}

/// One mount(2) call, prepared.
pub(super) struct MountCall {
    pub(super) source: Option<CString>,
    pub(super) target: CString,
    pub(super) fstype: Option<CString>,
    pub(super) flags: libc::c_ulong,
    pub(super) data: Option<CString>,
    /// A failure is ignored (sysfs, a device the host lacks).
    pub(super) optional: bool,
    /// Create this empty file first (a device bind target on the /dev tmpfs).
    pub(super) touch: bool,
}

/// Everything the child needs, allocated before the fork.
pub(super) struct Prepared {
    pub(super) cgroup_procs: Vec<CString>,
    pub(super) hostname: Option<CString>,
    pub(super) new_root: Option<CString>,
    pub(super) mounts: Vec<MountCall>,
    pub(super) symlinks: Vec<(CString, CString)>,
    pub(super) join_mnt: Option<OwnedFd>,
    pub(super) join_others: Vec<(OwnedFd, libc::c_int)>,
    pub(super) join_root: Option<OwnedFd>,
    /// A new container's prepared network namespace.
    pub(super) join_net: Option<OwnedFd>,
    pub(super) workdir_steps: Vec<CString>,
    pub(super) uid: u32,
    pub(super) gid: u32,
    pub(super) candidates: Vec<CString>,
    pub(super) argv: Vec<CString>,
    pub(super) envp: Vec<CString>,
    pub(super) status: OwnedFd,
    pub(super) supervise_log: Option<CString>,
    /// Published ports: a listening socket and the container's address to relay it to.
    pub(super) forwards: Vec<(RawFd, libc::sockaddr_in)>,
}

/// Raw pointer arrays for execve, kept beside the strings they point into.
pub(super) struct ExecArrays {
    pub(super) argv: Vec<*const libc::c_char>,
    pub(super) envp: Vec<*const libc::c_char>,
}

// SAFETY: the arrays point into CStrings owned by the same closure, used only in the child.
unsafe impl Send for ExecArrays {}
unsafe impl Sync for ExecArrays {}

pub(super) const DEVICES: [&str; 6] = ["null", "zero", "full", "random", "urandom", "tty"];

fn sockaddr(to: &SocketAddrV4) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: to.port().to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(*to.ip()).to_be(),
        },
        sin_zero: [0; 8],
    }
}

pub(super) fn prepare(plan: &Plan, status: OwnedFd) -> io::Result<Prepared> {
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
        join_net: None,
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
        forwards: plan
            .forwards
            .iter()
            .map(|(fd, to)| (*fd, sockaddr(to)))
            .collect(),
    };
    match &plan.place {
        Place::New {
            rootfs,
            overlay,
            hostname,
            binds,
            read_only,
            netns,
        } => {
            if let Some(ns) = netns {
                prepared.join_net = Some(ns.try_clone()?);
            }
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
            if *read_only {
                // Only this mount point turns read-only: /proc, /dev and volumes mounted on
                // it afterwards keep their own flags, as with docker's --read-only.
                m.push(call(
                    None,
                    cpath(rootfs)?,
                    None,
                    libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY,
                    None,
                )?);
            }
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
