//! Readiness probes: a pod whose probe has not passed shows READY 0/1 and is no Service
//! endpoint; httpGet asks the pod's server, exec runs a command in its container; after
//! failureThreshold failures in a row a ready pod leaves the endpoints again.

use sim_core::event::EventKind;
use sim_core::{BuildContext, World};

fn ok(w: &mut World, line: &str) -> String {
    let o = w.run_line(line, &BuildContext::default());
    assert_eq!(o.exit_code, 0, "{line}: {}{}", o.stdout, o.stderr);
    o.stdout
}

fn apply(w: &mut World, image: &str, probe: &str) {
    let yaml = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  containers:\n  - name: web\n    image: {image}\n    readinessProbe:\n{probe}");
    let o = w.run_line(
        "kubectl apply -f web.yaml",
        &BuildContext::from_files([("web.yaml", yaml.as_str())]),
    );
    assert_eq!(o.exit_code, 0, "{}", o.stderr);
}

/// Ready as the cluster counts it, and whether the Service `web` has the pod as endpoint.
fn ready_and_endpoint(w: &World) -> (bool, bool) {
    let c = w.cluster().unwrap();
    let pod = c.pod("default", "web").unwrap();
    let s = c.services().get("default", "web").unwrap();
    let eps: Vec<String> = c.endpoints(s).into_iter().map(|e| e.ip).collect();
    (
        c.pod_ready(pod),
        pod.ip.as_ref().is_some_and(|ip| eps.contains(ip)),
    )
}

/// The messages of the `Unhealthy` warnings so far.
fn unhealthy(w: &World) -> Vec<String> {
    w.events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::KubeEvent {
                warning: true,
                reason,
                message,
                ..
            } if reason == "Unhealthy" => Some(message.clone()),
            _ => None,
        })
        .collect()
}

/// Lets time pass a second at a time until there were `n` probe failures.
fn until_failures(w: &mut World, n: usize) {
    for _ in 0..30 {
        if unhealthy(w).len() >= n {
            return;
        }
        ok(w, "tick 1s");
    }
    panic!("fewer than {n} probe failures: {:?}", unhealthy(w));
}

fn cluster_with(image: &str, probe: &str) -> World {
    let mut w = World::new(3);
    ok(&mut w, "cluster create --nodes 1");
    apply(&mut w, image, probe);
    ok(&mut w, "kubectl expose pod web --port=80");
    w
}

#[test]
fn an_http_probe_that_gets_404_keeps_the_pod_unready() {
    let mut w = cluster_with(
        "nginx",
        "      httpGet:\n        path: /healthz\n        port: 80\n      periodSeconds: 5\n",
    );
    ok(&mut w, "tick 30s");
    assert_eq!(ready_and_endpoint(&w), (false, false));
    let pods = ok(&mut w, "kubectl get pods");
    assert!(pods.contains(" 0/1 "), "{pods}");
    let described = ok(&mut w, "kubectl describe pod web");
    assert!(
        described.contains("    Readiness:  http-get http://:80/healthz delay=0s timeout=1s period=5s #success=1 #failure=3\n"),
        "{described}"
    );
    let failed = unhealthy(&w);
    // Probed at once, then every 5 s for 30 s.
    assert!((6..=8).contains(&failed.len()), "{failed:?}");
    assert_eq!(
        failed[0],
        "Readiness probe failed: HTTP probe failed with statuscode: 404"
    );
}

#[test]
fn an_http_probe_that_passes_makes_the_pod_ready_after_its_initial_delay() {
    let mut w = cluster_with(
        "nginx",
        "      httpGet:\n        path: /\n        port: 80\n      initialDelaySeconds: 20\n",
    );
    ok(&mut w, "tick 15s");
    assert_eq!(ready_and_endpoint(&w), (false, false));
    ok(&mut w, "tick 5s");
    assert_eq!(ready_and_endpoint(&w), (true, true));
    let pods = ok(&mut w, "kubectl get pods");
    assert!(pods.contains(" 1/1 "), "{pods}");
    assert!(unhealthy(&w).is_empty());
}

#[test]
fn an_exec_probe_follows_a_file_in_the_container() {
    let mut w = cluster_with(
        "nginx",
        "      exec:\n        command: [cat, /tmp/ready]\n      periodSeconds: 5\n      failureThreshold: 2\n",
    );
    ok(&mut w, "tick 10s");
    assert_eq!(ready_and_endpoint(&w), (false, false));
    let failed = unhealthy(&w);
    assert!(
        failed[0].starts_with("Readiness probe failed: cat: "),
        "{failed:?}"
    );
    assert!(failed[0].contains("/tmp/ready"), "{failed:?}");
    // The command's output, as one line in `kubectl get events`.
    assert!(!failed[0].ends_with('\n'), "{failed:?}");
    ok(&mut w, "kubectl exec web -- touch /tmp/ready");
    ok(&mut w, "tick 6s");
    assert_eq!(ready_and_endpoint(&w), (true, true));
    // One failure is not enough to leave the endpoints; the second in a row is.
    ok(&mut w, "kubectl exec web -- rm /tmp/ready");
    let before = unhealthy(&w).len();
    until_failures(&mut w, before + 1);
    assert_eq!(ready_and_endpoint(&w), (true, true));
    until_failures(&mut w, before + 2);
    assert_eq!(ready_and_endpoint(&w), (false, false));
}

