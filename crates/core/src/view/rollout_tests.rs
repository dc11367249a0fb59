//! The rollout history and the discovery lookup, from Worlds driven by a learner's commands.

use super::*;
use crate::event::EventKind;
use crate::BuildContext;

fn run(w: &mut World, lines: &[&str]) {
    for line in lines {
        let out = w.run_line(line, &BuildContext::default());
        assert_eq!(out.exit_code, 0, "`{line}`: {}{}", out.stdout, out.stderr);
    }
}

fn web(replicas: u32) -> World {
    let mut w = World::new(7);
    let create = format!("kubectl create deployment web --image=nginx --replicas={replicas}");
    run(&mut w, &["cluster create", &create, "tick 10s"]);
    w
}

fn web_rollout(w: &World) -> RolloutView {
    let all = rollouts(w);
    assert_eq!(all.len(), 1);
    all.into_iter().next().unwrap_or_default()
}

/// Every point keeps within the bounds a rolling update promises.
fn within_bounds(r: &RolloutView, from_seq: u64) {
    for p in r.points.iter().filter(|p| p.seq >= from_seq) {
        let total = p.old_ready + p.old_unready + p.new_ready + p.new_unready;
        assert!(total <= r.max_pods, "{p:?} over {}", r.max_pods);
        assert!(
            p.old_ready + p.new_ready >= r.min_ready,
            "{p:?} under {}",
            r.min_ready
        );
    }
}

#[test]
fn a_rolling_update_moves_pods_from_old_to_new_within_the_bounds() {
    let mut w = web(10);
    let before = web_rollout(&w);
    assert_eq!((before.max_pods, before.min_ready), (13, 8));
    let last = before.points.last().copied().unwrap_or_default();
    assert_eq!((last.new_ready, last.old_ready + last.old_unready), (10, 0));
    let start = w.events().len() as u64;
    run(
        &mut w,
        &[
            "kubectl set image deployment/web nginx=nginx:1.27",
            "tick 10s",
        ],
    );
    let r = web_rollout(&w);
    assert_eq!(r.status, "complete");
    assert_eq!(r.image, "nginx:1.27");
    let during: Vec<&RolloutPoint> = r.points.iter().filter(|p| p.seq >= start).collect();
    // Old and new pods lived side by side on the way.
    assert!(during
        .iter()
        .any(|p| p.old_ready > 0 && p.new_ready + p.new_unready > 0));
    let end = during.last().copied().copied().unwrap_or_default();
    assert_eq!(
        (
            end.new_ready,
            end.new_unready,
            end.old_ready,
            end.old_unready
        ),
        (10, 0, 0, 0)
    );
    within_bounds(&r, start);
}

#[test]
fn a_bad_release_stalls_with_the_old_pods_serving_and_undo_recovers() {
    let mut w = web(4);
    run(
        &mut w,
        &[
            "kubectl set image deployment/web nginx=nginx:9.99-nope",
            "tick 11m",
        ],
    );
    let r = web_rollout(&w);
    assert_eq!(r.status, "stalled");
    assert!(
        r.waiting
            .as_deref()
            .is_some_and(|w| w.contains("ImagePull")),
        "{:?}",
        r.waiting
    );
    let stuck = r.points.last().copied().unwrap_or_default();
    // maxUnavailable 1 of 4: three old pods keep serving, two new ones never get ready.
    assert_eq!(
        (stuck.old_ready, stuck.new_ready, stuck.new_unready),
        (3, 0, 2)
    );
    assert!(stuck.old_ready >= r.min_ready);
    run(&mut w, &["kubectl rollout undo deployment/web", "tick 5s"]);
    let r = web_rollout(&w);
    assert_eq!(r.status, "complete");
    assert_eq!(r.image, "nginx");
    let end = r.points.last().copied().unwrap_or_default();
    assert_eq!(
        (
            end.new_ready,
            end.new_unready,
            end.old_ready,
            end.old_unready
        ),
        (4, 0, 0, 0)
    );
}

