//! `kubectl get events` and describe's Events table count repeats of one event on one line,
//! as the API server's event correlator and kubectl's printers do.

use sim_core::event::EventKind;
use sim_core::{BuildContext, World};

fn ok(w: &mut World, line: &str) -> String {
    let o = w.run_line(line, &BuildContext::default());
    assert_eq!(o.exit_code, 0, "{line}: {}{}", o.stdout, o.stderr);
    o.stdout
}

/// How often the trace recorded a cluster event with this reason.
fn recorded(w: &World, reason: &str) -> usize {
    w.events()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::KubeEvent { reason: r, .. } if r == reason))
        .count()
}

#[test]
fn a_crash_loops_back_offs_are_one_line_with_their_count() {
    let mut w = World::new(7);
    ok(&mut w, "cluster create");
    ok(&mut w, "kubectl create deployment b --image=busybox");
    ok(&mut w, "tick 10m");
    let backoffs = recorded(&w, "BackOff");
    assert!(backoffs > 3, "{backoffs}");

    let table = ok(&mut w, "kubectl get events");
    let lines: Vec<&str> = table.lines().filter(|l| l.contains("BackOff")).collect();
    assert_eq!(lines.len(), 1, "{table}");

    let wide = ok(&mut w, "kubectl get events -o wide");
    let header: Vec<&str> = wide
        .lines()
        .next()
        .unwrap()
        .split("   ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        header,
        [
            "LAST SEEN",
            "TYPE",
            "REASON",
            "OBJECT",
            "SUBOBJECT",
            "SOURCE",
            "MESSAGE",
            "FIRST SEEN",
            "COUNT",
            "NAME"
        ]
    );
    let line = wide.lines().find(|l| l.contains("BackOff")).unwrap();
    let cells: Vec<&str> = line.split_whitespace().collect();
    // COUNT is the second cell from the end (NAME last).
    assert_eq!(cells[cells.len() - 2], backoffs.to_string(), "{line}");

    let pod = w.cluster().unwrap().pods().next().unwrap().name.clone();
    let described = ok(&mut w, &format!("kubectl describe pod {pod}"));
    let line = described
        .lines()
        .find(|l| l.contains("Back-off restarting"))
        .unwrap();
    assert!(
        line.contains(&format!("(x{backoffs} over ")),
        "{backoffs}: {line}"
    );
}

/// The Events of `kubectl describe pod NAME`, as (reason, message) pairs.
fn pod_events(w: &mut World, pod: &str) -> Vec<(String, String)> {
    let describe = ok(w, &format!("kubectl describe pod {pod}"));
    let table = describe.split("Events:").nth(1).unwrap_or_default();
    table
        .lines()
        .skip(3)
        .filter_map(|l| {
            let cells: Vec<&str> = l
                .split("   ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            Some((cells.get(1)?.to_string(), cells.last()?.to_string()))
        })
        .collect()
}

#[test]
fn the_kubelet_tells_the_pull_the_create_and_the_start_of_each_pod_container() {
    let mut w = World::new(7);
    ok(&mut w, "cluster create --nodes 1");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx --replicas=2",
    );
    let names = ok(&mut w, "kubectl get pods -o name");
    let pods: Vec<&str> = names
        .lines()
        .map(|l| l.trim_start_matches("pod/"))
        .collect();
    assert_eq!(pods.len(), 2, "{names}");
    let events: Vec<Vec<(String, String)>> = pods.iter().map(|p| pod_events(&mut w, p)).collect();
    // One pod's start pulled the image onto the node; the other found it there.
    let pulled = events
        .iter()
        .filter(|e| e.iter().any(|(r, _)| r == "Pulling"))
        .count();
    assert_eq!(pulled, 1, "{events:?}");
    for e in &events {
        let reasons: Vec<&str> = e.iter().map(|(r, _)| r.as_str()).collect();
        let pulled_now = reasons.contains(&"Pulling");
        let want: &[&str] = if pulled_now {
            &["Scheduled", "Pulling", "Pulled", "Created", "Started"]
        } else {
            &["Scheduled", "Pulled", "Created", "Started"]
        };
        assert_eq!(reasons, want, "{e:?}");
        let pulled_message = &e.iter().find(|(r, _)| r == "Pulled").unwrap().1;
        if pulled_now {
            assert!(
                pulled_message.starts_with("Successfully pulled image \"nginx\" in 0s")
                    && pulled_message.ends_with(" bytes."),
                "{pulled_message}"
            );
        } else {
            assert_eq!(
                pulled_message,
                "Container image \"nginx\" already present on machine"
            );
        }
        assert!(e.contains(&("Created".into(), "Created container: nginx".into())));
        assert!(e.contains(&("Started".into(), "Started container nginx".into())));
    }
}

#[test]
fn each_restart_of_a_crashing_container_is_started_again_by_the_kubelet() {
    let mut w = World::new(7);
    ok(&mut w, "cluster create");
    ok(&mut w, "kubectl create deployment b --image=busybox");
    ok(&mut w, "tick 5m");
    let restarts: usize = ok(&mut w, "kubectl get pods")
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(restarts >= 3, "{restarts}");
    // The first start and every restart: one Started event each.
    assert_eq!(recorded(&w, "Started"), restarts + 1);
    let table = ok(&mut w, "kubectl get events");
    let started: Vec<&str> = table.lines().filter(|l| l.contains("Started")).collect();
    assert_eq!(started.len(), 1, "{table}");
}

#[test]
fn a_deleted_pods_running_container_is_stopped_by_its_kubelet() {
    let mut w = World::new(7);
    ok(&mut w, "cluster create --nodes 1");
    ok(&mut w, "kubectl create deployment web --image=nginx");
    let pod = ok(&mut w, "kubectl get pods -o name");
    ok(&mut w, &format!("kubectl delete {}", pod.trim()));
    let table = ok(&mut w, "kubectl get events");
    let killing: Vec<&str> = table.lines().filter(|l| l.contains("Killing")).collect();
    assert_eq!(killing.len(), 1, "{table}");
    assert!(
        killing[0].contains(pod.trim()) && killing[0].ends_with("Stopping container nginx"),
        "{table}"
    );
    // A crashed container is not running: nothing to stop when its pod goes.
    ok(&mut w, "kubectl create deployment b --image=busybox");
    ok(&mut w, "tick 2s");
    let crashed = ok(&mut w, "kubectl get pods -l app=b -o name");
    ok(&mut w, &format!("kubectl delete {}", crashed.trim()));
    assert_eq!(recorded(&w, "Killing"), 1);
}
