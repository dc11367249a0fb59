//! The supervisor's TCP relay for published ports (`-p`): it accepts on the host ports `sim`
//! bound (see [`crate::ports`]) and copies bytes both ways to the container's address, as
//! docker's userland proxy does. It runs in the supervisor (a fork of a threaded `sim`), so it
//! allocates nothing: fixed tables on the stack, plain system calls.

use super::child::errno;
use nix::libc;
use std::os::fd::RawFd;

/// At most this many published ports per container (checked when they are bound).
pub const MAX_LISTENERS: usize = 16;
/// Connections relayed at once; a further one is closed right away.
const MAX_CONNS: usize = 32;
/// pollfd slots the relay uses after the supervisor's own.
pub(super) const SLOTS: usize = MAX_LISTENERS + 2 * MAX_CONNS;

/// One relayed connection: the client's socket and the one to the container. `open[i]`:
/// bytes may still come from `fds[i]`.
#[derive(Clone, Copy)]
struct Conn {
    fds: [RawFd; 2],
    open: [bool; 2],
}

pub(super) struct Relay<'a> {
    listeners: &'a [(RawFd, libc::sockaddr_in)],
    conns: [Option<Conn>; MAX_CONNS],
}

impl<'a> Relay<'a> {
    pub(super) fn new(listeners: &'a [(RawFd, libc::sockaddr_in)]) -> Relay<'a> {
        let n = listeners.len().min(MAX_LISTENERS);
        Relay {
            listeners: &listeners[..n],
            conns: [None; MAX_CONNS],
        }
    }

    /// Fills the relay's pollfd slots (an unused slot has fd -1, which poll skips).
    pub(super) fn fill(&self, slots: &mut [libc::pollfd]) {
        for slot in slots.iter_mut() {
            *slot = libc::pollfd {
                fd: -1,
                events: libc::POLLIN,
                revents: 0,
            };
        }
        for (slot, (fd, _)) in slots.iter_mut().zip(self.listeners) {
            slot.fd = *fd;
        }
        for (i, conn) in self.conns.iter().enumerate() {
            let Some(conn) = conn else { continue };
            for side in 0..2 {
                if conn.open[side] {
                    slots[MAX_LISTENERS + 2 * i + side].fd = conn.fds[side];
                }
            }
        }
    }

    /// Serves what poll found ready in the slots [`Relay::fill`] filled.
    pub(super) fn serve(&mut self, slots: &[libc::pollfd], buffer: &mut [u8]) {
        for (i, slot) in slots.iter().take(self.listeners.len()).enumerate() {
            if slot.fd >= 0 && slot.revents != 0 {
                self.accept(i);
            }
        }
        for i in 0..MAX_CONNS {
            for side in 0..2 {
                let slot = &slots[MAX_LISTENERS + 2 * i + side];
                if slot.fd >= 0 && slot.revents != 0 {
                    self.pass(i, side, buffer);
                }
            }
        }
    }

    fn accept(&mut self, listener: usize) {
        let (fd, to) = self.listeners[listener];
        // SAFETY: system calls on our own fds and a sockaddr prepared before the fork.
        unsafe {
            let client = libc::accept4(
                fd,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                libc::SOCK_CLOEXEC,
            );
            if client < 0 {
                return;
            }
            let Some(free) = self.conns.iter().position(Option::is_none) else {
                libc::close(client);
                return;
            };
            let upstream = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
            if upstream < 0 {
                libc::close(client);
                return;
            }
            let mut rc;
            loop {
                rc = libc::connect(
                    upstream,
                    (&to as *const libc::sockaddr_in).cast(),
                    std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
                );
                if rc == 0 || errno() != libc::EINTR {
                    break;
                }
            }
            if rc < 0 {
                // Nothing listens in the container: the client sees its connection closed.
                libc::close(upstream);
                libc::close(client);
                return;
            }
            self.conns[free] = Some(Conn {
                fds: [client, upstream],
                open: [true, true],
            });
        }
    }

    /// Copies what side `side` of connection `i` sent to the other side; at its end, half
    /// closes the other side (a client that shut its writing still gets the answer).
    fn pass(&mut self, i: usize, side: usize, buffer: &mut [u8]) {
        let Some(mut conn) = self.conns[i] else {
            return;
        };
        let (from, to) = (conn.fds[side], conn.fds[1 - side]);
        // SAFETY: reading into a valid buffer, writing from it, on our own fds.
        let n = unsafe { libc::read(from, buffer.as_mut_ptr().cast(), buffer.len()) };
        if n < 0 && (errno() == libc::EINTR || errno() == libc::EAGAIN) {
            return;
        }
        if n > 0 && super::supervisor::write_all(to, &buffer[..n as usize]) {
            return;
        }
        if n == 0 {
            // SAFETY: shutdown on our own socket.
            unsafe { libc::shutdown(to, libc::SHUT_WR) };
            conn.open[side] = false;
            if conn.open[1 - side] {
                self.conns[i] = Some(conn);
                return;
            }
        }
        // Both directions done, or an error: the connection goes.
        // SAFETY: closing our own fds once (the slot is emptied).
        unsafe {
            libc::close(conn.fds[0]);
            libc::close(conn.fds[1]);
        }
        self.conns[i] = None;
    }
}
