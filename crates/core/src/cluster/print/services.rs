//! `kubectl get svc|endpoints|endpointslices` and `describe svc`, from the values in the
//! store (print::views).

use super::views::{EndpointsView, ServiceView, SliceView};
use super::{age, table};
use crate::cluster::labels;
use crate::event::Tick;

pub use crate::cluster::store_service::slice_name;

/// `80/TCP` or `80:30080/TCP`, comma-separated.
fn ports(s: &ServiceView) -> String {
    if s.spec.ports.is_empty() {
        return "<none>".into();
    }
    s.spec
        .ports
        .iter()
        .map(|p| match p.node_port {
            Some(n) => format!("{}:{n}/{}", p.port, p.protocol),
            None => format!("{}/{}", p.port, p.protocol),
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn label_text(l: &labels::Labels) -> String {
    if l.is_empty() {
        "<none>".to_string()
    } else {
        labels::format(l)
    }
}

/// The NAMESPACE column first with `-A`.
fn with_namespace(all: bool, header: &[&str], rows: Vec<(String, Vec<String>)>) -> String {
    let mut head: Vec<&str> = Vec::new();
    if all {
        head.push("NAMESPACE");
    }
    head.extend(header);
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(ns, cells)| {
            if all {
                std::iter::once(ns).chain(cells).collect()
            } else {
                cells
            }
        })
        .collect();
    table(&head, &rows)
}

pub fn get_services(services: &[&ServiceView], now: Tick, o: super::GetOptions) -> String {
    let mut header = vec![
        "NAME",
        "TYPE",
        "CLUSTER-IP",
        "EXTERNAL-IP",
        "PORT(S)",
        "AGE",
    ];
    if o.wide {
        header.push("SELECTOR");
    }
    if o.show_labels {
        header.push("LABELS");
    }
    let rows = services
        .iter()
        .map(|s| {
            let mut row = vec![
                s.metadata.name.to_string(),
                s.spec.kind.to_string(),
                s.spec.cluster_ip.to_string(),
                "<none>".into(),
                ports(s),
                age(now, s.metadata.created()),
            ];
            if o.wide {
                row.push(label_text(&s.spec.selector));
            }
            if o.show_labels {
                row.push(label_text(&s.metadata.labels));
            }
            (s.metadata.namespace.to_string(), row)
        })
        .collect();
    with_namespace(o.all_namespaces, &header, rows)
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

pub fn get_endpoints(list: &[&EndpointsView], now: Tick, all: bool) -> String {
    let rows = list
        .iter()
        .map(|e| {
            let row = vec![
                e.metadata.name.to_string(),
                first_three(e.addresses()),
                age(now, e.metadata.created()),
            ];
            (e.metadata.namespace.to_string(), row)
        })
        .collect();
    with_namespace(all, &["NAME", "ENDPOINTS", "AGE"], rows)
}

pub fn get_endpointslices(slices: &[&SliceView], now: Tick, all: bool) -> String {
    let rows = slices
        .iter()
        .map(|s| {
            let ports: Vec<String> = s.ports.iter().map(|p| p.port.to_string()).collect();
            let row = vec![
                s.metadata.name.to_string(),
                s.address_type.to_string(),
                if ports.is_empty() {
                    "<unset>".into()
                } else {
                    ports.join(",")
                },
                first_three(s.addresses()),
                age(now, s.metadata.created()),
            ];
            (s.metadata.namespace.to_string(), row)
        })
        .collect();
    with_namespace(
        all,
        &["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
        rows,
    )
}

/// A Service and its EndpointSlice (None when the store has none).
pub fn describe_service(s: &ServiceView, slice: Option<&SliceView>) -> String {
    let addresses = slice.map(SliceView::addresses).unwrap_or_default();
    let mut out = String::new();
    let mut line = |k: &str, v: String| out.push_str(&format!("{:<26}{v}\n", format!("{k}:")));
    line("Name", s.metadata.name.to_string());
    line("Namespace", s.metadata.namespace.to_string());
    line("Labels", label_text(&s.metadata.labels));
    line("Annotations", "<none>".into());
    line("Selector", label_text(&s.spec.selector));
    line("Type", s.spec.kind.to_string());
    line("IP Family Policy", "SingleStack".into());
    line("IP Families", "IPv4".into());
    line("IP", s.spec.cluster_ip.to_string());
    line("IPs", s.spec.cluster_ip.to_string());
    for p in &s.spec.ports {
        let name = p.name.as_deref().unwrap_or("<unset>");
        line("Port", format!("{name}  {}/{}", p.port, p.protocol));
        line("TargetPort", format!("{}/{}", p.target_port, p.protocol));
        if let Some(n) = p.node_port {
            line("NodePort", format!("{name}  {n}/{}", p.protocol));
        }
        let mine: Vec<String> = addresses
            .iter()
            .map(|ip| format!("{ip}:{}", p.target_port))
            .collect();
        line("Endpoints", mine.join(","));
    }
    line("Session Affinity", "None".into());
    if s.spec.kind == "NodePort" {
        line("External Traffic Policy", "Cluster".into());
    }
    line("Internal Traffic Policy", "Cluster".into());
    line("Events", "<none>".into());
    out
}
