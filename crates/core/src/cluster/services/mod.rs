//! Services: a stable virtual IP (ClusterIP from 10.96.0.0/12), NodePorts (30000–32767) and
//! headless Services, their endpoints (the ready pods their selector picks) and kube-proxy's
//! choice of an endpoint for a connection.

mod by_label;
mod endpoints;
mod validate;

pub use by_label::PodsByLabel;
pub use endpoints::{pick, Endpoint};

use super::labels::Labels;
use super::{Cluster, ClusterError};
use crate::event::Tick;
use rand_core::RngCore;
use std::collections::{BTreeMap, BTreeSet};

/// The first address of 10.96.0.0/12 as a number; the range holds 2^20 addresses.
const SERVICE_BASE: u32 = 10 << 24 | 96 << 16;
const SERVICE_SIZE: u32 = 1 << 20;
/// The `kubernetes` Service's address (the API server) and the cluster DNS's, by convention.
pub const API_IP: &str = "10.96.0.1";
pub const DNS_IP: &str = "10.96.0.10";
pub const NODE_PORT_MIN: u32 = 30_000;
pub const NODE_PORT_MAX: u32 = 32_767;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceType {
    ClusterIP,
    NodePort,
}

impl ServiceType {
    pub fn name(self) -> &'static str {
        match self {
            ServiceType::ClusterIP => "ClusterIP",
            ServiceType::NodePort => "NodePort",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePort {
    /// Needed for SRV records (`_http._tcp.web...`); None when unnamed.
    pub name: Option<String>,
    pub protocol: String,
    pub port: u32,
    pub target_port: u32,
    pub node_port: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    pub namespace: String,
    pub uid: String,
    pub kind: ServiceType,
    /// None for a headless Service (`clusterIP: None`).
    pub cluster_ip: Option<String>,
    pub selector: Labels,
    pub labels: Labels,
    pub ports: Vec<ServicePort>,
    pub created: Tick,
}

/// What a new Service asks for (before its addresses are given).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceRequest {
    pub name: String,
    pub namespace: String,
    pub node_port: bool,
    pub headless: bool,
    pub selector: Labels,
    pub labels: Labels,
    pub ports: Vec<ServicePort>,
}

/// The Services of a cluster and the addresses they hold.
#[derive(Clone, Debug, Default)]
pub struct Services {
    by_key: BTreeMap<(String, String), Service>,
    by_ip: BTreeMap<String, (String, String)>,
    node_ports: BTreeSet<u32>,
    /// Bumped by every create and delete (the store's write-through looks at Services then).
    generation: u64,
}

impl Services {
    pub fn get(&self, namespace: &str, name: &str) -> Option<&Service> {
        self.by_key.get(&(namespace.to_string(), name.to_string()))
    }

    pub fn by_ip(&self, ip: &str) -> Option<&Service> {
        self.by_ip.get(ip).and_then(|k| self.by_key.get(k))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Service> {
        self.by_key.values()
    }

    /// Changes whenever a Service is created or deleted.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    fn free_ip(&self, rng: &mut dyn RngCore) -> Option<String> {
        // A seeded random start, then the next free address (the allocator's bitmap walk).
        let start = rng.next_u32() % SERVICE_SIZE;
        (0..SERVICE_SIZE)
            .map(|i| SERVICE_BASE + (start + i) % SERVICE_SIZE)
            .filter(|ip| ip & 0xff != 0 && ip & 0xff != 255)
            .map(|ip| std::net::Ipv4Addr::from(ip).to_string())
            .find(|ip| ip != API_IP && ip != DNS_IP && !self.by_ip.contains_key(ip))
    }

    fn free_node_port(&self, rng: &mut dyn RngCore) -> Option<u32> {
        let size = NODE_PORT_MAX - NODE_PORT_MIN + 1;
        let start = rng.next_u32() % size;
        (0..size)
            .map(|i| NODE_PORT_MIN + (start + i) % size)
            .find(|p| !self.node_ports.contains(p))
    }
}

impl Cluster {
    pub fn services(&self) -> &Services {
        &self.services
    }

    /// Creates a Service (`kubectl expose`, `create service`): checked as the API server
    /// checks it, with an address and node ports given; nothing changes when refused.
    pub fn create_service(
        &mut self,
        mut req: ServiceRequest,
        now: Tick,
        rng: &mut dyn RngCore,
    ) -> Result<&Service, ClusterError> {
        validate::check(&req, &self.services)?;
        let key = (req.namespace.clone(), req.name.clone());
        if self.services.by_key.contains_key(&key) {
            return Err(ClusterError(format!(
                "Error from server (AlreadyExists): services \"{}\" already exists",
                req.name
            )));
        }
        let cluster_ip = if req.headless {
            None
        } else {
            Some(self.services.free_ip(rng).ok_or_else(|| {
                ClusterError(
                    "Internal error occurred: failed to allocate a serviceIP: range is full".into(),
                )
            })?)
        };
        if req.node_port {
            for p in &mut req.ports {
                if p.node_port.is_none() {
                    let port = self.services.free_node_port(rng).ok_or_else(|| {
                        ClusterError(
                            "Internal error occurred: failed to allocate a nodePort: range is full"
                                .into(),
                        )
                    })?;
                    self.services.node_ports.insert(port);
                    p.node_port = Some(port);
                }
                self.services.node_ports.insert(p.node_port.unwrap_or(0));
            }
        }
        let service = Service {
            name: req.name,
            namespace: req.namespace,
            uid: super::workloads::new_uid(rng),
            kind: if req.node_port {
                ServiceType::NodePort
            } else {
                ServiceType::ClusterIP
            },
            cluster_ip,
            selector: req.selector,
            labels: req.labels,
            ports: req.ports,
            created: now,
        };
        if let Some(ip) = &service.cluster_ip {
            self.services.by_ip.insert(ip.clone(), key.clone());
        }
        self.services.by_key.insert(key.clone(), service);
        self.services.generation += 1;
        Ok(&self.services.by_key[&key])
    }

    /// `kubectl delete service NAME`: its address and node ports are free again.
    pub fn delete_service(&mut self, namespace: &str, name: &str) -> Result<(), ClusterError> {
        let s = self
            .services
            .by_key
            .remove(&(namespace.to_string(), name.to_string()))
            .ok_or_else(|| {
                ClusterError(format!(
                    "Error from server (NotFound): services \"{name}\" not found"
                ))
            })?;
        self.services.generation += 1;
        if let Some(ip) = &s.cluster_ip {
            self.services.by_ip.remove(ip);
        }
        for p in &s.ports {
            if let Some(n) = p.node_port {
                self.services.node_ports.remove(&n);
            }
        }
        Ok(())
    }
}
