//! The network as a process on a simulated host sees it: the other containers of that host,
//! by name, hostname, ID prefix or IP, with the servers their main processes run; for a
//! process on the host itself, the ports its containers publish; and, as a cluster's routes
//! between the nodes' pod ranges do, pods on other hosts by their 10.x pod IP (a docker bridge
//! address, 172.17.x, stays on its own host).

use super::host::SimHost;
use crate::cluster::dns::{self, Answer};
use crate::driver::ServiceTable;
use crate::event::Tick;
use crate::fs::FsTree;
use crate::program::{NetError, Network, Remote, ServerKind};
use crate::ContainerId;
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use std::collections::BTreeMap;

/// A server container's files and environment, by (host, container ID).
type Opened = BTreeMap<(String, String), (FsTree, Vec<(String, String)>)>;

pub(super) struct HostNetwork<'h> {
    pub host: &'h SimHost,
    /// Every host, for pod IPs routed to another one.
    pub all: &'h BTreeMap<String, SimHost>,
    /// The container the process runs in (not reachable by name from itself here: the program
    /// module handles `localhost` and its own hostname).
    pub caller: Option<String>,
    /// The process runs on the host itself: containers answer at their IP only (their names
    /// mean nothing outside docker's networks) and published ports answer on `localhost`.
    pub on_host: bool,
    /// Files of containers a client wrote to, kept until the process ends; then the host takes
    /// them apart into those containers.
    pub opened: Opened,
    /// The cluster's Services: a pod's names resolve through them, ClusterIPs forward.
    pub services: &'h ServiceTable,
    /// Connections forwarded so far, for kube-proxy's seeded choice.
    pub picks: &'h mut u64,
    /// The cluster DNS's answers, each kept until its TTL runs out (logical time).
    pub dns_cache: &'h mut DnsAnswers,
    /// When the process runs.
    pub now: Tick,
}

/// Answers by absolute name, with when each expires.
pub type DnsAnswers = BTreeMap<String, (Answer, Tick)>;

/// What the Services table answers for an absolute name.
fn table_answer(services: &ServiceTable, fqdn: &str) -> Answer {
    let found = if fqdn.starts_with('_') {
        services.srv.get(fqdn).cloned().map(Answer::Srv)
    } else {
        services.names.get(fqdn).cloned().map(Answer::A)
    };
    found.unwrap_or(Answer::NxDomain)
}

impl<'h> HostNetwork<'h> {
    /// The server `id` on `sim` (the host named `host_name`) runs on `port`, with the files
    /// it serves.
    fn open(
        &mut self,
        host_name: String,
        sim: &'h SimHost,
        id: &str,
        port: u16,
        missing: NetError,
    ) -> Result<Remote<'_>, NetError> {
        let main = sim.main_of(id).ok_or(NetError::Refused)?;
        let kind: ServerKind = main
            .listening
            .iter()
            .find(|(p, _)| *p == port)
            .map(|(_, k)| k.clone())
            .ok_or(missing)?;
        let key = (host_name, id.to_string());
        if !self.opened.contains_key(&key) {
            let fs = sim.merged(id).ok_or(NetError::Refused)?;
            self.opened.insert(key.clone(), (fs, main.env.clone()));
        }
        let (fs, env) = self.opened.get_mut(&key).ok_or(NetError::Refused)?;
        Ok(Remote { kind, env, fs })
    }

    /// The name of the caller's host.
    fn home(&self) -> String {
        self.all
            .iter()
            .find(|(_, h)| std::ptr::eq(*h, self.host))
            .map(|(n, _)| n.clone())
            .unwrap_or_default()
    }

    /// A container on another host with pod IP `ip` (10.x: the pod network routes it).
    fn routed(&self, ip: &str) -> Option<(String, &'h SimHost, ContainerId)> {
        if !ip.starts_with("10.") {
            return None;
        }
        self.all
            .iter()
            .filter(|(_, h)| !std::ptr::eq(*h, self.host))
            .find_map(|(name, h)| {
                h.containers
                    .iter()
                    .find(|(_, c)| c.network.ip == ip)
                    .map(|(id, _)| (name.clone(), h, id.clone()))
            })
    }
}

