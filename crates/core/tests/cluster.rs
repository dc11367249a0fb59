//! The cluster end to end through command lines: nodes as hosts, placement per strategy
//! (checked against the nodes' state, not hard-coded), node failure timeline, filters' messages,
//! cordon/drain, bad manifests, kubectl's words, scale extremes and determinism.

use sim_core::cluster::scheduler::scores::{score, Strategy};
use sim_core::{BuildContext, Outcome, World};

fn run(w: &mut World, line: &str) -> Outcome {
    w.run_line(line, &BuildContext::default())
}

fn ok(w: &mut World, line: &str) -> String {
    let o = run(w, line);
    assert_eq!(o.exit_code, 0, "{line}: {}{}", o.stdout, o.stderr);
    o.stdout
}

fn placements(w: &World) -> Vec<(String, String)> {
    let c = w.cluster().unwrap();
    c.pods()
        .map(|p| (p.name.clone(), c.node_of(p).unwrap_or("-").to_string()))
        .collect()
}

#[test]
fn no_cluster_is_a_refused_connection() {
    let mut w = World::new(1);
    let o = run(&mut w, "kubectl get pods");
    assert_eq!(o.exit_code, 1);
    assert_eq!(
        o.stderr,
        "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n"
    );
}

#[test]
fn deployment_pods_run_as_containers_on_their_nodes() {
    let mut w = World::new(7);
    ok(&mut w, "cluster create");
    let nodes = ok(&mut w, "kubectl get nodes");
    assert!(
        nodes.starts_with("NAME     STATUS   ROLES    AGE   VERSION\nnode-1   Ready    <none>"),
        "{nodes}"
    );
    assert_eq!(
        ok(
            &mut w,
            "kubectl create deployment web --image=nginx --replicas=3"
        ),
        "deployment.apps/web created\n"
    );
    let c = w.cluster().unwrap();
    assert_eq!(c.pods().count(), 3);
    let rs = c.replicasets().next().unwrap();
    let mut checks = Vec::new();
    for p in c.pods() {
        // web-<template hash>-<5 characters of the alphabet>
        let suffix = p
            .name
            .strip_prefix(&format!("web-{}-", rs.template_hash))
            .unwrap();
        assert_eq!(suffix.len(), 5);
        assert!(suffix
            .chars()
            .all(|ch| "bcdfghjklmnpqrstvwxz2456789".contains(ch)));
        let node = c.node_of(p).unwrap().to_string();
        let ip = p.ip.clone().unwrap();
        let n = c.node(&node).unwrap();
        assert!(
            ip.starts_with(&n.pod_cidr().replace(".0/24", ".")),
            "{ip} {}",
            n.pod_cidr()
        );
        let uid8: String = p.uid.chars().take(8).collect();
        checks.push((node, format!("k8s_nginx_{}_default_{uid8}_0", p.name)));
    }
    for (node, name) in checks {
        let ps = ok(&mut w, &format!("docker -H {node} ps"));
        assert!(ps.contains(&name), "{ps}");
    }
    let pods = ok(&mut w, "kubectl get po -o wide");
    assert!(pods.contains("Running"), "{pods}");
    let first = placements(&w)[0].0.clone();
    let described = ok(&mut w, &format!("kubectl describe pod {first}"));
    assert!(
        described.contains(&format!("Successfully assigned default/{first} to node-")),
        "{described}"
    );
    let logs = run(&mut w, &format!("kubectl logs {first}"));
    assert_eq!(logs.exit_code, 0, "{}", logs.stderr);
    let exec = ok(&mut w, &format!("kubectl exec {first} -- hostname"));
    assert_eq!(exec, format!("{first}\n"));
}

/// Where each strategy must put the next pod, computed from the nodes' state.
fn expected_node(
    w: &World,
    strategy: Strategy,
    request: sim_core::cluster::objects::Resources,
) -> Vec<String> {
    let c = w.cluster().unwrap();
    let scores: Vec<(u32, String)> = c
        .nodes()
        .iter()
        .filter(|n| n.free().cpu_m >= request.cpu_m && n.free().memory >= request.memory)
        .map(|n| (score(strategy, n, request.nonzero()), n.name.clone()))
        .collect();
    let best = scores.iter().map(|s| s.0).max().unwrap();
    scores
        .into_iter()
        .filter(|s| s.0 == best)
        .map(|s| s.1)
        .collect()
}

