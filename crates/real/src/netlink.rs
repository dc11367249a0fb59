//! The few rtnetlink requests a container's network needs (a veth pair into a namespace, an
//! address, links up, a default route, deleting a link), sent on a NETLINK_ROUTE socket: a
//! run no longer forks iproute2's `ip` three times (about 10 ms each). Messages are built by
//! hand (headers and attributes as the kernel's uapi lays them out): no new dependency.

use nix::libc;
use std::io;
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

const NLMSG_ERROR: u16 = 2;
const RTM_NEWLINK: u16 = 16;
const RTM_DELLINK: u16 = 17;
const RTM_NEWADDR: u16 = 20;
const RTM_NEWROUTE: u16 = 24;
const NLM_F_REQUEST: u16 = 1;
const NLM_F_ACK: u16 = 4;
const NLM_F_EXCL: u16 = 0x200;
const NLM_F_CREATE: u16 = 0x400;
const IFLA_IFNAME: u16 = 3;
const IFLA_MASTER: u16 = 10;
const IFLA_LINKINFO: u16 = 18;
const IFLA_NET_NS_FD: u16 = 28;
const IFLA_INFO_KIND: u16 = 1;
const IFLA_INFO_DATA: u16 = 2;
const VETH_INFO_PEER: u16 = 1;
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const RTA_OIF: u16 = 4;
const RTA_GATEWAY: u16 = 5;
const RT_TABLE_MAIN: u8 = 254;
const RTPROT_BOOT: u8 = 3;
const RTN_UNICAST: u8 = 1;
const RTNH_F_ONLINK: u32 = 4;
const IFF_UP: u32 = 1;

/// `lo`'s index in every network namespace.
pub const LO_INDEX: i32 = 1;

/// One request being built: the 16-byte header, a fixed message, attributes.
struct Message {
    bytes: Vec<u8>,
    /// Starts of the nested attributes still open.
    open: Vec<usize>,
}

impl Message {
    fn new(kind: u16, flags: u16, fixed: &[u8]) -> Message {
        let mut bytes = Vec::with_capacity(256);
        bytes.extend_from_slice(&0u32.to_ne_bytes()); // length, set in `finish`
        bytes.extend_from_slice(&kind.to_ne_bytes());
        bytes.extend_from_slice(&(flags | NLM_F_REQUEST | NLM_F_ACK).to_ne_bytes());
        bytes.extend_from_slice(&1u32.to_ne_bytes()); // sequence
        bytes.extend_from_slice(&0u32.to_ne_bytes()); // port: the kernel's
        bytes.extend_from_slice(fixed);
        Message {
            bytes,
            open: Vec::new(),
        }
    }

    fn pad(&mut self) {
        while !self.bytes.len().is_multiple_of(4) {
            self.bytes.push(0);
        }
    }

    fn attr(&mut self, kind: u16, data: &[u8]) -> &mut Message {
        self.pad();
        self.bytes
            .extend_from_slice(&((4 + data.len()) as u16).to_ne_bytes());
        self.bytes.extend_from_slice(&kind.to_ne_bytes());
        self.bytes.extend_from_slice(data);
        self
    }

    /// A name attribute (NUL-terminated).
    fn name(&mut self, kind: u16, name: &str) -> &mut Message {
        let mut data = name.as_bytes().to_vec();
        data.push(0);
        self.attr(kind, &data)
    }

    fn nest(&mut self, kind: u16) -> &mut Message {
        self.pad();
        self.open.push(self.bytes.len());
        self.attr(kind, &[])
    }

    /// Raw bytes inside the open nest (a peer's ifinfomsg).
    fn raw(&mut self, data: &[u8]) -> &mut Message {
        self.bytes.extend_from_slice(data);
        self
    }

    fn end(&mut self) -> &mut Message {
        if let Some(start) = self.open.pop() {
            self.pad();
            let len = (self.bytes.len() - start) as u16;
            self.bytes[start..start + 2].copy_from_slice(&len.to_ne_bytes());
        }
        self
    }

    fn finish(&mut self) -> &[u8] {
        self.pad();
        let len = self.bytes.len() as u32;
        self.bytes[..4].copy_from_slice(&len.to_ne_bytes());
        &self.bytes
    }
}

fn ifinfomsg(index: i32, flags: u32) -> [u8; 16] {
    let mut m = [0u8; 16];
    m[4..8].copy_from_slice(&index.to_ne_bytes());
    m[8..12].copy_from_slice(&flags.to_ne_bytes());
    // ifi_change: only the flags asked for.
    m[12..16].copy_from_slice(&flags.to_ne_bytes());
    m
}

/// A NETLINK_ROUTE socket, bound to the network namespace it was opened in.
pub struct Socket(OwnedFd);

