//! Snapshots of real Worlds, built through the same entry point every front uses.

use super::*;
use crate::fs::Node;
use crate::BuildContext;

fn ok(world: &mut World, line: &str) {
    ok_in(world, line, &BuildContext::default());
}

fn ok_in(world: &mut World, line: &str, context: &BuildContext) {
    let out = world.run_line(line, context);
    assert_eq!(out.exit_code, 0, "`{line}`: {}{}", out.stdout, out.stderr);
}

fn context(files: &[(&str, &str)]) -> BuildContext {
    let mut ctx = BuildContext::default();
    for (path, content) in files {
        ctx.put(&format!("/{path}"), Node::file(content.as_bytes().to_vec()));
    }
    ctx
}

const DOCKERFILE: &str = "FROM alpine\nWORKDIR /app\nCOPY a.txt .\nRUN cat a.txt > copy.txt\nCMD [\"cat\", \"/app/copy.txt\"]\n";

fn image<'a>(snap: &'a Snapshot, tag: &str) -> &'a ImageView {
    snap.images
        .iter()
        .find(|i| i.tags.iter().any(|t| t == tag))
        .unwrap_or_else(|| panic!("no image {tag} in {:?}", snap.images))
}

#[test]
fn an_empty_world_has_only_the_host() {
    let snap = snapshot(&World::new(1));
    assert!(snap.images.is_empty() && snap.containers.is_empty());
    assert!(snap.last_build.is_none() && snap.transfer.is_none());
    assert_eq!(snap.host.hostname, "host");
    assert_eq!(snap.host.processes[0].pid, 1);
    assert!(snap.host.processes.iter().all(|p| p.container.is_none()));
}

#[test]
fn two_containers_of_one_image_share_its_layers() {
    let mut w = World::new(1);
    ok(&mut w, "docker run -d --name a nginx");
    ok(&mut w, "docker run -d --name b nginx");
    ok(&mut w, "docker pull redis");
    let snap = snapshot(&w);
    let nginx = image(&snap, "nginx:latest");
    assert_eq!(nginx.used_by, ["a", "b"]);
    assert!(nginx.layers.iter().all(|l| !l.created_by.is_empty()));
    // nginx and redis share the Debian base layer: drawn once, used by two images.
    let base = &nginx.layers[0];
    assert_eq!(base.shared_by, 2);
    assert_eq!(image(&snap, "redis:latest").layers[0].diff_id, base.diff_id);
    assert!(nginx.layers[1..].iter().all(|l| l.shared_by == 1));
    assert_eq!(nginx.size, nginx.layers.iter().map(|l| l.size).sum::<u64>());
    // The pull of redis skipped that base layer.
    let t = snap.transfer.as_ref().expect("a pull");
    assert_eq!(t.direction, Direction::Pull);
    assert_eq!(t.reference, "redis:latest");
    assert_eq!(t.layers[0].diff_id, base.diff_id);
    assert!(!t.layers[0].transferred);
    assert!(t.layers[1..].iter().all(|l| l.transferred));
    assert_eq!(t.skipped_bytes, base.size);
}

#[test]
fn rm_drops_the_writable_layer_and_keeps_the_volume() {
    let mut w = World::new(1);
    ok(
        &mut w,
        "docker run --name app -v data:/data busybox sh -c 'echo kept > /data/k; echo lost > /tmp/l'",
    );
    let snap = snapshot(&w);
    let app = &snap.containers[0];
    assert_eq!(app.state, "exited");
    assert!(app.processes.is_empty());
    assert!(app
        .writable
        .changes
        .iter()
        .any(|c| c.path == "/tmp/l" && c.kind == 'A'));
    assert!(app.writable.bytes >= 5);
    assert_eq!(
        app.mounts,
        [MountView {
            kind: MountType::Volume,
            source: "data".into(),
            target: "/data".into(),
            read_only: false,
        }]
    );
    assert_eq!(snap.volumes[0].used_by, ["app"]);
    assert_eq!(snap.volumes[0].files, 1);

    ok(&mut w, "docker rm app");
    let snap = snapshot(&w);
    assert!(snap.containers.is_empty());
    assert_eq!(snap.removed.len(), 1);
    assert_eq!(snap.removed[0].name, "app");
    assert_eq!(snap.removed[0].discarded_bytes, app.writable.bytes);
    let data = &snap.volumes[0];
    assert_eq!((data.name.as_str(), data.files), ("data", 1));
    assert!(data.used_by.is_empty());
    // The next command forgets the removal; the volume is still there.
    ok(&mut w, "docker ps -a");
    let snap = snapshot(&w);
    assert!(snap.removed.is_empty());
    assert_eq!(snap.volumes.len(), 1);
}

