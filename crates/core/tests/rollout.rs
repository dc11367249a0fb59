//! Rollouts end to end through command lines: rolling updates within maxSurge/maxUnavailable
//! (replayed from the events, not hard-coded), Recreate, revisions and history, a bad release
//! with the kubelet's back-off and the progress deadline, undo, pause/resume, and bad input
//! refused in kubectl's words with nothing changed.

use sim_core::event::EventKind;
use sim_core::{BuildContext, Outcome, World};
use std::collections::BTreeMap;

fn run(w: &mut World, line: &str) -> Outcome {
    w.run_line(line, &BuildContext::default())
}

fn ok(w: &mut World, line: &str) -> String {
    let o = run(w, line);
    assert_eq!(o.exit_code, 0, "{line}: {}{}", o.stdout, o.stderr);
    o.stdout
}

fn refused(w: &mut World, line: &str) -> String {
    let before = w
        .cluster()
        .map(|c| format!("{:?}", c.deployments().collect::<Vec<_>>()));
    let rs = w.cluster().map(|c| c.replicasets().count());
    let o = run(w, line);
    assert_ne!(o.exit_code, 0, "{line}: {}", o.stdout);
    let after = w
        .cluster()
        .map(|c| format!("{:?}", c.deployments().collect::<Vec<_>>()));
    assert_eq!(before, after, "{line} changed a Deployment");
    assert_eq!(rs, w.cluster().map(|c| c.replicasets().count()));
    o.stderr
}

fn apply(w: &mut World, yaml: &str) -> Outcome {
    w.run_line(
        "kubectl apply -f web.yaml",
        &BuildContext::from_files([("web.yaml", yaml)]),
    )
}

fn kube_events(w: &World, from: usize) -> Vec<(String, String, String)> {
    w.events()[from..]
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::KubeEvent {
                reason,
                object,
                message,
                ..
            } => Some((reason.clone(), object.clone(), message.clone())),
            _ => None,
        })
        .collect()
}

/// Replays the events of a rollout: (fewest ready pods at any moment, most pods at once).
/// A pod is ready once scheduled (its container starts then) until it is deleted.
fn replay(events: &[(String, String, String)], start_ready: usize) -> (usize, usize) {
    let (mut ready, mut pods) = (start_ready as i64, start_ready as i64);
    let (mut min_ready, mut max_pods) = (ready, pods);
    for (reason, _, _) in events {
        match reason.as_str() {
            "Scheduled" => ready += 1,
            "SuccessfulCreate" => pods += 1,
            "SuccessfulDelete" => {
                ready -= 1;
                pods -= 1;
            }
            _ => {}
        }
        min_ready = min_ready.min(ready);
        max_pods = max_pods.max(pods);
    }
    (min_ready as usize, max_pods as usize)
}

#[test]
fn rolling_update_stays_within_surge_and_unavailable() {
    for replicas in [4usize, 7, 10, 40] {
        let mut w = World::new(3);
        ok(&mut w, "cluster create --nodes 4");
        ok(
            &mut w,
            &format!("kubectl create deployment web --image=nginx:1.27 --replicas={replicas}"),
        );
        let from = w.events().len();
        assert_eq!(
            ok(
                &mut w,
                "kubectl set image deployment/web nginx=nginx:1.27.2"
            ),
            "deployment.apps/web image updated\n"
        );
        let (min_ready, max_pods) = replay(&kube_events(&w, from), replicas);
        // 25 % rounded down and up, as the Deployment defaults say.
        let unavailable = replicas * 25 / 100;
        let surge = (replicas * 25).div_ceil(100);
        assert_eq!(min_ready, replicas - unavailable, "{replicas} replicas");
        assert_eq!(max_pods, replicas + surge, "{replicas} replicas");
        let c = w.cluster().unwrap();
        let d = c.deployment("default", "web").unwrap();
        assert!(c.rollout_complete(d));
        let images: Vec<&str> = c
            .pods()
            .map(|p| p.spec.containers[0].image.as_str())
            .collect();
        assert_eq!(images, vec!["nginx:1.27.2"; replicas]);
        assert_eq!(
            ok(&mut w, "kubectl rollout status deployment/web"),
            "deployment \"web\" successfully rolled out\n"
        );
    }
}

