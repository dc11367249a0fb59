//! `sim --real`: the mode is kept apart from the simulation, real runs through the binary, and
//! a `sim` killed mid-run is repaired with a report. Real runs need root and are skipped with
//! the reason printed otherwise.

mod common;

use common::TempDir;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn sim(dir: &TempDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sim"))
        .arg("--state")
        .arg(dir.state())
        .args(args)
        .output()
        .expect("sim runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn can_run_real() -> bool {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc_geteuid() } == 0;
    if !root {
        eprintln!("SKIPPED (not a failure): sim --real needs root");
        return false;
    }
    if !std::path::Path::new("/usr/bin/busybox").exists() {
        eprintln!("SKIPPED (not a failure): no /usr/bin/busybox (Debian package busybox-static)");
        return false;
    }
    true
}

/// A `system prune` report with nothing of this session in it. The bridge simbr0 is shared:
/// tests running beside this one may have just left it unused, so its removal does not count.
fn nothing_left(prune: &str) -> bool {
    let others = prune
        .lines()
        .filter(|l| l.starts_with("removed") || l.starts_with("could not"))
        .any(|l| l != "removed bridge simbr0");
    !others && (prune.contains("Nothing was left behind") || prune.contains("removed bridge"))
}

extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

#[test]
fn a_state_directory_holds_one_mode() {
    let dir = TempDir::new("real-mode");
    assert!(sim(&dir, &["docker", "ps"]).status.success());
    let out = sim(&dir, &["--real", "docker", "ps"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("holds a simulated session"),
        "{}",
        text(&out.stderr)
    );

    let dir = TempDir::new("real-mode2");
    let real = dir.path().join("state").join("real");
    std::fs::create_dir_all(&real).unwrap();
    std::fs::write(
        real.join("journal.jsonl"),
        "{\"mode\":\"real\",\"seed\":42}\n",
    )
    .unwrap();
    let out = sim(&dir, &["docker", "ps"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("holds a `sim --real` session"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn docker_run_and_a_script_run_for_real() {
    if !can_run_real() {
        return;
    }
    let dir = TempDir::new("real-run");
    let out = sim(
        &dir,
        &["--real", "docker", "run", "--rm", "busybox", "echo", "hi"],
    );
    assert_eq!(text(&out.stdout), "hi\n", "{}", text(&out.stderr));
    assert!(out.status.success());
    let script = dir.path().join("script.txt");
    std::fs::write(
        &script,
        "docker run --name a busybox sh -c 'echo x > /f; cat /proc/1/cmdline | tr \"\\0\" \" \"; echo'\ndocker diff a\ndocker rm a\n",
    )
    .unwrap();
    let out = sim(&dir, &["--real", "script", "-q", script.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("sh -c echo x > /f"), "{stdout}");
    assert!(stdout.contains("A /f"), "{stdout}");
}

#[test]
fn a_killed_sim_is_repaired_and_reported() {
    if !can_run_real() {
        return;
    }
    let dir = TempDir::new("real-killed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sim"))
        .args([
            "--state",
            &dir.state(),
            "--real",
            "docker",
            "run",
            "--rm",
            "busybox",
            "sleep",
            "30",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Until the container is up: its supervisor has written the process's PID.
    let real = dir.path().join("state").join("real");
    let deadline = Instant::now() + Duration::from_secs(20);
    let started = || {
        std::fs::read_dir(real.join("procs"))
            .map(|mut d| d.any(|e| e.is_ok_and(|e| e.path().join("pid").exists())))
            .unwrap_or(false)
    };
    while !started() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(started(), "the container started");
    std::thread::sleep(Duration::from_millis(100));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let out = sim(&dir, &["--real", "system", "prune"]);
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{all}");
    assert!(all.contains("interrupted"), "{all}");
    assert!(all.contains("removed cgroup"), "{all}");
    assert!(all.contains("removed directory"), "{all}");
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    assert!(!mounts.contains(real.to_str().unwrap()));
    // Nothing is left for a second prune.
    let prune = text(&sim(&dir, &["--real", "system", "prune"]).stdout);
    assert!(nothing_left(&prune), "{prune}");
    let out = sim(&dir, &["--real", "docker", "ps", "-a", "-q"]);
    assert_eq!(text(&out.stdout), "", "the --rm container is gone");
}

#[test]
fn the_hosts_curl_says_it_is_not_run_for_real() {
    if !can_run_real() {
        return;
    }
    let dir = TempDir::new("real-curl");
    let out = sim(&dir, &["--real", "curl", "localhost:8080"]);
    assert_eq!(out.status.code(), Some(126), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("not run for real"), "{stderr}");
    // Nothing was left running or mounted by the refusal.
    let prune = text(&sim(&dir, &["--real", "system", "prune"]).stdout);
    assert!(nothing_left(&prune), "{prune}");
}
