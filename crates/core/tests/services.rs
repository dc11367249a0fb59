//! Services end to end: addresses in their ranges, endpoints that follow the ready pods (scale,
//! a bad release, a failed node), kube-proxy's spread over endpoints, and bad input refused in
//! the API server's words with nothing changed.

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

fn in_range(ip: &str) -> bool {
    let n = u32::from(ip.parse::<std::net::Ipv4Addr>().unwrap());
    n >> 20 == u32::from(std::net::Ipv4Addr::new(10, 96, 0, 0)) >> 20
}

/// The endpoints' IPs, and the IPs of the ready pods carrying `app=NAME`, computed apart.
fn endpoints_and_ready(w: &World, name: &str) -> (Vec<String>, Vec<String>) {
    let c = w.cluster().unwrap();
    let s = c.services().get("default", name).unwrap();
    let eps = c.endpoints(s).into_iter().map(|e| e.ip).collect();
    let ready = c
        .pods()
        .filter(|p| p.labels().get("app").map(String::as_str) == Some(name) && c.pod_ready(p))
        .filter_map(|p| p.ip.clone())
        .collect();
    (eps, ready)
}

#[test]
fn services_get_addresses_in_their_ranges() {
    let mut w = World::new(8);
    ok(&mut w, "cluster create --nodes 2");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx --replicas=2",
    );
    assert_eq!(
        ok(
            &mut w,
            "kubectl expose deployment web --port=80 --target-port=80"
        ),
        "service/web exposed\n"
    );
    assert_eq!(
        ok(
            &mut w,
            "kubectl expose deployment web --port=80 --type=NodePort --name=web-np"
        ),
        "service/web-np exposed\n"
    );
    assert_eq!(
        ok(
            &mut w,
            "kubectl create service clusterip db --clusterip=None"
        ),
        "service/db created\n"
    );
    let c = w.cluster().unwrap();
    let web = c.services().get("default", "web").unwrap();
    assert!(in_range(web.cluster_ip.as_deref().unwrap()));
    let np = c.services().get("default", "web-np").unwrap();
    assert!(in_range(np.cluster_ip.as_deref().unwrap()));
    assert_ne!(web.cluster_ip, np.cluster_ip);
    let node_port = np.ports[0].node_port.unwrap();
    assert!((30_000..=32_767).contains(&node_port));
    assert_eq!(c.services().get("default", "db").unwrap().cluster_ip, None);
    let table = ok(&mut w, "kubectl get svc");
    let web_ip = w
        .cluster()
        .unwrap()
        .services()
        .get("default", "web")
        .unwrap()
        .cluster_ip
        .clone()
        .unwrap();
    assert!(
        table
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == [
                    "web",
                    "ClusterIP",
                    web_ip.as_str(),
                    "<none>",
                    "80/TCP",
                    "3s"
                ]),
        "{table}"
    );
    assert!(table.contains(&format!("80:{node_port}/TCP")), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("db ") && l.contains(" None ")),
        "{table}"
    );
}

#[test]
fn endpoints_follow_the_ready_pods() {
    let mut w = World::new(12);
    ok(&mut w, "cluster create --nodes 3");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx:1.27 --replicas=3",
    );
    ok(&mut w, "kubectl expose deployment web --port=80");
    let (eps, ready) = endpoints_and_ready(&w, "web");
    assert_eq!(eps.len(), 3);
    assert_eq!(eps, ready);
    ok(&mut w, "kubectl scale deployment web --replicas=6");
    let (eps, ready) = endpoints_and_ready(&w, "web");
    assert_eq!((eps.len(), &eps), (6, &ready));
    // A bad release: the new pods never become ready and never become endpoints.
    ok(
        &mut w,
        "kubectl set image deployment/web nginx=nginx:0-missing",
    );
    let (eps, ready) = endpoints_and_ready(&w, "web");
    assert_eq!(eps, ready);
    assert_eq!(eps.len(), 6 - 6 * 25 / 100);
    ok(&mut w, "kubectl rollout undo deployment/web");
    // A failed node: its pods stop being endpoints at once (their kubelet no longer reports),
    // and their replacements join after the eviction.
    let c = w.cluster().unwrap();
    let on_node_2 = c.pods().filter(|p| c.node_of(p) == Some("node-2")).count();
    assert!(on_node_2 > 0);
    ok(&mut w, "cluster node fail node-2");
    let (eps, ready) = endpoints_and_ready(&w, "web");
    assert_eq!((eps.len(), &eps), (6 - on_node_2, &ready));
    ok(&mut w, "tick 400s");
    let (eps, ready) = endpoints_and_ready(&w, "web");
    assert_eq!((eps.len(), &eps), (6, &ready));
    let table = ok(&mut w, "kubectl get endpoints web");
    assert!(table.contains("+ 3 more..."), "{table}");
}