impl Socket {
    /// A socket in the calling thread's network namespace.
    pub fn open() -> io::Result<Socket> {
        // SAFETY: socket(2) returns a new fd we then own.
        let fd = unsafe {
            libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                libc::NETLINK_ROUTE,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fd is a new, valid descriptor.
        Ok(Socket(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    /// Sends one request and waits for its acknowledgement.
    fn request(&self, message: &mut Message) -> io::Result<()> {
        let bytes = message.finish();
        // SAFETY: a zeroed sockaddr_nl is valid; port 0 is the kernel.
        let mut kernel: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        kernel.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        // SAFETY: sending a valid buffer on our socket to a valid address.
        let sent = unsafe {
            libc::sendto(
                self.0.as_raw_fd(),
                bytes.as_ptr().cast(),
                bytes.len(),
                0,
                (&kernel as *const libc::sockaddr_nl).cast(),
                std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if sent < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut reply = [0u8; 4096];
        loop {
            // SAFETY: receiving into a valid buffer.
            let n = unsafe {
                libc::recv(
                    self.0.as_raw_fd(),
                    reply.as_mut_ptr().cast(),
                    reply.len(),
                    0,
                )
            };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            let n = n as usize;
            if n >= 20 && u16::from_ne_bytes([reply[4], reply[5]]) == NLMSG_ERROR {
                let errno = i32::from_ne_bytes([reply[16], reply[17], reply[18], reply[19]]);
                return if errno == 0 {
                    Ok(())
                } else {
                    Err(io::Error::from_raw_os_error(-errno))
                };
            }
            if n < 16 {
                return Err(io::Error::other("short netlink reply"));
            }
        }
    }

    /// `ip link add HOST type veth peer name eth0 netns NS`, then HOST on `master` and up
    /// (eth0 is brought up from inside: an end cannot go up before the pair is complete).
    pub fn add_veth(&self, host: &str, master: u32, netns: RawFd) -> io::Result<()> {
        let mut m = Message::new(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifinfomsg(0, 0));
        m.name(IFLA_IFNAME, host)
            .nest(IFLA_LINKINFO)
            .name(IFLA_INFO_KIND, "veth")
            .nest(IFLA_INFO_DATA)
            .nest(VETH_INFO_PEER)
            .raw(&ifinfomsg(0, 0))
            .name(IFLA_IFNAME, "eth0")
            .attr(IFLA_NET_NS_FD, &netns.to_ne_bytes())
            .end()
            .end()
            .end();
        self.request(&mut m)?;
        // Then onto the bridge and up (`ip link set HOST master BRIDGE up`).
        let mut m = Message::new(RTM_NEWLINK, 0, &ifinfomsg(0, IFF_UP));
        m.name(IFLA_IFNAME, host)
            .attr(IFLA_MASTER, &master.to_ne_bytes());
        self.request(&mut m)
    }

    /// `ip link set INDEX up`.
    pub fn link_up(&self, index: i32) -> io::Result<()> {
        self.request(&mut Message::new(RTM_NEWLINK, 0, &ifinfomsg(index, IFF_UP)))
    }

    /// `ip addr add ADDRESS/PREFIX dev INDEX`.
    pub fn add_address(&self, index: i32, address: Ipv4Addr, prefix: u8) -> io::Result<()> {
        let mut fixed = [0u8; 8];
        fixed[0] = libc::AF_INET as u8;
        fixed[1] = prefix;
        fixed[4..8].copy_from_slice(&(index as u32).to_ne_bytes());
        let mut m = Message::new(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &fixed);
        m.attr(IFA_LOCAL, &address.octets())
            .attr(IFA_ADDRESS, &address.octets());
        self.request(&mut m)
    }

    /// `ip route add default via GATEWAY dev INDEX onlink`.
    pub fn add_default_route(&self, index: i32, gateway: Ipv4Addr) -> io::Result<()> {
        let mut fixed = [0u8; 12];
        fixed[0] = libc::AF_INET as u8;
        fixed[4] = RT_TABLE_MAIN;
        fixed[5] = RTPROT_BOOT;
        fixed[6] = libc::RT_SCOPE_UNIVERSE;
        fixed[7] = RTN_UNICAST;
        fixed[8..12].copy_from_slice(&RTNH_F_ONLINK.to_ne_bytes());
        let mut m = Message::new(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &fixed);
        m.attr(RTA_GATEWAY, &gateway.octets())
            .attr(RTA_OIF, &(index as u32).to_ne_bytes());
        self.request(&mut m)
    }

    /// `ip link del NAME`.
    pub fn delete_link(&self, name: &str) -> io::Result<()> {
        let mut m = Message::new(RTM_DELLINK, 0, &ifinfomsg(0, 0));
        m.name(IFLA_IFNAME, name);
        self.request(&mut m)
    }
}

/// The index of interface `name` in this thread's network namespace.
pub fn index_of(name: &str) -> io::Result<u32> {
    let c =
        std::ffi::CString::new(name).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: a valid C string.
    match unsafe { libc::if_nametoindex(c.as_ptr()) } {
        0 => Err(io::Error::last_os_error()),
        i => Ok(i),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_padded_and_nests_span_their_contents() {
        let mut m = Message::new(RTM_NEWLINK, 0, &ifinfomsg(0, 0));
        m.nest(IFLA_LINKINFO).name(IFLA_INFO_KIND, "veth").end();
        let bytes = m.finish().to_vec();
        // header 16 + ifinfomsg 16 + nest header 4 + (4 + "veth\0" 5, padded to 12)
        assert_eq!(bytes.len(), 16 + 16 + 4 + 12);
        assert_eq!(u32::from_ne_bytes(bytes[..4].try_into().unwrap()), 48);
        assert_eq!(u16::from_ne_bytes([bytes[32], bytes[33]]), 16);
        assert_eq!(&bytes[40..45], b"veth\0");
    }
}
