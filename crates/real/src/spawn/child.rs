//! The child's side between fork and exec: cgroup, namespaces, hostname, loopback, mounts,
//! `pivot_root`, working directory, user, exec. Plain system calls on prepared buffers only.

use super::prepare::{ExecArrays, Prepared};
use super::Step;
use nix::libc;
use std::ffi::CStr;
use std::io;
use std::os::fd::{AsRawFd, RawFd};

pub(super) fn errno() -> i32 {
    io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

/// Reports the failed step to the parent and returns the error for std to pass on.
pub(super) fn fail(status: RawFd, step: Step) -> io::Error {
    let code = errno();
    let mut record = [0u8; 5];
    record[0] = step as u8;
    record[1..].copy_from_slice(&code.to_ne_bytes());
    // SAFETY: writing a stack buffer to a pipe we own.
    unsafe { libc::write(status, record.as_ptr().cast(), record.len()) };
    io::Error::from_raw_os_error(code)
}

pub(super) fn check(rc: libc::c_int, status: RawFd, step: Step) -> io::Result<()> {
    if rc < 0 {
        Err(fail(status, step))
    } else {
        Ok(())
    }
}

/// Brings `lo` up in the new network namespace.
pub(super) fn loopback_up() -> libc::c_int {
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
pub(super) fn child(p: &Prepared, arrays: &ExecArrays) -> io::Result<()> {
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
            let mut flags =
                libc::CLONE_NEWNS | libc::CLONE_NEWUTS | libc::CLONE_NEWIPC | libc::CLONE_NEWCGROUP;
            match &p.join_net {
                Some(net) => check(
                    libc::setns(net.as_raw_fd(), libc::CLONE_NEWNET),
                    status,
                    Step::Namespaces,
                )?,
                None => flags |= libc::CLONE_NEWNET,
            }
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
        // The primary group is the one supplementary group (as `id` shows in docker).
        let groups = [p.gid as libc::gid_t];
        check(libc::setgroups(1, groups.as_ptr()), status, Step::User)?;
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
