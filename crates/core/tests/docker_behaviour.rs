//! The docker commands against docker's documented behaviour, through the same entry point
//! every front uses (`World::run_line`).

use sim_core::fs::Node;
use sim_core::{BuildContext, EventKind, Outcome, World};

fn run(world: &mut World, line: &str) -> Outcome {
    world.run_line(line, &BuildContext::default())
}

/// Runs a line that must succeed and returns its stdout.
fn ok(world: &mut World, line: &str) -> String {
    let out = run(world, line);
    assert_eq!(
        out.exit_code, 0,
        "`{line}` failed: {}{}",
        out.stdout, out.stderr
    );
    out.stdout
}

fn context(files: &[(&str, &str)]) -> BuildContext {
    let mut ctx = BuildContext::default();
    for (path, content) in files {
        ctx.put(&format!("/{path}"), Node::file(content.as_bytes().to_vec()));
    }
    ctx
}

fn build(world: &mut World, ctx: &BuildContext) -> Outcome {
    world.run_line("docker build -t app .", ctx)
}

/// (step text, cached) for each build step the last command made.
fn steps(world: &World, out: &Outcome) -> Vec<(String, bool)> {
    world.events()[out.first_event as usize..out.end_event as usize]
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::BuildStep { step, cached, .. } => Some((step.clone(), *cached)),
            _ => None,
        })
        .collect()
}

const DOCKERFILE: &str = "FROM alpine\nWORKDIR /app\nCOPY a.txt .\nRUN cat a.txt > copy.txt\nCOPY b.txt .\nENV GREETING=hi\nCMD [\"cat\", \"/app/copy.txt\"]\n";

#[test]
fn second_build_is_fully_cached_and_gives_the_same_image() {
    let mut w = World::new(1);
    let ctx = context(&[
        ("Dockerfile", DOCKERFILE),
        ("a.txt", "A\n"),
        ("b.txt", "B\n"),
    ]);
    let first = build(&mut w, &ctx);
    assert_eq!(first.exit_code, 0, "{}", first.stderr);
    assert!(steps(&w, &first).iter().all(|(_, cached)| !cached));
    let id_first = ok(&mut w, "docker images -q app");

    let second = build(&mut w, &ctx);
    let second_steps = steps(&w, &second);
    assert_eq!(second_steps.len(), 4, "WORKDIR, COPY, RUN, COPY");
    assert!(
        second_steps.iter().all(|(_, cached)| *cached),
        "{second_steps:?}"
    );
    assert!(second.stderr.contains("CACHED"));
    assert_eq!(
        ok(&mut w, "docker images -q app"),
        id_first,
        "a cached build yields the same image"
    );
}

