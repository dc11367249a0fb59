//! `docker port`: a container's published ports.

use super::{Failure, Handled, Reply, World};
use crate::command::Invocation;

impl World {
    pub(crate) fn cmd_port(&mut self, inv: &Invocation) -> Handled {
        let id = self.find_container(&inv.args[0])?;
        let c = self.container(&id)?;
        let wanted = inv.args.get(1).map(|p| {
            if p.contains('/') {
                p.clone()
            } else {
                format!("{p}/tcp")
            }
        });
        let lines: Vec<String> = c
            .ports
            .iter()
            .filter(|p| {
                wanted
                    .as_ref()
                    .is_none_or(|w| *w == format!("{}/{}", p.container_port, p.proto))
            })
            .map(|p| {
                if wanted.is_some() {
                    format!("{}:{}\n", p.host_ip, p.host_port)
                } else {
                    format!(
                        "{}/{} -> {}:{}\n",
                        p.container_port, p.proto, p.host_ip, p.host_port
                    )
                }
            })
            .collect();
        if lines.is_empty() {
            if let Some(w) = wanted {
                return Err(Failure::new(
                    format!("Error: No public port '{w}' published for {}", inv.args[0]),
                    1,
                ));
            }
        }
        Ok(Reply::out(lines.concat()))
    }
}