#[test]
fn deleted_pods_leave_at_once_and_their_replacements_are_not_counted_twice() {
    let mut w = web(4);
    let start = w.events().len() as u64;
    run(
        &mut w,
        &[
            "kubectl delete pods -l app=web",
            "kubectl drain node-1",
            "tick 5s",
        ],
    );
    let r = web_rollout(&w);
    let after: Vec<&RolloutPoint> = r.points.iter().filter(|p| p.seq >= start).collect();
    assert!(!after.is_empty());
    for p in &after {
        assert!(total(p) <= 4, "{p:?}");
    }
    // The pods went (a dip), and four ready ones are back.
    assert!(after.iter().any(|p| total(p) < 4));
    let end = after.last().copied().copied().unwrap_or_default();
    assert_eq!((end.new_ready, total(&end)), (4, 4));
}

fn total(p: &RolloutPoint) -> u32 {
    p.old_ready + p.old_unready + p.new_ready + p.new_unready
}

#[test]
fn no_cluster_no_rollouts_and_no_lookup() {
    let w = World::new(1);
    assert!(rollouts(&w).is_empty());
    assert!(last_lookup(&w).is_none());
    assert!(lookup(&w, "client", "web", None).is_none());
}

#[test]
fn a_lookup_from_a_pod_goes_through_the_search_list_to_the_endpoints() {
    let mut w = web(2);
    run(
        &mut w,
        &[
            "kubectl expose deployment web --port=80",
            "kubectl run client --image=busybox -- sleep 3600",
            "tick 5s",
            "kubectl exec client -- wget -qO- http://web",
        ],
    );
    let (pod, name, port) = last_lookup(&w).unwrap_or_default();
    assert_eq!(
        (pod.as_str(), name.as_str(), port),
        ("client", "web", Some(80))
    );
    let v = lookup(&w, &pod, &name, port).unwrap_or_default();
    assert_eq!(
        v.search,
        [
            "default.svc.cluster.local",
            "svc.cluster.local",
            "cluster.local"
        ]
    );
    // The first search domain answers: the ClusterIP.
    assert_eq!(v.tried.len(), 1);
    assert_eq!(v.tried[0].0, "web.default.svc.cluster.local");
    let ip = v.cluster_ip.clone().unwrap_or_default();
    assert_eq!(v.tried[0].1, std::slice::from_ref(&ip));
    assert!(ip.starts_with("10."), "{ip}");
    assert_eq!(v.service.as_deref(), Some("web"));
    let pods: Vec<&str> = v.endpoints.iter().map(|e| e.pod.as_str()).collect();
    assert_eq!(pods.len(), 2);
    assert!(pods.iter().all(|p| p.starts_with("web-")));
    assert_eq!(v.keys[0].key, "/registry/services/specs/default/web");
    assert_eq!(v.keys[1].key, "/registry/services/endpoints/default/web");
    // Reading changes nothing in the store.
    assert!(!v.keys[1].lit);

    // New pods: the endpoints key lights up, the name still answers with the same address.
    run(&mut w, &["kubectl delete pods -l app=web"]);
    let after = lookup(&w, "client", "web", Some(80)).unwrap_or_default();
    assert_eq!(after.cluster_ip, v.cluster_ip);
    assert!(after.keys[1].lit);
    assert!(after.keys[1].mod_revision > v.keys[1].mod_revision);
    assert!(after.revision > v.revision);
    let new: Vec<&str> = after.endpoints.iter().map(|e| e.pod.as_str()).collect();
    assert_eq!(new.len(), 2);
    assert!(new.iter().all(|p| !pods.contains(p)), "{new:?} {pods:?}");
    assert!(after
        .keys
        .iter()
        .any(|k| k.deleted && k.key.starts_with("/registry/pods/")));

    // A name nobody serves: every search domain and the name itself, all NXDOMAIN.
    let none = lookup(&w, "client", "nothere", None).unwrap_or_default();
    assert_eq!(none.tried.len(), 4);
    assert!(none.tried.iter().all(|(_, ips)| ips.is_empty()));
    assert!(none.service.is_none() && none.endpoints.is_empty());
}

/// A Deployment whose pods have a readiness probe on `path`.
fn probed(path: &str, image: &str) -> String {
    format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: {image}\n        readinessProbe:\n          initialDelaySeconds: 5\n          httpGet:\n            path: {path}\n            port: 80\n")
}

fn apply(w: &mut World, yaml: &str) {
    let files = BuildContext::from_files([("web.yaml", yaml)]);
    let out = w.run_line("kubectl apply -f web.yaml", &files);
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
}

