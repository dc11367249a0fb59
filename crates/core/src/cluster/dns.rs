//! Cluster DNS as the Kubernetes DNS specification (1.0.1) and CoreDNS answer it:
//! `<svc>.<ns>.svc.cluster.local` A → the ClusterIP; a headless Service → one A per ready
//! endpoint (NXDOMAIN when none); SRV `_<port>._<proto>.<svc>.<ns>.svc.cluster.local` only for
//! named ports; a pod's resolv.conf search list with `ndots:5`; answers live 5 s in a cache.

use super::services::{Service, DNS_IP};
use super::Cluster;
use crate::driver::{ServiceTable, VirtualTarget};
use crate::event::Tick;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const DOMAIN: &str = "cluster.local";
/// CoreDNS's default TTL for cluster records.
pub const TTL_MS: Tick = 5_000;
pub const NDOTS: usize = 5;

/// A pod's /etc/resolv.conf, as the kubelet writes it for `dnsPolicy: ClusterFirst`.
pub fn resolv_conf(namespace: &str) -> String {
    format!(
        "search {namespace}.svc.{DOMAIN} svc.{DOMAIN} {DOMAIN}\nnameserver {DNS_IP}\noptions ndots:{NDOTS}\n"
    )
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Srv {
    pub priority: u16,
    pub weight: u16,
    pub port: u32,
    pub target: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    A(Vec<String>),
    Srv(Vec<Srv>),
    NxDomain,
}

/// The Service a fully qualified name points at, and what is left before it
/// (`_http._tcp.` for SRV).
fn service_of<'c>(cluster: &'c Cluster, fqdn: &str) -> Option<(&'c Service, Vec<String>)> {
    let rest = fqdn
        .trim_end_matches('.')
        .strip_suffix(&format!(".svc.{DOMAIN}"))?;
    let mut labels: Vec<String> = rest.split('.').map(str::to_string).collect();
    let ns = labels.pop()?;
    let name = labels.pop()?;
    let service = cluster.services().get(&ns, &name)?;
    Some((service, labels))
}

impl Cluster {
    /// The answer to an A query for an absolute name.
    pub fn dns_a(&self, fqdn: &str) -> Answer {
        match service_of(self, fqdn) {
            Some((s, prefix)) if prefix.is_empty() => match &s.cluster_ip {
                Some(ip) => Answer::A(vec![ip.clone()]),
                None => {
                    let ips: Vec<String> = self.endpoints(s).into_iter().map(|e| e.ip).collect();
                    if ips.is_empty() {
                        Answer::NxDomain
                    } else {
                        Answer::A(ips)
                    }
                }
            },
            _ => Answer::NxDomain,
        }
    }

    /// The answer to an SRV query `_<port>._<proto>.<svc>.<ns>.svc.cluster.local`.
    pub fn dns_srv(&self, fqdn: &str) -> Answer {
        let Some((s, prefix)) = service_of(self, fqdn) else {
            return Answer::NxDomain;
        };
        let [port, proto] = prefix.as_slice() else {
            return Answer::NxDomain;
        };
        let (Some(port), Some(proto)) = (port.strip_prefix('_'), proto.strip_prefix('_')) else {
            return Answer::NxDomain;
        };
        let Some(p) = s
            .ports
            .iter()
            .find(|p| p.name.as_deref() == Some(port) && p.protocol.eq_ignore_ascii_case(proto))
        else {
            return Answer::NxDomain;
        };
        let base = format!("{}.{}.svc.{DOMAIN}", s.name, s.namespace);
        let records: Vec<Srv> = match &s.cluster_ip {
            Some(_) => vec![Srv {
                priority: 0,
                weight: 100,
                port: p.port,
                target: base,
            }],
            None => self
                .endpoints(s)
                .into_iter()
                .map(|e| Srv {
                    priority: 0,
                    weight: 100,
                    port: p.target_port,
                    target: format!("{}.{base}", e.ip.replace('.', "-")),
                })
                .collect(),
        };
        if records.is_empty() {
            Answer::NxDomain
        } else {
            Answer::Srv(records)
        }
    }

    /// A name as a pod in `namespace` looks it up: with fewer than ndots dots the search
    /// domains are tried first, then the name as given. Returns every name tried with its
    /// answer, the last one being the one that answered (or the last NXDOMAIN).
    pub fn dns_lookup(&self, namespace: &str, name: &str) -> Vec<(String, Answer)> {
        lookup_with(namespace, name, |fqdn| {
            if fqdn.starts_with('_') {
                self.dns_srv(fqdn)
            } else {
                self.dns_a(fqdn)
            }
        })
    }

