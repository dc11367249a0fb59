//! What a browser on a host would see at `http://localhost:PORT/PATH`: a pure read of the
//! model (no effect, no event, no time), for the fronts' preview pane. It answers as the host
//! programs do (see `driver/sim/network.rs`): the running container that publishes the port,
//! the server it runs there, the files it serves now.

use super::container::Container;
use super::engine::Engine;
use super::storage::container_fs_in;
use super::World;
use crate::program::servers::http::serve;
use crate::program::ServerKind;

/// A published port of a host, for choosing what to preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedPort {
    pub host_port: u16,
    /// The container publishing it, by name.
    pub container: String,
    pub container_port: u16,
}

/// What `GET http://localhost:PORT/PATH` got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreviewResponse {
    /// An HTTP server answered (any status).
    Http {
        status: u16,
        reason: String,
        content_type: String,
        body: Vec<u8>,
        /// The container that answered, by name.
        container: String,
    },
    /// No HTTP answer; the message is curl's (`curl: (7) Failed to connect ...`).
    Failed { message: String },
}

impl PreviewResponse {
    /// The body as text (HTML or plain), or the failure's message.
    pub fn text(&self) -> String {
        match self {
            PreviewResponse::Http { body, .. } => String::from_utf8_lossy(body).into_owned(),
            PreviewResponse::Failed { message } => message.clone(),
        }
    }
}

/// The binding of a running container of `engine` that answers `port` on the loopback address.
fn publisher(engine: &Engine, port: u16) -> Option<(&Container, u16)> {
    engine.containers.values().find_map(|c| {
        if !c.is_running() {
            return None;
        }
        let binding = c.ports.iter().find(|b| {
            b.host_port == port
                && b.proto == "tcp"
                && (matches!(b.host_ip.as_str(), "0.0.0.0" | "" | "::")
                    || b.host_ip.starts_with("127."))
        })?;
        Some((c, binding.container_port))
    })
}

impl World {
    fn engine_of(&self, host: &str) -> Option<&Engine> {
        if host == self.host_name {
            Some(&self.engine)
        } else {
            self.parked.get(host).map(|e| &**e)
        }
    }

    /// The TCP ports running containers of `host` publish, lowest first.
    pub fn published_ports(&self, host: &str) -> Vec<PublishedPort> {
        let Some(engine) = self.engine_of(host) else {
            return Vec::new();
        };
        let mut out: Vec<PublishedPort> = engine
            .containers
            .values()
            .filter(|c| c.is_running())
            .flat_map(|c| {
                c.ports
                    .iter()
                    .filter(|b| b.proto == "tcp")
                    .map(|b| PublishedPort {
                        host_port: b.host_port,
                        container: c.name.clone(),
                        container_port: b.container_port,
                    })
            })
            .collect();
        crate::order::sort_by_key(&mut out, |p| p.host_port);
        out.dedup_by_key(|p| p.host_port);
        out
    }

    /// `GET http://localhost:PORT/PATH` on `host`, answered from the model as it is now,
    /// without changing it. Never panics: an unknown host or port is a failed connection.
    pub fn preview_http(&self, host: &str, port: u16, path: &str) -> PreviewResponse {
        let refused = || {
            PreviewResponse::Failed {
            message: format!(
                "curl: (7) Failed to connect to localhost port {port} after 0 ms: Couldn't connect to server"
            ),
        }
        };
        let Some(engine) = self.engine_of(host) else {
            return refused();
        };
        let Some((c, container_port)) = publisher(engine, port) else {
            return refused();
        };
        answer(engine, c, container_port, path)
    }

    /// `GET http://IP:PORT/PATH` to the container `id` of `host` (the kubelet's httpGet probe
    /// to its pod's IP), answered from the model as it is now.
    pub fn container_http(&self, host: &str, id: &str, port: u16, path: &str) -> PreviewResponse {
        let c = self
            .engine_of(host)
            .and_then(|e| Some((e, e.containers.get(id).filter(|c| c.is_running())?)));
        match c {
            Some((engine, c)) => answer(engine, c, port, path),
            None => PreviewResponse::Failed {
                message: format!("dial tcp :{port}: connect: connection refused"),
            },
        }
    }
}

/// What the server `c` runs on `container_port` answers to `GET path`.
fn answer(engine: &Engine, c: &Container, container_port: u16, path: &str) -> PreviewResponse {
    let kind = c
        .listening
        .iter()
        .find(|(p, _)| *p == container_port)
        .map(|(_, k)| k);
    match kind {
        None => PreviewResponse::Failed {
            message: "curl: (56) Recv failure: Connection reset by peer".into(),
        },
        Some(ServerKind::Http { docroot }) => {
            let path = if path.starts_with('/') {
                path.to_string()
            } else {
                format!("/{path}")
            };
            let r = serve(&container_fs_in(engine, c), docroot, &path);
            PreviewResponse::Http {
                status: r.status,
                reason: r.reason.to_string(),
                content_type: r.content_type.to_string(),
                body: r.body,
                container: c.name.clone(),
            }
        }
        Some(_) => PreviewResponse::Failed {
            message: "curl: (1) Received HTTP/0.9 when not allowed".into(),
        },
    }
}
