//! "What if": where the cluster's current pods would have gone under another scheduling
//! strategy, on the same seed, without touching the cluster.
//!
//! The replay starts from the current nodes as they are now (capacity, labels, taints, cordon,
//! readiness) with nothing bound, and schedules every live pod again in creation order, so the
//! strategies are compared on the same pods and the same nodes.

use super::node::Node;
use super::objects::{PodId, Resources};
use super::scheduler::filters::PodShape;
use super::scheduler::scores::Strategy;
use super::scheduler::Scheduler;
use super::Cluster;
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;

/// One pod's place in a replay: the node index it would be bound to, or None (Pending).
pub type Placement = (PodId, Option<u32>);

/// Schedules the cluster's live (not terminating) pods again under `strategy`, with an RNG
/// seeded by `seed`, and returns where each would be bound, in creation order. Pure: the
/// cluster is only read.
pub fn replay(cluster: &Cluster, strategy: Strategy, seed: u64) -> Vec<Placement> {
    let mut nodes: Vec<Node> = cluster.nodes().to_vec();
    for node in &mut nodes {
        node.requested = Resources::default();
        node.nonzero_requested = Resources::default();
        node.pod_count = 0;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut scheduler = Scheduler::new(strategy);
    let mut out = Vec::new();
    for pod in cluster.pods().filter(|p| !p.terminating) {
        let shape: PodShape = scheduler.shape_of(&pod.spec);
        let decision = scheduler.decide(&shape, &nodes, &mut rng, 0);
        if let Some(n) = decision.picked {
            let node = &mut nodes[n as usize];
            let requests = pod.spec.requests();
            node.requested.add(requests);
            node.nonzero_requested.add(requests.nonzero());
            node.pod_count += 1;
            scheduler.bound(n, &nodes, &mut rng);
        }
        out.push((pod.id, decision.picked));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BuildContext, World};

    fn world(lines: &[&str]) -> World {
        let mut w = World::new(3);
        for line in lines {
            let out = w.run_line(line, &BuildContext::default());
            assert_eq!(out.exit_code, 0, "`{line}`: {}", out.stderr);
        }
        w
    }

    fn nodes_of(placements: &[Placement]) -> Vec<Option<u32>> {
        placements.iter().map(|(_, n)| *n).collect()
    }

    #[test]
    fn strategies_place_the_same_pods_differently_without_changing_the_cluster() {
        let w = world(&[
            "cluster create",
            "kubectl create deployment web --image=nginx --replicas=6",
        ]);
        let cluster = w.cluster().expect("a cluster");
        let before: Vec<Option<u32>> = cluster.pods().map(|p| p.node).collect();
        let events = cluster.events().len();

        let turn = replay(cluster, Strategy::RoundRobin, w.seed());
        assert_eq!(nodes_of(&turn), [0, 1, 2, 0, 1, 2].map(Some));
        let packed = replay(cluster, Strategy::MostAllocated, w.seed());
        let first = packed[0].1;
        assert!(first.is_some() && nodes_of(&packed).iter().all(|n| *n == first));
        let spread = replay(cluster, Strategy::LeastAllocated, w.seed());
        let mut per_node = [0; 3];
        for n in nodes_of(&spread).into_iter().flatten() {
            per_node[n as usize] += 1;
        }
        assert_eq!(per_node, [2, 2, 2]);
        // The same pods, in creation order, in every replay.
        let ids: Vec<u64> = cluster.pods().map(|p| p.id).collect();
        for placements in [&turn, &packed, &spread] {
            assert_eq!(
                placements.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
                ids
            );
        }
        // Same seed, same answer; and the cluster is as it was.
        assert_eq!(
            replay(cluster, Strategy::Random, 9),
            replay(cluster, Strategy::Random, 9)
        );
        let after: Vec<Option<u32>> = cluster.pods().map(|p| p.node).collect();
        assert_eq!(before, after);
        assert_eq!(cluster.events().len(), events);
    }

    #[test]
    fn a_replay_keeps_off_cordoned_and_failed_nodes() {
        let w = world(&[
            "cluster create",
            "kubectl create deployment web --image=nginx --replicas=6",
            "kubectl cordon node-1",
            "cluster node fail node-3",
            "tick 2m",
        ]);
        let cluster = w.cluster().expect("a cluster");
        for s in Strategy::ALL {
            let placements = replay(cluster, s, w.seed());
            assert_eq!(placements.len(), 6, "{s:?}");
            assert!(
                placements.iter().all(|(_, n)| *n == Some(1)),
                "{s:?}: {placements:?}"
            );
        }
    }
}
