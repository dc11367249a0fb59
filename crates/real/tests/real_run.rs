//! Real containers end to end through the core: output, exit codes, isolation, limits,
//! persistence between sessions, builds and cleanup. They need root (CI runs as root) and
//! are skipped with the reason printed otherwise.
#![cfg(target_os = "linux")]

use sim_core::fs::Node;
use sim_core::FsTree;
use sim_real::RealSession;
use std::path::Path;

mod common;
use common::{session, Scratch};

fn run(s: &mut RealSession, line: &str) -> sim_core::Outcome {
    s.run(line, None).expect("the line runs")
}

/// Mounts, cgroups, network namespaces, veths, container and sandbox directories this state
/// directory has now.
fn leftovers(state: &Path) -> Vec<String> {
    let real = state.join("real");
    let mut out: Vec<String> = sim_real::prune::mounts_under(&real)
        .iter()
        .map(|p| format!("mount {}", p.display()))
        .collect();
    out.extend(
        sim_real::prune::groups_of(&real)
            .iter()
            .map(|p| format!("cgroup {}", p.display())),
    );
    let prefix = sim_real::prune::group_prefix(&real);
    out.extend(
        sim_real::net::namespaces_of(&prefix)
            .into_iter()
            .map(|n| format!("netns {n}")),
    );
    // A veth pair goes with its namespace, which the kernel frees a moment after the
    // container's last process: give it time.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !sim_real::net::veths_of(&prefix).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    out.extend(
        sim_real::net::veths_of(&prefix)
            .into_iter()
            .map(|v| format!("veth {v}")),
    );
    for sub in ["containers", "sandboxes"] {
        if let Ok(entries) = std::fs::read_dir(real.join(sub)) {
            out.extend(
                entries
                    .flatten()
                    .map(|e| format!("dir {}", e.path().display())),
            );
        }
    }
    // A child another test of this binary forked holds copies of every fd until its exec:
    // only a process still there a moment later is left behind.
    let mut procs = processes_of(state);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while !procs.is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
        procs = processes_of(state);
    }
    out.extend(procs.into_iter().map(|p| format!("process {p}")));
    // Removed directories are deleted by a detached `rm` after each command: give it time.
    let trash = || -> Vec<String> {
        std::fs::read_dir(&real)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with("trash"))
                    .collect()
            })
            .unwrap_or_default()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !trash().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    out.extend(trash().into_iter().map(|t| format!("dir {t}")));
    out
}

/// Processes in this state directory's cgroups, or holding a supervisor's log open (only
/// supervisors ever open one: a fork of this process that has not exec'd yet holds copies of
/// the session's files for a moment, never a log).
fn processes_of(state: &Path) -> Vec<String> {
    let real = state.join("real");
    let prefix = sim_real::prune::group_prefix(&real);
    let dir = std::fs::canonicalize(&real).unwrap_or(real).join("procs");
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let cgroups = std::fs::read_to_string(entry.path().join("cgroup")).unwrap_or_default();
        let holds = std::fs::read_dir(entry.path().join("fd"))
            .map(|fds| {
                fds.flatten().any(|fd| {
                    std::fs::read_link(fd.path()).is_ok_and(|target| target.starts_with(&dir))
                })
            })
            .unwrap_or(false);
        if cgroups.contains(&format!("/sim-real/{prefix}")) || holds {
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            out.push(format!("{name} {}", String::from_utf8_lossy(&cmdline)));
        }
    }
    out
}

#[test]
fn output_and_exit_codes_come_from_the_real_process() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let out = run(
        &mut s,
        "docker run --rm busybox sh -c 'echo out; echo err >&2; exit 3'",
    );
    assert_eq!(out.stdout, "out\n");
    assert!(out.stderr.ends_with("err\n"), "{}", out.stderr);
    assert_eq!(out.exit_code, 3);
    let out = run(&mut s, "docker run --name bad busybox nosuchprogram");
    assert_eq!(out.exit_code, 127);
    assert!(
        out.stderr.contains("executable file not found in $PATH"),
        "{}",
        out.stderr
    );
    assert_eq!(run(&mut s, "docker rm bad").exit_code, 0);
    s.close().unwrap();
    assert_eq!(leftovers(state.path()), Vec::<String>::new());
}

