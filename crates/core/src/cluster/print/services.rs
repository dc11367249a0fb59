//! `kubectl get svc|endpoints|endpointslices` and `describe svc`.

use super::{age, table};
use crate::cluster::labels;
use crate::cluster::services::{Endpoint, Service, ServiceType};
use crate::cluster::Cluster;
use crate::event::Tick;

/// `80/TCP` or `80:30080/TCP`, comma-separated.
fn ports(s: &Service) -> String {
    if s.ports.is_empty() {
        return "<none>".into();
    }
    s.ports
        .iter()
        .map(|p| match p.node_port {
            Some(n) => format!("{}:{n}/{}", p.port, p.protocol),
            None => format!("{}/{}", p.port, p.protocol),
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn ip(s: &Service) -> String {
    s.cluster_ip.clone().unwrap_or_else(|| "None".into())
}

pub fn get_services(services: &[&Service], now: Tick, wide: bool) -> String {
    let mut header = vec![
        "NAME",
        "TYPE",
        "CLUSTER-IP",
        "EXTERNAL-IP",
        "PORT(S)",
        "AGE",
    ];
    if wide {
        header.push("SELECTOR");
    }
    let rows: Vec<Vec<String>> = services
        .iter()
        .map(|s| {
            let mut row = vec![
                s.name.clone(),
                s.kind.name().into(),
                ip(s),
                "<none>".into(),
                ports(s),
                age(now, s.created),
            ];
            if wide {
                row.push(if s.selector.is_empty() {
                    "<none>".into()
                } else {
                    labels::format(&s.selector)
                });
            }
            row
        })
        .collect();
    table(&header, &rows)
}

/// kubectl shows three addresses, then `+ N more...`.
fn first_three(items: Vec<String>) -> String {
    if items.is_empty() {
        return "<none>".into();
    }
    let more = items.len().saturating_sub(3);
    let shown = items.into_iter().take(3).collect::<Vec<_>>().join(",");
    if more > 0 {
        format!("{shown} + {more} more...")
    } else {
        shown
    }
}

fn addresses(s: &Service, eps: &[Endpoint]) -> Vec<String> {
    let mut out = Vec::new();
    for e in eps {
        for p in &s.ports {
            out.push(format!("{}:{}", e.ip, p.target_port));
        }
    }
    out
}

pub fn get_endpoints(cluster: &Cluster, services: &[&Service], now: Tick) -> String {
    let rows: Vec<Vec<String>> = services
        .iter()
        .map(|s| {
            let eps = cluster.endpoints(s);
            vec![
                s.name.clone(),
                first_three(addresses(s, &eps)),
                age(now, s.created),
            ]
        })
        .collect();
    table(&["NAME", "ENDPOINTS", "AGE"], &rows)
}

/// The EndpointSlice's name: the Service's name and 5 characters of its UID (the real one has
/// a random suffix; this one is stable so that it reads the same every time).
pub fn slice_name(s: &Service) -> String {
    let suffix: String = s
        .uid
        .bytes()
        .filter(|b| b.is_ascii_hexdigit())
        .take(5)
        .map(|b| {
            crate::cluster::names::ALPHABET[b as usize % crate::cluster::names::ALPHABET.len()]
                as char
        })
        .collect();
    format!("{}-{suffix}", s.name)
}

pub fn get_endpointslices(cluster: &Cluster, services: &[&Service], now: Tick) -> String {
    let rows: Vec<Vec<String>> = services
        .iter()
        .map(|s| {
            let eps = cluster.endpoints(s);
            let ports: Vec<String> = s.ports.iter().map(|p| p.target_port.to_string()).collect();
            vec![
                slice_name(s),
                "IPv4".into(),
                if ports.is_empty() {
                    "<unset>".into()
                } else {
                    ports.join(",")
                },
                first_three(eps.into_iter().map(|e| e.ip).collect()),
                age(now, s.created),
            ]
        })
        .collect();
    table(&["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], &rows)
}

pub fn describe_service(cluster: &Cluster, s: &Service) -> String {
    let eps = cluster.endpoints(s);
    let label_text = |l: &labels::Labels| {
        if l.is_empty() {
            "<none>".to_string()
        } else {
            labels::format(l)
        }
    };
    let mut out = String::new();
    let mut line = |k: &str, v: String| out.push_str(&format!("{:<26}{v}\n", format!("{k}:")));
    line("Name", s.name.clone());
    line("Namespace", s.namespace.clone());
    line("Labels", label_text(&s.labels));
    line("Annotations", "<none>".into());
    line("Selector", label_text(&s.selector));
    line("Type", s.kind.name().into());
    line("IP Family Policy", "SingleStack".into());
    line("IP Families", "IPv4".into());
    line("IP", ip(s));
    line("IPs", ip(s));
    for p in &s.ports {
        let name = p.name.clone().unwrap_or_else(|| "<unset>".into());
        line("Port", format!("{name}  {}/{}", p.port, p.protocol));
        line("TargetPort", format!("{}/{}", p.target_port, p.protocol));
        if let Some(n) = p.node_port {
            line("NodePort", format!("{name}  {n}/{}", p.protocol));
        }
        let mine: Vec<String> = eps
            .iter()
            .map(|e| format!("{}:{}", e.ip, p.target_port))
            .collect();
        line(
            "Endpoints",
            if mine.is_empty() {
                String::new()
            } else {
                mine.join(",")
            },
        );
    }
    line("Session Affinity", "None".into());
    if s.kind == ServiceType::NodePort {
        line("External Traffic Policy", "Cluster".into());
    }
    line("Internal Traffic Policy", "Cluster".into());
    line("Events", "<none>".into());
    out
}