#[test]
fn a_second_build_is_all_cached_and_a_change_says_why() {
    let mut w = World::new(1);
    let ctx = context(&[("Dockerfile", DOCKERFILE), ("a.txt", "A\n")]);
    ok_in(&mut w, "docker build -t app .", &ctx);
    let first = snapshot(&w).last_build.expect("a build");
    assert!(!first.steps.is_empty());
    assert!(first.steps.iter().all(|s| !s.cached && s.reason.is_some()));
    assert_eq!(first.tags, ["app:latest"]);

    ok(&mut w, "docker ps");
    ok_in(&mut w, "docker build -t app .", &ctx);
    let snap = snapshot(&w);
    let second = snap.last_build.clone().expect("a build");
    assert_eq!(second.steps.len(), first.steps.len());
    assert!(second.steps.iter().all(|s| s.cached && s.reason.is_none()));
    assert_eq!(second.image, first.image);
    // alpine's layer is in both images.
    let app = image(&snap, "app:latest");
    assert_eq!(app.layers[0].shared_by, 2);
    assert!(app
        .layers
        .last()
        .is_some_and(|l| l.created_by.contains("RUN")));

    let changed = context(&[("Dockerfile", DOCKERFILE), ("a.txt", "B\n")]);
    ok_in(&mut w, "docker build -t app .", &changed);
    let third = snapshot(&w).last_build.expect("a build");
    let copy = third
        .steps
        .iter()
        .find(|s| s.instruction.contains("COPY"))
        .expect("COPY step");
    assert!(!copy.cached);
    assert!(copy.reason.as_deref().is_some_and(|r| r.contains("files")));
}

#[test]
fn a_failed_build_keeps_its_steps_and_error() {
    let mut w = World::new(1);
    let ctx = context(&[("Dockerfile", "FROM busybox\nRUN echo hi > /x\nRUN false\n")]);
    let out = w.run_line("docker build -t bad .", &ctx);
    assert_ne!(out.exit_code, 0);
    let b = snapshot(&w).last_build.expect("a build");
    assert!(b.image.is_none());
    assert!(b.error.is_some());
    assert!(!b.steps.is_empty());
}

#[test]
fn push_skips_what_the_registry_has() {
    let mut w = World::new(1);
    let ctx = context(&[("Dockerfile", DOCKERFILE), ("a.txt", "A\n")]);
    ok_in(&mut w, "docker build -t me/app .", &ctx);
    ok(&mut w, "docker push me/app");
    let t = snapshot(&w).transfer.expect("a push");
    assert_eq!(t.direction, Direction::Push);
    assert!(!t.layers[0].transferred, "alpine's layer is already there");
    assert!(t.layers[1..].iter().all(|l| l.transferred));
    assert!(t.transferred_bytes > 0);
}

#[test]
fn inside_and_outside_a_container() {
    let mut w = World::new(1);
    ok(&mut w, "docker run -d --name web --hostname webhost nginx");
    ok(&mut w, "docker run -d --name cache redis");
    ok(&mut w, "docker run --name done busybox true");
    let snap = snapshot(&w);
    let web = snap.containers.iter().find(|c| c.name == "web").unwrap();
    assert_eq!(web.hostname, "webhost");
    assert_eq!(web.processes.len(), 1);
    assert_eq!(web.processes[0].pid, 1);
    assert_eq!(web.processes[0].command, web.pid1.join(" "));
    // The host sees both PID 1s, under other PIDs, and nothing of the exited container.
    let inside: Vec<&HostProcess> = snap
        .host
        .processes
        .iter()
        .filter(|p| p.container.is_some())
        .collect();
    assert_eq!(inside.len(), 2);
    assert!(inside
        .iter()
        .all(|p| p.container_pid == Some(1) && p.pid > 1000));
    assert_ne!(inside[0].pid, inside[1].pid);
    assert!(inside
        .iter()
        .all(|p| p.container.as_deref() != Some("done")));
    assert!(snap.host.processes.windows(2).all(|w| w[0].pid < w[1].pid));
}

#[test]
fn memory_against_the_limit() {
    let mut w = World::new(2);
    ok(
        &mut w,
        "docker run -d --name db -m 512m -e MYSQL_ROOT_PASSWORD=pw mysql",
    );
    let out = w.run_line(
        "docker run --name hog -m 64m busybox dd if=/dev/zero of=/dev/null bs=200M count=1",
        &BuildContext::default(),
    );
    assert_eq!(out.exit_code, 137);
    let snap = snapshot(&w);
    let db = snap.memory.iter().find(|m| m.name == "db").unwrap();
    assert!(db.running);
    assert_eq!(db.limit, Some(512 * 1024 * 1024));
    assert!(db.used >= 360 * 1024 * 1024 && db.used <= 512 * 1024 * 1024);
    let hog = snap.memory.iter().find(|m| m.name == "hog").unwrap();
    assert!(hog.oom_killed && !hog.running);
    assert_eq!(Some(hog.used), hog.limit);
    let hog_c = snap.containers.iter().find(|c| c.name == "hog").unwrap();
    assert!(hog_c.oom_killed);
    assert_eq!(hog_c.exit_code, 137);
}