#[test]
fn strategies_place_pods_by_the_nodes_state() {
    for strategy in [Strategy::LeastAllocated, Strategy::MostAllocated] {
        let mut w = World::new(3);
        ok(&mut w, "cluster create --nodes 3 --cpu 4 --memory 8Gi");
        ok(&mut w, &format!("cluster scheduler {}", strategy.name()));
        ok(
            &mut w,
            "kubectl create deployment big --image=nginx --replicas=0",
        );
        ok(
            &mut w,
            "kubectl set resources deployment big --requests=cpu=1,memory=1Gi",
        );
        let request = sim_core::cluster::objects::Resources {
            cpu_m: 1000,
            memory: 1 << 30,
        };
        for n in 1..=5 {
            let allowed = expected_node(&w, strategy, request);
            let before: Vec<String> = placements(&w).into_iter().map(|p| p.0).collect();
            ok(
                &mut w,
                &format!("kubectl scale deployment big --replicas={n}"),
            );
            let after = placements(&w);
            let new: Vec<_> = after.iter().filter(|p| !before.contains(&p.0)).collect();
            assert_eq!(new.len(), 1);
            assert!(
                allowed.contains(&new[0].1),
                "{strategy:?}: {} not in {allowed:?}",
                new[0].1
            );
        }
    }
    let mut w = World::new(3);
    ok(&mut w, "cluster create --nodes 3");
    ok(&mut w, "cluster scheduler round-robin");
    ok(
        &mut w,
        "kubectl create deployment rr --image=nginx --replicas=6",
    );
    let nodes: Vec<String> = placements(&w).into_iter().map(|p| p.1).collect();
    for name in ["node-1", "node-2", "node-3"] {
        assert_eq!(nodes.iter().filter(|n| *n == name).count(), 2, "{nodes:?}");
    }
}

#[test]
fn failed_scheduling_has_kubes_message() {
    let mut w = World::new(5);
    ok(&mut w, "cluster create --nodes 3 --cpu 1");
    ok(&mut w, "kubectl cordon node-1");
    ok(
        &mut w,
        "kubectl create deployment hog --image=nginx --replicas=0",
    );
    ok(
        &mut w,
        "kubectl set resources deployment hog --requests=cpu=2",
    );
    ok(&mut w, "kubectl scale deployment hog --replicas=1");
    let pod = placements(&w)[0].0.clone();
    let d = ok(&mut w, &format!("kubectl describe pod {pod}"));
    assert!(
        d.contains("0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu."),
        "{d}"
    );
    let explain = ok(&mut w, &format!("cluster explain {pod}"));
    assert!(explain.contains("FailedScheduling"), "{explain}");
    assert!(ok(&mut w, "kubectl get pods").contains("Pending"));
}

#[test]
fn node_failure_evicts_after_50s_then_300s() {
    let mut w = World::new(11);
    ok(&mut w, "cluster create --nodes 3");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx --replicas=6",
    );
    let failed_at = w.now();
    let on_2: Vec<String> = placements(&w)
        .into_iter()
        .filter(|p| p.1 == "node-2")
        .map(|p| p.0)
        .collect();
    assert!(!on_2.is_empty());
    ok(&mut w, "cluster node fail node-2");
    let failed_at = failed_at.max(w.now() - 1000);
    ok(&mut w, "tick 60s");
    let c = w.cluster().unwrap();
    assert!(!c.node("node-2").unwrap().ready);
    let not_ready = c
        .events()
        .iter()
        .find(|e| e.reason == "NodeNotReady")
        .unwrap();
    assert_eq!(not_ready.at - failed_at, 50_000);
    ok(&mut w, "tick 300s");
    let c = w.cluster().unwrap();
    let evicted: Vec<_> = c
        .events()
        .iter()
        .filter(|e| e.reason == "TaintManagerEviction")
        .collect();
    assert_eq!(evicted.len(), on_2.len());
    assert_eq!(evicted[0].at - failed_at, 350_000);
    // Six live replicas again, none of them on node-2.
    let live: Vec<_> = c.pods().filter(|p| !p.terminating).collect();
    assert_eq!(live.len(), 6);
    assert!(live.iter().all(|p| c.node_of(p) != Some("node-2")));
    assert!(ok(&mut w, "kubectl get pods").contains("Terminating"));
    ok(&mut w, "cluster node recover node-2");
    assert_eq!(w.cluster().unwrap().pods().count(), 6);
}