impl HostNetwork<'_> {
    /// The caller's namespace when it is a pod (its resolv.conf searches
    /// `<ns>.svc.cluster.local` first): only then does the cluster DNS answer it.
    fn namespace(&self) -> Option<String> {
        let caller = self.host.containers.get(self.caller.as_deref()?)?;
        let conf = caller.network.resolv_conf.as_deref()?;
        let search = conf.lines().find_map(|l| l.strip_prefix("search "))?;
        let first = search.split_whitespace().next()?;
        first
            .strip_suffix(&format!(".svc.{}", dns::DOMAIN))
            .map(str::to_string)
    }

    /// A name looked up through the cluster DNS, as the pod's resolver does it: an answer
    /// given less than its TTL (5 s) ago is given again, even if the Services changed since.
    fn lookup(&mut self, name: &str) -> Option<Vec<(String, Answer)>> {
        let namespace = self.namespace()?;
        let (now, services, cache) = (self.now, self.services, &*self.dns_cache);
        let tried = dns::lookup_with(&namespace, name, |fqdn| match cache.get(fqdn) {
            Some((answer, expires)) if now < *expires => answer.clone(),
            _ => table_answer(services, fqdn),
        });
        for (fqdn, answer) in &tried {
            let fresh = self
                .dns_cache
                .get(fqdn)
                .is_some_and(|(_, expires)| now < *expires);
            if !fresh {
                self.dns_cache
                    .insert(fqdn.clone(), (answer.clone(), now + dns::TTL_MS));
            }
        }
        Some(tried)
    }

    /// The first address the cluster DNS gives `name`, if any.
    fn cluster_address(&mut self, name: &str) -> Option<String> {
        match self.lookup(name)?.pop()? {
            (_, Answer::A(ips)) => ips.first().cloned(),
            _ => None,
        }
    }

    /// kube-proxy: a connection to a ClusterIP:port goes to one of its endpoints (seeded).
    /// None when the address is no Service's; Err when the Service has no endpoint.
    fn forward(&mut self, ip: &str, port: u16) -> Option<Result<(String, u16), NetError>> {
        let target = self
            .services
            .virtual_ips
            .get(&(ip.to_string(), u32::from(port)))?;
        if target.endpoints.is_empty() {
            return Some(Err(NetError::Refused));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(self.services.seed.wrapping_add(*self.picks));
        *self.picks += 1;
        let i = crate::cluster::services::pick(target.endpoints.len(), &mut rng);
        let port = u16::try_from(target.target_port).unwrap_or(port);
        Some(Ok((target.endpoints[i].clone(), port)))
    }
}

impl Network for HostNetwork<'_> {
    fn connect(&mut self, host: &str, port: u16) -> Result<Remote<'_>, NetError> {
        let resolved = self.cluster_address(host);
        let (host, port) = match resolved {
            Some(ip) => match self.forward(&ip, port) {
                Some(target) => target?,
                None => (ip, port),
            },
            None => match self.forward(host, port) {
                Some(target) => target?,
                None => (host.to_string(), port),
            },
        };
        let host = host.as_str();
        let on_host = self.on_host;
        let local = self
            .host
            .containers
            .iter()
            .find(|(id, c)| {
                Some(id.as_str()) != self.caller.as_deref()
                    && (c.network.ip == host
                        || (!on_host
                            && (c.network.name == host
                                || c.network.hostname == host
                                || (host.len() >= 12 && id.starts_with(host)))))
            })
            .map(|(id, _)| id.clone());
        let (host_name, sim, id) = match local {
            Some(id) => (self.home(), self.host, id),
            None => self.routed(host).ok_or(NetError::UnknownHost)?,
        };
        self.open(host_name, sim, &id, port, NetError::Refused)
    }

    /// A host port: the running container that publishes it, on an address the caller used
    /// (every address for `0.0.0.0`, loopback only for `127.0.0.1`). docker's proxy accepts
    /// for a container that does not listen on the forwarded port, then closes.
    fn connect_published(&mut self, port: u16, loopback: bool) -> Result<Remote<'_>, NetError> {
        if !self.on_host {
            return Err(NetError::Refused);
        }
        let found = self.host.containers.iter().find_map(|(id, c)| {
            let binding = c.network.published.iter().find(|b| {
                b.host_port == port
                    && b.proto == "tcp"
                    && (matches!(b.host_ip.as_str(), "0.0.0.0" | "" | "::")
                        || (loopback && b.host_ip.starts_with("127.")))
            })?;
            self.host
                .main_of(id)
                .map(|_| (id.clone(), binding.container_port))
        });
        let (id, container_port) = found.ok_or(NetError::Refused)?;
        let (home, sim) = (self.home(), self.host);
        self.open(home, sim, &id, container_port, NetError::Reset)
    }

    /// A running container's address by name, hostname or IP (the caller's own included).
    fn address(&mut self, host: &str) -> Option<String> {
        if let Some(ip) = self.cluster_address(host) {
            return Some(ip);
        }
        if self.routed(host).is_some() {
            return Some(host.to_string());
        }
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

    fn dns(&mut self, name: &str) -> Option<Vec<(String, Answer)>> {
        self.lookup(name)
    }
}