#[test]
fn inside_host_processes_and_mounts_are_invisible() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let out = run(
        &mut s,
        "docker run --rm --name iso busybox sh -c 'ls /proc | grep -c \"^[0-9]\"; wc -l < /proc/mounts; cat /proc/mounts; hostname; cat /proc/net/dev; echo $$'",
    );
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let pids: usize = lines[0].trim().parse().unwrap();
    // sh, ls and grep at most: none of the host's processes.
    assert!(pids <= 3, "{pids} processes visible:\n{}", out.stdout);
    let mounts: usize = lines[1].trim().parse().unwrap();
    assert!(mounts < 16, "{mounts} mounts visible");
    // Only the container's own mount points: none of the host's.
    let own = [
        "/",
        "/proc",
        "/dev",
        "/dev/null",
        "/dev/zero",
        "/dev/full",
        "/dev/random",
        "/dev/urandom",
        "/dev/tty",
        "/dev/shm",
        "/sys",
    ];
    for mount in &lines[2..2 + mounts] {
        let point = mount.split(' ').nth(1).unwrap();
        assert!(own.contains(&point), "a host mount shows inside: {mount}");
    }
    // Its own interfaces only: loopback and eth0 on the bridge (none of the host's).
    let table = lines.iter().position(|l| l.starts_with("Inter-|")).unwrap();
    let mut interfaces: Vec<&str> = lines[table + 2..lines.len() - 1]
        .iter()
        .filter_map(|l| l.split(':').next())
        .map(str::trim)
        .collect();
    interfaces.sort_unstable();
    // Tests here run in parallel and every session hands out 172.17.0.2 first: a session
    // that finds its address held by another is refused the bridge (and says so).
    let refused = out.stderr.contains("is already in use on");
    let expected = if sim_real::net::unavailable().is_none() && !refused {
        vec!["eth0", "lo"]
    } else {
        vec!["lo"]
    };
    assert_eq!(interfaces, expected, "{}", out.stdout);
    assert_eq!(lines.last().copied(), Some("1"), "the shell is PID 1");
    s.close().unwrap();
}

#[test]
fn env_workdir_user_and_hostname_are_the_containers() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let out = run(
        &mut s,
        "docker run --rm -e A=b -w /work -u nobody -h box busybox sh -c 'echo $A; pwd; id -u; hostname; cat /etc/hostname'",
    );
    assert_eq!(out.stdout, "b\n/work\n65534\nbox\nbox\n", "{}", out.stderr);
    s.close().unwrap();
}

#[test]
fn the_memory_limit_kills_with_137_and_oomkilled() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    if s.layout() == &sim_real::cgroup::Layout::None {
        eprintln!("SKIPPED (not a failure): {}", s.layout().describe());
        return;
    }
    let out = run(
        &mut s,
        "docker run --name hog -m 16m busybox sh -c 'x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done'",
    );
    assert_eq!(out.exit_code, 137, "{}", out.stderr);
    let out = run(
        &mut s,
        "docker inspect -f '{{.State.OOMKilled}} {{.State.ExitCode}}' hog",
    );
    assert_eq!(out.stdout, "true 137\n");
    run(&mut s, "docker rm hog");
    s.close().unwrap();
    assert_eq!(leftovers(state.path()), Vec::<String>::new());
}