#[test]
fn node_selector_and_taints_reject_with_kubes_words() {
    let mut w = World::new(2);
    ok(&mut w, "cluster create --nodes 2");
    ok(&mut w, "cluster node add gpu-1 --label gpu=true");
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: trainer\nspec:\n  nodeSelector:\n    gpu: \"true\"\n  containers:\n  - name: t\n    image: busybox\n    command: [sleep, \"3600\"]\n";
    let ctx = BuildContext::from_files([("pod.yaml", yaml)]);
    let o = w.run_line("kubectl apply -f pod.yaml", &ctx);
    assert_eq!(o.stdout, "pod/trainer created\n", "{}", o.stderr);
    assert_eq!(
        w.cluster()
            .unwrap()
            .node_of(w.cluster().unwrap().pod("default", "trainer").unwrap()),
        Some("gpu-1")
    );
    let other = yaml.replace("trainer", "second");
    ok(&mut w, "cluster node fail gpu-1");
    ok(&mut w, "tick 60s");
    let o = w.run_line(
        "kubectl apply -f pod.yaml",
        &BuildContext::from_files([("pod.yaml", other.as_str())]),
    );
    assert_eq!(o.exit_code, 0);
    let d = ok(&mut w, "kubectl describe pod second");
    assert!(d.contains("0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 2 node(s) didn't match Pod's node affinity/selector."), "{d}");
}

#[test]
fn cordon_and_drain_move_pods() {
    let mut w = World::new(4);
    ok(&mut w, "cluster create --nodes 2");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx --replicas=4",
    );
    ok(&mut w, "kubectl run solo --image=nginx");
    let solo_node = placements(&w)
        .into_iter()
        .find(|p| p.0 == "solo")
        .unwrap()
        .1;
    let o = run(
        &mut w,
        &format!("kubectl drain {solo_node} --ignore-daemonsets"),
    );
    assert_eq!(o.exit_code, 1);
    assert!(
        o.stderr.contains(
            "cannot delete Pods that declare no controller (use --force to override): default/solo"
        ),
        "{}",
        o.stderr
    );
    let out = ok(
        &mut w,
        &format!("kubectl drain {solo_node} --ignore-daemonsets --force"),
    );
    assert!(
        out.ends_with(&format!("node/{solo_node} drained\n")),
        "{out}"
    );
    let c = w.cluster().unwrap();
    assert_eq!(c.pods().count(), 4);
    assert!(c.pods().all(|p| c.node_of(p) != Some(solo_node.as_str())));
    assert!(ok(&mut w, "kubectl get nodes").contains("Ready,SchedulingDisabled"));
    ok(&mut w, &format!("kubectl uncordon {solo_node}"));
}

#[test]
fn bad_manifests_create_nothing_and_name_the_line() {
    let mut w = World::new(9);
    ok(&mut w, "cluster create");
    let good = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: a\n    image: nginx\n";
    let bad = format!(
        "{good}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  containerz: []\n"
    );
    let o = w.run_line(
        "kubectl apply -f two.yaml",
        &BuildContext::from_files([("two.yaml", bad.as_str())]),
    );
    assert_eq!(o.exit_code, 1);
    assert!(o.stderr.contains("line 15"), "{}", o.stderr);
    assert_eq!(w.cluster().unwrap().pods().count(), 0);
    let o = run(&mut w, "kubectl apply -f missing.yaml");
    assert_eq!(
        o.stderr,
        "error: the path \"missing.yaml\" does not exist\n"
    );
}

#[test]
fn unknown_words_get_kubectls_errors() {
    let mut w = World::new(1);
    ok(&mut w, "cluster create");
    let o = run(&mut w, "kubectl get foo");
    assert_eq!(
        o.stderr,
        "error: the server doesn't have a resource type \"foo\"\n"
    );
    let o = run(&mut w, "kubectl get pods --colour");
    assert_eq!(
        o.stderr,
        "error: unknown flag: --colour\nSee 'kubectl get --help' for usage.\n"
    );
    let o = run(&mut w, "kubectl get pods");
    assert_eq!(o.stderr, "No resources found in default namespace.\n");
    assert_eq!(o.exit_code, 0);
}

