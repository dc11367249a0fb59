//! A Service's endpoints (the ready pods its selector picks, as the EndpointSlice controller
//! keeps them) and kube-proxy's pick of one for a connection.

use super::Service;
use crate::cluster::Cluster;
use rand_core::RngCore;

/// One ready pod behind a Service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub ip: String,
    pub pod: String,
    pub node: String,
}

impl Cluster {
    /// The ready pods a Service selects, in pod-creation order. A Service without a
    /// selector has none (its endpoints would be managed by hand).
    pub fn endpoints(&self, service: &Service) -> Vec<Endpoint> {
        if service.selector.is_empty() {
            return Vec::new();
        }
        let candidates = self
            .by_label
            .candidates(&service.namespace, &service.selector);
        candidates
            .into_iter()
            .flatten()
            .filter_map(|id| self.pods.get(id))
            .filter(|p| {
                service
                    .selector
                    .iter()
                    .all(|(k, v)| p.labels().get(k) == Some(v))
                    && self.pod_ready(p)
            })
            .filter_map(|p| {
                Some(Endpoint {
                    ip: p.ip.clone()?,
                    pod: p.name.clone(),
                    node: self.node_of(p)?.to_string(),
                })
            })
            .collect()
    }

    /// kube-proxy (iptables mode) for a connection to `ip:port`: the Service there and one of
    /// its endpoints, each equally likely (seeded), with the pod's port. None when nothing
    /// listens at that address and port; Some with no endpoint when the Service has none
    /// (the connection is refused).
    pub fn route(
        &self,
        ip: &str,
        port: u32,
        rng: &mut dyn RngCore,
    ) -> Option<(&Service, Option<(Endpoint, u32)>)> {
        let service = self.services.by_ip(ip)?;
        let sp = service.ports.iter().find(|p| p.port == port)?;
        let endpoints = self.endpoints(service);
        if endpoints.is_empty() {
            return Some((service, None));
        }
        let i = pick(endpoints.len(), rng);
        Some((service, Some((endpoints[i].clone(), sp.target_port))))
    }
}

/// kube-proxy's choice among `n` endpoints (n > 0), each equally likely.
pub fn pick(n: usize, rng: &mut dyn RngCore) -> usize {
    (rng.next_u32() as usize) % n.max(1)
}
