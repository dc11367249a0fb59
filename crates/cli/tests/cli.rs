//! The `sim` binary as a user runs it: a fresh `--state` directory per test.

use std::fs;
use std::process::{Command, Output};

mod common;
use common::TempDir;

/// Runs `sim --state DIR ARGS...` in the temp dir.
fn sim(dir: &TempDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sim"))
        .arg("--state")
        .arg(dir.state())
        .args(args)
        .current_dir(dir.path())
        .output()
        .expect("the sim binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

fn event_count(dir: &TempDir) -> usize {
    let output = sim(dir, &["events", "--json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    for line in text.lines() {
        let event: serde_json::Value = serde_json::from_str(line).expect("events are JSON lines");
        assert!(event.get("seq").is_some(), "{line}");
    }
    text.lines().count()
}

fn hash(dir: &TempDir) -> String {
    let output = sim(dir, &["hash"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    stdout(&output).trim().to_string()
}

#[test]
fn state_persists_across_invocations() {
    let dir = TempDir::new("persist");
    assert_eq!(event_count(&dir), 0);
    let empty = hash(&dir);

    let first = sim(&dir, &["docker", "ps"]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    assert!(dir.journal().exists());
    let after_one = event_count(&dir);
    assert!(after_one > 0);
    let hash_one = hash(&dir);
    assert_ne!(hash_one, empty);
    // Replaying the same journal gives the same trace every time.
    assert_eq!(hash(&dir), hash_one);

    let second = sim(&dir, &["docker", "images"]);
    assert_eq!(code(&second), 0, "{}", stderr(&second));
    assert!(event_count(&dir) > after_one);
    assert_ne!(hash(&dir), hash_one);

    let journal = fs::read_to_string(dir.journal()).unwrap();
    let lines: Vec<&str> = journal.lines().collect();
    assert_eq!(lines[0], r#"{"v":2,"seed":42}"#);
    assert_eq!(lines[1], r#"{"line":"docker ps"}"#);
    assert_eq!(lines[2], r#"{"line":"docker images"}"#);
}

#[test]
fn the_hash_in_the_running_process_equals_the_hash_after_replay() {
    let dir = TempDir::new("replay");
    let script = dir.path().join("s.sim");
    fs::write(&script, "docker pull busybox\ndocker images\nhash\n").unwrap();
    let output = sim(&dir, &["script", "--quiet", "s.sim"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let live = stdout(&output).lines().last().unwrap().to_string();
    assert_eq!(hash(&dir), live);
}

#[test]
fn a_different_seed_needs_a_reset() {
    let dir = TempDir::new("seed");
    assert_eq!(code(&sim(&dir, &["--seed", "7", "docker", "ps"])), 0);
    let output = sim(&dir, &["--seed", "8", "hash"]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("--seed 7, not 8"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("sim reset"), "{}", stderr(&output));
    // The saved seed is used when none is given, and the same seed is fine.
    assert_eq!(code(&sim(&dir, &["hash"])), 0);
    assert_eq!(code(&sim(&dir, &["--seed", "7", "hash"])), 0);

    assert_eq!(code(&sim(&dir, &["reset"])), 0);
    assert!(!dir.journal().exists());
    assert_eq!(code(&sim(&dir, &["--seed", "8", "docker", "ps"])), 0);
    let journal = fs::read_to_string(dir.journal()).unwrap();
    assert!(journal.starts_with(r#"{"v":2,"seed":8}"#), "{journal}");
}

#[test]
fn a_script_stops_at_the_first_failure_with_its_exit_code() {
    let dir = TempDir::new("script");
    fs::write(
        dir.path().join("s.sim"),
        "# a comment\n\ndocker ps\nevents not-a-number\ndocker build missing-dir\ndocker images\n",
    )
    .unwrap();
    let output = sim(&dir, &["script", "s.sim"]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.starts_with("$ docker ps\n"), "{out}");
    assert!(out.contains("$ events not-a-number\n"), "{out}");
    assert!(!out.contains("a comment"), "{out}");
    assert!(!out.contains("$ docker build"), "{out}");
    assert!(!out.contains("$ docker images"), "{out}");

    // --keep-going runs everything and exits with the last failure's code.
    let output = sim(&dir, &["script", "--keep-going", "--quiet", "s.sim"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(!stdout(&output).contains("$ "), "{}", stdout(&output));
    assert!(stderr(&output).contains(r#"unable to prepare context: path "missing-dir" not found"#));

    // `exit N` ends a script with N.
    fs::write(
        dir.path().join("exit.sim"),
        "docker ps\nexit 4\ndocker images\n",
    )
    .unwrap();
    let output = sim(&dir, &["script", "exit.sim"]);
    assert_eq!(code(&output), 4);
    assert!(!stdout(&output).contains("$ docker images"));

    let output = sim(&dir, &["script", "nope.sim"]);
    assert_eq!(code(&output), 1);
    assert!(stderr(&output).contains("cannot read the script nope.sim"));
}

#[test]
fn a_damaged_journal_is_reported_and_left_alone() {
    let dir = TempDir::new("damaged");
    assert_eq!(code(&sim(&dir, &["docker", "ps"])), 0);
    let mut text = fs::read_to_string(dir.journal()).unwrap();
    text.push_str("{not json\n");
    fs::write(dir.journal(), &text).unwrap();

    for args in [&["hash"][..], &["docker", "ps"], &["events"]] {
        let output = sim(&dir, args);
        assert_eq!(code(&output), 1);
        let err = stderr(&output);
        assert!(err.contains("state journal is damaged at line 3:"), "{err}");
        assert!(err.contains("sim reset"), "{err}");
    }
    assert_eq!(fs::read_to_string(dir.journal()).unwrap(), text);

    assert_eq!(code(&sim(&dir, &["reset"])), 0);
    assert_eq!(code(&sim(&dir, &["hash"])), 0);
}

/// The context directory the journal in tests/fixtures/journal-v1.jsonl was made with.
fn old_context(dir: &TempDir) {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let ctx = dir.path().join("ctx");
    fs::create_dir_all(ctx.join("conf")).unwrap();
    let files = [
        (
            "Dockerfile",
            "FROM busybox\nCOPY . /app\nRUN /app/run.sh\n",
            0o644,
        ),
        ("run.sh", "#!/bin/sh\necho built > /built\n", 0o755),
        ("conf/app.conf", "port=80\n", 0o644),
    ];
    for (name, text, mode) in files {
        fs::write(ctx.join(name), text).unwrap();
        fs::set_permissions(ctx.join(name), fs::Permissions::from_mode(mode)).unwrap();
    }
    fs::set_permissions(ctx.join("conf"), fs::Permissions::from_mode(0o755)).unwrap();
    symlink("conf/app.conf", ctx.join("link.conf")).unwrap();
}

#[test]
fn a_journal_saved_by_the_first_sim_still_loads_and_is_carried_on() {
    let dir = TempDir::new("oldjournal");
    fs::create_dir_all(dir.journal().parent().unwrap()).unwrap();
    let old = include_str!("fixtures/journal-v1.jsonl");
    fs::write(dir.journal(), old).unwrap();
    let before = hash(&dir);
    assert_eq!(
        fs::read_to_string(dir.journal()).unwrap(),
        old,
        "reading changes nothing"
    );

    // Its container and volume are there; the next lines carry on in the current format.
    let ps = sim(&dir, &["docker", "ps", "-a"]);
    assert_eq!(code(&ps), 0, "{}", stderr(&ps));
    assert!(
        stdout(&ps).contains("Exited (0)") && stdout(&ps).contains(" one\n"),
        "{}",
        stdout(&ps)
    );
    assert_eq!(
        stdout(&sim(&dir, &["docker", "volume", "ls", "-q"])),
        "data\n"
    );
    let journal = fs::read_to_string(dir.journal()).unwrap();
    assert!(journal.starts_with("{\"v\":2,\"seed\":5}\n"), "{journal}");
    assert_eq!(journal.lines().count(), 7, "{journal}");
    assert_ne!(hash(&dir), before);

    // The same lines typed into a fresh state, from the same directory, end the same.
    let fresh = TempDir::new("oldjournal-fresh");
    old_context(&fresh);
    let lines = "docker build -t app ctx\n\
        docker run --name one app cat /app/conf/app.conf /built\n\
        docker volume create data\ndocker ps -a\ndocker ps -a\ndocker volume ls -q\n";
    fs::write(fresh.path().join("s.sim"), lines).unwrap();
    let script = sim(&fresh, &["--seed", "5", "script", "--quiet", "s.sim"]);
    assert_eq!(code(&script), 0, "{}", stderr(&script));
    assert_eq!(hash(&fresh), hash(&dir));
    assert_eq!(fs::read_to_string(fresh.journal()).unwrap(), journal);
}

#[test]
fn a_missing_build_context_is_dockers_error() {
    let dir = TempDir::new("nocontext");
    let output = sim(&dir, &["docker", "build", "-t", "app", "nowhere"]);
    assert_eq!(code(&output), 1);
    assert_eq!(
        stderr(&output),
        "unable to prepare context: path \"nowhere\" not found\n"
    );
    // Nothing ran, so nothing was saved.
    assert!(!dir.journal().exists());
}

#[test]
fn a_build_context_is_loaded_and_saved_with_the_line() {
    let dir = TempDir::new("context");
    let app = dir.path().join("app");
    fs::create_dir_all(app.join("conf")).unwrap();
    fs::write(app.join("Dockerfile"), "FROM busybox\nCOPY conf /conf\n").unwrap();
    fs::write(app.join("conf/app.conf"), "port=80\n").unwrap();
    let output = sim(&dir, &["docker", "build", "-t", "app", "app"]);
    let err = stderr(&output);
    assert!(err.contains("[+] Loading build context "), "{err}");
    assert!(err.contains("(2 files)"), "{err}");

    let journal = fs::read_to_string(dir.journal()).unwrap();
    let entry: serde_json::Value = serde_json::from_str(journal.lines().nth(1).unwrap()).unwrap();
    assert_eq!(entry["line"], "docker build -t app app");
    let files = &entry["files"];
    assert_eq!(files["conf/app.conf"], "port=80\n", "{entry}");
    assert_eq!(
        files["Dockerfile"], "FROM busybox\nCOPY conf /conf\n",
        "{entry}"
    );

    // The saved context is replayed, not the directory: changing it changes nothing.
    let before = hash(&dir);
    fs::write(app.join("conf/app.conf"), "port=8080\n").unwrap();
    assert_eq!(hash(&dir), before);
}

#[test]
fn json_prints_the_events_each_command_added() {
    let dir = TempDir::new("json");
    assert_eq!(code(&sim(&dir, &["docker", "ps"])), 0);
    let before = event_count(&dir);
    let output = sim(&dir, &["--json", "docker", "images"]);
    assert_eq!(code(&output), 0);
    let added = event_count(&dir) - before;
    let json_lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|v: &serde_json::Value| v.get("seq").is_some())
        .collect();
    assert_eq!(json_lines.len(), added);
    assert_eq!(json_lines[0]["seq"], before as u64);

    let output = sim(&dir, &["events", "1"]);
    assert_eq!(stdout(&output).lines().count(), 1);
}

#[test]
fn sim_docker_passes_the_exit_code_through() {
    let dir = TempDir::new("exitcode");
    let ok = sim(&dir, &["docker", "ps"]);
    assert_eq!(code(&ok), 0, "{}", stderr(&ok));
    let failed = sim(&dir, &["docker", "no-such-subcommand"]);
    assert_ne!(code(&failed), 0);
    assert!(!stderr(&failed).is_empty());

    // The container's own exit code, and quoting that survives the trip through one line.
    let output = sim(
        &dir,
        &[
            "docker",
            "run",
            "busybox",
            "sh",
            "-c",
            "echo 'a  b'; exit 3",
        ],
    );
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    assert_eq!(stdout(&output), "a  b\n");
}

#[test]
fn sims_own_usage_errors_are_claps() {
    let dir = TempDir::new("usage");
    assert_eq!(code(&sim(&dir, &["--no-such-flag"])), 2);
    assert_eq!(code(&sim(&dir, &["frobnicate"])), 2);
    assert_eq!(code(&sim(&dir, &["--seed", "x", "hash"])), 2);
    let help = sim(&dir, &["--help"]);
    assert_eq!(code(&help), 0);
    for sub in ["docker", "script", "reset", "hash", "events"] {
        assert!(stdout(&help).contains(sub), "{sub}");
    }
}

#[test]
fn the_prompt_reads_lines_from_a_pipe() {
    use std::io::Write;
    let dir = TempDir::new("repl");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sim"))
        .arg("--state")
        .arg(dir.state())
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"docker ps\nhash\nhelp\nexit 3\ndocker images\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    assert!(stdout(&output).contains("Commands of sim itself"));
    // `docker ps` was saved; `docker images` came after `exit`.
    let journal = fs::read_to_string(dir.journal()).unwrap();
    assert_eq!(journal.lines().count(), 2, "{journal}");
    assert!(stdout(&output).contains(&hash(&dir)));
}

#[test]
fn host_and_tick_are_subcommands_with_the_prompts_words() {
    let dir = TempDir::new("hosts");
    let added = sim(&dir, &["host", "add", "node-2"]);
    assert_eq!(code(&added), 0, "{}", stderr(&added));
    let listed = sim(&dir, &["host", "ls"]);
    assert_eq!(code(&listed), 0, "{}", stderr(&listed));
    assert!(stdout(&listed).contains("node-2"), "{}", stdout(&listed));
    assert!(stdout(&listed).contains("default"), "{}", stdout(&listed));

    let run = sim(
        &dir,
        &[
            "docker", "-H", "node-2", "run", "-d", "--name", "web", "nginx",
        ],
    );
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    let on_node = sim(&dir, &["docker", "-H", "node-2", "ps"]);
    assert_eq!(code(&on_node), 0, "{}", stderr(&on_node));
    assert!(stdout(&on_node).contains("web"), "{}", stdout(&on_node));
    let on_default = sim(&dir, &["docker", "ps"]);
    assert_eq!(code(&on_default), 0, "{}", stderr(&on_default));
    assert!(
        !stdout(&on_default).contains("web"),
        "{}",
        stdout(&on_default)
    );

    // Time passes on the logical clock: the next command's event is 30 s after the tick's.
    let last_at = |dir: &TempDir| -> u64 {
        let output = sim(dir, &["events", "1", "--json"]);
        let event: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
        event["at"].as_u64().expect("events carry their time")
    };
    let before = last_at(&dir);
    let tick = sim(&dir, &["tick", "30s"]);
    assert_eq!(code(&tick), 0, "{}", stderr(&tick));
    let ticked = last_at(&dir);
    assert!(ticked >= before);
    let after = sim(&dir, &["docker", "ps"]);
    assert_eq!(code(&after), 0, "{}", stderr(&after));
    assert!(last_at(&dir) >= ticked + 30_000);

    let journal = fs::read_to_string(dir.journal()).unwrap();
    let lines: Vec<&str> = journal.lines().collect();
    assert_eq!(lines[1], r#"{"line":"host add node-2"}"#);
    assert!(lines.contains(&r#"{"line":"tick 30s"}"#), "{journal}");

    // Removing the host takes its container with it; the saved state replays the same way.
    let removed = sim(&dir, &["host", "rm", "-f", "node-2"]);
    assert_eq!(code(&removed), 0, "{}", stderr(&removed));
    let listed = sim(&dir, &["host", "ls"]);
    assert!(!stdout(&listed).contains("node-2"), "{}", stdout(&listed));
}

#[test]
fn an_unknown_host_gets_dockers_words() {
    let dir = TempDir::new("nohost");
    let output = sim(&dir, &["docker", "-H", "nowhere", "ps"]);
    assert_ne!(code(&output), 0);
    assert!(
        stderr(&output).contains(
            "Cannot connect to the Docker daemon at tcp://nowhere:2375. Is the docker daemon running?"
        ),
        "{}",
        stderr(&output)
    );
    let bad_tick = sim(&dir, &["tick", "soon"]);
    assert_ne!(code(&bad_tick), 0);
    assert!(
        stderr(&bad_tick).contains("usage: tick DURATION"),
        "{}",
        stderr(&bad_tick)
    );
}

#[test]
fn help_says_what_the_new_subcommands_do() {
    let dir = TempDir::new("help");
    let top = sim(&dir, &["--help"]);
    assert_eq!(code(&top), 0);
    for word in ["host", "tick", "help"] {
        assert!(
            stdout(&top)
                .lines()
                .any(|l| l.trim_start().starts_with(word)),
            "{word} missing from:\n{}",
            stdout(&top)
        );
    }
    let host = sim(&dir, &["host", "--help"]);
    assert_eq!(code(&host), 0);
    for verb in ["ls", "add", "rm"] {
        assert!(stdout(&host).contains(verb), "{}", stdout(&host));
    }
    let prompt = sim(&dir, &["help"]);
    assert_eq!(code(&prompt), 0, "{}", stderr(&prompt));
    assert!(stdout(&prompt).contains("tick 10s"), "{}", stdout(&prompt));
}
