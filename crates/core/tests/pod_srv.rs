//! The cluster DNS as pods see it: busybox `nslookup -type=srv _<port>._tcp.<svc>...` is
//! answered (one record for a ClusterIP Service, one per ready endpoint for a headless one,
//! NXDOMAIN for a port without that name), and an answer is reused for its TTL of 5 s.

use sim_core::{BuildContext, Outcome, World};

fn run(w: &mut World, line: &str) -> Outcome {
    w.run_line(line, &BuildContext::default())
}

fn ok(w: &mut World, line: &str) -> String {
    let o = run(w, line);
    assert_eq!(o.exit_code, 0, "{line}: {}{}", o.stdout, o.stderr);
    o.stdout
}

#[test]
fn srv_records_answer_in_pods() {
    let mut w = World::new(4);
    ok(&mut w, "cluster create --nodes 2");
    ok(&mut w, "kubectl run client --image=busybox -- sleep 3600");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx --replicas=2",
    );
    ok(
        &mut w,
        "kubectl create deployment db --image=nginx --replicas=3",
    );
    // `create service` names its port "<port>-<targetPort>".
    ok(&mut w, "kubectl create service clusterip web --tcp=8080:80");
    ok(
        &mut w,
        "kubectl create service clusterip db --clusterip=None --tcp=5432:80",
    );
    let out = ok(
        &mut w,
        "kubectl exec client -- nslookup -type=srv _8080-80._tcp.web.default.svc.cluster.local",
    );
    assert!(
        out.contains("_8080-80._tcp.web.default.svc.cluster.local\tservice = 0 100 8080 web.default.svc.cluster.local\n"),
        "{out}"
    );
    // Headless: one record per ready pod, named after its address, with the pod's port.
    let out = ok(
        &mut w,
        "kubectl exec client -- nslookup -type=srv _5432-80._tcp.db.default.svc.cluster.local",
    );
    let c = w.cluster().unwrap();
    let ips: Vec<String> = c
        .pods()
        .filter(|p| p.name.starts_with("db-") && c.pod_ready(p))
        .filter_map(|p| p.ip.clone())
        .collect();
    assert_eq!(ips.len(), 3);
    for ip in &ips {
        let target = format!(
            "service = 0 100 80 {}.db.default.svc.cluster.local",
            ip.replace('.', "-")
        );
        assert!(out.contains(&target), "{target} not in {out}");
    }
    let o = run(
        &mut w,
        "kubectl exec client -- nslookup -type=srv _http._tcp.web.default.svc.cluster.local",
    );
    assert_eq!(o.exit_code, 1);
    assert!(
        o.stdout
            .contains("** server can't find _http._tcp.web.default.svc.cluster.local: NXDOMAIN"),
        "{}",
        o.stdout
    );
}

/// The addresses `nslookup NAME` prints in the client pod.
fn addresses(w: &mut World, name: &str) -> Vec<String> {
    ok(w, &format!("kubectl exec client -- nslookup {name}"))
        .lines()
        .filter_map(|l| l.strip_prefix("Address: "))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_headless_answer_is_cached_for_its_ttl() {
    let mut w = World::new(8);
    ok(&mut w, "cluster create --nodes 2");
    ok(&mut w, "kubectl run client --image=busybox -- sleep 3600");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx --replicas=2",
    );
    ok(
        &mut w,
        "kubectl create service clusterip web --clusterip=None --tcp=80:80",
    );
    let before = addresses(&mut w, "web");
    assert_eq!(before.len(), 2, "{before:?}");
    ok(&mut w, "kubectl scale deployment web --replicas=4");
    // Two seconds later the resolver still has the answer from before the scale.
    assert_eq!(addresses(&mut w, "web"), before);
    ok(&mut w, "tick 5s");
    let after = addresses(&mut w, "web");
    assert_eq!(after.len(), 4, "{after:?}");
    assert!(
        before.iter().all(|ip| after.contains(ip)),
        "{before:?} {after:?}"
    );
}