#[test]
fn recreate_and_explicit_bounds_from_the_manifest() {
    let yaml = |image: &str, strategy: &str| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 6\n  selector:\n    matchLabels:\n      app: web\n{strategy}  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: {image}\n")
    };
    let mut w = World::new(5);
    ok(&mut w, "cluster create --nodes 3");
    let recreate = "  strategy:\n    type: Recreate\n";
    assert_eq!(
        apply(&mut w, &yaml("nginx:1.27", recreate)).stdout,
        "deployment.apps/web created\n"
    );
    let from = w.events().len();
    let o = apply(&mut w, &yaml("nginx:1.27.2", recreate));
    assert_eq!(o.stdout, "deployment.apps/web configured\n", "{}", o.stderr);
    let (min_ready, max_pods) = replay(&kube_events(&w, from), 6);
    assert_eq!(
        (min_ready, max_pods),
        (0, 6),
        "Recreate: all down, never more"
    );
    // One at a time, never below 6: maxSurge 1, maxUnavailable 0.
    let one = "  strategy:\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n";
    let from = w.events().len();
    apply(&mut w, &yaml("nginx:1.27", one));
    let (min_ready, max_pods) = replay(&kube_events(&w, from), 6);
    assert_eq!((min_ready, max_pods), (6, 7));
    // Both 0 could never move: the API server refuses it.
    let zero = "  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 0\n";
    let o = apply(&mut w, &yaml("nginx:1.27.2", zero));
    assert_eq!(o.exit_code, 1);
    assert!(
        o.stderr
            .contains("maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"),
        "{}",
        o.stderr
    );
    let bad = "  strategy:\n    type: BlueGreen\n";
    let o = apply(&mut w, &yaml("nginx:1.27.2", bad));
    assert!(
        o.stderr
            .contains("spec.strategy.type: Unsupported value: \"BlueGreen\""),
        "{}",
        o.stderr
    );
    let c = w.cluster().unwrap();
    let d = c.deployment("default", "web").unwrap();
    assert_eq!(d.template.containers[0].image, "nginx:1.27");
}

#[test]
fn revisions_come_from_template_changes_only() {
    let mut w = World::new(9);
    ok(&mut w, "cluster create --nodes 2");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx:1.27 --replicas=3",
    );
    ok(&mut w, "kubectl scale deployment web --replicas=5");
    // The same image again changes nothing and prints nothing, as kubectl does.
    assert_eq!(
        ok(&mut w, "kubectl set image deployment/web nginx=nginx:1.27"),
        ""
    );
    assert_eq!(w.cluster().unwrap().replicasets().count(), 1);
    ok(
        &mut w,
        "kubectl set image deployment/web nginx=nginx:1.27.2",
    );
    assert_eq!(
        ok(
            &mut w,
            "kubectl annotate deployment/web kubernetes.io/change-cause=downgrade"
        ),
        "deployment.apps/web annotated\n"
    );
    ok(&mut w, "kubectl rollout restart deployment/web");
    let history = ok(&mut w, "kubectl rollout history deployment/web");
    let rows: Vec<Vec<&str>> = history
        .lines()
        .skip(2)
        .filter(|l| !l.is_empty())
        .map(|l| l.split_whitespace().collect())
        .collect();
    // restart copies the annotation to its new revision too (the Deployment still has it).
    assert_eq!(
        rows,
        [
            vec!["1", "<none>"],
            vec!["2", "downgrade"],
            vec!["3", "downgrade"]
        ]
    );
    let c = w.cluster().unwrap();
    let revisions: BTreeMap<u32, String> = c
        .replicasets()
        .map(|r| (r.revision, r.template.containers[0].image.clone()))
        .collect();
    assert_eq!(revisions[&1], "nginx:1.27");
    assert_eq!(revisions[&2], "nginx:1.27.2");
    let d = c.deployment("default", "web").unwrap();
    let current = c.current_replicaset(d).unwrap();
    assert_eq!(current.revision, 3);
    assert!(current
        .template
        .annotations
        .contains_key("kubectl.kubernetes.io/restartedAt"));
    // undo --to-revision=1 brings revision 1's template back as revision 4.
    assert_eq!(
        ok(
            &mut w,
            "kubectl rollout undo deployment/web --to-revision=1"
        ),
        "deployment.apps/web rolled back\n"
    );
    let c = w.cluster().unwrap();
    let d = c.deployment("default", "web").unwrap();
    let current = c.current_replicaset(d).unwrap();
    assert_eq!(
        (
            current.revision,
            current.template.containers[0].image.as_str()
        ),
        (4, "nginx:1.27")
    );
    assert!(c.rollout_complete(d));
    assert_eq!(
        ok(
            &mut w,
            "kubectl rollout undo deployment/web --to-revision=4"
        ),
        "deployment.apps/web skipped rollback (current template already matches revision 4)\n"
    );
}

