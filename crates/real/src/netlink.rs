//! The few rtnetlink requests a container's network needs (a veth pair into a namespace, an
//! address, links up, a default route, deleting a link), sent on a NETLINK_ROUTE socket: a
//! run does not fork iproute2's `ip` three times (about 10 ms each).
//!
//! The messages come from the rust-netlink project's crates (`netlink-packet-route` for the
//! rtnetlink types, `netlink-packet-core` for the framing, `netlink-sys` for the socket), the
//! ones rtnetlink and most Rust network tools build on: byte layouts and uapi constants are
//! theirs to keep right, and the synchronous socket needs no async runtime.
//! Errors name what failed, as `ip` does (`veth vethab12cd34x9f: File exists`).

use netlink_packet_core::{
    NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL,
    NLM_F_REQUEST,
};
use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVeth, LinkAttribute, LinkFlags, LinkInfo, LinkMessage,
};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteFlags, RouteMessage, RouteProtocol, RouteScope, RouteType,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use netlink_sys::{protocols::NETLINK_ROUTE, SocketAddr};
use std::io;
use std::net::{IpAddr, Ipv4Addr};
use std::os::fd::RawFd;

/// `lo`'s index in every network namespace.
pub const LO_INDEX: i32 = 1;
/// The main routing table (`RT_TABLE_MAIN`).
const TABLE_MAIN: u8 = 254;

/// A NETLINK_ROUTE socket, bound to the network namespace it was opened in.
pub struct Socket(netlink_sys::Socket);

/// Adds `what` in front of an error, as `ip` names the object that failed.
fn naming(what: &str, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{what}: {e}"))
}

impl Socket {
    /// A socket in the calling thread's network namespace.
    pub fn open() -> io::Result<Socket> {
        netlink_sys::Socket::new(NETLINK_ROUTE).map(Socket)
    }

    /// Sends one request and waits for its acknowledgement (a NACK is its errno).
    fn request(&self, message: RouteNetlinkMessage, flags: u16) -> io::Result<()> {
        let mut header = NetlinkHeader::default();
        header.flags = flags | NLM_F_REQUEST | NLM_F_ACK;
        header.sequence_number = 1;
        let mut packet = NetlinkMessage::new(header, NetlinkPayload::InnerMessage(message));
        packet.finalize();
        let mut bytes = vec![0u8; packet.buffer_len()];
        packet.serialize(&mut bytes);
        self.0.send_to(&bytes, &SocketAddr::new(0, 0), 0)?;
        let mut reply = Vec::with_capacity(4096);
        loop {
            reply.clear();
            match self.0.recv(&mut reply, 0) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
                Ok(_) => {}
            }
            let parsed = NetlinkMessage::<RouteNetlinkMessage>::deserialize(&reply)
                .map_err(|e| io::Error::other(format!("bad netlink reply: {e}")))?;
            if let NetlinkPayload::Error(e) = parsed.payload {
                return match e.code {
                    None => Ok(()),
                    Some(_) => Err(e.to_io()),
                };
            }
        }
    }

    /// `ip link add HOST type veth peer name eth0 netns NS`, then HOST on `master` and up
    /// (eth0 is brought up from inside: an end cannot go up before the pair is complete).
    pub fn add_veth(&self, host: &str, master: u32, netns: RawFd) -> io::Result<()> {
        let mut peer = LinkMessage::default();
        peer.attributes = vec![
            LinkAttribute::IfName("eth0".into()),
            LinkAttribute::NetNsFd(netns),
        ];
        let mut pair = LinkMessage::default();
        pair.attributes = vec![
            LinkAttribute::IfName(host.into()),
            LinkAttribute::LinkInfo(vec![
                LinkInfo::Kind(InfoKind::Veth),
                LinkInfo::Data(InfoData::Veth(InfoVeth::Peer(peer))),
            ]),
        ];
        self.request(
            RouteNetlinkMessage::NewLink(pair),
            NLM_F_CREATE | NLM_F_EXCL,
        )
        .map_err(|e| naming(&format!("veth {host}"), e))?;
        // Then onto the bridge and up (`ip link set HOST master BRIDGE up`).
        let mut set = up(0);
        set.attributes = vec![
            LinkAttribute::IfName(host.into()),
            LinkAttribute::Controller(master),
        ];
        self.request(RouteNetlinkMessage::NewLink(set), 0)
            .map_err(|e| naming(&format!("link set {host} master {master} up"), e))
    }

    /// `ip link set INDEX up`.
    pub fn link_up(&self, index: i32) -> io::Result<()> {
        self.request(RouteNetlinkMessage::NewLink(up(index as u32)), 0)
            .map_err(|e| naming(&format!("link set {index} up"), e))
    }

    /// `ip addr add ADDRESS/PREFIX dev INDEX`.
    pub fn add_address(&self, index: i32, address: Ipv4Addr, prefix: u8) -> io::Result<()> {
        let mut m = AddressMessage::default();
        m.header.family = AddressFamily::Inet;
        m.header.prefix_len = prefix;
        m.header.index = index as u32;
        m.attributes = vec![
            AddressAttribute::Local(IpAddr::V4(address)),
            AddressAttribute::Address(IpAddr::V4(address)),
        ];
        self.request(
            RouteNetlinkMessage::NewAddress(m),
            NLM_F_CREATE | NLM_F_EXCL,
        )
        .map_err(|e| naming(&format!("address {address}/{prefix}"), e))
    }

    /// `ip route add default via GATEWAY dev INDEX onlink`.
    pub fn add_default_route(&self, index: i32, gateway: Ipv4Addr) -> io::Result<()> {
        let mut m = RouteMessage::default();
        m.header.address_family = AddressFamily::Inet;
        m.header.table = TABLE_MAIN;
        m.header.protocol = RouteProtocol::Boot;
        m.header.scope = RouteScope::Universe;
        m.header.kind = RouteType::Unicast;
        m.header.flags = RouteFlags::Onlink;
        m.attributes = vec![
            RouteAttribute::Gateway(RouteAddress::Inet(gateway)),
            RouteAttribute::Oif(index as u32),
        ];
        self.request(RouteNetlinkMessage::NewRoute(m), NLM_F_CREATE | NLM_F_EXCL)
            .map_err(|e| naming(&format!("default route via {gateway}"), e))
    }

    /// `ip link del NAME`.
    pub fn delete_link(&self, name: &str) -> io::Result<()> {
        let mut m = LinkMessage::default();
        m.attributes = vec![LinkAttribute::IfName(name.into())];
        self.request(RouteNetlinkMessage::DelLink(m), 0)
            .map_err(|e| naming(&format!("link del {name}"), e))
    }
}

/// A link message that sets only the up flag (the change mask limits it to that flag).
fn up(index: u32) -> LinkMessage {
    let mut m = LinkMessage::default();
    m.header.index = index;
    m.header.flags = LinkFlags::Up;
    m.header.change_mask = LinkFlags::Up;
    m
}

/// The index of interface `name` in this thread's network namespace.
pub fn index_of(name: &str) -> io::Result<u32> {
    let c =
        std::ffi::CString::new(name).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: a valid C string.
    match unsafe { nix::libc::if_nametoindex(c.as_ptr()) } {
        0 => Err(naming(name, io::Error::last_os_error())),
        i => Ok(i),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_names_its_object_and_keeps_the_errno() {
        // An interface that cannot exist (names have at most 15 bytes): no root needed.
        let e = index_of("no-such-interface-here").unwrap_err();
        assert_eq!(
            e.to_string(),
            "no-such-interface-here: No such device (os error 19)"
        );
    }
}
