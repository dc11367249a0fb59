//! kubectl prints what the store holds (a value changed in the store alone is what it
//! shows), and the incremental write-through leaves the store as a full one would.

use crate::{BuildContext, World};

fn ok(w: &mut World, line: &str) -> String {
    let o = w.run_line(line, &BuildContext::default());
    assert_eq!(o.exit_code, 0, "{line}: {}{}", o.stdout, o.stderr);
    o.stdout
}

/// A world with a ready Deployment `web` of 3 pods behind a Service `web`.
fn served() -> World {
    let mut w = World::new(5);
    ok(&mut w, "cluster create --nodes 2");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx --replicas=3",
    );
    ok(&mut w, "kubectl expose deployment web --port=80");
    ok(&mut w, "tick 10s");
    w
}

/// Changes the JSON value under `key` in the store only (as another etcd client could).
fn tamper(w: &mut World, key: &str, change: impl FnOnce(&mut serde_json::Value)) {
    let cluster = w.cluster.as_mut().expect("a cluster");
    let text = cluster.store().get(key).expect(key).value.clone();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    change(&mut value);
    cluster.store_mut().tamper(key, value.to_string());
}

/// The store's keys and values, and what a full write-through from scratch gives.
/// Keys and values, in key order.
type Values = Vec<(String, String)>;

fn stored_and_full(w: &mut World) -> (Values, Values) {
    // As kubectl does before it reads: the store written through at the World's clock.
    w.refresh_store();
    let runtimes = w.runtimes();
    let now = w.now;
    let c = w.cluster().expect("a cluster");
    let stored = c
        .store()
        .prefix("/")
        .map(|(k, e)| (k.clone(), e.value.clone()))
        .collect();
    let full = c.store_snapshot(&runtimes, now).into_iter().collect();
    (stored, full)
}

#[test]
fn get_svc_endpoints_and_slices_print_the_stored_values() {
    let mut w = served();
    let slice = ok(&mut w, "kubectl get endpointslices -o name");
    let slice_name = slice
        .trim()
        .trim_start_matches("endpointslice.discovery.k8s.io/");
    assert!(slice_name.starts_with("web-"), "{slice}");
    tamper(&mut w, "/registry/services/specs/default/web", |v| {
        v["spec"]["clusterIP"] = "10.99.99.99".into();
    });
    tamper(&mut w, "/registry/services/endpoints/default/web", |v| {
        v["subsets"][0]["addresses"] = serde_json::json!([{"ip": "10.244.9.9"}]);
    });
    tamper(
        &mut w,
        &format!("/registry/endpointslices/default/{slice_name}"),
        |v| {
            v["endpoints"] = serde_json::json!([{"addresses": ["10.244.8.8"]}]);
        },
    );
    assert!(ok(&mut w, "kubectl get svc web").contains("10.99.99.99"));
    let eps = ok(&mut w, "kubectl get endpoints web");
    assert!(eps.contains("10.244.9.9:80"), "{eps}");
    let slices = ok(&mut w, "kubectl get endpointslices");
    assert!(slices.contains("10.244.8.8"), "{slices}");
    let described = ok(&mut w, "kubectl describe svc web");
    assert!(
        described.contains("IP:                       10.99.99.99"),
        "{described}"
    );
    assert!(described.contains("10.244.8.8:80"), "{described}");
    let json = ok(&mut w, "kubectl get svc web -o json");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["spec"]["clusterIP"], "10.99.99.99");
}

#[test]
fn describe_and_events_print_the_stored_values() {
    let mut w = served();
    let pod = w.cluster().unwrap().pods().next().unwrap().name.clone();
    let node = w.cluster().unwrap().pods().next().unwrap().node;
    let node = format!("node-{}", node.unwrap() + 1);
    tamper(&mut w, &format!("/registry/pods/default/{pod}"), |v| {
        v["spec"]["containers"][0]["image"] = "tampered:1".into();
        v["spec"]["containers"][0]["resources"] = serde_json::json!({"requests": {"cpu": "1234m"}});
    });
    tamper(&mut w, "/registry/deployments/default/web", |v| {
        v["spec"]["replicas"] = 42.into();
    });
    let events: Vec<String> = w
        .cluster()
        .unwrap()
        .store()
        .prefix(&format!("/registry/events/default/{pod}."))
        .map(|(k, _)| k.clone())
        .collect();
    assert!(!events.is_empty(), "the pod's events are stored");
    tamper(&mut w, &events[0], |v| {
        v["message"] = "said only in the store".into();
    });
    let described = ok(&mut w, &format!("kubectl describe pod {pod}"));
    assert!(described.contains("Image:      tampered:1"), "{described}");
    assert!(described.contains("said only in the store"), "{described}");
    assert!(ok(&mut w, "kubectl describe deployment web")
        .contains("Replicas:               42 desired"));
    // Nodes are written through on every sync; the node's page lists its pods' stored requests.
    let page = ok(&mut w, &format!("kubectl describe node {node}"));
    assert!(page.contains("1234m"), "{page}");
    assert!(ok(&mut w, "kubectl get events").contains("said only in the store"));
    let rs = w
        .cluster()
        .unwrap()
        .replicasets()
        .next()
        .unwrap()
        .name
        .clone();
    let page = ok(&mut w, &format!("kubectl describe rs {rs}"));
    assert!(page.contains("Controlled By:  Deployment/web"), "{page}");
}

#[test]
fn the_incremental_write_through_equals_a_full_one() {
    let mut w = served();
    let lines = [
        "kubectl scale deployment web --replicas=5",
        "tick 5s",
        "kubectl create service clusterip api --tcp=8080:80",
        "kubectl create deployment api --image=nginx --replicas=2",
        "tick 5s",
        "kubectl set image deployment/web nginx=nginx:1.27",
        "tick 20s",
        "kubectl delete service api",
        "kubectl scale deployment web --replicas=1",
        "tick 40s",
        "kubectl rollout undo deployment/web",
        "tick 2h",
    ];
    for line in lines {
        w.run_line(line, &BuildContext::default());
        let (stored, full) = stored_and_full(&mut w);
        assert_eq!(stored, full, "after {line}");
    }
    let (stored, _) = stored_and_full(&mut w);
    let has = |prefix: &str| stored.iter().any(|(k, _)| k.starts_with(prefix));
    assert!(has("/registry/endpointslices/default/web-"));
    assert!(
        !has("/registry/services/specs/default/api"),
        "the deleted Service went"
    );
    assert!(
        !has("/registry/endpointslices/default/api-"),
        "and its slice"
    );
}

#[test]
fn a_pod_in_another_namespace_shows_its_events() {
    let mut w = World::new(6);
    ok(&mut w, "cluster create --nodes 1");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx -n team",
    );
    ok(&mut w, "tick 5s");
    let pod = w.cluster().unwrap().pods().next().unwrap().name.clone();
    let page = ok(&mut w, &format!("kubectl describe pod {pod} -n team"));
    assert!(page.contains("Namespace:        team"), "{page}");
    assert!(page.contains("Successfully assigned"), "{page}");
}