#[test]
fn a_session_carries_on_from_the_recorded_inputs() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let out = run(
        &mut s,
        "docker run --name keep busybox sh -c 'echo data > /f; echo logged'",
    );
    assert_eq!(out.stdout, "logged\n");
    let hash = s.world().unwrap().trace_hash();
    s.close().unwrap();
    // Nothing is mounted between invocations; the container's files stay.
    assert!(sim_real::prune::mounts_under(&state.path().join("real")).is_empty());

    let mut s = session(state.path()).unwrap();
    assert_eq!(
        s.world().unwrap().trace_hash(),
        hash,
        "the replay rebuilds the same World"
    );
    assert!(s.take_notes().is_empty());
    let out = run(&mut s, "docker ps -a --format '{{.Names}} {{.Status}}'");
    assert!(out.stdout.starts_with("keep Exited (0)"), "{}", out.stdout);
    assert_eq!(run(&mut s, "docker logs keep").stdout, "logged\n");
    assert!(run(&mut s, "docker diff keep").stdout.contains("A /f"));
    let out = run(&mut s, "docker start -a keep");
    assert_eq!(out.stdout, "logged\n", "{}", out.stderr);
    assert_eq!(run(&mut s, "docker rm keep").exit_code, 0);
    s.close().unwrap();
    assert_eq!(leftovers(state.path()), Vec::<String>::new());
}

#[test]
fn a_dockerfile_from_busybox_builds_for_real() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let mut context = FsTree::new();
    context.put(
        "/Dockerfile",
        Node::file(
            "FROM busybox\nWORKDIR /app\nRUN echo built > made.txt && rm /etc/os-release\nCOPY hello.txt .\nCMD [\"cat\", \"made.txt\", \"hello.txt\"]\n",
        ),
    );
    context.put("/hello.txt", Node::file("hello\n"));
    let out = s.run("docker build -t app .", Some(context)).unwrap();
    assert_eq!(out.exit_code, 0, "{}{}", out.stdout, out.stderr);
    let out = run(&mut s, "docker run --rm app");
    assert_eq!(out.stdout, "built\nhello\n", "{}", out.stderr);
    let out = run(&mut s, "docker run --rm app ls /etc/os-release");
    assert_ne!(
        out.exit_code, 0,
        "the RUN step's deletion is a whiteout in its layer"
    );
    s.close().unwrap();
    assert_eq!(leftovers(state.path()), Vec::<String>::new());
}

#[test]
fn simulated_images_are_refused_with_what_to_do() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let out = run(&mut s, "docker run --rm nginx");
    assert_ne!(out.exit_code, 0);
    assert!(out.stderr.contains("no real form"), "{}", out.stderr);
    assert!(out.stderr.contains("busybox"), "{}", out.stderr);
    s.close().unwrap();
}

#[test]
fn docker_stop_sends_sigterm_then_sigkill_after_the_grace_period() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    assert_eq!(
        run(&mut s, "docker run -d --name s busybox sleep 100").exit_code,
        0
    );
    let started = std::time::Instant::now();
    let out = run(&mut s, "docker stop -t 1 s");
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    // PID 1 ignores SIGTERM (sleep has no handler): the kill comes after one real second.
    assert!(started.elapsed().as_millis() >= 900);
    let out = run(&mut s, "docker inspect -f '{{.State.ExitCode}}' s");
    assert_eq!(out.stdout, "137\n");
    run(&mut s, "docker rm s");
    s.close().unwrap();
    assert_eq!(leftovers(state.path()), Vec::<String>::new());
}

#[test]
fn a_detached_container_outlives_the_session() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let line = "docker run -d --name k busybox sh -c 'echo one; sleep 100'";
    assert_eq!(run(&mut s, line).exit_code, 0);
    let lines = s.close().unwrap();
    assert!(lines.is_empty(), "nothing was stopped: {lines:?}");
    // Between invocations: no mount on the host side, the container's process lives on.
    assert!(sim_real::prune::mounts_under(&state.path().join("real")).is_empty());
    assert!(!sim_real::prune::groups_of(&state.path().join("real")).is_empty());
    // The container's init and its supervisor.
    assert_eq!(
        processes_of(state.path()).len(),
        2,
        "{:?}",
        processes_of(state.path())
    );

    let mut s = session(state.path()).unwrap();
    assert!(s.take_notes().is_empty(), "no repair: it still runs");
    let out = run(&mut s, "docker ps --format '{{.Names}} {{.Status}}'");
    assert!(out.stdout.starts_with("k Up"), "{}", out.stdout);
    assert_eq!(run(&mut s, "docker logs k").stdout, "one\n");
    let out = run(&mut s, "docker exec k cat /proc/1/cmdline");
    assert_eq!(out.stdout, "sleep\u{0}100\u{0}", "{}", out.stderr);
    assert_eq!(run(&mut s, "docker stop -t 1 k").exit_code, 0);
    let out = run(&mut s, "docker inspect -f '{{.State.ExitCode}}' k");
    assert_eq!(out.stdout, "137\n");
    run(&mut s, "docker rm k");
    s.close().unwrap();
    assert_eq!(leftovers(state.path()), Vec::<String>::new());
}

