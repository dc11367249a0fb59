//! `kubectl get` tables, from the objects' values in the store (print::views).

use super::views::{EventView, NodeView, PodView, WorkloadView};
use super::{age, table};
use crate::cluster::labels::{self, Labels};
use crate::event::Tick;

/// The output switches of `get`.
#[derive(Clone, Copy, Debug, Default)]
pub struct GetOptions {
    pub wide: bool,
    pub all_namespaces: bool,
    pub show_labels: bool,
}

/// The Kubernetes version the nodes report.
pub const KUBE_VERSION: &str = "v1.32.0";

pub fn get_nodes(nodes: &[&NodeView], now: Tick, o: GetOptions) -> String {
    let mut header = vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"];
    if o.wide {
        header.extend([
            "INTERNAL-IP",
            "EXTERNAL-IP",
            "OS-IMAGE",
            "KERNEL-VERSION",
            "CONTAINER-RUNTIME",
        ]);
    }
    if o.show_labels {
        header.push("LABELS");
    }
    let rows: Vec<Vec<String>> = nodes
        .iter()
        .map(|n| {
            let mut row = vec![
                n.metadata.name.to_string(),
                n.status(),
                "<none>".into(),
                age(now, n.metadata.created()),
                KUBE_VERSION.into(),
            ];
            if o.wide {
                row.extend([
                    n.internal_ip().to_string(),
                    "<none>".into(),
                    "Sim Linux".into(),
                    "6.1.0-sim".into(),
                    "docker://27.3.1".into(),
                ]);
            }
            if o.show_labels {
                row.push(labels::format(&n.metadata.labels));
            }
            row
        })
        .collect();
    table(&header, &rows)
}

pub fn get_pods(pods: &[&PodView], now: Tick, o: GetOptions) -> String {
    let columns = Columns {
        main: &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        wide: &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        labels: true,
    };
    namespaced_table(pods, columns, o, |p| {
        let (ready, status, restarts) = p.columns();
        Row {
            namespace: &p.metadata.namespace,
            main: vec![
                p.metadata.name.to_string(),
                ready,
                status,
                restarts.to_string(),
                age(now, p.metadata.created()),
            ],
            wide: vec![
                p.status.pod_ip.as_deref().unwrap_or("<none>").to_string(),
                p.spec.node_name.as_deref().unwrap_or("<none>").to_string(),
                "<none>".into(),
                "<none>".into(),
            ],
            labels: &p.metadata.labels,
        }
    })
}

pub fn get_replicasets(sets: &[&WorkloadView], now: Tick, o: GetOptions) -> String {
    let columns = Columns {
        main: &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        wide: &["CONTAINERS", "IMAGES", "SELECTOR"],
        labels: false,
    };
    namespaced_table(sets, columns, o, |rs| {
        let [names, images] = rs.containers_images();
        Row {
            namespace: &rs.metadata.namespace,
            main: vec![
                rs.metadata.name.to_string(),
                rs.spec.replicas.to_string(),
                rs.status.replicas.to_string(),
                rs.status.ready.to_string(),
                age(now, rs.metadata.created()),
            ],
            wide: vec![names, images, labels::format(&rs.metadata.labels)],
            labels: &rs.metadata.labels,
        }
    })
}

pub fn get_deployments(list: &[&WorkloadView], now: Tick, o: GetOptions) -> String {
    let columns = Columns {
        main: &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        wide: &["CONTAINERS", "IMAGES", "SELECTOR"],
        labels: true,
    };
    namespaced_table(list, columns, o, |d| {
        let [names, images] = d.containers_images();
        Row {
            namespace: &d.metadata.namespace,
            main: vec![
                d.metadata.name.to_string(),
                format!("{}/{}", d.status.ready, d.spec.replicas),
                d.status.updated.to_string(),
                d.status.available.to_string(),
                age(now, d.metadata.created()),
            ],
            wide: vec![names, images, labels::format(&d.metadata.labels)],
            labels: &d.metadata.labels,
        }
    })
}

/// The columns of a namespaced kind: its own, those `-o wide` adds, and whether
/// `--show-labels` adds LABELS (kubectl's ReplicaSet table here does not).
struct Columns {
    main: &'static [&'static str],
    wide: &'static [&'static str],
    labels: bool,
}

/// One object's cells, by column group.
struct Row<'a> {
    namespace: &'a str,
    main: Vec<String>,
    wide: Vec<String>,
    labels: &'a Labels,
}

/// The table every namespaced `get` prints: NAMESPACE first with `-A`, then the kind's
/// columns, the wide ones with `-o wide` and LABELS with `--show-labels`.
fn namespaced_table<'a, T>(
    items: &[&'a T],
    columns: Columns,
    o: GetOptions,
    row: impl Fn(&'a T) -> Row<'a>,
) -> String {
    let show_labels = o.show_labels && columns.labels;
    let mut header = Vec::new();
    if o.all_namespaces {
        header.push("NAMESPACE");
    }
    header.extend(columns.main);
    if o.wide {
        header.extend(columns.wide);
    }
    if show_labels {
        header.push("LABELS");
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|item| {
            let r = row(item);
            let mut cells = Vec::new();
            if o.all_namespaces {
                cells.push(r.namespace.to_string());
            }
            cells.extend(r.main);
            if o.wide {
                cells.extend(r.wide);
            }
            if show_labels {
                cells.push(labels::format(r.labels));
            }
            cells
        })
        .collect();
    table(&header, &rows)
}

/// `kubectl get events`: one line per Event object (repeats counted in it); `-o wide` adds
/// kubectl's SUBOBJECT, SOURCE, FIRST SEEN, COUNT and NAME.
pub fn get_events(events: &[&EventView], now: Tick, o: GetOptions) -> String {
    let mut header = Vec::new();
    if o.all_namespaces {
        header.push("NAMESPACE");
    }
    header.extend(["LAST SEEN", "TYPE", "REASON", "OBJECT"]);
    if o.wide {
        header.extend(["SUBOBJECT", "SOURCE"]);
    }
    header.push("MESSAGE");
    if o.wide {
        header.extend(["FIRST SEEN", "COUNT", "NAME"]);
    }
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            let mut row = Vec::new();
            if o.all_namespaces {
                row.push(e.metadata.namespace.to_string());
            }
            row.extend([
                age(now, e.last_at()),
                e.kind.to_string(),
                e.reason.to_string(),
                e.object(),
            ]);
            if o.wide {
                row.extend([String::new(), e.source.component.to_string()]);
            }
            row.push(e.message.to_string());
            if o.wide {
                row.extend([
                    age(now, e.first_at()),
                    e.count.to_string(),
                    e.metadata.name.to_string(),
                ]);
            }
            row
        })
        .collect();
    table(&header, &rows)
}
