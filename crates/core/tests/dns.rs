//! Cluster DNS as the Kubernetes DNS specification says: the search list and ndots, A records
//! for ClusterIP and headless Services (NXDOMAIN with no ready endpoint), SRV for named ports
//! only, busybox nslookup's output shape, and the 5 s TTL of a cached answer.

use sim_core::cluster::dns::{nslookup_text, resolv_conf, Answer, DnsCache, TTL_MS};
use sim_core::{BuildContext, World};

fn ok(w: &mut World, line: &str) -> String {
    let o = w.run_line(line, &BuildContext::default());
    assert_eq!(o.exit_code, 0, "{line}: {}{}", o.stdout, o.stderr);
    o.stdout
}

fn cluster_with_web() -> World {
    let mut w = World::new(17);
    ok(&mut w, "cluster create --nodes 2");
    ok(
        &mut w,
        "kubectl create deployment web --image=nginx --replicas=3",
    );
    // kubectl names a --tcp port PORT-TARGET, so it gets SRV records.
    ok(&mut w, "kubectl create service clusterip web --tcp=80:80");
    w
}

fn ip_of(w: &World, svc: &str) -> String {
    w.cluster()
        .unwrap()
        .services()
        .get("default", svc)
        .unwrap()
        .cluster_ip
        .clone()
        .unwrap()
}

#[test]
fn resolv_conf_is_the_kubelets() {
    assert_eq!(
        resolv_conf("shop"),
        "search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"
    );
}

#[test]
fn short_names_go_through_the_search_list() {
    let w = cluster_with_web();
    let c = w.cluster().unwrap();
    let ip = ip_of(&w, "web");
    for name in [
        "web",
        "web.default",
        "web.default.svc",
        "web.default.svc.cluster.local",
        "web.default.svc.cluster.local.",
    ] {
        let tried = c.dns_lookup("default", name);
        let (fqdn, answer) = tried.last().unwrap();
        assert_eq!(fqdn, "web.default.svc.cluster.local", "{name}");
        assert_eq!(answer, &Answer::A(vec![ip.clone()]), "{name}");
    }
    // `web.default` is tried as web.default.default.svc.cluster.local first, then found one
    // search domain further.
    let tried = c.dns_lookup("default", "web.default");
    assert_eq!(
        tried[0],
        (
            "web.default.default.svc.cluster.local".into(),
            Answer::NxDomain
        )
    );
    assert_eq!(tried.len(), 2);
    // From another namespace the short name is not found; the namespaced one is.
    let other = c.dns_lookup("shop", "web");
    assert!(other.iter().all(|(_, a)| *a == Answer::NxDomain));
    assert_eq!(other.len(), 4);
    assert_eq!(
        c.dns_lookup("shop", "web.default").last().unwrap().1,
        Answer::A(vec![ip])
    );
}

#[test]
fn headless_services_answer_with_ready_endpoints() {
    let mut w = cluster_with_web();
    ok(
        &mut w,
        "kubectl expose deployment web --port=80 --name=web-direct --cluster-ip=None",
    );
    let c = w.cluster().unwrap();
    let mut pods: Vec<String> = c
        .pods()
        .filter(|p| c.pod_ready(p))
        .filter_map(|p| p.ip.clone())
        .collect();
    let Answer::A(mut ips) = c.dns_a("web-direct.default.svc.cluster.local") else {
        panic!("no A records");
    };
    sim_core::order::sort(&mut ips);
    sim_core::order::sort(&mut pods);
    assert_eq!(ips, pods);
    ok(&mut w, "kubectl scale deployment web --replicas=0");
    assert_eq!(
        w.cluster()
            .unwrap()
            .dns_a("web-direct.default.svc.cluster.local"),
        Answer::NxDomain
    );
}

#[test]
fn srv_records_only_for_named_ports() {
    let mut w = cluster_with_web();
    ok(
        &mut w,
        "kubectl expose deployment web --port=8080 --name=unnamed",
    );
    let c = w.cluster().unwrap();
    assert_eq!(
        c.dns_srv("_80-80._tcp.web.default.svc.cluster.local"),
        Answer::Srv(vec![sim_core::cluster::dns::Srv {
            priority: 0,
            weight: 100,
            port: 80,
            target: "web.default.svc.cluster.local".into()
        }])
    );
    assert_eq!(
        c.dns_srv("_80-80._udp.web.default.svc.cluster.local"),
        Answer::NxDomain
    );
    assert_eq!(
        c.dns_srv("_8080._tcp.unnamed.default.svc.cluster.local"),
        Answer::NxDomain
    );
}

#[test]
fn nslookup_prints_as_busybox() {
    let w = cluster_with_web();
    let c = w.cluster().unwrap();
    let ip = ip_of(&w, "web");
    let (text, code) = nslookup_text("web", &c.dns_lookup("default", "web"));
    assert_eq!(code, 0);
    assert_eq!(
        text,
        format!("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tweb.default.svc.cluster.local\nAddress: {ip}\n\n")
    );
    let (text, code) = nslookup_text("nope", &c.dns_lookup("default", "nope"));
    assert_eq!(code, 1);
    assert!(
        text.ends_with("** server can't find nope: NXDOMAIN\n\n"),
        "{text}"
    );
}

#[test]
fn a_cached_answer_lives_five_seconds() {
    let mut w = cluster_with_web();
    let mut cache = DnsCache::default();
    let t0 = 1_000_000;
    let (first, cached) = cache.lookup(w.cluster().unwrap(), "default", "web", t0);
    assert!(!cached);
    // The Service goes and comes back with another address.
    let old = ip_of(&w, "web");
    ok(&mut w, "kubectl delete svc web");
    ok(&mut w, "kubectl expose deployment web --port=80");
    let new = ip_of(&w, "web");
    assert_ne!(old, new);
    let (again, cached) = cache.lookup(w.cluster().unwrap(), "default", "web", t0 + TTL_MS - 1);
    assert!(cached);
    assert_eq!(again, first);
    let (fresh, cached) = cache.lookup(w.cluster().unwrap(), "default", "web", t0 + TTL_MS);
    assert!(!cached);
    assert_eq!(fresh.last().unwrap().1, Answer::A(vec![new]));
}
