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
/// message when a port cannot be bound. UDP and IPv6 bindings are not published here.
pub fn bind(
    name: &str,
    id: &str,
    container_ip: &str,
    bindings: &[PortBinding],
) -> Result<Vec<Published>, String> {
    let tcp: Vec<&PortBinding> = bindings
        .iter()
        .filter(|b| b.proto.is_empty() || b.proto == "tcp")
        .collect();
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
        let Ok(host): Result<Ipv4Addr, _> = host_ip.parse() else {
            continue;
        };
        let listener = TcpListener::bind(SocketAddrV4::new(host, b.host_port))
            .map_err(|e| refusal(name, id, host_ip, b.host_port, &e))?;
        out.push(Published {
            listener,
            to: SocketAddrV4::new(ip, b.container_port),
        });
    }
    Ok(out)
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
    fn udp_is_not_published_and_needs_no_address() {
        let mut udp = binding(5353, 53);
        udp.proto = "udp".into();
        assert!(bind("dns", "abc", "", &[udp]).unwrap().is_empty());
    }
}
