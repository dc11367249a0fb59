//! Bridge networking for real containers: each gets `eth0` with the model's IP on the bridge
//! `simbr0`, containers reach each other, and the veth and namespace go with the container.
//! Needs root and iproute2's `ip`; skipped with the reason printed otherwise.
#![cfg(target_os = "linux")]

use sim_real::{net, RealSession};

mod common;
use common::{bridged_session as session, Scratch};

/// Every session hands out 172.17.0.2 first: the tests here take turns on the bridge (one
/// session's address is refused to another while held).
static BRIDGE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn take_bridge() -> std::sync::MutexGuard<'static, ()> {
    BRIDGE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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
    let _bridge = take_bridge();
    let state = Scratch::new();
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
    let _bridge = take_bridge();
    let state = Scratch::new();
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

#[test]
fn a_second_session_cannot_take_an_address_another_session_holds_on_the_bridge() {
    let _bridge = take_bridge();
    let (one_dir, two_dir) = (Scratch::new(), Scratch::new());
    let Some(mut one) = session(one_dir.path()) else {
        return;
    };
    let mut two = session(two_dir.path()).unwrap();
    let first = run(&mut one, "docker run -d --name first busybox sleep 60");
    let first_id = first.stdout.trim().to_string();
    let second = run(&mut two, "docker run -d --name second busybox sleep 60");
    let notes = second.stderr;
    let ip = "docker inspect -f '{{.NetworkSettings.IPAddress}}'";
    let address = run(&mut one, &format!("{ip} first"))
        .stdout
        .trim()
        .to_string();
    // Both models hand out the same address: the model's output stays as it is...
    assert_eq!(
        run(&mut two, &format!("{ip} second")).stdout.trim(),
        address
    );
    // ...and the second container is refused the bridge, with the address and holder named.
    let holder = net::Names::of(
        &sim_real::prune::group_prefix(&one_dir.path().join("real")),
        &first_id,
    );
    assert!(
        notes.contains(&format!(
            "address {address} is already in use on {}",
            net::BRIDGE
        )) && notes.contains(&holder.veth),
        "{notes}"
    );
    let links = run(&mut two, "docker exec second ip -4 addr").stdout;
    assert!(!links.contains(&address), "{links}");
    // Once the holder is gone, its record is stale: a restart gets the address.
    run(&mut one, "docker rm -f first");
    assert!(eventually(|| !net::exists(&holder.veth)));
    run(&mut two, "docker restart -t 1 second");
    let links = run(&mut two, "docker exec second ip -4 addr show eth0").stdout;
    assert!(links.contains(&format!("inet {address}/16")), "{links}");
    run(&mut two, "docker rm -f second");
    for (s, dir) in [(one, &one_dir), (two, &two_dir)] {
        s.close().unwrap();
        let none = Default::default();
        sim_real::prune::prune(&dir.path().join("real"), &none, &none);
    }
}
