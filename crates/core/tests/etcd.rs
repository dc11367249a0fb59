//! The cluster's key-value store through `etcdctl`: keys follow pods, services and their
//! endpoints as they come and go, revisions grow, a watch prints the changes, bad input is
//! refused in etcdctl's words.

use sim_core::{BuildContext, Outcome, World};

fn run(w: &mut World, line: &str) -> Outcome {
    w.run_line(line, &BuildContext::default())
}

fn ok(w: &mut World, line: &str) -> String {
    let o = run(w, line);
    assert_eq!(o.exit_code, 0, "{line}: {}{}", o.stdout, o.stderr);
    o.stdout
}

/// The keys `etcdctl get --prefix --keys-only PREFIX` prints.
fn keys(w: &mut World, prefix: &str) -> Vec<String> {
    ok(w, &format!("etcdctl get --prefix --keys-only {prefix}"))
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The pods' names as the cluster holds them.
fn pod_names(w: &World) -> Vec<String> {
    w.cluster()
        .unwrap()
        .pods()
        .map(|p| p.name.clone())
        .collect()
}

fn web(w: &mut World) {
    ok(w, "cluster create --nodes 2");
    ok(
        w,
        "kubectl create deployment web --image=nginx --replicas=3",
    );
    ok(w, "kubectl expose deployment web --port=80");
}

#[test]
fn keys_follow_the_cluster_objects() {
    let mut w = World::new(3);
    web(&mut w);
    let mut expected: Vec<String> = pod_names(&w)
        .iter()
        .map(|n| format!("/registry/pods/default/{n}"))
        .collect();
    sim_core::order::sort(&mut expected);
    assert_eq!(expected.len(), 3);
    assert_eq!(keys(&mut w, "/registry/pods/"), expected);
    assert_eq!(
        keys(&mut w, "/registry/minions/"),
        ["/registry/minions/node-1", "/registry/minions/node-2"]
    );
    assert_eq!(
        keys(&mut w, "/registry/deployments/"),
        ["/registry/deployments/default/web"]
    );
    assert_eq!(keys(&mut w, "/registry/replicasets/default/").len(), 1);
    assert_eq!(
        keys(&mut w, "/registry/services/specs/default/web"),
        ["/registry/services/specs/default/web"]
    );
    // A value is the object as JSON: the pod's IP is the one the cluster gave it.
    let pod = w.cluster().unwrap().pods().next().unwrap().clone();
    let out = ok(
        &mut w,
        &format!("etcdctl get /registry/pods/default/{}", pod.name),
    );
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some(format!("/registry/pods/default/{}", pod.name).as_str())
    );
    let value: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(value["status"]["podIP"].as_str(), pod.ip.as_deref());
    assert_eq!(value["metadata"]["labels"]["app"], "web");

    // Scaling down removes the pods' keys once they are gone.
    ok(&mut w, "kubectl scale deployment web --replicas=1");
    ok(&mut w, "tick 60s");
    assert_eq!(pod_names(&w).len(), 1);
    assert_eq!(keys(&mut w, "/registry/pods/").len(), 1);
    ok(&mut w, "kubectl delete service web");
    assert!(keys(&mut w, "/registry/services/").is_empty());
}

