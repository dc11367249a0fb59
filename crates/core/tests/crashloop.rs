//! A pod's container that exits is restarted by its kubelet with Kubernetes' back-off:
//! `Completed`/`Error` right after the exit, `CrashLoopBackOff` while waiting 10 s, 20 s, ...
//! up to 5 minutes (reset after 10 minutes of running), RESTARTS counting; a rollout to such
//! an image stalls with the old pods serving, and `rollout undo` recovers.

use sim_core::event::EventKind;
use sim_core::{BuildContext, Outcome, World};

fn run(w: &mut World, line: &str) -> Outcome {
    w.run_line(line, &BuildContext::default())
}

fn ok(w: &mut World, line: &str) -> String {
    let o = run(w, line);
    assert_eq!(o.exit_code, 0, "{line}: {}{}", o.stdout, o.stderr);
    o.stdout
}

/// (STATUS, RESTARTS) of every pod whose name starts with `prefix`.
fn pods(w: &mut World, prefix: &str) -> Vec<(String, String, u32)> {
    ok(w, "kubectl get pods")
        .lines()
        .skip(1)
        .filter(|l| l.starts_with(prefix))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[1].to_string(), f[2].to_string(), f[3].parse().unwrap())
        })
        .collect()
}

/// When the containers whose name contains `part` started, in ms.
fn starts(w: &World, part: &str) -> Vec<u64> {
    w.events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ContainerStarted { name, .. } if name.contains(part) => Some(e.at),
            _ => None,
        })
        .collect()
}

/// When the containers whose name contains `part` ended, in ms.
fn exits(w: &World, part: &str) -> Vec<u64> {
    w.events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ContainerExited { name, .. } if name.contains(part) => Some(e.at),
            _ => None,
        })
        .collect()
}

fn warnings(w: &World, reason: &str) -> Vec<String> {
    w.events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::KubeEvent {
                warning: true,
                reason: r,
                message,
                ..
            } if r == reason => Some(message.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn busybox_crash_loops_with_the_kubelets_back_off() {
    let mut w = World::new(7);
    ok(&mut w, "cluster create");
    ok(&mut w, "kubectl create deployment b --image=busybox");
    // Right after its exit the pod shows how the container ended.
    assert_eq!(pods(&mut w, "b-"), [("0/1".into(), "Completed".into(), 0)]);
    ok(&mut w, "tick 5s");
    assert_eq!(
        pods(&mut w, "b-"),
        [("0/1".into(), "CrashLoopBackOff".into(), 0)]
    );
    let backoffs = warnings(&w, "BackOff");
    assert_eq!(backoffs.len(), 1, "{backoffs:?}");
    assert!(
        backoffs[0].starts_with("Back-off restarting failed container busybox in pod b-"),
        "{backoffs:?}"
    );
    ok(&mut w, "tick 30m");
    let (_, status, shown) = pods(&mut w, "b-").remove(0);
    let at = starts(&w, "_busybox_b-");
    assert!(at.len() > 8, "{at:?}");
    // Each wait doubles from 10 s and stops at 5 minutes.
    for (i, gap) in at.windows(2).map(|p| p[1] - p[0]).enumerate() {
        let expected = (10_000u64 << i).min(300_000);
        assert_eq!(gap, expected, "restart {}: {at:?}", i + 1);
    }
    assert_eq!(shown, at.len() as u32 - 1);
    assert!(
        ["CrashLoopBackOff", "Completed"].contains(&status.as_str()),
        "{status}"
    );
    // Not ready, so no endpoint and no available replica.
    let d = ok(&mut w, "kubectl get deployment b");
    assert!(d.lines().nth(1).unwrap().contains("0/1"), "{d}");
}

#[test]
fn a_failing_exit_shows_error_and_a_long_run_resets_the_back_off() {
    let manifest = |cmd: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: job\nspec:\n  selector:\n    matchLabels:\n      app: job\n  template:\n    metadata:\n      labels:\n        app: job\n    spec:\n      containers:\n      - name: work\n        image: busybox\n        command: [\"sh\", \"-c\", \"{cmd}\"]\n"
        )
    };
    for (cmd, run_ms, reset) in [
        ("sleep 5; exit 3", 5_000u64, false),
        ("sleep 660; exit 3", 660_000, true),
    ] {
        let mut w = World::new(3);
        ok(&mut w, "cluster create");
        let yaml = manifest(cmd);
        let o = w.run_line(
            "kubectl apply -f job.yaml",
            &BuildContext::from_files([("job.yaml", yaml.as_str())]),
        );
        assert_eq!(o.exit_code, 0, "{}", o.stderr);
        ok(&mut w, &format!("tick {}ms", run_ms));
        assert_eq!(pods(&mut w, "job-")[0].1, "Error");
        ok(&mut w, "tick 60m");
        let (at, ended) = (starts(&w, "_work_job-"), exits(&w, "_work_job-"));
        assert!(at.len() >= 4, "{at:?}");
        assert!(ended[0] - at[0] >= run_ms);
        // From each end to the next start.
        let waits: Vec<u64> = at[1..].iter().zip(&ended).map(|(s, e)| s - e).collect();
        if reset {
            // Every run lasted 10 minutes: the kubelet forgets the crash before.
            assert!(waits.iter().all(|&d| d == 10_000), "{waits:?}");
        } else {
            assert_eq!(&waits[..3], &[10_000, 20_000, 40_000]);
        }
    }
}

#[test]
fn a_rollout_to_a_crashing_image_stalls_and_undo_recovers() {
    let mut w = World::new(11);
    ok(&mut w, "cluster create");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx --replicas=4",
    );
    ok(&mut w, "tick 5s");
    ok(&mut w, "kubectl set image deployment/web nginx=busybox");
    ok(&mut w, "tick 2m");
    let list = pods(&mut w, "web-");
    let serving = list
        .iter()
        .filter(|(r, s, _)| r == "1/1" && s == "Running")
        .count();
    // maxUnavailable 25% of 4: at most one old pod went.
    assert_eq!(serving, 3, "{list:?}");
    assert!(
        list.iter()
            .any(|(_, s, n)| (s == "CrashLoopBackOff" || s == "Completed") && *n > 0),
        "{list:?}"
    );
    let status = ok(&mut w, "kubectl rollout status deployment/web");
    assert!(
        status.starts_with("Waiting for deployment \"web\" rollout to finish"),
        "{status}"
    );
    ok(&mut w, "kubectl rollout undo deployment/web");
    ok(&mut w, "tick 30s");
    let list = pods(&mut w, "web-");
    assert_eq!(list.len(), 4, "{list:?}");
    assert!(
        list.iter()
            .all(|(r, s, n)| r == "1/1" && s == "Running" && *n == 0),
        "{list:?}"
    );
}
