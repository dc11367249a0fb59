//! The network as a process on a simulated host sees it: the other containers of that host,
//! by name, hostname, ID prefix or IP, with the servers their main processes run.

use super::host::SimHost;
use crate::fs::FsTree;
use crate::program::{NetError, Network, Remote};
use std::collections::BTreeMap;

pub(super) struct HostNetwork<'h> {
    pub host: &'h SimHost,
    /// The container the process runs in (not reachable by name from itself here: the program
    /// module handles `localhost` and its own hostname).
    pub caller: Option<String>,
    /// Files of containers a client wrote to, kept until the process ends; then the host takes
    /// them apart into those containers.
    pub opened: BTreeMap<String, (FsTree, Vec<(String, String)>)>,
}

impl Network for HostNetwork<'_> {
    fn connect(&mut self, host: &str, port: u16) -> Result<Remote<'_>, NetError> {
        let sim = self.host;
        let (id, _) = sim
            .containers
            .iter()
            .find(|(id, c)| {
                Some(id.as_str()) != self.caller.as_deref()
                    && (c.network.name == host
                        || c.network.hostname == host
                        || c.network.ip == host
                        || (host.len() >= 12 && id.starts_with(host)))
            })
            .ok_or(NetError::UnknownHost)?;
        let main = sim.main_of(id).ok_or(NetError::Refused)?;
        let kind = main
            .listening
            .iter()
            .find(|(p, _)| *p == port)
            .map(|(_, k)| k.clone())
            .ok_or(NetError::Refused)?;
        if !self.opened.contains_key(id) {
            let fs = sim.merged(id).ok_or(NetError::Refused)?;
            self.opened.insert(id.clone(), (fs, main.env.clone()));
        }
        let (fs, env) = self.opened.get_mut(id).ok_or(NetError::Refused)?;
        Ok(Remote { kind, env, fs })
    }

    /// A running container's address by name, hostname or IP (the caller's own included).
    fn address(&mut self, host: &str) -> Option<String> {
        self.host
            .containers
            .iter()
            .filter(|(id, _)| {
                Some(id.as_str()) == self.caller.as_deref() || self.host.main_of(id).is_some()
            })
            .map(|(_, c)| &c.network)
            .find(|n| n.name == host || n.hostname == host || n.ip == host)
            .map(|n| n.ip.clone())
            .filter(|ip| !ip.is_empty())
    }
}
