//! Reaching a server: this container's own (`localhost`, its hostname) or another one through
//! the World's [`Network`](super::Network).

use super::kernel::Kernel;
use super::{NetError, Remote};

/// Connects to `host:port` and runs `f` against the server found there.
pub fn with_server<R>(
    k: &mut Kernel,
    host: &str,
    port: u16,
    f: impl FnOnce(&mut Remote<'_>) -> R,
) -> Result<R, NetError> {
    if k.is_local_host(host) {
        let Some(kind) = k.local_server(port) else {
            let loopback = matches!(
                host,
                "localhost" | "127.0.0.1" | "::1" | "[::1]" | "0.0.0.0"
            );
            let mut remote = k.ctx.network.connect_published(port, loopback)?;
            return Ok(f(&mut remote));
        };
        let env = k.ctx.local_env;
        let mut remote = Remote {
            kind,
            env,
            fs: &mut *k.ctx.fs,
        };
        return Ok(f(&mut remote));
    }
    let mut remote = k.ctx.network.connect(host, port)?;
    Ok(f(&mut remote))
}

/// The address `host` resolves to, as clients print it.
pub fn address(k: &mut Kernel, host: &str) -> String {
    if matches!(host, "localhost" | "127.0.0.1") {
        return "127.0.0.1".into();
    }
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        return host.to_string();
    }
    match k.ctx.network.address(host) {
        Some(a) => a,
        None if host == k.ctx.hostname => "172.17.0.2".into(),
        None => host.to_string(),
    }
}