    /// The A records pods resolve, and where each ClusterIP:port leads, for the hosts.
    pub fn service_table(&self, seed: u64) -> ServiceTable {
        let mut table = ServiceTable {
            seed,
            ..ServiceTable::default()
        };
        for s in self.services().iter() {
            let fqdn = format!("{}.{}.svc.{DOMAIN}", s.name, s.namespace);
            for p in s.ports.iter().filter(|p| p.name.is_some()) {
                let name = p.name.as_deref().unwrap_or_default();
                let srv = format!("_{name}._{}.{fqdn}", p.protocol.to_ascii_lowercase());
                if let Answer::Srv(records) = self.dns_srv(&srv) {
                    table.srv.insert(srv, records);
                }
            }
            if let Answer::A(ips) = self.dns_a(&fqdn) {
                table.names.insert(fqdn, ips);
            }
            let Some(ip) = &s.cluster_ip else { continue };
            let endpoints: Vec<String> = self.endpoints(s).into_iter().map(|e| e.ip).collect();
            for p in &s.ports {
                table.virtual_ips.insert(
                    (ip.clone(), p.port),
                    VirtualTarget {
                        endpoints: endpoints.clone(),
                        target_port: p.target_port,
                    },
                );
            }
        }
        table
    }
}

/// A name as a pod in `namespace` looks it up, each absolute name answered by `answer`.
pub fn lookup_with(
    namespace: &str,
    name: &str,
    answer: impl Fn(&str) -> Answer,
) -> Vec<(String, Answer)> {
    let absolute = name.ends_with('.');
    let name = name.trim_end_matches('.');
    let searched: Vec<String> = [
        format!("{namespace}.svc.{DOMAIN}"),
        format!("svc.{DOMAIN}"),
        DOMAIN.to_string(),
    ]
    .iter()
    .map(|d| format!("{name}.{d}"))
    .collect();
    // A name ending in '.' is tried as it is only; one with ndots dots or more is tried as
    // it is first; any other goes through the search list first.
    let order: Vec<String> = if absolute {
        vec![name.to_string()]
    } else if name.matches('.').count() >= NDOTS {
        std::iter::once(name.to_string()).chain(searched).collect()
    } else {
        searched.into_iter().chain([name.to_string()]).collect()
    };
    let mut tried = Vec::new();
    for fqdn in order {
        let answer = answer(&fqdn);
        let found = answer != Answer::NxDomain;
        tried.push((fqdn, answer));
        if found {
            break;
        }
    }
    tried
}

/// busybox nslookup's output for a lookup (its exit code: 0 found, 1 not).
pub fn nslookup_text(name: &str, tried: &[(String, Answer)]) -> (String, i32) {
    let mut out = format!("Server:\t\t{DNS_IP}\nAddress:\t{DNS_IP}:53\n\n");
    match tried.last() {
        Some((fqdn, Answer::A(ips))) => {
            for ip in ips {
                out.push_str(&format!("Name:\t{fqdn}\nAddress: {ip}\n"));
            }
            out.push('\n');
            (out, 0)
        }
        Some((fqdn, Answer::Srv(records))) => {
            for r in records {
                out.push_str(&format!(
                    "{fqdn}\tservice = {} {} {} {}\n",
                    r.priority, r.weight, r.port, r.target
                ));
            }
            out.push('\n');
            (out, 0)
        }
        _ => {
            out.push_str(&format!("** server can't find {name}: NXDOMAIN\n\n"));
            (out, 1)
        }
    }
}

/// A resolver's cache: an answer is reused until its TTL runs out, so a Service's new
/// address (or a headless Service's new endpoints) shows only after up to 5 s.
#[derive(Clone, Debug, Default)]
pub struct DnsCache {
    entries: BTreeMap<String, (Vec<(String, Answer)>, Tick)>,
}

impl DnsCache {
    /// The cached lookup of `name` if still fresh at `now`, else a new one (cached for TTL).
    /// The flag says whether it came from the cache.
    pub fn lookup(
        &mut self,
        cluster: &Cluster,
        namespace: &str,
        name: &str,
        now: Tick,
    ) -> (Vec<(String, Answer)>, bool) {
        let key = format!("{namespace}/{name}");
        if let Some((tried, expires)) = self.entries.get(&key) {
            if now < *expires {
                return (tried.clone(), true);
            }
        }
        let tried = cluster.dns_lookup(namespace, name);
        self.entries.insert(key, (tried.clone(), now + TTL_MS));
        (tried, false)
    }
}
