//! Discovery from inside pods: the kubelet's resolv.conf, names resolved by the cluster DNS
//! (busybox nslookup's words), headless names giving pod IPs, and kube-proxy spreading
//! connections to a ClusterIP over the pods, even as pods are replaced.

use sim_core::cluster::dns::resolv_conf;
use sim_core::{BuildContext, Outcome, World};
use std::collections::BTreeSet;

fn run(w: &mut World, line: &str) -> Outcome {
    w.run_line(line, &BuildContext::default())
}

fn ok(w: &mut World, line: &str) -> String {
    let o = run(w, line);
    assert_eq!(o.exit_code, 0, "{line}: {}{}", o.stdout, o.stderr);
    o.stdout
}

/// A cluster with a client pod and `replicas` nginx pods behind the Service `web`.
fn cluster(replicas: u32) -> World {
    let mut w = World::new(21);
    ok(&mut w, "cluster create --nodes 2");
    ok(&mut w, "kubectl run client --image=busybox -- sleep 3600");
    ok(
        &mut w,
        &format!("kubectl create deployment web --image=nginx --replicas={replicas}"),
    );
    ok(&mut w, "kubectl expose deployment web --port=80");
    w
}

fn web_pods(w: &World) -> Vec<(String, String)> {
    let c = w.cluster().unwrap();
    c.pods()
        .filter(|p| p.labels().get("app").map(String::as_str) == Some("web") && c.pod_ready(p))
        .map(|p| (p.name.clone(), p.ip.clone().unwrap_or_default()))
        .collect()
}

fn cluster_ip(w: &World, name: &str) -> String {
    let c = w.cluster().unwrap();
    let s = c.services().get("default", name).unwrap();
    s.cluster_ip.clone().unwrap()
}

#[test]
fn pods_get_the_cluster_resolver_and_containers_keep_dockers() {
    let mut w = cluster(1);
    let conf = ok(&mut w, "kubectl exec client -- cat /etc/resolv.conf");
    assert_eq!(conf, resolv_conf("default"));
    assert!(conf.contains("nameserver 10.96.0.10"));
    let mut plain = World::new(21);
    ok(&mut plain, "docker run -d --name box busybox sleep 3600");
    let conf = ok(&mut plain, "docker exec box cat /etc/resolv.conf");
    assert!(conf.contains("nameserver 127.0.0.11"), "{conf}");
}

#[test]
fn names_resolve_from_a_pod_through_the_search_list() {
    let mut w = cluster(2);
    let ip = cluster_ip(&w, "web");
    for name in ["web", "web.default", "web.default.svc.cluster.local"] {
        let out = ok(&mut w, &format!("kubectl exec client -- nslookup {name}"));
        assert!(out.starts_with("Server:\t\t10.96.0.10\n"), "{out}");
        assert!(
            out.contains(&format!(
                "Name:\tweb.default.svc.cluster.local\nAddress: {ip}\n"
            )),
            "{name}: {out}"
        );
    }
}

#[test]
fn unknown_names_are_nxdomain_in_busybox_words() {
    let mut w = cluster(1);
    let o = run(&mut w, "kubectl exec client -- nslookup nope");
    assert_eq!(o.exit_code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("** server can't find nope: NXDOMAIN"),
        "{}",
        o.stdout
    );
    // Another namespace's name is not found under this one's search list.
    let o = run(&mut w, "kubectl exec client -- nslookup web.other");
    assert_eq!(o.exit_code, 1, "{}", o.stdout);
}

#[test]
fn a_headless_name_gives_the_ready_pods_ips() {
    let mut w = cluster(1);
    ok(
        &mut w,
        "kubectl create deployment db --image=nginx --replicas=3",
    );
    ok(
        &mut w,
        "kubectl create service clusterip db --clusterip=None",
    );
    let c = w.cluster().unwrap();
    let want: BTreeSet<String> = c
        .pods()
        .filter(|p| p.labels().get("app").map(String::as_str) == Some("db") && c.pod_ready(p))
        .filter_map(|p| p.ip.clone())
        .collect();
    assert_eq!(want.len(), 3);
    let out = ok(&mut w, "kubectl exec client -- nslookup db");
    let got: BTreeSet<String> = out
        .lines()
        .filter_map(|l| l.strip_prefix("Address: "))
        .map(str::to_string)
        .collect();
    assert_eq!(got, want, "{out}");
}

#[test]
fn repeated_wget_spreads_over_the_pods_and_survives_their_replacement() {
    let mut w = cluster(3);
    let pods = web_pods(&w);
    assert_eq!(pods.len(), 3);
    // Each pod serves its own name, so the answer shows which pod took the connection.
    for (name, _) in &pods {
        ok(
            &mut w,
            &format!("kubectl exec {name} -- sh -c 'hostname > /usr/share/nginx/html/index.html'"),
        );
    }
    let names: BTreeSet<String> = pods.iter().map(|(n, _)| format!("{n}\n")).collect();
    let mut seen = BTreeSet::new();
    for _ in 0..30 {
        let page = ok(&mut w, "kubectl exec client -- wget -qO- http://web");
        assert!(names.contains(&page), "{page:?} not one of {names:?}");
        seen.insert(page);
    }
    assert!(seen.len() >= 2, "every answer from {seen:?}");
    // The ClusterIP itself forwards too.
    let ip = cluster_ip(&w, "web");
    let page = ok(
        &mut w,
        &format!("kubectl exec client -- wget -qO- http://{ip}"),
    );
    assert!(names.contains(&page));

    for (name, _) in &pods {
        ok(&mut w, &format!("kubectl delete pod {name}"));
    }
    let fresh = web_pods(&w);
    assert_eq!(fresh.len(), 3);
    assert!(fresh.iter().all(|p| !pods.contains(p)));
    let page = ok(&mut w, "kubectl exec client -- wget -qO- http://web");
    assert!(page.contains("Welcome to nginx!"), "{page}");
}
