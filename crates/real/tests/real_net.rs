//! Bridge networking for real containers: each gets `eth0` with the model's IP on the bridge
//! `simbr0`, containers reach each other, and the veth and namespace go with the container.
//! Needs root and iproute2's `ip`; skipped with the reason printed otherwise.
#![cfg(target_os = "linux")]

use sim_real::{net, RealSession};
use std::path::Path;

fn session(dir: &Path) -> Option<RealSession> {
    let missing = sim_real::check::preflight()
        .or_else(net::unavailable)
        .or_else(|| {
            (!Path::new(sim_real::store::HOST_BUSYBOX).exists())
                .then(|| format!("no {}", sim_real::store::HOST_BUSYBOX))
        });
    if let Some(missing) = missing {
        eprintln!("SKIPPED (not a failure): {missing}");
        return None;
    }
    Some(RealSession::open(dir, None).expect("session opens"))
}

/// Whether `check` holds within a few seconds (the kernel frees a namespace asynchronously).
fn eventually(check: impl Fn() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !check() {
        if std::time::Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    true
}

fn run(s: &mut RealSession, line: &str) -> sim_core::Outcome {
    let out = s.run(line, None).expect("the line runs");
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    out
}

#[test]
fn containers_reach_each_other_over_the_bridge_and_leave_no_veth() {
    let state = tempfile::tempdir().unwrap();
    let real = state.path().join("real");
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let prefix = sim_real::prune::group_prefix(&real);
    let b = run(
        &mut s,
        "docker run -d --name b busybox httpd -f -p 8080 -h /etc",
    );
    let b_id = b.stdout.trim().to_string();
    run(&mut s, "docker run -d --name a busybox sleep 60");
    let b_ip = run(
        &mut s,
        "docker inspect -f '{{.NetworkSettings.IPAddress}}' b",
    )
    .stdout
    .trim()
    .to_string();
    // The address docker inspect shows is the one eth0 really has.
    let addr = run(&mut s, "docker exec b ip -4 addr show eth0").stdout;
    assert!(addr.contains(&format!("inet {b_ip}/16")), "{addr}");
    let route = run(&mut s, "docker exec a ip route").stdout;
    assert!(
        route.contains(&format!("default via {}", net::GATEWAY)),
        "{route}"
    );
    // Both host ends are on the bridge.
    let veths = net::veths_of(&prefix);
    assert_eq!(veths.len(), 2, "{veths:?}");
    for veth in &veths {
        let master = std::fs::read_link(format!("/sys/class/net/{veth}/master")).unwrap();
        assert!(master.ends_with(net::BRIDGE), "{}", master.display());
    }
    // httpd in b serves its /etc: a fetches b's hostname (its short ID) over the bridge.
    let got = run(
        &mut s,
        &format!("docker exec a wget -qO- http://{b_ip}:8080/hostname"),
    );
    assert_eq!(got.stdout.trim(), &b_id[..12]);

    // A stopped container has no network; a start gives it back at the same address.
    run(&mut s, "docker stop -t 1 b");
    // The pair goes with the namespace, which the kernel frees after the last process.
    assert!(eventually(|| net::veths_of(&prefix).len() == 1));
    run(&mut s, "docker start b");
    let again = run(&mut s, "docker exec b ip -4 addr show eth0").stdout;
    assert!(again.contains(&format!("inet {b_ip}/16")), "{again}");
    run(&mut s, "docker rm -f b");
    assert!(eventually(|| net::veths_of(&prefix).len() == 1));
    run(&mut s, "docker rm -f a");
    assert!(eventually(|| net::veths_of(&prefix).is_empty()));
    assert_eq!(net::namespaces_of(&prefix), Vec::<String>::new());
    // A --rm container's network goes with it.
    run(&mut s, "docker run --rm busybox ip link show eth0");
    assert!(eventually(|| net::veths_of(&prefix).is_empty()));
    s.close().unwrap();
    let none = Default::default();
    sim_real::prune::prune(&real, &none, &none);
}

#[test]
fn an_exited_container_has_no_network_and_prune_removes_a_leftover_one() {
    let state = tempfile::tempdir().unwrap();
    let real = state.path().join("real");
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let prefix = sim_real::prune::group_prefix(&real);
    run(&mut s, "docker run --name gone busybox true");
    assert!(eventually(|| net::veths_of(&prefix).is_empty()));
    s.close().unwrap();
    // A namespace held by nothing goes, and its veth pair with it.
    let held = net::Names::of(&prefix, "fedcba9876543210");
    let ns = net::attach(&held, "172.17.255.253").unwrap();
    assert_eq!(net::veths_of(&prefix), std::slice::from_ref(&held.veth));
    drop(ns);
    assert!(eventually(|| net::veths_of(&prefix).is_empty()));
    // What an earlier version left: a named namespace (`ip netns add`) and a veth into it.
    let leftover = net::Names::of(&prefix, "0123456789abcdef");
    for args in [
        vec!["netns", "add", &leftover.netns],
        vec![
            "link",
            "add",
            &leftover.veth,
            "type",
            "veth",
            "peer",
            "name",
            "eth0",
            "netns",
            &leftover.netns,
        ],
    ] {
        let ok = std::process::Command::new("ip")
            .args(&args)
            .status()
            .unwrap();
        assert!(ok.success(), "ip {args:?}");
    }
    assert_eq!(net::namespaces_of(&prefix), ["0123456789abcdef"]);
    let none = Default::default();
    let report = sim_real::prune::prune(&real, &none, &none);
    assert!(
        report.contains(&format!(
            "removed network namespace {} and veth {}",
            leftover.netns, leftover.veth
        )),
        "{report:?}"
    );
    assert_eq!(net::namespaces_of(&prefix), Vec::<String>::new());
    assert_eq!(net::veths_of(&prefix), Vec::<String>::new());
}
