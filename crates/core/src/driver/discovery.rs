//! What a host needs to know of a cluster's Services for its pods to find them: the DNS names
//! with their addresses and the virtual IPs kube-proxy forwards. The World sends it
//! ([`super::Effect::ServiceTable`]) whenever it changes; a driver whose hosts run real
//! networking may ignore it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a Service's virtual IP and port lead: the ready pods' IPs and the pods' port.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualTarget {
    pub endpoints: Vec<String>,
    pub target_port: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceTable {
    /// A records: `<svc>.<ns>.svc.cluster.local` → its ClusterIP, or a headless Service's
    /// ready pod IPs. Names without an answer are absent (NXDOMAIN).
    pub names: BTreeMap<String, Vec<String>>,
    /// SRV records: `_<port>._<proto>.<svc>.<ns>.svc.cluster.local` for named ports.
    #[serde(default)]
    pub srv: BTreeMap<String, Vec<crate::cluster::dns::Srv>>,
    /// `ClusterIP:port` → the endpoints behind it.
    pub virtual_ips: BTreeMap<(String, u32), VirtualTarget>,
    /// Seeds kube-proxy's choice of an endpoint on the hosts.
    pub seed: u64,
}