/// The endpoints' pods in the store's value.
fn endpoint_pods(w: &mut World) -> Vec<String> {
    let out = ok(
        w,
        "etcdctl get --print-value-only /registry/services/endpoints/default/web",
    );
    let value: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    value["subsets"][0]["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["targetRef"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn endpoints_key_changes_when_a_pod_is_deleted_and_revisions_grow() {
    let mut w = World::new(5);
    web(&mut w);
    let before = endpoint_pods(&mut w);
    assert_eq!(before.len(), 3);
    let revision = w.cluster().unwrap().store().revision();
    let victim = w.cluster().unwrap().pods().next().unwrap().clone();
    ok(&mut w, &format!("kubectl delete pod {}", victim.name));
    ok(&mut w, "tick 60s");
    let after = endpoint_pods(&mut w);
    assert_eq!(after.len(), 3, "the ReplicaSet replaced the pod");
    let c = w.cluster().unwrap();
    let model: Vec<String> = c
        .endpoints(c.services().get("default", "web").unwrap())
        .into_iter()
        .map(|e| e.pod)
        .collect();
    assert_eq!(
        after, model,
        "the store agrees with the endpoints controller"
    );
    assert!(before.contains(&victim.name), "{before:?}");
    assert!(!after.contains(&victim.name), "{after:?}");
    let store = w.cluster().unwrap().store();
    assert!(store.revision() > revision);
    let entry = store
        .get("/registry/services/endpoints/default/web")
        .unwrap();
    assert!(entry.mod_revision > revision && entry.create_revision <= revision);
    assert!(entry.version > 1);
    // Revisions of the changes strictly increase, and the last is the store's.
    let revs: Vec<u64> = store.changes().iter().map(|c| c.revision).collect();
    assert!(revs.windows(2).all(|p| p[0] < p[1]));
    assert_eq!(revs.last().copied(), Some(store.revision()));
}

#[test]
fn watch_prints_the_changes() {
    let mut w = World::new(7);
    web(&mut w);
    // Nothing happens in a quiet cluster.
    assert_eq!(ok(&mut w, "etcdctl watch --prefix /registry/ --for 5s"), "");
    let from = w.cluster().unwrap().store().revision() + 1;
    let victim = pod_names(&w)[0].clone();
    ok(&mut w, &format!("kubectl delete pod {victim}"));
    // --rev replays from a past revision: the delete's changes, then the next seconds'.
    let out = ok(
        &mut w,
        &format!("etcdctl watch --prefix /registry/pods/ --rev {from} --for 60s"),
    );
    let deleted = format!("DELETE\n/registry/pods/default/{victim}\n\n");
    assert!(out.contains(&deleted), "{out}");
    let puts = out.lines().filter(|l| *l == "PUT").count();
    assert!(puts >= 1, "the replacement pod is written: {out}");
    assert!(!out.contains("/registry/services/"), "{out}");
}

#[test]
fn missing_keys_and_bad_input() {
    let mut w = World::new(9);
    let o = run(&mut w, "etcdctl get /registry/pods/default/x");
    assert_eq!(
        (o.exit_code, o.stderr.trim()),
        (1, "Error: context deadline exceeded")
    );
    web(&mut w);
    assert_eq!(ok(&mut w, "etcdctl get /registry/pods/default/nope"), "");
    assert_eq!(ok(&mut w, "etcdctl get --prefix /nothing/"), "");
    let cases = [
        (
            "etcdctl put /a b",
            "Error: unknown command \"put\" for \"etcdctl\"",
        ),
        ("etcdctl get --bogus /a", "Error: unknown flag: --bogus"),
        (
            "etcdctl get -x /a",
            "Error: unknown shorthand flag: 'x' in -x",
        ),
        ("etcdctl get", "Error: get command needs one argument"),
        (
            "etcdctl watch --rev abc /a",
            "Error: invalid argument \"abc\" for \"--rev\"",
        ),
        (
            "etcdctl watch --for",
            "Error: flag needs an argument: --for",
        ),
    ];
    let revision = w.cluster().unwrap().store().revision();
    for (line, message) in cases {
        let o = run(&mut w, line);
        assert_eq!(o.exit_code, 1, "{line}");
        assert!(o.stderr.starts_with(message), "{line}: {}", o.stderr);
    }
    assert_eq!(w.cluster().unwrap().store().revision(), revision);
    assert!(ok(&mut w, "etcdctl --help").contains("protobuf"));
}

/// Every value is compact JSON with its keys in sorted order, as etcd's readers expect of
/// Kubernetes' values here: parsing and printing it again (serde_json sorts map keys) gives
/// the same bytes.
#[test]
fn values_are_compact_json_with_sorted_keys() {
    let mut w = World::new(7);
    web(&mut w);
    let store = w.cluster().unwrap().store();
    let mut seen = 0;
    for prefix in [
        "/registry/minions/",
        "/registry/pods/",
        "/registry/replicasets/",
        "/registry/deployments/",
        "/registry/services/",
    ] {
        for (key, entry) in store.prefix(prefix) {
            let parsed: serde_json::Value = serde_json::from_str(&entry.value).unwrap();
            assert_eq!(parsed.to_string(), entry.value, "{key}");
            seen += 1;
        }
    }
    // 2 nodes, 3 pods, 1 ReplicaSet, 1 Deployment, the Service and its Endpoints.
    assert_eq!(seen, 9);
}

/// A sync that changes no object writes nothing: the revision stays.
#[test]
fn a_command_that_changes_nothing_writes_nothing() {
    let mut w = World::new(7);
    web(&mut w);
    let before = w.cluster().unwrap().store().revision();
    ok(&mut w, "kubectl get pods");
    ok(&mut w, "kubectl get nodes");
    assert_eq!(w.cluster().unwrap().store().revision(), before);
    ok(&mut w, "kubectl scale deployment web --replicas=4");
    assert!(w.cluster().unwrap().store().revision() > before);
}

/// `kubectl get -o json` prints the store's values: one object as its key holds it, several
/// in kubectl's List.
#[test]
fn kubectl_json_is_the_stored_value() {
    let mut w = World::new(11);
    web(&mut w);
    let pod = pod_names(&w)[0].clone();
    let key = format!("/registry/pods/default/{pod}");
    let stored: serde_json::Value =
        serde_json::from_str(ok(&mut w, &format!("etcdctl get --print-value-only {key}")).trim())
            .unwrap();
    let shown: serde_json::Value =
        serde_json::from_str(&ok(&mut w, &format!("kubectl get pod {pod} -o json"))).unwrap();
    assert_eq!(shown, stored);
    assert_eq!(stored["status"]["containerStatuses"][0]["ready"], true);
    let list: serde_json::Value =
        serde_json::from_str(&ok(&mut w, "kubectl get deploy,rs -o json")).unwrap();
    assert_eq!(list["kind"], "List");
    let values: Vec<serde_json::Value> = ok(
        &mut w,
        "etcdctl get --prefix --print-value-only /registry/deployments/default/",
    )
    .lines()
    .chain(
        ok(
            &mut w,
            "etcdctl get --prefix --print-value-only /registry/replicasets/default/",
        )
        .lines(),
    )
    .map(|l| serde_json::from_str(l).unwrap())
    .collect();
    assert_eq!(list["items"].as_array().unwrap(), &values);
    assert_eq!(values[0]["status"]["readyReplicas"], 3);
}

#[test]
fn the_history_of_writes_is_compacted_after_five_minutes_and_a_watch_from_before_is_refused() {
    let mut w = World::new(7);
    web(&mut w);
    let early = w.cluster().unwrap().store().revision();
    let victim = pod_names(&w)[0].clone();
    ok(&mut w, &format!("kubectl delete pod {victim}"));
    // Within five minutes the history is there: a watch from before the delete sees it.
    let out = ok(
        &mut w,
        &format!("etcdctl watch --prefix /registry/pods/ --rev {early} --for 1s"),
    );
    assert!(
        out.contains(&format!("/registry/pods/default/{victim}")),
        "{out}"
    );
    let kept = w.cluster().unwrap().store().changes().len();
    ok(&mut w, "tick 6m");
    ok(&mut w, "kubectl get pods");
    let store = w.cluster().unwrap().store();
    // Only what was written in the last five minutes stays; the values are all there.
    assert!(
        store.changes().len() < kept,
        "{} vs {kept}",
        store.changes().len()
    );
    assert!(store.compacted_revision() >= early);
    assert_eq!(keys(&mut w, "/registry/pods/").len(), pod_names(&w).len());
    let o = run(
        &mut w,
        &format!("etcdctl watch --prefix /registry/pods/ --rev {early} --for 1s"),
    );
    assert_eq!(
        (o.exit_code, o.stderr.as_str()),
        (
            1,
            "watch was canceled (etcdserver: mvcc: required revision has been compacted)\nError: watch is canceled by the server\n"
        )
    );
    // A watch from now on still sees what happens.
    let next = w.cluster().unwrap().store().revision() + 1;
    let victim = pod_names(&w)[0].clone();
    ok(&mut w, &format!("kubectl delete pod {victim}"));
    let out = ok(
        &mut w,
        &format!("etcdctl watch --prefix /registry/pods/ --rev {next} --for 1s"),
    );
    assert!(
        out.contains(&format!("DELETE\n/registry/pods/default/{victim}")),
        "{out}"
    );
}