/// The ready pods the cluster counts now, and the picture's last point's.
fn ready_now(w: &World) -> (u32, u32) {
    let c = w.cluster().unwrap();
    let counted = c.pods().filter(|p| c.pod_ready(p)).count() as u32;
    let last = web_rollout(w).points.last().copied().unwrap_or_default();
    (counted, last.old_ready + last.new_ready)
}

#[test]
fn the_picture_counts_a_probed_pod_ready_only_once_its_probe_passed() {
    let mut w = World::new(3);
    run(&mut w, &["cluster create --nodes 2"]);
    apply(&mut w, &probed("/", "nginx:1.27"));
    run(&mut w, &["tick 2s"]);
    // Containers run, the probe waits for initialDelaySeconds: nobody is ready yet.
    assert_eq!(ready_now(&w), (0, 0));
    let r = web_rollout(&w);
    let last = r.points.last().copied().unwrap_or_default();
    assert_eq!(last.new_unready, 2, "{r:?}");
    run(&mut w, &["tick 10s"]);
    assert_eq!(ready_now(&w), (2, 2));
    assert!(w
        .events()
        .iter()
        .any(|e| matches!(&e.kind, EventKind::PodReadiness { ready: true, .. })));

    // A release whose probe never passes: its pods run but stay unready in the picture too.
    apply(&mut w, &probed("/missing", "nginx:1.27.2"));
    run(&mut w, &["tick 60s"]);
    assert_eq!(ready_now(&w), (2, 2));
    let last = web_rollout(&w).points.last().copied().unwrap_or_default();
    assert_eq!((last.old_ready, last.new_ready), (2, 0));
    assert!(last.new_unready >= 1, "{last:?}");
}

/// The counts are kept per ReplicaSet as events come (not recounted per event): scaling a big
/// Deployment up and down again still ends on the live pods the cluster holds.
#[test]
fn counts_kept_as_events_come_match_the_cluster_after_scaling() {
    let mut w = web(300);
    let up = web_rollout(&w).points.last().copied().unwrap_or_default();
    assert_eq!((up.new_ready, total(&up)), (300, 300));
    run(
        &mut w,
        &["kubectl scale deployment web --replicas=40", "tick 60s"],
    );
    let live = w
        .cluster()
        .map_or(0, |c| c.pods().filter(|p| !p.terminating).count());
    let down = web_rollout(&w).points.last().copied().unwrap_or_default();
    assert_eq!((live, total(&down), down.new_ready), (40, 40, 40));
}

/// Kept between commands, the history reads only each command's new events and still draws
/// what a pass over the whole trace draws: through updates, a rollback (which reorders the
/// ReplicaSets), deletions, a second Deployment, one deleted and made again, and no cluster.
#[test]
fn a_kept_history_equals_a_pass_over_the_whole_trace_after_every_command() {
    let mut w = World::new(11);
    let mut kept = Rollouts::default();
    let mut read_more_than_once = 0;
    for line in [
        "kubectl create deployment early --image=nginx",
        "cluster create --nodes 2",
        "kubectl create deployment web --image=nginx --replicas=4",
        "tick 10s",
        "kubectl set image deployment/web nginx=nginx:1.27",
        "tick 3s",
        "kubectl create deployment api --image=redis --replicas=2",
        "tick 10s",
        "kubectl set image deployment/web nginx=nginx:9.99-nope",
        "tick 2m",
        "kubectl rollout undo deployment/web",
        "tick 10s",
        "kubectl delete pods -l app=web",
        "kubectl drain node-1 --ignore-daemonsets",
        "tick 10s",
        "kubectl scale deployment web --replicas=6",
        "kubectl delete deployment api",
        "tick 5s",
        "kubectl create deployment api --image=redis --replicas=3",
        "tick 10s",
        "cluster delete",
        "cluster create",
        "kubectl create deployment web --image=nginx --replicas=2",
        "tick 10s",
    ] {
        w.run_line(line, &BuildContext::default());
        let whole = rollouts(&w);
        assert_eq!(kept.update(&w), whole, "after `{line}`");
        read_more_than_once += usize::from(whole.iter().any(|r| r.points.len() > 1));
    }
    assert!(read_more_than_once > 10, "the histories had points to keep");
    // Another World (shorter trace) is read from its start.
    let mut other = web(3);
    assert_eq!(kept.update(&other), rollouts(&other));
    run(
        &mut other,
        &["kubectl scale deployment web --replicas=5", "tick 10s"],
    );
    assert_eq!(kept.update(&other), rollouts(&other));
}
