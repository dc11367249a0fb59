//! The supervisor of a container's main process (see [`crate::supervise`] for its log).

use super::child::{check, child, errno};
use super::prepare::{ExecArrays, Prepared};
use super::relay::{self, Relay, MAX_LISTENERS};
use super::{Step, PID_RECORD};
use nix::libc;
use std::ffi::CStr;
use std::io;
use std::os::fd::{AsRawFd, RawFd};

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
pub(super) fn write_all(fd: RawFd, mut bytes: &[u8]) -> bool {
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
pub(super) fn supervisor(p: &Prepared, arrays: &ExecArrays, log: &CStr) -> io::Result<()> {
    let status = p.status.as_raw_fd();
    // SAFETY (whole function): system calls on stack buffers and fds; no allocation.
    unsafe {
        // Its own session: a terminal's signals for `sim` do not reach it; a closed pipe to a
        // `sim` that is gone is an error to ignore, not a signal.
        libc::setsid();
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        // `ps` shows what it is (its command line stays the `sim` it was forked from).
        libc::prctl(libc::PR_SET_NAME, c"sim-supervisor".as_ptr());
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
        // The published ports' listeners stay too: the relay below serves them.
        let mut keep = [-1; 3 + MAX_LISTENERS];
        keep[..3].copy_from_slice(&[out[0], err[0], log_fd]);
        let listeners = &p.forwards[..p.forwards.len().min(MAX_LISTENERS)];
        for (slot, (fd, _)) in keep[3..].iter_mut().zip(listeners) {
            *slot = *fd;
        }
        let keep = &mut keep[..3 + listeners.len()];
        keep.sort_unstable();
        let mut from = 3;
        for &mut fd in keep {
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
        let idle = libc::pollfd {
            fd: -1,
            events: libc::POLLIN,
            revents: 0,
        };
        // The container's stdout and stderr first, then the relay's listeners and connections.
        let mut fds = [idle; 2 + relay::SLOTS];
        fds[0].fd = out[0];
        fds[1].fd = err[0];
        let mut relay = Relay::new(listeners);
        let mut buffer = [0u8; 16 * 1024];
        // Until the init's output ends (it exited): the relay ends with it.
        while fds[..2].iter().any(|f| f.fd >= 0) {
            relay.fill(&mut fds[2..]);
            if libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, -1) < 0 {
                if errno() == libc::EINTR {
                    continue;
                }
                break;
            }
            relay.serve(&fds[2..], &mut buffer);
            for (i, f) in fds[..2].iter_mut().enumerate() {
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
        // No fsync: the log outlives processes in the page cache, and `sim` waits for this
        // exit before it reports the container's.
        libc::_exit(0);
    }
}
