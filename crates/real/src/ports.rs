//! Published ports (`-p 8080:80`), as docker's userland proxy publishes them: `sim` binds each
//! host port before the container starts (a port some program on the machine holds fails with
//! docker's words), and the container's supervisor relays every connection to the
//! container's address on `simbr0` (see `spawn/relay.rs`) for as long as the container runs.
//!
//! Why not DNAT (nft and iptables are both installed here): a rule reserves nothing (a busy
//! port would go unnoticed), must be removed by whoever notices the container's end (a
//! detached container may end while no `sim` runs), and 127.0.0.1 needs route_localnet and
//! masquerading besides. A listener held by the supervisor goes with it, with nothing to undo.

use sim_core::PortBinding;
use std::io;
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener};

/// A bound host port and the container address it relays to.
pub struct Published {
    pub listener: TcpListener,
    pub to: SocketAddrV4,
}

/// Binds the container's TCP host ports. `name` and `id` are the container's, for docker's
/// message when a port cannot be bound. The relay is TCP over IPv4 only: a UDP or SCTP port,
/// or an IPv6 host address, is refused with a message saying so (the container would show
/// the port as published while nothing answers on it).
pub fn bind(
    name: &str,
    id: &str,
    container_ip: &str,
    bindings: &[PortBinding],
) -> Result<Vec<Published>, String> {
    if let Some(b) = bindings.iter().find(|b| !relayable(b)) {
        let proto = if b.proto.is_empty() { "tcp" } else { &b.proto };
        let host = if b.host_ip.contains(':') {
            format!("[{}]:", b.host_ip)
        } else if b.host_ip.is_empty() {
            String::new()
        } else {
            format!("{}:", b.host_ip)
        };
        return Err(format!(
            "sim --real publishes TCP ports on IPv4 addresses only, not -p {host}{}:{}/{proto}: publish it over TCP, or run the container without --real",
            b.host_port, b.container_port
        ));
    }
    let tcp: Vec<&PortBinding> = bindings.iter().collect();
    if tcp.is_empty() {
        return Ok(Vec::new());
    }
    let ip: Ipv4Addr = container_ip.parse().map_err(|_| {
        format!("cannot publish ports of {name}: it has no address on the bridge (ports need it)")
    })?;
    if tcp.len() > crate::spawn::MAX_LISTENERS {
        return Err(format!(
            "sim --real publishes at most {} ports per container",
            crate::spawn::MAX_LISTENERS
        ));
    }
    let mut out = Vec::new();
    for b in tcp {
        let host_ip = if b.host_ip.is_empty() {
            "0.0.0.0"
        } else {
            &b.host_ip
        };
        let host: Ipv4Addr = host_ip.parse().map_err(|_| {
            format!("cannot publish ports of {name}: {host_ip} is not an IPv4 address")
        })?;
        let listener = TcpListener::bind(SocketAddrV4::new(host, b.host_port))
            .map_err(|e| refusal(name, id, host_ip, b.host_port, &e))?;
        out.push(Published {
            listener,
            to: SocketAddrV4::new(ip, b.container_port),
        });
    }
    Ok(out)
}

/// What the relay can publish: TCP to an IPv4 (or any) host address.
fn relayable(b: &PortBinding) -> bool {
    (b.proto.is_empty() || b.proto == "tcp")
        && (b.host_ip.is_empty() || b.host_ip.parse::<Ipv4Addr>().is_ok())
}

/// docker's message for a host port it could not listen on.
fn refusal(name: &str, id: &str, host_ip: &str, port: u16, e: &io::Error) -> String {
    let why = match e.kind() {
        io::ErrorKind::AddrInUse => "address already in use".to_string(),
        io::ErrorKind::AddrNotAvailable => "cannot assign requested address".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    };
    format!(
        "driver failed programming external connectivity on endpoint {name} ({id}): Error starting userland proxy: listen tcp4 {host_ip}:{port}: bind: {why}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding(port: u16, container_port: u16) -> PortBinding {
        PortBinding {
            host_ip: "127.0.0.1".into(),
            host_port: port,
            container_port,
            proto: "tcp".into(),
        }
    }

    #[test]
    fn a_port_another_program_holds_is_refused_in_dockers_words() {
        let holder = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = holder.local_addr().unwrap().port();
        let err = bind("web", "abc", "172.17.0.2", &[binding(port, 80)])
            .err()
            .expect("the port is taken");
        assert_eq!(
            err,
            format!("driver failed programming external connectivity on endpoint web (abc): Error starting userland proxy: listen tcp4 127.0.0.1:{port}: bind: address already in use")
        );
        drop(holder);
        let published = bind("web", "abc", "172.17.0.2", &[binding(port, 80)]).unwrap();
        assert_eq!(published.len(), 1);
        assert_eq!(published[0].to, "172.17.0.2:80".parse().unwrap());
        assert_eq!(published[0].listener.local_addr().unwrap().port(), port);
    }

    #[test]
    fn what_the_relay_cannot_carry_is_refused_naming_the_binding() {
        let mut udp = binding(5353, 53);
        udp.proto = "udp".into();
        let err = bind("dns", "abc", "172.17.0.2", &[binding(0, 80), udp])
            .err()
            .expect("udp is refused");
        assert!(err.contains("not -p 127.0.0.1:5353:53/udp"), "{err}");
        let mut v6 = binding(8080, 80);
        v6.host_ip = "::1".into();
        let err = bind("web", "abc", "172.17.0.2", &[v6])
            .err()
            .expect("v6 is refused");
        assert!(err.contains("not -p [::1]:8080:80/tcp"), "{err}");
    }
}
