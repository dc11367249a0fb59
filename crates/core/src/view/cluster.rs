//! The cluster as the pictures draw it: nodes with their requests against what they have and
//! their pods as small chips (an owner index and a status, no names: a snapshot is taken after
//! every event, so a chip must stay cheap), the latest scheduling decisions as tables, and for
//! small clusters where the same pods would have gone under each strategy.

use super::{ClusterView, DecisionRow, DecisionView, NodeView, PodChip, WhatIfView};
use crate::cluster::objects::{Phase, Pod};
use crate::cluster::scheduler::scores::Strategy;
use crate::cluster::{what_if, Cluster};
use crate::World;
use std::collections::BTreeMap;

/// Decisions kept in a snapshot (the newest pods'), for the scheduling picture.
pub const MAX_DECISIONS: usize = 8;
/// Rows kept per decision table: the pick, then the other nodes in node order.
pub const MAX_ROWS: usize = 24;
/// "What if" is replayed only for clusters this small (in nodes and in pods): it schedules
/// every pod again per strategy, which a snapshot per event cannot afford for big ones.
pub const WHAT_IF_LIMIT: usize = 64;

pub(super) fn cluster(world: &World) -> Option<ClusterView> {
    let cluster = world.cluster()?;
    let owners = Owners::of(cluster);
    let chip = |p: &Pod| PodChip {
        id: p.id,
        owner: owners.index(p),
        status: status(p),
    };
    let nodes = cluster
        .nodes()
        .iter()
        .map(|n| NodeView {
            name: n.name.clone(),
            status: n.status(),
            ready: n.ready,
            failed: !n.heartbeat,
            unschedulable: n.unschedulable,
            cpu_m: n.capacity.cpu_m,
            cpu_m_requested: n.requested.cpu_m,
            memory: n.capacity.memory,
            memory_requested: n.requested.memory,
            max_pods: n.max_pods,
            pods: cluster.pods_on(n.index).map(chip).collect(),
        })
        .collect();
    let pending = cluster
        .pods()
        .filter(|p| p.node.is_none() && !p.terminating)
        .map(chip)
        .collect();
    Some(ClusterView {
        strategy: cluster.strategy().name().to_string(),
        owners: owners.names,
        nodes,
        pending,
        decisions: decisions(cluster),
        what_if: what_ifs(cluster, world.seed()),
    })
}

/// A pod's state in one word the picture styles by.
fn status(p: &Pod) -> &'static str {
    if p.terminating {
        return "terminating";
    }
    if p.waiting_reason.is_some() {
        return "waiting";
    }
    match (p.phase, p.node) {
        (Phase::Pending, None) => "pending",
        (Phase::Pending, Some(_)) => "creating",
        (Phase::Running, _) => "running",
        (Phase::Succeeded, _) => "succeeded",
        (Phase::Failed, _) => "failed",
    }
}

/// The names pods are coloured by: each pod's Deployment (through its ReplicaSet), else its
/// ReplicaSet, else "" for a pod nobody owns. Index = colour.
struct Owners {
    names: Vec<String>,
    index: BTreeMap<String, u32>,
    /// ReplicaSet name → the owner name it stands for.
    of_replicaset: BTreeMap<String, String>,
}

impl Owners {
    fn of(cluster: &Cluster) -> Owners {
        let mut owners = Owners {
            names: Vec::new(),
            index: BTreeMap::new(),
            of_replicaset: BTreeMap::new(),
        };
        for d in cluster.deployments() {
            owners.add(&d.name);
        }
        for rs in cluster.replicasets() {
            let name = rs.owner.as_ref().map_or(&rs.name, |o| &o.name).clone();
            owners.add(&name);
            owners.of_replicaset.insert(rs.name.clone(), name);
        }
        owners
    }

    fn add(&mut self, name: &str) {
        if !self.index.contains_key(name) {
            self.index.insert(name.to_string(), self.names.len() as u32);
            self.names.push(name.to_string());
        }
    }

    fn index(&self, pod: &Pod) -> u32 {
        pod.owner
            .as_ref()
            .and_then(|o| self.of_replicaset.get(&o.name))
            .and_then(|name| self.index.get(name))
            .copied()
            .unwrap_or(u32::MAX)
    }
}

/// The newest pods' decisions, newest first.
fn decisions(cluster: &Cluster) -> Vec<DecisionView> {
    cluster
        .pods()
        .rev()
        .filter_map(|p| cluster.decision(p.id).map(|d| (p, d)))
        .take(MAX_DECISIONS)
        .map(|(pod, d)| {
            let picked = d.picked.map(|i| cluster.nodes()[i as usize].name.clone());
            // At most MAX_ROWS rows, built only for those: the pick stays in view (last)
            // when it would fall beyond them. Rows are in node order.
            let at = d.picked.map(|i| i as usize).filter(|&i| i < d.rows.len());
            let mut shown: Vec<usize> = (0..d.rows.len().min(MAX_ROWS)).collect();
            if let Some(at) = at.filter(|&at| at >= MAX_ROWS) {
                shown.pop();
                shown.push(at);
            }
            let rows = shown
                .into_iter()
                .map(|i| {
                    let r = &d.rows[i];
                    DecisionRow {
                        node: r.node.clone(),
                        verdicts: r
                            .filters
                            .iter()
                            .map(|reasons| {
                                (!reasons.is_empty()).then(|| {
                                    reasons
                                        .iter()
                                        .map(ToString::to_string)
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                })
                            })
                            .collect(),
                        score: r.score,
                        picked: at == Some(i),
                    }
                })
                .collect();
            DecisionView {
                pod: pod.name.clone(),
                pod_id: pod.id,
                at: d.at,
                strategy: d.strategy.name().to_string(),
                picked,
                score: d.score,
                nodes: d.nodes,
                feasible: d.feasible,
                tied: d.tied,
                failure: d.picked.is_none().then(|| d.failure_message()),
                rows,
            }
        })
        .collect()
}

/// Per strategy, where the live pods would be bound on a replay (small clusters only).
fn what_ifs(cluster: &Cluster, seed: u64) -> Vec<WhatIfView> {
    let pods = cluster.pods().filter(|p| !p.terminating).count();
    if pods == 0 || pods > WHAT_IF_LIMIT || cluster.nodes().len() > WHAT_IF_LIMIT {
        return Vec::new();
    }
    Strategy::ALL
        .iter()
        .map(|&s| WhatIfView {
            strategy: s.name().to_string(),
            placements: what_if::replay(cluster, s, seed),
        })
        .collect()
}