#[test]
fn the_same_commands_give_the_same_snapshot() {
    let lines = [
        "docker run -d --name a -v v:/v nginx",
        "docker run --name b busybox sh -c 'echo x > /f'",
        "docker pull redis",
        "docker rm b",
    ];
    let take = || {
        let mut w = World::new(7);
        for line in lines {
            ok(&mut w, line);
        }
        snapshot(&w)
    };
    assert_eq!(take(), take());
}

#[test]
fn host_pids_are_stable_and_in_range() {
    for id in ["", "zz", "sha256:ffffffffffff", "0123456789abcdef"] {
        let pid = host_pid(id);
        assert!(
            (1000..31_000).contains(&pid) && pid.is_multiple_of(2),
            "{id}: {pid}"
        );
    }
}

/// The frames of `line`, each with the kind of the event it was taken at.
fn frames_of(world: &mut World, line: &str, ctx: &BuildContext) -> Vec<(&'static str, Snapshot)> {
    let (outcome, frames) = run_line_with_frames(world, line, ctx);
    assert_eq!(outcome.exit_code, 0, "`{line}`: {}", outcome.stderr);
    let events = &world.events()[outcome.first_event as usize..outcome.end_event as usize];
    assert_eq!(
        frames.len(),
        events.len(),
        "one frame per event of `{line}`"
    );
    events.iter().map(|e| e.kind.name()).zip(frames).collect()
}

fn state_of<'a>(snap: &'a Snapshot, name: &str) -> Option<&'a str> {
    snap.containers
        .iter()
        .find(|c| c.name == name)
        .map(|c| c.state.as_str())
}

#[test]
fn frames_show_a_foreground_run_created_then_running_then_exited() {
    let mut world = World::new(3);
    ok(&mut world, "docker pull busybox");
    let frames = frames_of(
        &mut world,
        "docker run --name once busybox echo hi",
        &BuildContext::default(),
    );
    let at = |kind: &str| {
        frames
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, snap)| state_of(snap, "once"))
            .unwrap_or_else(|| panic!("no {kind} event"))
    };
    assert_eq!(
        at("command"),
        None,
        "nothing exists when the command arrives"
    );
    assert_eq!(at("container_created"), Some("created"));
    assert_eq!(at("container_started"), Some("running"));
    assert_eq!(at("container_exited"), Some("exited"));
}

#[test]
fn frames_show_rm_f_stopping_before_removing() {
    let mut world = World::new(3);
    ok(&mut world, "docker run -d --name web nginx");
    let frames = frames_of(&mut world, "docker rm -f web", &BuildContext::default());
    let kinds: Vec<_> = frames.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        kinds,
        ["command", "container_exited", "container_removed"],
        "events of rm -f"
    );
    assert_eq!(state_of(&frames[0].1, "web"), Some("running"));
    assert_eq!(state_of(&frames[1].1, "web"), Some("exited"));
    assert_eq!(state_of(&frames[2].1, "web"), None);
    assert_eq!(frames[2].1.removed[0].name, "web");
}

#[test]
fn frames_show_a_build_growing_step_by_step() {
    let mut world = World::new(3);
    let ctx = context(&[("Dockerfile", DOCKERFILE), ("a.txt", "hello\n")]);
    let frames = frames_of(&mut world, "docker build -t app .", &ctx);
    let steps: Vec<(usize, bool)> = frames
        .iter()
        .filter(|(kind, _)| *kind == "build_step")
        .map(|(_, snap)| {
            let build = snap.last_build.as_ref().expect("a build is under way");
            (build.steps.len(), build.image.is_some())
        })
        .collect();
    assert_eq!(steps.len(), 3, "WORKDIR, COPY and RUN: {steps:?}");
    for (i, (shown, built)) in steps.iter().enumerate() {
        assert_eq!(*shown, i + 1, "steps so far at step {i}");
        assert!(!built, "no image before the build ends");
    }
    let (_, last) = frames.last().expect("frames");
    assert!(last
        .images
        .iter()
        .any(|i| i.tags.contains(&"app:latest".into())));
}

#[test]
fn taking_frames_changes_nothing_in_the_world() {
    let lines = [
        "docker run -d --name web -v data:/data nginx",
        "docker exec web sh -c 'echo x > /data/x'",
        "docker rm -f -v web",
        "docker run --rm busybox sh -c 'exit 3'",
        "docker rmi nginx",
    ];
    let mut plain = World::new(9);
    let mut framed = World::new(9);
    for line in lines {
        let expected = plain.run_line(line, &BuildContext::default());
        let (outcome, _) = run_line_with_frames(&mut framed, line, &BuildContext::default());
        assert_eq!(
            (outcome.stdout, outcome.exit_code),
            (expected.stdout, expected.exit_code)
        );
    }
    assert_eq!(framed.trace_hash(), plain.trace_hash());
    assert_eq!(framed.state_digest(), plain.state_digest());
    assert_eq!(snapshot(&framed), snapshot(&plain));
}
