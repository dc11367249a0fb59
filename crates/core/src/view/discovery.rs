//! One name looked up from inside a pod, step by step, for the discovery picture: the pod and
//! its node, its resolv.conf search list, each name the resolver tried with CoreDNS's answer,
//! the Service behind the ClusterIP, its endpoints (kube-proxy picks one per connection) and
//! the pods behind them; and the etcd keys that hold those facts, lit when the last command
//! changed them. Reads the cluster as it is now through its own DNS and endpoint queries.

use crate::cluster::dns::{self, Answer};
use crate::event::EventKind;
use crate::World;
use serde::Serialize;

/// Store keys listed (the looked-up Service's first, then the lit ones, then the rest).
pub const MAX_KEYS: usize = 14;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LookupView {
    pub pod: String,
    pub namespace: String,
    pub pod_ip: String,
    pub node: String,
    /// The name as typed (`web`, `web.default`, `http://web` gives `web`).
    pub name: String,
    /// The port the client asked for (80 for `wget http://web`); None for `nslookup`.
    pub port: Option<u32>,
    /// resolv.conf's `search` domains.
    pub search: Vec<String>,
    /// Each name tried, in order, with its addresses (empty: NXDOMAIN).
    pub tried: Vec<(String, Vec<String>)>,
    /// The Service the answer belongs to, if any.
    pub service: Option<String>,
    /// Its ClusterIP (None for a headless Service).
    pub cluster_ip: Option<String>,
    /// Its ready endpoints, in pod order.
    pub endpoints: Vec<EndpointView>,
    pub keys: Vec<KeyView>,
    /// The store's revision now.
    pub revision: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EndpointView {
    pub ip: String,
    pub pod: String,
    pub node: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KeyView {
    pub key: String,
    pub mod_revision: u64,
    /// Written (or deleted) by the last command.
    pub lit: bool,
    /// Gone: deleted by the last command.
    pub deleted: bool,
}

/// The pod and name of the newest `kubectl exec POD -- nslookup|wget|curl NAME` in the trace.
pub fn last_lookup(world: &World) -> Option<(String, String, Option<u32>)> {
    world.events().iter().rev().find_map(|e| match &e.kind {
        EventKind::Command { line } => parse_exec(line),
        _ => None,
    })
}

/// `kubectl exec [-it] [-n NS] POD -- nslookup NAME` (or `wget ... URL`, `curl URL`):
/// the pod, the name and the port of a URL.
fn parse_exec(line: &str) -> Option<(String, String, Option<u32>)> {
    let words: Vec<String> = line
        .split_whitespace()
        .map(|w| w.trim_matches(|c| c == '\'' || c == '"').to_string())
        .collect();
    if words.first().map(String::as_str) != Some("kubectl") {
        return None;
    }
    let exec = words.iter().position(|w| w == "exec")?;
    let dashes = words.iter().position(|w| w == "--")?;
    let mut pod = None;
    let mut i = exec + 1;
    while i < dashes {
        let w = &words[i];
        if w == "-n" || w == "--namespace" || w == "-c" || w == "--container" {
            i += 2;
            continue;
        }
        if !w.starts_with('-') && pod.is_none() {
            pod = Some(w.trim_start_matches("pod/").to_string());
        }
        i += 1;
    }
    let argv = &words[dashes + 1..];
    let program = argv.first()?.rsplit('/').next()?.to_string();
    let mut args = argv.iter().skip(1).filter(|a| !a.starts_with('-'));
    let (name, port) = match program.as_str() {
        "nslookup" => (args.next_back()?.clone(), None),
        "wget" | "curl" => {
            let url = args.next_back()?;
            let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
            let host_port = rest.split('/').next()?;
            match host_port.split_once(':') {
                Some((h, p)) => (h.to_string(), Some(p.parse().ok()?)),
                None => (host_port.to_string(), Some(80)),
            }
        }
        _ => return None,
    };
    Some((pod?, name, port))
}

/// `name` looked up from `pod` now; None without a cluster or such a pod.
pub fn lookup(world: &World, pod: &str, name: &str, port: Option<u32>) -> Option<LookupView> {
    let cluster = world.cluster()?;
    let p = cluster.pods().find(|p| p.name == pod && !p.terminating)?;
    let namespace = p.namespace.clone();
    let tried: Vec<(String, Vec<String>)> = cluster
        .dns_lookup(&namespace, name)
        .into_iter()
        .map(|(fqdn, answer)| {
            let ips = match answer {
                Answer::A(ips) => ips,
                Answer::Srv(records) => records.into_iter().map(|r| r.target).collect(),
                Answer::NxDomain => Vec::new(),
            };
            (fqdn, ips)
        })
        .collect();
    // The Service the answering name belongs to: `<svc>.<ns>.svc.cluster.local`.
    let service = tried
        .last()
        .filter(|(_, ips)| !ips.is_empty())
        .and_then(|(fqdn, _)| fqdn.strip_suffix(&format!(".svc.{}", dns::DOMAIN)))
        .and_then(|rest| {
            let mut labels = rest.rsplit('.');
            let ns = labels.next()?;
            let svc = labels.next()?;
            cluster.services().get(ns, svc)
        });
    let endpoints = service
        .map(|s| {
            cluster
                .endpoints(s)
                .into_iter()
                .map(|e| EndpointView {
                    ip: e.ip,
                    pod: e.pod,
                    node: e.node,
                })
                .collect()
        })
        .unwrap_or_default();
    let store = cluster.store();
    let keys = keys(
        world,
        service.map(|s| (s.namespace.as_str(), s.name.as_str())),
    );
    Some(LookupView {
        pod: p.name.clone(),
        namespace: namespace.clone(),
        pod_ip: p.ip.clone().unwrap_or_default(),
        node: cluster.node_of(p).unwrap_or("").to_string(),
        name: name.to_string(),
        port,
        search: dns::resolv_conf(&namespace)
            .lines()
            .find_map(|l| l.strip_prefix("search "))
            .map(|s| s.split(' ').map(str::to_string).collect())
            .unwrap_or_default(),
        tried,
        service: service.map(|s| s.name.clone()),
        cluster_ip: service.and_then(|s| s.cluster_ip.clone()),
        endpoints,
        keys,
        revision: store.revision(),
    })
}

/// The Service's keys first, then keys the last command wrote, then other Service keys.
fn keys(world: &World, service: Option<(&str, &str)>) -> Vec<KeyView> {
    let Some(cluster) = world.cluster() else {
        return Vec::new();
    };
    let store = cluster.store();
    // Writes since the newest command began are the last command's.
    let since = world.events().iter().rev().find_map(|e| match e.kind {
        EventKind::Command { .. } => Some(e.at),
        _ => None,
    });
    // Events are the store's busiest keys (several per pod start) and tell nothing about
    // where a name leads: left out, so the objects' own keys stay in view.
    let recent: Vec<&crate::cluster::store::Change> = store
        .changes()
        .iter()
        .rev()
        .take_while(|c| since.is_some_and(|t| c.at >= t))
        .filter(|c| !c.key.starts_with("/registry/events/"))
        .collect();
    let lit = |key: &str| recent.iter().any(|c| c.key == key);
    let view = |key: &str| {
        store.get(key).map(|e| KeyView {
            key: key.to_string(),
            mod_revision: e.mod_revision,
            lit: lit(key),
            deleted: false,
        })
    };
    let mut out: Vec<KeyView> = Vec::new();
    if let Some((ns, name)) = service {
        for kind in ["specs", "endpoints"] {
            out.extend(view(&format!("/registry/services/{kind}/{ns}/{name}")));
        }
    }
    // The newest writes first; deletions stay listed, dimmed.
    for c in &recent {
        if out.len() >= MAX_KEYS {
            break;
        }
        if out.iter().any(|k| k.key == c.key) {
            continue;
        }
        match view(&c.key) {
            Some(k) => out.push(k),
            None => out.push(KeyView {
                key: c.key.clone(),
                mod_revision: c.revision,
                lit: true,
                deleted: true,
            }),
        }
    }
    for (key, _) in store.prefix("/registry/services/") {
        if out.len() >= MAX_KEYS {
            break;
        }
        if !out.iter().any(|k| &k.key == key) {
            out.extend(view(key));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parse_exec;

    #[test]
    fn exec_lines_name_the_pod_and_what_it_looks_up() {
        let got = parse_exec("kubectl exec -it client -- nslookup web.default");
        assert_eq!(got, Some(("client".into(), "web.default".into(), None)));
        let got = parse_exec("kubectl exec client -- wget -qO- 'http://web:8080/index.html'");
        assert_eq!(got, Some(("client".into(), "web".into(), Some(8080))));
        let got = parse_exec("kubectl exec -n shop pod/c -- curl http://api");
        assert_eq!(got, Some(("c".into(), "api".into(), Some(80))));
        assert_eq!(parse_exec("kubectl exec client -- ls /"), None);
        assert_eq!(parse_exec("docker exec c nslookup web"), None);
    }
}
