//! The cluster's part of a snapshot, from real Worlds driven by the commands a learner types.

use super::*;
use crate::BuildContext;

fn world(lines: &[&str]) -> World {
    let mut w = World::new(7);
    for line in lines {
        let out = w.run_line(line, &BuildContext::default());
        assert_eq!(out.exit_code, 0, "`{line}`: {}{}", out.stdout, out.stderr);
    }
    w
}

const WEB6: [&str; 2] = [
    "cluster create",
    "kubectl create deployment web --image=nginx --replicas=6",
];

fn chips_per_node(view: &ClusterView) -> Vec<usize> {
    view.nodes.iter().map(|n| n.pods.len()).collect()
}

#[test]
fn no_cluster_no_view() {
    assert!(snapshot(&World::new(1)).cluster.is_none());
}

#[test]
fn a_deployment_spreads_over_the_nodes_as_chips_of_one_owner() {
    let view = snapshot(&world(&WEB6)).cluster.expect("a cluster");
    assert_eq!(view.strategy, "least-allocated");
    let names: Vec<&str> = view.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["node-1", "node-2", "node-3"]);
    assert_eq!(chips_per_node(&view), [2, 2, 2]);
    assert_eq!(view.owners, ["web"]);
    let chips = view.nodes.iter().flat_map(|n| &n.pods);
    assert!(chips.clone().all(|c| c.owner == 0 && c.status == "running"));
    assert!(view.pending.is_empty());
    // The newest pod's table: one row per node, the pick marked on the node that has it.
    let last = &view.decisions[0];
    assert_eq!(last.rows.len(), 3);
    let picked: Vec<&DecisionRow> = last.rows.iter().filter(|r| r.picked).collect();
    assert_eq!(picked.len(), 1);
    assert_eq!(last.picked.as_deref(), Some(picked[0].node.as_str()));
    let holder = view
        .nodes
        .iter()
        .find(|n| n.pods.iter().any(|c| c.id == last.pod_id))
        .expect("the pod is bound");
    assert_eq!(holder.name, picked[0].node);
    assert!(last
        .rows
        .iter()
        .all(|r| r.verdicts.iter().all(Option::is_none)));
    assert_eq!(view.what_if.len(), 4);
}

#[test]
fn a_cordoned_node_is_marked_and_its_rejection_is_in_the_table() {
    let w = world(&[
        "cluster create",
        "kubectl cordon node-2",
        "kubectl create deployment web --image=nginx --replicas=4",
    ]);
    let view = snapshot(&w).cluster.expect("a cluster");
    let node2 = &view.nodes[1];
    assert!(node2.unschedulable && node2.ready && node2.pods.is_empty());
    assert_eq!(node2.status, "Ready,SchedulingDisabled");
    let row = &view.decisions[0].rows[1];
    assert_eq!(row.node, "node-2");
    assert_eq!(
        row.verdicts[0].as_deref(),
        Some("node(s) were unschedulable")
    );
    assert_eq!(row.score, None);
}

#[test]
fn a_failed_node_is_greyed_and_its_pods_come_back_elsewhere() {
    let mut lines = WEB6.to_vec();
    lines.extend(["cluster node fail node-2", "tick 6m"]);
    let view = snapshot(&world(&lines)).cluster.expect("a cluster");
    let node2 = &view.nodes[1];
    assert!(node2.failed && !node2.ready);
    assert!(node2.status.starts_with("NotReady"));
    let live = |n: &NodeView| n.pods.iter().filter(|c| c.status == "running").count();
    assert_eq!(live(node2), 0);
    assert_eq!(live(&view.nodes[0]) + live(&view.nodes[2]), 6);
}

#[test]
fn every_frame_of_a_cluster_command_sees_the_cluster() {
    let mut w = world(&["cluster create"]);
    let (outcome, frames) = run_line_with_frames(
        &mut w,
        "kubectl create deployment web --image=nginx --replicas=3",
        &BuildContext::default(),
    );
    assert_eq!(outcome.exit_code, 0);
    assert!(frames.len() > 3);
    assert!(frames.iter().all(|f| f.cluster.is_some()));
    // The pods appear one by one: the frames' chip counts never go down and end at 3.
    let counts: Vec<usize> = frames
        .iter()
        .filter_map(|f| f.cluster.as_ref())
        .map(|c| c.nodes.iter().map(|n| n.pods.len()).sum())
        .collect();
    assert!(counts.windows(2).all(|p| p[0] <= p[1]), "{counts:?}");
    assert_eq!(counts.last(), Some(&3));
    assert!(counts.first() < counts.last());
}

#[test]
fn a_long_table_keeps_its_pick_in_view() {
    let w = world(&[
        "cluster create --nodes 30",
        "cluster scheduler round-robin",
        "kubectl create deployment web --image=nginx --replicas=30",
    ]);
    let view = snapshot(&w).cluster.expect("a cluster");
    let last = &view.decisions[0];
    assert_eq!(last.picked.as_deref(), Some("node-30"));
    assert_eq!(last.nodes, 30);
    assert_eq!(last.rows.len(), MAX_ROWS);
    let picked: Vec<&str> = last
        .rows
        .iter()
        .filter(|r| r.picked)
        .map(|r| r.node.as_str())
        .collect();
    assert_eq!(picked, ["node-30"]);
    assert_eq!(view.decisions.len(), MAX_DECISIONS);
    // 30 pods on 30 nodes is within the what-if limit.
    assert_eq!(view.what_if.len(), 4);
}