#[test]
fn history_keeps_revision_history_limit_old_replicasets() {
    let mut w = World::new(2);
    ok(&mut w, "cluster create --nodes 2");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx --replicas=2",
    );
    for i in 0..13 {
        ok(
            &mut w,
            &format!(
                "kubectl set image deployment/web nginx=nginx:{}",
                ["1.27", "1.27.2"][i % 2]
            ),
        );
        ok(&mut w, "kubectl rollout restart deployment/web");
    }
    let c = w.cluster().unwrap();
    let d = c.deployment("default", "web").unwrap();
    let list = c.replicasets_of(d);
    // The current one and revisionHistoryLimit (10) old ones.
    assert_eq!(list.len(), 11);
    let newest = list.last().unwrap().revision;
    assert_eq!(list[0].revision, newest - 10);
}

#[test]
fn a_bad_release_stalls_backs_off_and_undo_recovers() {
    let mut w = World::new(11);
    ok(&mut w, "cluster create --nodes 3");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx:1.27 --replicas=10",
    );
    let old: Vec<String> = w
        .cluster()
        .unwrap()
        .pods()
        .map(|p| p.name.clone())
        .collect();
    let start = w.events().len();
    ok(
        &mut w,
        "kubectl set image deployment/web nginx=nginx:0.0-missing",
    );
    let c = w.cluster().unwrap();
    let d = c.deployment("default", "web").unwrap();
    let counts = c.rollout_counts(d);
    // Stalled where maxSurge and maxUnavailable meet: old pods keep serving.
    let unavailable = 10 * 25 / 100;
    let surge = (10usize * 25).div_ceil(100);
    assert_eq!(counts.available, 10 - unavailable);
    assert_eq!(counts.replicas, 10 + surge);
    assert_eq!(counts.updated, unavailable + surge);
    assert_eq!(counts.updated_available, 0);
    let serving = c
        .pods()
        .filter(|p| old.contains(&p.name) && c.pod_ready(p))
        .count();
    assert_eq!(serving, 10 - unavailable);
    let status: Vec<String> = c
        .pods()
        .filter(|p| !old.contains(&p.name))
        .map(|p| p.status())
        .collect();
    assert!(status.iter().all(|s| s == "ErrImagePull"), "{status:?}");
    ok(&mut w, "tick 5s");
    let c = w.cluster().unwrap();
    assert!(c
        .pods()
        .filter(|p| !old.contains(&p.name))
        .all(|p| p.status() == "ImagePullBackOff"));
    assert!(ok(&mut w, "kubectl rollout status deployment/web")
        .starts_with("Waiting for deployment \"web\" rollout to finish: 5 out of 10 new replicas"));
    // The kubelet pulls again after 10 s, 20 s, 40 s ... up to 5 minutes.
    ok(&mut w, "tick 1800s");
    let one = w
        .cluster()
        .unwrap()
        .pods()
        .find(|p| !old.contains(&p.name))
        .unwrap()
        .name
        .clone();
    let tries: Vec<u64> = w.events()[start..]
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::KubeEvent { reason, object, .. } if reason == "Failed" && *object == format!("pod/{one}")))
        .map(|e| e.at)
        .collect();
    let gaps: Vec<u64> = tries.windows(2).map(|t| (t[1] - t[0]) / 1000).collect();
    let mut expected = Vec::new();
    let mut delay = 10;
    while expected.len() < gaps.len() {
        expected.push(delay);
        delay = (delay * 2).min(300);
    }
    assert!(gaps.len() >= 7, "{gaps:?}");
    assert_eq!(gaps, expected);
    // 600 s without progress: ProgressDeadlineExceeded.
    let o = run(&mut w, "kubectl rollout status deployment/web");
    assert_eq!(o.exit_code, 1);
    assert_eq!(
        o.stderr,
        "error: deployment \"web\" exceeded its progress deadline\n"
    );
    let deadline = kube_events(&w, start)
        .into_iter()
        .filter(|e| e.0 == "ProgressDeadlineExceeded")
        .count();
    assert_eq!(deadline, 1);
    assert_eq!(
        ok(&mut w, "kubectl rollout undo deployment/web"),
        "deployment.apps/web rolled back\n"
    );
    let c = w.cluster().unwrap();
    let d = c.deployment("default", "web").unwrap();
    assert!(c.rollout_complete(d));
    assert!(c.pods().all(|p| p.spec.containers[0].image == "nginx:1.27"));
    assert_eq!(
        ok(&mut w, "kubectl rollout status deployment/web"),
        "deployment \"web\" successfully rolled out\n"
    );
}