#[test]
fn what_a_detached_container_did_meanwhile_is_read_from_its_log() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let line = "docker run -d --name w busybox sh -c 'sleep 0.3; echo later; exit 4'";
    assert_eq!(run(&mut s, line).exit_code, 0);
    s.close().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));

    let mut s = session(state.path()).unwrap();
    let out = run(&mut s, "docker ps -a --format '{{.Names}} {{.Status}}'");
    assert!(out.stdout.starts_with("w Exited (4)"), "{}", out.stdout);
    assert_eq!(run(&mut s, "docker logs w").stdout, "later\n");
    run(&mut s, "docker rm w");
    s.close().unwrap();
    assert_eq!(leftovers(state.path()), Vec::<String>::new());
    assert!(!state
        .path()
        .join("real/procs")
        .read_dir()
        .is_ok_and(|mut d| d.next().is_some()));
}

#[test]
fn run_rm_cycles_leave_nothing_behind() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let cycles: usize = std::env::var("SIM_REAL_CYCLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    for i in 0..cycles {
        let out = run(&mut s, "docker run --rm busybox true");
        assert_eq!(out.exit_code, 0, "cycle {i}: {}", out.stderr);
        if i % 25 == 0 {
            assert_eq!(
                leftovers(state.path()),
                Vec::<String>::new(),
                "after cycle {i}"
            );
        }
    }
    s.close().unwrap();
    assert_eq!(leftovers(state.path()), Vec::<String>::new());
}

#[test]
fn volumes_and_bind_mounts_are_real_directories() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let out = run(
        &mut s,
        "docker run --rm -v data:/data busybox sh -c 'echo kept > /data/x'",
    );
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    let out = run(
        &mut s,
        "docker run --rm -v data:/data:ro busybox sh -c 'cat /data/x; echo no > /data/y'",
    );
    assert_eq!(out.stdout, "kept\n");
    assert!(
        out.stderr.contains("Read-only file system"),
        "{}",
        out.stderr
    );
    let host = state.path().join("shared");
    let line = format!(
        "docker run --rm -v {}:/mnt busybox sh -c 'echo from-inside > /mnt/f'",
        host.display()
    );
    assert_eq!(run(&mut s, &line).exit_code, 0);
    assert_eq!(
        std::fs::read_to_string(host.join("f")).unwrap(),
        "from-inside\n"
    );
    assert_eq!(run(&mut s, "docker volume rm data").exit_code, 0);
    assert!(!state.path().join("real/volumes/data").exists());
    s.close().unwrap();
    assert_eq!(leftovers(state.path()), Vec::<String>::new());
}

#[test]
fn exec_joins_the_running_containers_namespaces() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    assert_eq!(
        run(
            &mut s,
            "docker run -d --name e -h inner busybox sh -c 'echo ready > /tmp/m; sleep 30'"
        )
        .exit_code,
        0
    );
    let out = run(
        &mut s,
        "docker exec e sh -c 'hostname; cat /tmp/m; cat /proc/1/cmdline | tr \"\\0\" \" \"'",
    );
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    // busybox sh runs its last command in its own place: PID 1 is the sleep.
    assert_eq!(out.stdout, "inner\nready\nsleep 30 ");
    assert_eq!(run(&mut s, "docker rm -f e").exit_code, 0);
    s.close().unwrap();
    assert_eq!(leftovers(state.path()), Vec::<String>::new());
}