#[test]
fn changing_one_copied_file_rebuilds_from_that_step() {
    let mut w = World::new(1);
    let ctx = context(&[
        ("Dockerfile", DOCKERFILE),
        ("a.txt", "A\n"),
        ("b.txt", "B\n"),
    ]);
    assert_eq!(build(&mut w, &ctx).exit_code, 0);
    let changed = context(&[
        ("Dockerfile", DOCKERFILE),
        ("a.txt", "changed\n"),
        ("b.txt", "B\n"),
    ]);
    let out = build(&mut w, &changed);
    let cached: Vec<bool> = steps(&w, &out).into_iter().map(|(_, c)| c).collect();
    assert_eq!(
        cached,
        [true, false, false, false],
        "WORKDIR cached; COPY a.txt and all after rebuild"
    );
    assert!(
        out.stderr.contains("the files it copies changed"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("a step before it was rebuilt"),
        "{}",
        out.stderr
    );
    let run_out = ok(&mut w, "docker run --rm app");
    assert_eq!(run_out, "changed\n");
}

#[test]
fn dockerignore_excludes_files_from_the_context() {
    let mut w = World::new(1);
    let ctx = context(&[
        (
            "Dockerfile",
            "FROM busybox\nCOPY . /src\nCMD [\"ls\", \"/src\"]\n",
        ),
        (".dockerignore", "*.log\n"),
        ("keep.txt", "k"),
        ("debug.log", "noise"),
    ]);
    assert_eq!(build(&mut w, &ctx).exit_code, 0);
    let listing = ok(&mut w, "docker run --rm app");
    assert!(
        listing.contains("keep.txt") && !listing.contains("debug.log"),
        "{listing}"
    );
}

#[test]
fn multi_stage_copies_from_an_earlier_stage() {
    let mut w = World::new(1);
    let ctx = context(&[(
        "Dockerfile",
        "FROM busybox AS builder\nRUN echo built > /artifact\nFROM scratch\nCOPY --from=builder /artifact /artifact\nCOPY --from=builder /bin/busybox /bin/cat\nENTRYPOINT [\"/bin/cat\", \"/artifact\"]\n",
    )]);
    let out = build(&mut w, &ctx);
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert_eq!(ok(&mut w, "docker run --rm app"), "built\n");
    assert_eq!(ok(&mut w, "docker history -q app").lines().count(), 3);
}

#[test]
fn removing_a_container_drops_its_files_but_the_volume_keeps_them() {
    let mut w = World::new(7);
    ok(&mut w, "docker volume create data");
    ok(&mut w, "docker run --name c1 -v data:/data busybox sh -c 'echo kept > /data/f; echo lost > /tmp/f'");
    let diff = ok(&mut w, "docker diff c1");
    assert!(diff.contains("A /tmp/f"), "{diff}");
    ok(&mut w, "docker rm c1");
    assert_eq!(
        ok(&mut w, "docker run --rm -v data:/data busybox cat /data/f"),
        "kept\n"
    );
    let gone = run(&mut w, "docker run --rm busybox cat /tmp/f");
    assert_ne!(
        gone.exit_code, 0,
        "a new container does not see the old one's files"
    );
    assert!(
        gone.stderr.contains("No such file or directory"),
        "{}",
        gone.stderr
    );
}

#[test]
fn rmi_of_an_image_a_container_uses_is_refused() {
    let mut w = World::new(3);
    ok(&mut w, "docker run --name web -d nginx");
    let before = w.state_digest();
    let out = run(&mut w, "docker rmi nginx");
    assert_eq!(out.exit_code, 1);
    assert!(out.stderr.starts_with("Error response from daemon: conflict: unable to remove repository reference \"nginx\" (must force) - container "), "{}", out.stderr);
    assert_eq!(w.state_digest(), before, "a refused rmi changes nothing");
    ok(&mut w, "docker rm -f web");
    let removed = ok(&mut w, "docker rmi nginx");
    assert!(
        removed.starts_with("Untagged: nginx:latest\nDeleted: sha256:"),
        "{removed}"
    );
}

#[test]
fn volume_in_use_cannot_be_removed() {
    let mut w = World::new(3);
    ok(
        &mut w,
        "docker run -d --name db -v dbdata:/var/lib/mysql -e MYSQL_ROOT_PASSWORD=pw mysql",
    );
    let before = w.state_digest();
    let out = run(&mut w, "docker volume rm dbdata");
    assert!(out.stderr.contains("volume is in use"), "{}", out.stderr);
    assert_eq!(w.state_digest(), before);
}

#[test]
fn run_pulls_a_missing_image_and_says_so() {
    let mut w = World::new(1);
    let out = run(&mut w, "docker run --rm hello-world");
    assert!(
        out.stderr
            .starts_with("Unable to find image 'hello-world:latest' locally\n"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Pull complete"));
    // nginx and redis share the debian base layer: the second pull skips it.
    ok(&mut w, "docker pull nginx");
    let redis = ok(&mut w, "docker pull redis");
    assert!(redis.contains("Already exists"), "{redis}");
}

#[test]
fn ps_shows_docker_columns_and_states() {
    let mut w = World::new(5);
    ok(&mut w, "docker run -d --name web -p 8080:80 nginx");
    ok(&mut w, "docker run --name done busybox true");
    let ps = ok(&mut w, "docker ps");
    let header = ps.lines().next().unwrap_or("");
    for column in [
        "CONTAINER ID",
        "IMAGE",
        "COMMAND",
        "CREATED",
        "STATUS",
        "PORTS",
        "NAMES",
    ] {
        assert!(header.contains(column), "{header}");
    }
    assert!(
        ps.contains("0.0.0.0:8080->80/tcp") && ps.contains("Up ") && !ps.contains("done"),
        "{ps}"
    );
    let all = ok(&mut w, "docker ps -a");
    assert!(all.contains("Exited (0)"), "{all}");
}

#[test]
fn ps_ports_list_exposed_ports_while_running_and_nothing_after() {
    let mut w = World::new(5);
    ok(
        &mut w,
        "docker run -d --name db -e MYSQL_ROOT_PASSWORD=pw -p 3306:3306 mysql",
    );
    ok(&mut w, "docker run -d --name web -p 8080:80 nginx");
    let ps = ok(&mut w, "docker ps --format '{{.Names}} {{.Ports}}'");
    // mysql exposes 3306 and 33060; only 3306 is published, on the same number, so it is
    // written in the group form, ahead of the exposed-only one (as docker prints it).
    assert!(ps.contains("db 0.0.0.0:3306->3306/tcp, 33060/tcp"), "{ps}");
    assert!(ps.contains("web 0.0.0.0:8080->80/tcp\n"), "{ps}");
    ok(&mut w, "docker stop web");
    let all = ok(&mut w, "docker ps -a --format '{{.Names}} [{{.Ports}}]'");
    assert!(
        all.contains("web []"),
        "a stopped container has no ports: {all}"
    );
}

#[test]
fn containers_are_isolated_hostname_pid1_env() {
    let mut w = World::new(9);
    ok(
        &mut w,
        "docker run -d --name box -h boxhost -e COLOR=blue busybox sleep 1000",
    );
    assert_eq!(ok(&mut w, "docker exec box hostname"), "boxhost\n");
    assert_eq!(ok(&mut w, "docker exec box printenv COLOR"), "blue\n");
    let ps = ok(&mut w, "docker exec box ps");
    let pid1 = ps.lines().nth(1).unwrap_or("");
    assert!(
        pid1.trim_start().starts_with('1') && pid1.contains("sleep 1000"),
        "{ps}"
    );
}

#[test]
fn logs_and_exit_codes() {
    let mut w = World::new(2);
    let out = run(
        &mut w,
        "docker run --name e busybox sh -c 'echo out; echo err >&2; exit 3'",
    );
    assert_eq!(out.exit_code, 3);
    assert_eq!(out.stdout, "out\n");
    assert_eq!(ok(&mut w, "docker logs e"), "out\n");
    assert!(ok(&mut w, "docker inspect -f '{{.State.ExitCode}}' e").starts_with('3'));
}

#[test]
fn memory_limit_kills_with_137() {
    let mut w = World::new(2);
    let out = run(
        &mut w,
        "docker run --name hog -m 64m busybox dd if=/dev/zero of=/dev/null bs=200M count=1",
    );
    assert_eq!(out.exit_code, 137);
    assert_eq!(
        ok(&mut w, "docker inspect -f '{{.State.OOMKilled}}' hog"),
        "true\n"
    );
}

#[test]
fn mysql_reads_its_password_from_the_environment() {
    let mut w = World::new(2);
    ok(&mut w, "docker run -d --name nopw mysql");
    ok(&mut w, "tick 5s");
    assert!(ok(&mut w, "docker ps -a").contains("Exited (1)"));
    assert!(
        ok(&mut w, "docker logs nopw").contains("MYSQL_ROOT_PASSWORD")
            || run(&mut w, "docker logs nopw")
                .stderr
                .contains("MYSQL_ROOT_PASSWORD")
    );
    ok(
        &mut w,
        "docker run -d --name db -e MYSQL_ROOT_PASSWORD=secret mysql",
    );
    ok(&mut w, "tick 5s");
    let dbs = ok(
        &mut w,
        "docker exec db mysql -uroot -psecret -e 'SHOW DATABASES'",
    );
    assert!(dbs.contains("mysql"), "{dbs}");
}

#[test]
fn errors_name_the_problem_and_change_nothing() {
    let mut w = World::new(4);
    ok(&mut w, "docker run -d --name web nginx");
    let before = w.state_digest();
    let cases = [
        ("docker run --name web nginx", "is already in use"),
        (
            "docker run nosuchimage",
            "pull access denied for nosuchimage",
        ),
        ("docker rnu busybox", "Did you mean 'run'?"),
        ("docker run --nmae x busybox", "did you mean --name?"),
        ("docker rm web", "container is running"),
        ("docker logs ghost", "No such container: ghost"),
        ("docker run -m 1k busybox", "Minimum memory limit"),
        ("docker run -p 99999:80 busybox", "invalid containerPort"),
    ];
    for (line, expected) in cases {
        let out = run(&mut w, line);
        assert_ne!(out.exit_code, 0, "{line}");
        assert!(out.stderr.contains(expected), "{line}: {}", out.stderr);
        assert_eq!(w.state_digest(), before, "{line} changed the state");
    }
}

#[test]
fn malformed_dockerfiles_report_their_line() {
    let mut w = World::new(4);
    // docker keeps a base image it pulled even when a later step fails: pull it first.
    ok(&mut w, "docker pull busybox");
    let before = w.state_digest();
    let cases = [
        ("FROM busybox\nRUNN echo hi\n", "line 2"),
        ("", "cannot be empty"),
        ("RUN echo\n", "no build stage"),
        (
            "FROM busybox\nCOPY missing.txt /x\n",
            "\"/missing.txt\": not found",
        ),
    ];
    for (text, expected) in cases {
        let out = build(&mut w, &context(&[("Dockerfile", text)]));
        assert_eq!(out.exit_code, 1, "{text:?}");
        assert!(out.stderr.contains(expected), "{text:?}: {}", out.stderr);
    }
    assert_eq!(w.state_digest(), before);
    let out = run(&mut w, "docker build -t app .");
    assert!(
        out.stderr.contains("failed to read dockerfile"),
        "{}",
        out.stderr
    );
}

#[test]
fn system_df_counts_shared_layers_once() {
    let mut w = World::new(1);
    ok(&mut w, "docker pull nginx");
    ok(&mut w, "docker pull redis");
    let df = ok(&mut w, "docker system df");
    let images_row = df.lines().find(|l| l.starts_with("Images")).unwrap_or("");
    let nginx = w
        .images()
        .lookup("nginx")
        .map(|i| i.size(w.images()))
        .unwrap_or(0);
    let redis = w
        .images()
        .lookup("redis")
        .map(|i| i.size(w.images()))
        .unwrap_or(0);
    let unique = w.images().unique_layer_bytes();
    assert!(unique < nginx + redis, "the debian base layer is shared");
    assert!(
        images_row.contains(&sim_core::output::human_size(unique)),
        "{df}"
    );
}

#[test]
fn restart_policy_brings_a_failing_container_back() {
    let mut w = World::new(1);
    ok(
        &mut w,
        "docker run -d --name flaky --restart on-failure:3 busybox sh -c 'exit 1'",
    );
    ok(&mut w, "tick 10s");
    let restarts = ok(&mut w, "docker inspect -f '{{.RestartCount}}' flaky");
    assert_eq!(restarts, "3\n");
}

#[test]
fn commit_and_tag_make_images_from_containers() {
    let mut w = World::new(1);
    ok(
        &mut w,
        "docker run --name c busybox sh -c 'echo v1 > /version'",
    );
    ok(&mut w, "docker commit c snap:v1");
    ok(&mut w, "docker tag snap:v1 snap:latest");
    assert_eq!(ok(&mut w, "docker run --rm snap cat /version"), "v1\n");
    let pushed = ok(&mut w, "docker push snap:v1");
    assert!(
        pushed.contains("Layer already exists") && pushed.contains("Pushed"),
        "{pushed}"
    );
}

#[test]
fn generated_names_stay_unique_beyond_the_word_lists() {
    let mut w = World::new(1);
    for _ in 0..1200 {
        ok(&mut w, "docker create busybox");
    }
    let names: std::collections::BTreeSet<String> =
        w.containers().map(|c| c.name.clone()).collect();
    assert_eq!(names.len(), 1200);
}

#[test]
fn an_interactive_shell_request_explains_there_is_no_terminal() {
    let mut w = World::new(5);
    let none = BuildContext::default();
    let note = "no interactive terminal";
    // busybox's CMD is `sh`: with -it and no terminal it reads nothing and ends.
    let run = w.run_line("docker run -it busybox", &none);
    assert_eq!(run.exit_code, 0);
    assert!(
        run.stderr.contains(note) && run.stderr.contains("sh -c"),
        "{}",
        run.stderr
    );
    let plain = w.run_line("docker run -it busybox echo hi", &none);
    assert!(plain.stdout == "hi\n" && !plain.stderr.contains(note));
    let without_it = w.run_line("docker run busybox sh", &none);
    assert!(!without_it.stderr.contains(note));
    ok(&mut w, "docker run -d --name web nginx");
    let exec = w.run_line("docker exec -it web bash", &none);
    assert!(
        exec.stderr.contains(note) && exec.stderr.contains("docker exec NAME"),
        "{}",
        exec.stderr
    );
}

#[test]
fn list_filters_select_as_docker_does() {
    let mut w = World::new(5);
    ok(&mut w, "docker run -d --name web -v data:/data nginx");
    ok(&mut w, "docker run -d --name web2 nginx");
    assert_eq!(
        run(&mut w, "docker run --name once busybox sh -c 'exit 3'").exit_code,
        3
    );
    ok(&mut w, "docker run --name fine busybox true");
    ok(&mut w, "docker volume create spare");
    let names = |w: &mut World, line: &str| {
        let out = ok(w, &format!("{line} --format '{{{{.Names}}}}'"));
        let mut names: Vec<String> = out.lines().map(str::to_string).collect();
        sim_core::order::sort(&mut names);
        names
    };
    // A status filter lists stopped containers without -a.
    assert_eq!(
        names(&mut w, "docker ps -f status=exited"),
        ["fine", "once"]
    );
    assert_eq!(names(&mut w, "docker ps -a --filter exited=3"), ["once"]);
    assert_eq!(
        names(&mut w, "docker ps --filter name=web"),
        ["web", "web2"]
    );
    assert_eq!(names(&mut w, "docker ps --filter name=^web$"), ["web"]);
    // Same key: either value; different keys: both.
    assert_eq!(
        names(&mut w, "docker ps -a -f name=once -f name=fine"),
        ["fine", "once"]
    );
    assert_eq!(
        names(&mut w, "docker ps -a -f ancestor=busybox -f exited=0"),
        ["fine"]
    );
    assert_eq!(names(&mut w, "docker ps -f volume=data"), ["web"]);
    // -n / -l: the newest, whatever their state.
    assert_eq!(names(&mut w, "docker ps -l"), ["fine"]);
    assert_eq!(names(&mut w, "docker ps -n 2"), ["fine", "once"]);
    let dangling = ok(&mut w, "docker volume ls -q -f dangling=true");
    assert_eq!(dangling, "spare\n");
    let images = ok(
        &mut w,
        "docker images --format '{{.Repository}}' -f reference=ngi*",
    );
    assert_eq!(images, "nginx\n");
    // Bad filters are refused with docker's words and change nothing.
    let before = w.state_digest();
    let bad_key = run(&mut w, "docker ps -f colour=red");
    assert_eq!(bad_key.exit_code, 1);
    assert!(
        bad_key.stderr.contains("invalid filter 'colour'"),
        "{}",
        bad_key.stderr
    );
    let bad_form = run(&mut w, "docker ps -f running");
    assert_eq!(bad_form.exit_code, 125);
    assert!(bad_form
        .stderr
        .contains("bad format of filter (expected name=value)"));
    let bad_status = run(&mut w, "docker ps -f status=sleeping");
    assert!(bad_status
        .stderr
        .contains("invalid filter 'status=sleeping'"));
    assert_eq!(w.state_digest(), before);
}

#[test]
fn prune_removes_what_is_unused_and_only_with_force() {
    let mut w = World::new(5);
    ok(&mut w, "docker run -d --name web -v kept:/data nginx");
    ok(
        &mut w,
        "docker run --name done -v /scratch busybox sh -c 'echo x > /scratch/f'",
    );
    ok(&mut w, "docker volume create spare");
    // Without -f nobody can answer the question: nothing changes.
    let before = w.state_digest();
    let asked = run(&mut w, "docker container prune");
    assert_eq!(asked.exit_code, 1);
    assert!(asked
        .stderr
        .contains("Are you sure you want to continue? [y/N]"));
    assert_eq!(w.state_digest(), before);

    let pruned = ok(&mut w, "docker container prune -f");
    assert!(pruned.starts_with("Deleted Containers:\n"), "{pruned}");
    assert!(pruned.contains("Total reclaimed space:"), "{pruned}");
    let left = ok(&mut w, "docker ps -a --format '{{.Names}}'");
    assert_eq!(left, "web\n", "the running one stays");

    // By default only anonymous volumes go (done's /scratch); -a takes unused named ones too.
    assert_eq!(ok(&mut w, "docker volume ls -q").lines().count(), 3);
    let volumes = ok(&mut w, "docker volume prune -f");
    assert!(volumes.starts_with("Deleted Volumes:\n"), "{volumes}");
    let names = ok(&mut w, "docker volume ls -q");
    assert_eq!(names, "kept\nspare\n");
    ok(&mut w, "docker volume prune -a -f");
    assert_eq!(
        ok(&mut w, "docker volume ls -q"),
        "kept\n",
        "kept is in use"
    );
    assert_eq!(
        ok(&mut w, "docker volume prune -f"),
        "Total reclaimed space: 0B\n"
    );
}

#[test]
fn top_shows_a_containers_processes_under_host_pids() {
    let mut w = World::new(5);
    ok(&mut w, "docker run -d --name box busybox sleep 3600");
    let top = ok(&mut w, "docker top box");
    let mut lines = top.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split_whitespace().collect();
    assert_eq!(
        header,
        ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]
    );
    let row: Vec<&str> = lines.next().unwrap_or("").split_whitespace().collect();
    assert_eq!(row.get(7..), Some(&["sleep", "3600"][..]), "{top}");
    // Inside, sleep is PID 1; the host knows it by the PID the isolation picture shows.
    let host_pid = sim_core::view::snapshot(&w)
        .host
        .processes
        .iter()
        .find(|p| p.container.as_deref() == Some("box") && p.container_pid == Some(1))
        .map(|p| p.pid.to_string());
    assert_eq!(row.get(1).map(|s| s.to_string()), host_pid);
    assert_ne!(row.get(1), Some(&"1"));
    ok(&mut w, "docker stop box");
    let stopped = run(&mut w, "docker top box");
    assert!(
        stopped.stderr.contains("is not running"),
        "{}",
        stopped.stderr
    );
}

#[test]
fn image_prune_removes_dangling_images_and_with_all_every_unused_one() {
    let mut w = World::new(5);
    let dockerfile = "FROM busybox\nCOPY a.txt /a.txt\n";
    assert_eq!(
        build(
            &mut w,
            &context(&[("Dockerfile", dockerfile), ("a.txt", "one")])
        )
        .exit_code,
        0
    );
    assert_eq!(
        build(
            &mut w,
            &context(&[("Dockerfile", dockerfile), ("a.txt", "two")])
        )
        .exit_code,
        0
    );
    ok(&mut w, "docker run -d --name box busybox sleep 3600");
    // The first app image lost its tag to the second: it is dangling.
    assert_eq!(
        ok(&mut w, "docker images -q -f dangling=true")
            .lines()
            .count(),
        1
    );
    let pruned = ok(&mut w, "docker image prune -f");
    assert!(
        pruned.starts_with("Deleted Images:\ndeleted: sha256:"),
        "{pruned}"
    );
    assert!(!pruned.contains("Total reclaimed space: 0B"), "{pruned}");
    assert_eq!(ok(&mut w, "docker images -q -f dangling=true"), "");
    let repos = ok(&mut w, "docker images --format '{{.Repository}}'");
    assert_eq!(repos.lines().count(), 2, "app and busybox stay: {repos}");
    // -a: app is used by no container and goes; busybox runs box and stays.
    let all = ok(&mut w, "docker image prune -a -f");
    assert!(all.contains("untagged: app:latest"), "{all}");
    assert_eq!(
        ok(&mut w, "docker images --format '{{.Repository}}'"),
        "busybox\n"
    );
}

#[test]
fn rename_keeps_the_container_under_a_new_name() {
    let mut w = World::new(5);
    ok(&mut w, "docker run -d --name web nginx");
    ok(
        &mut w,
        "docker run -d --name db -e MYSQL_ROOT_PASSWORD=pw mysql",
    );
    let id = ok(&mut w, "docker ps -q -f name=^web$");
    ok(&mut w, "docker rename web site");
    assert_eq!(
        ok(&mut w, "docker ps -q -f name=^site$"),
        id,
        "same container"
    );
    assert_eq!(ok(&mut w, "docker exec site hostname").len(), 13);
    assert!(run(&mut w, "docker exec web true")
        .stderr
        .contains("No such container: web"));
    let before = w.state_digest();
    let taken = run(&mut w, "docker rename site db");
    assert!(
        taken.stderr.contains("is already in use"),
        "{}",
        taken.stderr
    );
    let bad = run(&mut w, "docker rename site 'no spaces'");
    assert!(
        bad.stderr.contains("Invalid container name"),
        "{}",
        bad.stderr
    );
    assert_eq!(w.state_digest(), before);
    let renamed = w
        .events()
        .iter()
        .filter(|e| e.kind.name() == "container_renamed")
        .count();
    assert_eq!(renamed, 1);
}
