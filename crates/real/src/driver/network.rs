//! A container's network at start: its namespace on the bridge (see [`crate::net`]), or
//! loopback only where that cannot be made (said once, as a note).

use super::LinuxDriver;
use crate::net;
use std::os::fd::OwnedFd;
use std::sync::Arc;

impl LinuxDriver {
    /// The prepared network namespace for container `id` at the model's `address`.
    pub(super) fn container_network(&mut self, id: &str, address: &str) -> Option<Arc<OwnedFd>> {
        if address.is_empty() {
            return None;
        }
        let names = net::Names::of(&self.group_prefix, id);
        let made = match net::unavailable() {
            Some(reason) => Err(reason),
            None => net::attach(&names, address).map_err(|e| e.to_string()),
        };
        match made {
            Ok(ns) => Some(Arc::new(ns)),
            Err(reason) => {
                self.notes.push(format!(
                    "no bridge network for this container ({reason}): it has loopback only"
                ));
                None
            }
        }
    }
}