#[test]
fn without_a_probe_a_running_pod_is_ready() {
    let mut w = World::new(3);
    ok(&mut w, "cluster create --nodes 1");
    ok(&mut w, "kubectl run web --image=nginx --labels=app=web");
    ok(&mut w, "kubectl expose pod web --port=80");
    ok(&mut w, "tick 2s");
    assert_eq!(ready_and_endpoint(&w), (true, true));
}

#[test]
fn an_exec_probe_that_never_ends_fails_as_timed_out() {
    let mut w = cluster_with(
        "nginx",
        "      exec:\n        command: [sleep, \"100\"]\n      periodSeconds: 5\n",
    );
    ok(&mut w, "tick 12s");
    assert_eq!(ready_and_endpoint(&w), (false, false));
    let failed = unhealthy(&w);
    assert!(failed.len() >= 2, "{failed:?}");
    assert_eq!(
        failed[0],
        "Readiness probe failed: command \"sleep 100\" timed out"
    );
}

#[test]
fn a_rollout_waits_for_its_new_pods_readiness() {
    let deployment = |path: &str, image: &str| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: {image}\n        readinessProbe:\n          httpGet:\n            path: {path}\n            port: 80\n")
    };
    let mut w = World::new(5);
    ok(&mut w, "cluster create --nodes 2");
    let apply = |w: &mut World, yaml: String| {
        let o = w.run_line(
            "kubectl apply -f web.yaml",
            &BuildContext::from_files([("web.yaml", yaml.as_str())]),
        );
        assert_eq!(o.exit_code, 0, "{}", o.stderr);
    };
    apply(&mut w, deployment("/", "nginx:1.27"));
    ok(&mut w, "tick 30s");
    let status = ok(&mut w, "kubectl rollout status deployment/web");
    assert!(status.contains("successfully rolled out"), "{status}");
    // The new release's pods never pass their probe: the rollout stalls with the old
    // pods still ready.
    apply(&mut w, deployment("/missing", "nginx:1.27.2"));
    ok(&mut w, "tick 60s");
    let c = w.cluster().unwrap();
    let ready: Vec<String> = c
        .pods()
        .filter(|p| c.pod_ready(p))
        .map(|p| p.spec.containers[0].image.clone())
        .collect();
    assert_eq!(ready, ["nginx:1.27", "nginx:1.27"]);
    assert!(!c.rollout_complete(c.deployment("default", "web").unwrap()));
}

#[test]
fn probes_repeat_with_the_same_seed() {
    let run = || {
        let mut w = cluster_with(
            "nginx",
            "      exec:\n        command: [cat, /tmp/ready]\n      periodSeconds: 3\n",
        );
        ok(&mut w, "tick 7s");
        ok(&mut w, "kubectl exec web -- touch /tmp/ready");
        ok(&mut w, "tick 7s");
        ok(&mut w, "kubectl get endpoints web");
        (w.trace_hash(), unhealthy(&w).len())
    };
    let first = run();
    assert!(first.1 >= 2, "{first:?}");
    assert_eq!(first, run());
}

#[test]
fn an_http_probe_may_name_the_containers_port() {
    // The probe's lines, then the container's own `ports:` (4 spaces in, as the probe key).
    let named = "      httpGet:\n        path: /\n        port: web\n    ports:\n    - name: web\n      containerPort: 80\n";
    let mut w = cluster_with("nginx", named);
    ok(&mut w, "tick 15s");
    assert_eq!(ready_and_endpoint(&w), (true, true));
    let described = ok(&mut w, "kubectl describe pod web");
    assert!(
        described.contains("http-get http://:web/ delay=0s"),
        "{described}"
    );

    // A name no container port has: refused, nothing created.
    let mut w = World::new(3);
    ok(&mut w, "cluster create --nodes 1");
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n    readinessProbe:\n      httpGet:\n        port: http\n";
    let o = w.run_line(
        "kubectl apply -f web.yaml",
        &BuildContext::from_files([("web.yaml", yaml)]),
    );
    assert_eq!(o.exit_code, 1, "{}", o.stdout);
    assert!(
        o.stderr
            .contains("spec.containers[0].readinessProbe.httpGet.port: Invalid value: \"http\""),
        "{}",
        o.stderr
    );
    assert!(w.cluster().unwrap().pod("default", "web").is_none());
}

#[test]
fn an_https_probe_fails_against_a_plain_http_server() {
    let mut w = cluster_with(
        "nginx",
        "      httpGet:\n        path: /\n        port: 80\n        scheme: HTTPS\n      periodSeconds: 5\n",
    );
    until_failures(&mut w, 1);
    assert_eq!(ready_and_endpoint(&w), (false, false));
    let c = w.cluster().unwrap();
    let ip = c.pod("default", "web").unwrap().ip.clone().unwrap();
    assert_eq!(
        unhealthy(&w)[0],
        format!(
            "Readiness probe failed: Get \"https://{ip}:80/\": http: server gave HTTP response to HTTPS client"
        )
    );
    let described = ok(&mut w, "kubectl describe pod web");
    assert!(described.contains("http-get https://:80/"), "{described}");
}
