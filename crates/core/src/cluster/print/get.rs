//! `kubectl get` tables.

use super::{age, node_ip, table, Runtimes};
use crate::cluster::events::KubeEvent;
use crate::cluster::labels::{self, Labels};
use crate::cluster::objects::{Deployment, Pod, ReplicaSet};
use crate::cluster::Cluster;
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

pub fn get_nodes(cluster: &Cluster, now: Tick, o: GetOptions) -> String {
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
    let rows: Vec<Vec<String>> = cluster
        .nodes()
        .iter()
        .map(|n| {
            let mut row = vec![
                n.name.clone(),
                n.status(),
                "<none>".into(),
                age(now, n.created),
                KUBE_VERSION.into(),
            ];
            if o.wide {
                row.extend([
                    node_ip(n.index),
                    "<none>".into(),
                    "Sim Linux".into(),
                    "6.1.0-sim".into(),
                    "docker://27.3.1".into(),
                ]);
            }
            if o.show_labels {
                row.push(labels::format(&n.labels));
            }
            row
        })
        .collect();
    table(&header, &rows)
}

/// The READY, STATUS and RESTARTS columns of a pod.
pub fn pod_state(cluster: &Cluster, pod: &Pod, runtimes: &Runtimes) -> (String, String, u32) {
    let rt = runtimes.get(&pod.id).copied().unwrap_or_default();
    let node_up = pod
        .node
        .is_none_or(|n| cluster.nodes()[n as usize].heartbeat);
    let status = if pod.terminating
        || pod.waiting_reason.is_some()
        || pod.last_exit.is_some()
        || pod.container.is_none()
    {
        pod.status()
    } else if rt.running || !node_up {
        "Running".into()
    } else if rt.exited == Some(0) {
        "Completed".into()
    } else {
        "Error".into()
    };
    let ready = usize::from(rt.running && cluster.pod_ready(pod));
    let total = pod.spec.containers.len().max(1);
    (
        format!("{ready}/{total}"),
        status,
        pod.restarts.max(rt.restarts),
    )
}

pub fn get_pods(
    cluster: &Cluster,
    pods: &[&Pod],
    runtimes: &Runtimes,
    now: Tick,
    o: GetOptions,
) -> String {
    let columns = Columns {
        main: &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        wide: &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        labels: true,
    };
    namespaced_table(pods, columns, o, |p| {
        let (ready, status, restarts) = pod_state(cluster, p, runtimes);
        Row {
            namespace: &p.namespace,
            main: vec![
                p.name.clone(),
                ready,
                status,
                restarts.to_string(),
                age(now, p.created),
            ],
            wide: vec![
                p.ip.clone().unwrap_or_else(|| "<none>".into()),
                cluster.node_of(p).unwrap_or("<none>").to_string(),
                "<none>".into(),
                "<none>".into(),
            ],
            labels: p.labels(),
        }
    })
}

/// Ready pods of a ReplicaSet or Deployment's ReplicaSets.
fn ready_of(cluster: &Cluster, rs: &ReplicaSet, runtimes: &Runtimes) -> (usize, usize) {
    let mut current = 0;
    let mut ready = 0;
    for key in cluster.dependents(&rs.key()) {
        if let Some(p) = cluster.pod(&key.namespace, &key.name) {
            if p.terminating {
                continue;
            }
            current += 1;
            if pod_state(cluster, p, runtimes).0.starts_with('1') {
                ready += 1;
            }
        }
    }
    (current, ready)
}

pub fn get_replicasets(
    cluster: &Cluster,
    sets: &[&ReplicaSet],
    runtimes: &Runtimes,
    now: Tick,
    o: GetOptions,
) -> String {
    let columns = Columns {
        main: &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        wide: &["CONTAINERS", "IMAGES", "SELECTOR"],
        labels: false,
    };
    namespaced_table(sets, columns, o, |rs| {
        let (current, ready) = ready_of(cluster, rs, runtimes);
        let [names, images] = containers_images(&rs.template);
        Row {
            namespace: &rs.namespace,
            main: vec![
                rs.name.clone(),
                rs.replicas.to_string(),
                current.to_string(),
                ready.to_string(),
                age(now, rs.created),
            ],
            wide: vec![names, images, labels::format(&rs.template.labels)],
            labels: &rs.template.labels,
        }
    })
}

fn containers_images(t: &crate::cluster::objects::PodTemplate) -> [String; 2] {
    let names: Vec<&str> = t.containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = t.containers.iter().map(|c| c.image.as_str()).collect();
    [names.join(","), images.join(",")]
}

/// (ready, up-to-date, available) pods of a Deployment.
pub fn deployment_counts(
    cluster: &Cluster,
    d: &Deployment,
    runtimes: &Runtimes,
) -> (usize, usize, usize) {
    let mut ready = 0;
    let mut updated = 0;
    let current = crate::cluster::names::template_hash(&d.template, 0);
    for key in cluster.dependents(&d.key()) {
        let Some(rs) = cluster
            .replicasets()
            .find(|r| r.name == key.name && r.namespace == key.namespace)
        else {
            continue;
        };
        let (c, r) = ready_of(cluster, rs, runtimes);
        ready += r;
        if rs.template_hash == current {
            updated += c;
        }
    }
    (ready, updated, ready)
}

pub fn get_deployments(
    cluster: &Cluster,
    list: &[&Deployment],
    runtimes: &Runtimes,
    now: Tick,
    o: GetOptions,
) -> String {
    let columns = Columns {
        main: &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        wide: &["CONTAINERS", "IMAGES", "SELECTOR"],
        labels: true,
    };
    namespaced_table(list, columns, o, |d| {
        let (ready, updated, available) = deployment_counts(cluster, d, runtimes);
        let [names, images] = containers_images(&d.template);
        Row {
            namespace: &d.namespace,
            main: vec![
                d.name.clone(),
                format!("{ready}/{}", d.replicas),
                updated.to_string(),
                available.to_string(),
                age(now, d.created),
            ],
            wide: vec![names, images, labels::format(&d.labels)],
            labels: &d.labels,
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

pub fn get_events(events: &[&KubeEvent], now: Tick) -> String {
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            vec![
                age(now, e.at),
                e.kind().into(),
                e.reason.into(),
                e.object.clone(),
                e.message.clone(),
            ]
        })
        .collect();
    table(&["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], &rows)
}