#[test]
fn a_scratch_image_holds_only_what_was_copied() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let Ok(busybox) = std::fs::read(sim_real::store::HOST_BUSYBOX) else {
        eprintln!(
            "SKIPPED (not a failure): no {}",
            sim_real::store::HOST_BUSYBOX
        );
        return;
    };
    let mut context = FsTree::new();
    context.put(
        "/Dockerfile",
        Node::file(
            "FROM scratch\nCOPY busybox /busybox\nENTRYPOINT [\"/busybox\"]\nCMD [\"ls\", \"/\"]\n",
        ),
    );
    context.put("/busybox", Node::executable(busybox));
    let out = s.run("docker build -t tiny .", Some(context)).unwrap();
    assert_eq!(out.exit_code, 0, "{}{}", out.stdout, out.stderr);
    let out = run(&mut s, "docker run --rm tiny");
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    let listed: Vec<&str> = out.stdout.split_whitespace().collect();
    assert!(listed.contains(&"busybox"), "{listed:?}");
    assert!(!listed.contains(&"bin"), "scratch has no /bin: {listed:?}");
    s.close().unwrap();
}

#[test]
fn containers_on_another_host_report_to_it() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    assert_eq!(run(&mut s, "host add node-2").exit_code, 0);
    let out = run(
        &mut s,
        "docker -H node-2 run --rm -v data:/d busybox sh -c 'echo two > /d/f; cat /d/f'",
    );
    assert_eq!(out.stdout, "two\n", "{}", out.stderr);
    let out = run(&mut s, "docker run --rm -v data:/d busybox ls /d");
    assert_eq!(
        out.stdout, "",
        "a volume of the same name on another host is another volume"
    );
    assert_eq!(
        run(&mut s, "docker -H node-2 run -d --name n busybox sleep 30").exit_code,
        0
    );
    let out = run(&mut s, "docker -H node-2 ps --format '{{.Names}}'");
    assert_eq!(out.stdout, "n\n");
    assert_eq!(run(&mut s, "docker ps -q").stdout, "");
    assert_eq!(run(&mut s, "host rm -f node-2").exit_code, 0);
    assert!(!state.path().join("real/hosts/node-2").exists());
    s.close().unwrap();
    assert_eq!(leftovers(state.path()), Vec::<String>::new());
}

#[test]
fn cpu_and_memory_limits_are_written_to_the_containers_cgroup() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    if s.layout() == &sim_real::cgroup::Layout::None {
        eprintln!("SKIPPED (not a failure): {}", s.layout().describe());
        return;
    }
    let line = "docker run -d --name c --cpus 0.5 -m 64m busybox sleep 30";
    assert_eq!(run(&mut s, line).exit_code, 0);
    let id = run(&mut s, "docker inspect -f '{{.Id}}' c").stdout;
    let name = format!(
        "{}{}",
        sim_real::prune::group_prefix(&state.path().join("real")),
        id.trim()
    );
    let group = sim_real::prune::groups_of(&state.path().join("real"))
        .into_iter()
        .filter(|g| g.ends_with(&name))
        .collect::<Vec<_>>();
    let read = |file: &str| -> Option<String> {
        group
            .iter()
            .find_map(|g| std::fs::read_to_string(g.join(file)).ok())
            .map(|t| t.trim().to_string())
    };
    match s.layout() {
        sim_real::cgroup::Layout::Unified => {
            assert_eq!(read("memory.max").as_deref(), Some("67108864"));
            assert_eq!(read("cpu.max").as_deref(), Some("50000 100000"));
        }
        _ => {
            assert_eq!(read("memory.limit_in_bytes").as_deref(), Some("67108864"));
            assert_eq!(read("cpu.cfs_quota_us").as_deref(), Some("50000"));
        }
    }
    // The container's process is in it.
    assert!(read("cgroup.procs").is_some_and(|p| !p.is_empty()));
    run(&mut s, "docker rm -f c");
    s.close().unwrap();
    assert_eq!(leftovers(state.path()), Vec::<String>::new());
}

