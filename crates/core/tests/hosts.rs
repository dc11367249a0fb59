//! Many servers in one World: each host has its own engine (containers, names, volumes, images,
//! IPs), the registry and the clock are shared, and docker addresses a host with `-H`.

use sim_core::{BuildContext, EventKind, HostName, Outcome, Status, World};

fn run(w: &mut World, line: &str) -> Outcome {
    w.run_line(line, &BuildContext::default())
}

fn ok(w: &mut World, line: &str) -> String {
    let out = run(w, line);
    assert_eq!(out.exit_code, 0, "`{line}`: {}{}", out.stdout, out.stderr);
    out.stdout
}

fn app_context() -> BuildContext {
    BuildContext::from_files([(
        "Dockerfile",
        "FROM busybox\nRUN echo v1 > /version\nCMD [\"cat\", \"/version\"]\n",
    )])
}

#[test]
fn the_same_container_name_lives_on_two_hosts() {
    let mut w = World::new(1);
    ok(&mut w, "host add node-2");
    ok(&mut w, "docker run -d --name web nginx");
    ok(&mut w, "docker -H node-2 run -d --name web nginx");
    // Each host lists only its own.
    let here = ok(&mut w, "docker ps --format '{{.Names}} {{.ID}}'");
    let there = ok(&mut w, "docker -H node-2 ps --format '{{.Names}} {{.ID}}'");
    assert!(here.starts_with("web "), "{here}");
    assert!(there.starts_with("web "), "{there}");
    assert_ne!(here, there, "two containers, two IDs");
    // Both got the first address of their own bridge.
    let ip = |w: &mut World, prefix: &str| {
        ok(
            w,
            &format!("docker {prefix}inspect -f '{{{{.NetworkSettings.IPAddress}}}}' web"),
        )
    };
    let (a, b) = (ip(&mut w, ""), ip(&mut w, "-H node-2 "));
    assert_eq!(a, b);
    assert!(a.starts_with("172.17."), "{a}");
    // Host ports are per host: both publish 8080.
    ok(&mut w, "docker run -d --name a -p 8080:80 nginx");
    ok(
        &mut w,
        "docker --host tcp://node-2:2375 run -d --name a -p 8080:80 nginx",
    );
    assert!(run(&mut w, "docker run -d --name b -p 8080:80 nginx").exit_code != 0);
    let listed = ok(&mut w, "host ls");
    assert!(
        listed.contains("default") && listed.contains("node-2"),
        "{listed}"
    );
}

#[test]
fn an_image_pushed_on_one_host_is_pulled_on_the_other_downloading_only_what_it_lacks() {
    let mut w = World::new(2);
    ok(&mut w, "host add build prod");
    let out = w.run_line("docker -H build build -t learner/app:1 .", &app_context());
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    ok(&mut w, "docker -H build push learner/app:1");
    // prod has busybox already: only the app's own layer travels.
    ok(&mut w, "DOCKER_HOST=prod docker pull busybox");
    let pulled = ok(&mut w, "docker -H prod pull learner/app:1");
    assert!(pulled.contains("Already exists"), "{pulled}");
    let event = w
        .events()
        .iter()
        .rev()
        .find_map(|e| match &e.kind {
            EventKind::ImagePulled {
                downloaded,
                skipped,
                ..
            } => Some((e.host.clone(), downloaded.len(), skipped.len())),
            _ => None,
        })
        .expect("a pull event");
    assert_eq!(event, (HostName::from("prod"), 1, 1));
    let out = run(&mut w, "docker -H prod run --rm learner/app:1");
    assert_eq!(out.stdout, "v1\n");
    // The default host never saw any of it.
    assert!(run(&mut w, "docker image inspect learner/app:1").exit_code != 0);
}

#[test]
fn removing_a_host_takes_its_containers_and_leaves_the_others_alone() {
    let mut w = World::new(3);
    ok(&mut w, "host add node-2");
    ok(&mut w, "docker run -d --name keep busybox sleep 3600");
    ok(
        &mut w,
        "docker -H node-2 run -d --name gone busybox sleep 3600",
    );
    ok(&mut w, "docker -H node-2 run --name done busybox true");
    let refused = run(&mut w, "host rm node-2");
    assert_ne!(refused.exit_code, 0);
    assert!(refused.stderr.contains("running"), "{}", refused.stderr);
    ok(&mut w, "host rm -f node-2");
    let out = run(&mut w, "docker -H node-2 ps");
    assert_eq!(out.exit_code, 1);
    assert_eq!(
        out.stderr,
        "Cannot connect to the Docker daemon at tcp://node-2:2375. Is the docker daemon running?\n"
    );
    let keep: Vec<_> = w.containers().map(|c| (c.name.clone(), c.status)).collect();
    assert_eq!(keep, vec![("keep".to_string(), Status::Running)]);
    let removed = w.events().iter().find_map(|e| match &e.kind {
        EventKind::HostRemoved { name, containers } => Some((name.clone(), *containers)),
        _ => None,
    });
    assert_eq!(removed, Some((HostName::from("node-2"), 2)));
    // Nothing of the removed host is left waiting: time passes without it.
    ok(&mut w, "tick 2h");
    assert_eq!(w.open_processes(), 1);
    assert!(run(&mut w, "host rm default").exit_code != 0);
    assert!(run(&mut w, "host add bad_name").exit_code != 0);
    assert!(run(&mut w, "host add default").exit_code != 0);
}

#[test]
fn every_event_names_its_host() {
    let mut w = World::new(4);
    ok(&mut w, "host add node-2");
    ok(&mut w, "docker -H node-2 run -d --name x busybox sleep 5");
    ok(&mut w, "tick 10s");
    let exited = w
        .events()
        .iter()
        .find(|e| matches!(e.kind, EventKind::ContainerExited { .. }))
        .expect("x exited");
    assert_eq!(exited.host, "node-2");
    let command = w
        .events()
        .iter()
        .find(|e| matches!(e.kind, EventKind::Command { .. }))
        .expect("a command");
    assert_eq!(command.host, "default");
}