#[test]
fn kube_proxy_spreads_connections_over_endpoints() {
    let mut w = World::new(21);
    ok(&mut w, "cluster create --nodes 3");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx --replicas=4",
    );
    ok(
        &mut w,
        "kubectl expose deployment web --port=8080 --target-port=80",
    );
    let c = w.cluster().unwrap();
    let s = c.services().get("default", "web").unwrap();
    let ip = s.cluster_ip.clone().unwrap();
    let eps: Vec<String> = c.endpoints(s).into_iter().map(|e| e.pod).collect();
    let mut rng = <rand_chacha::ChaCha8Rng as rand_core::SeedableRng>::seed_from_u64(5);
    let mut hits: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..4000 {
        let (_, chosen) = c.route(&ip, 8080, &mut rng).unwrap();
        let (ep, port) = chosen.unwrap();
        assert_eq!(port, 80);
        *hits.entry(ep.pod).or_default() += 1;
    }
    let every: std::collections::BTreeSet<String> = eps.into_iter().collect();
    assert_eq!(
        hits.keys()
            .cloned()
            .collect::<std::collections::BTreeSet<_>>(),
        every
    );
    // Each endpoint equally likely: within 15 % of 1000.
    assert!(hits.values().all(|n| (850..=1150).contains(n)), "{hits:?}");
    // Another port of that address, or another address: nothing there.
    assert!(c.route(&ip, 80, &mut rng).is_none());
    assert!(c.route("10.96.0.2", 8080, &mut rng).is_none());
}

#[test]
fn a_service_with_no_pods_has_no_endpoints() {
    let mut w = World::new(3);
    ok(&mut w, "cluster create --nodes 1");
    ok(
        &mut w,
        "kubectl create service clusterip lonely --tcp=80:8080",
    );
    let c = w.cluster().unwrap();
    let s = c.services().get("default", "lonely").unwrap();
    let ip = s.cluster_ip.clone().unwrap();
    let mut rng = <rand_chacha::ChaCha8Rng as rand_core::SeedableRng>::seed_from_u64(1);
    let (_, chosen) = c.route(&ip, 80, &mut rng).unwrap();
    assert!(chosen.is_none());
    let table = ok(&mut w, "kubectl get endpoints lonely");
    assert!(table.lines().nth(1).unwrap().contains("<none>"), "{table}");
}

#[test]
fn bad_services_are_refused_and_change_nothing() {
    let mut w = World::new(4);
    ok(&mut w, "cluster create --nodes 1");
    ok(&mut w, "kubectl create deployment web --image=nginx");
    ok(&mut w, "kubectl expose deployment web --port=80");
    let cases = [
        ("kubectl expose deployment web --port=70000 --name=big", "The Service \"big\" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n"),
        ("kubectl expose deployment web --port=80 --type=NodePort --name=np --target-port=0", "The Service \"np\" is invalid: spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive\n"),
        ("kubectl create service nodeport np --tcp=80:80 --node-port=40000", "The Service \"np\" is invalid: spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767\n"),
        ("kubectl expose deployment web --port=80", "Error from server (AlreadyExists): services \"web\" already exists\n"),
        ("kubectl expose deployment nope --port=80", "Error from server (NotFound): deployments.apps \"nope\" not found\n"),
        ("kubectl expose deployment web --name=noport", "error: couldn't find port via --port flag or introspection\n"),
        ("kubectl expose deployment web --port=80 --name=Bad_Name", ""),
        ("kubectl get svc nope", "Error from server (NotFound): services \"nope\" not found\n"),
        ("kubectl get endpoints nope", "Error from server (NotFound): endpoints \"nope\" not found\n"),
        ("kubectl delete svc nope", "Error from server (NotFound): services \"nope\" not found\n"),
        ("kubectl get widgets", "error: the server doesn't have a resource type \"widgets\"\n"),
    ];
    for (line, expected) in cases {
        let before = w.cluster().unwrap().services().len();
        let o = run(&mut w, line);
        assert_eq!(o.exit_code, 1, "{line}");
        if expected.is_empty() {
            assert!(
                o.stderr
                    .contains("a DNS-1035 label must consist of lower case"),
                "{line}: {}",
                o.stderr
            );
        } else {
            assert_eq!(o.stderr, expected, "{line}");
        }
        assert_eq!(w.cluster().unwrap().services().len(), before, "{line}");
    }
    ok(
        &mut w,
        "kubectl create service nodeport np --tcp=80:80 --node-port=30080",
    );
    let o = run(
        &mut w,
        "kubectl create service nodeport np2 --tcp=80:80 --node-port=30080",
    );
    assert!(
        o.stderr
            .ends_with("Invalid value: 30080: provided port is already allocated\n"),
        "{}",
        o.stderr
    );
    assert_eq!(
        ok(&mut w, "kubectl delete svc np"),
        "service \"np\" deleted\n"
    );
    ok(
        &mut w,
        "kubectl create service nodeport np2 --tcp=80:80 --node-port=30080",
    );
}