#[test]
fn scale_to_zero_and_to_100000() {
    let mut w = World::new(6);
    ok(&mut w, "cluster create");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx --replicas=2",
    );
    ok(&mut w, "kubectl scale deployment web --replicas=0");
    assert_eq!(w.cluster().unwrap().pods().count(), 0);
    ok(&mut w, "kubectl scale deployment web --replicas=100000");
    let c = w.cluster().unwrap();
    assert_eq!(c.pods().count(), 100_000);
    let bound = c.pods().filter(|p| p.node.is_some()).count();
    assert_eq!(bound, 3 * 110);
    assert_eq!(c.pending(), 100_000 - 330);
    let pending = c.pods().find(|p| p.node.is_none()).unwrap().name.clone();
    let d = ok(&mut w, &format!("kubectl describe pod {pending}"));
    assert!(
        d.contains("0/3 nodes are available: 3 Too many pods."),
        "{d}"
    );
}

#[test]
fn same_seed_same_placements() {
    let script = [
        "cluster create --nodes 4",
        "cluster scheduler random",
        "kubectl create deployment web --image=nginx --replicas=12",
    ];
    let runs: Vec<(Vec<(String, String)>, String)> = (0..2)
        .map(|_| {
            let mut w = World::new(99);
            for line in script {
                ok(&mut w, line);
            }
            (placements(&w), w.trace_hash())
        })
        .collect();
    assert_eq!(runs[0], runs[1]);
}

#[test]
fn a_pod_reaches_a_pod_on_another_node_by_its_ip() {
    let mut w = World::new(8);
    ok(&mut w, "cluster create --nodes 2");
    ok(&mut w, "cluster scheduler round-robin");
    ok(&mut w, "kubectl run box --image=busybox -- sleep 3600");
    ok(&mut w, "kubectl run web --image=nginx");
    let c = w.cluster().unwrap();
    let (box_pod, web) = (
        c.pod("default", "box").unwrap(),
        c.pod("default", "web").unwrap(),
    );
    assert_ne!(c.node_of(box_pod), c.node_of(web));
    let ip = web.ip.clone().unwrap();
    let page = ok(
        &mut w,
        &format!("kubectl exec box -- wget -qO- http://{ip}"),
    );
    assert!(page.contains("Welcome to nginx!"), "{page}");
    // A docker bridge address is not routed between hosts.
    let o = run(&mut w, "kubectl exec box -- wget -qO- http://172.17.0.2");
    assert_eq!(o.exit_code, 1);
    assert!(
        o.stderr.ends_with("command terminated with exit code 1\n"),
        "{}",
        o.stderr
    );
}

#[test]
fn pending_pods_bind_when_a_node_joins() {
    let mut w = World::new(12);
    ok(&mut w, "cluster create --nodes 1 --cpu 1");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx --replicas=0",
    );
    ok(
        &mut w,
        "kubectl set resources deployment web --requests=cpu=600m",
    );
    ok(&mut w, "kubectl scale deployment web --replicas=2");
    assert_eq!(w.cluster().unwrap().pending(), 1);
    ok(&mut w, "cluster node add node-2 --cpu 1");
    let c = w.cluster().unwrap();
    assert_eq!(c.pending(), 0);
    let nodes: Vec<_> = c
        .pods()
        .map(|p| c.node_of(p).unwrap().to_string())
        .collect();
    assert!(nodes.contains(&"node-1".to_string()) && nodes.contains(&"node-2".to_string()));
}

#[test]
fn delete_pods_by_selector_removes_every_match_and_the_replicaset_replaces_them() {
    let mut w = sim_core::World::new(5);
    let ctx = sim_core::BuildContext::default();
    for line in [
        "cluster create",
        "kubectl create deployment web --image=nginx --replicas=3",
        "kubectl run solo --image=nginx",
    ] {
        assert_eq!(w.run_line(line, &ctx).exit_code, 0, "{line}");
    }
    let before: Vec<String> = w
        .cluster()
        .unwrap()
        .pods()
        .map(|p| p.name.clone())
        .collect();
    let out = w.run_line("kubectl delete pods -l app=web", &ctx);
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.matches("deleted").count(), 3, "{}", out.stdout);
    assert!(!out.stdout.contains("solo"));
    let cluster = w.cluster().unwrap();
    let live: Vec<&str> = cluster
        .pods()
        .filter(|p| !p.terminating)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(live.len(), 4, "{live:?}");
    assert!(live.contains(&"solo"));
    assert!(live
        .iter()
        .filter(|n| n.starts_with("web-"))
        .all(|n| !before.iter().any(|b| b == n)));
    let none = w.run_line("kubectl delete pods -l app=nothing", &ctx);
    assert_eq!(none.stdout, "No resources found in default namespace.\n");
}