#[test]
fn paused_deployments_wait_for_resume() {
    let mut w = World::new(4);
    ok(&mut w, "cluster create --nodes 2");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx:1.27 --replicas=4",
    );
    assert_eq!(
        ok(&mut w, "kubectl rollout pause deployment/web"),
        "deployment.apps/web paused\n"
    );
    assert_eq!(
        refused(&mut w, "kubectl rollout pause deployment/web"),
        "error: deployments.apps \"web\" is already paused\n"
    );
    ok(
        &mut w,
        "kubectl set image deployment/web nginx=nginx:1.27.2",
    );
    assert_eq!(w.cluster().unwrap().replicasets().count(), 1);
    assert!(refused(&mut w, "kubectl rollout undo deployment/web")
        .starts_with("error: you cannot rollback a paused deployment"));
    ok(&mut w, "kubectl rollout resume deployment/web");
    let c = w.cluster().unwrap();
    assert_eq!(c.replicasets().count(), 2);
    assert!(c.rollout_complete(c.deployment("default", "web").unwrap()));
}

#[test]
fn bad_input_is_refused_in_kubectls_words() {
    let mut w = World::new(6);
    ok(&mut w, "cluster create --nodes 1");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx --replicas=2",
    );
    let cases = [
        ("kubectl rollout undo deployment/web", "error: no rollout history found for deployment \"web\"\n"),
        ("kubectl rollout undo deployment/web --to-revision=3", "error: unable to find specified revision 3 in history\n"),
        ("kubectl rollout undo deployment/nope", "Error from server (NotFound): deployments.apps \"nope\" not found\n"),
        ("kubectl rollout status deployment/nope", "Error from server (NotFound): deployments.apps \"nope\" not found\n"),
        ("kubectl rollout history widgets/web", "error: the server doesn't have a resource type \"widgets\"\n"),
        ("kubectl rollout jump deployment/web", "error: unknown command \"jump\" for \"kubectl rollout\"\nRun 'kubectl rollout --help' for usage.\n"),
        ("kubectl set image deployment/web php=php:8", "error: unable to find container named \"php\"\n"),
        ("kubectl set image deployment/web", "error: at least one image update is required\n"),
        ("kubectl rollout undo deployment/web --to-revision=x", "error: invalid argument \"x\" for \"--to-revision\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\n"),
    ];
    for (line, expected) in cases {
        assert_eq!(refused(&mut w, line), expected, "{line}");
    }
    ok(&mut w, "kubectl annotate deployment web team=a");
    assert!(refused(&mut w, "kubectl annotate deployment web team=b")
        .contains("'team' already has a value (a)"));
    ok(&mut w, "kubectl annotate deployment web team=b --overwrite");
    ok(&mut w, "kubectl annotate deployment web team-");
    assert!(w
        .cluster()
        .unwrap()
        .deployment("default", "web")
        .unwrap()
        .rollout
        .annotations
        .is_empty());
}

#[test]
fn describe_shows_the_deployments_strategy() {
    let mut w = World::new(1);
    ok(&mut w, "cluster create --nodes 1");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx --replicas=2",
    );
    let d = ok(&mut w, "kubectl describe deployment web");
    assert!(d.contains("StrategyType:           RollingUpdate\nMinReadySeconds:        0\nRollingUpdateStrategy:  25% max unavailable, 25% max surge\n"), "{d}");
    let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  minReadySeconds: 3\n  strategy:\n    type: Recreate\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n";
    assert_eq!(
        apply(&mut w, yaml).stdout,
        "deployment.apps/web configured\n"
    );
    let d = ok(&mut w, "kubectl describe deployment web");
    assert!(
        d.contains("StrategyType:           Recreate\nMinReadySeconds:        3\nPod Template:"),
        "{d}"
    );
}