#[test]
fn one_session_at_a_time_on_a_state_directory() {
    let state = Scratch::new();
    let Some(s) = session(state.path()) else {
        return;
    };
    let Err(message) = RealSession::open(state.path(), None) else {
        panic!("a second session opened beside the first");
    };
    assert!(
        message.contains("another `sim --real` is running"),
        "{message}"
    );
    s.close().unwrap();
    assert!(RealSession::open(state.path(), None).is_ok());
}

#[test]
fn a_dockerfile_gives_the_same_layer_digests_in_both_modes() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let mut context = FsTree::new();
    context.put(
        "/Dockerfile",
        Node::file(
            "FROM busybox\nWORKDIR /app\nCOPY a.txt .\nRUN echo hi > /app/f && mkdir -p /data && echo x > /data/y\nRUN rm /etc/os-release && chmod 700 /data\nENV A=1\n",
        ),
    );
    context.put("/a.txt", Node::file("aaa\n"));
    let build = "docker build -t d .";
    let layers = "docker inspect -f '{{json .RootFS.Layers}}' d";
    let mut world = sim_core::World::new(42);
    assert_eq!(world.run_line(build, &context).exit_code, 0);
    let simulated = world.run_line(layers, &FsTree::new()).stdout;
    let out = s.run(build, Some(context)).unwrap();
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    let real = run(&mut s, layers).stdout;
    // WORKDIR, COPY and the RUN steps (deterministic files, a deletion, a mode change).
    assert_eq!(real, simulated);
    assert_eq!(real.matches("sha256:").count(), 5, "{real}");
    s.close().unwrap();
}

/// The same lines in the simulation and for real print the same (the seed is the same, so
/// are container IDs and hostnames). Differences found and left: `df -h` (the simulation
/// ignores -h), file times, /proc inside. `printenv` and `ps` are the real image's scripts
/// where the host's busybox lacks them (crates/real/src/applets.rs).
#[test]
fn the_simulation_and_the_real_run_print_the_same() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let mut world = sim_core::World::new(sim_core::scenario::DEFAULT_SEED);
    let lines = [
        "docker run --rm busybox echo hi",
        "docker run --rm busybox ls /",
        "docker run --rm busybox cat /etc/os-release /etc/hosts /etc/hostname",
        "docker run --rm busybox id",
        "docker run --rm -u nobody busybox id",
        "docker run --rm -u 1000:1000 -w /work busybox sh -c 'id; pwd'",
        "docker run --rm busybox ls /nope",
        "docker run --rm busybox sh -c 'echo out; echo err >&2; exit 5'",
        "docker run --rm -e A=b busybox sh -c 'echo $A $HOME $HOSTNAME $PATH'",
        "docker run --rm busybox sh -c 'cd /tmp && touch a && ls && wc -c /etc/passwd'",
        "docker run --rm busybox sh -c 'for i in 1 2 3; do echo $i; done | sort -r'",
        "docker run --rm -e APP=blue busybox printenv APP HOME",
        "docker run --rm busybox printenv NOPE",
        "docker run --rm busybox ps",
        "docker run --rm -e APP=blue busybox printenv APP HOME",
        "docker run --rm busybox printenv NOPE",
        "docker run --rm busybox ps",
        "docker run --name keep busybox sh -c 'mkdir /x && echo y > /x/z && rm /etc/group'",
        "docker diff keep",
        "docker logs keep",
        // (Not `ps`: its "N seconds ago" follows real time in one mode.)
        "docker ps -a --format '{{.Names}} {{.Command}}'",
    ];
    let mut same = 0;
    for line in lines {
        let simulated = world.run_line(line, &FsTree::new());
        let real = run(&mut s, line);
        assert_eq!(
            (&real.stdout, &real.stderr, real.exit_code),
            (&simulated.stdout, &simulated.stderr, simulated.exit_code),
            "{line}"
        );
        same += 1;
    }
    assert_eq!(same, lines.len());
    run(&mut s, "docker rm keep");
    s.close().unwrap();
}
