//! minReadySeconds: a rollout counts a new pod available only once it has been ready that
//! long, so each step of a rolling update waits for it; without it the steps follow at once.

use sim_core::event::EventKind;
use sim_core::{BuildContext, World};

fn ok(w: &mut World, line: &str) -> String {
    let o = w.run_line(line, &BuildContext::default());
    assert_eq!(o.exit_code, 0, "{line}: {}{}", o.stdout, o.stderr);
    o.stdout
}

fn manifest(min_ready: u64, image: &str) -> String {
    format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  minReadySeconds: {min_ready}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: {image}\n")
}

fn apply(w: &mut World, yaml: &str) {
    let o = w.run_line(
        "kubectl apply -f web.yaml",
        &BuildContext::from_files([("web.yaml", yaml)]),
    );
    assert_eq!(o.exit_code, 0, "{}", o.stderr);
}

/// When old pods were deleted, in ms since `from`'s time.
fn deletions(w: &World, from: usize) -> Vec<u64> {
    let start = w.events()[from].at;
    w.events()[from..]
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::KubeEvent { reason, .. } if reason == "SuccessfulDelete"))
        .map(|e| e.at - start)
        .collect()
}

fn complete(w: &World) -> bool {
    let c = w.cluster().unwrap();
    c.rollout_complete(c.deployment("default", "web").unwrap())
}

#[test]
fn each_step_waits_for_min_ready_seconds() {
    for min_ready in [0u64, 10] {
        let mut w = World::new(2);
        ok(&mut w, "cluster create --nodes 2");
        apply(&mut w, &manifest(min_ready, "nginx:1.27"));
        ok(&mut w, "tick 30s");
        assert!(complete(&w));
        let from = w.events().len();
        apply(&mut w, &manifest(min_ready, "nginx:1.27.2"));
        if min_ready == 0 {
            assert!(complete(&w));
        } else {
            assert!(!complete(&w));
            let status = ok(&mut w, "kubectl rollout status deployment/web");
            assert!(status.starts_with("Waiting for deployment"), "{status}");
            ok(&mut w, "tick 60s");
            assert!(complete(&w));
        }
        // Two replicas, surge 1, unavailable 0: one old pod goes per step, each step after
        // the new pod was ready for minReadySeconds.
        let gone = deletions(&w, from);
        assert_eq!(gone.len(), 2, "{gone:?}");
        let wait = min_ready * 1000;
        assert!(gone[0] >= wait && gone[0] < wait + 2_000, "{gone:?}");
        assert!(
            gone[1] >= 2 * wait && gone[1] < 2 * wait + 4_000,
            "{gone:?}"
        );
    }
}
