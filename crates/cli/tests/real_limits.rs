//! `--read-only`, `--pids-limit` and `docker top` for real: the read-only root refuses writes
//! with the same words as the simulation, a process limit stops a shell's forks, and `top`
//! lists the container's processes by their host PIDs. Needs root (skipped otherwise).

mod common;

use common::TempDir;
use std::path::Path;
use std::process::{Command, Output};

fn sim(dir: &TempDir, state: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sim"))
        .arg("--state")
        .arg(dir.path().join(state))
        .args(args)
        .output()
        .expect("sim runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

fn can_run_real() -> bool {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc_geteuid() } != 0 {
        eprintln!("SKIPPED (not a failure): sim --real needs root");
        return false;
    }
    if !Path::new("/usr/bin/busybox").exists() {
        eprintln!("SKIPPED (not a failure): no /usr/bin/busybox (Debian package busybox-static)");
        return false;
    }
    true
}

#[test]
fn a_read_only_root_fails_the_same_way_in_both_modes() {
    if !can_run_real() {
        return;
    }
    let dir = TempDir::new("read-only");
    let script = "echo x > /x; touch /y; mkdir /z; rm /bin/ls; echo ok > /dev/null; echo kept > /data/f; cat /data/f";
    let mut outputs = Vec::new();
    for (state, mode) in [("sim", None), ("real", Some("--real"))] {
        let mut args: Vec<&str> = mode.into_iter().collect();
        args.extend(["docker", "pull", "-q", "busybox"]);
        assert!(sim(&dir, state, &args).status.success());
        let mut args: Vec<&str> = mode.into_iter().collect();
        args.extend([
            "docker",
            "run",
            "--rm",
            "--read-only",
            "-v",
            "data:/data",
            "busybox",
            "sh",
            "-c",
            script,
        ]);
        let out = sim(&dir, state, &args);
        outputs.push((text(&out.stdout), text(&out.stderr), out.status.code()));
    }
    assert_eq!(outputs[0], outputs[1], "sim vs real");
    assert!(outputs[1]
        .1
        .contains("sh: can't create /x: Read-only file system"));
    assert_eq!(outputs[1].0, "kept\n");
}

#[test]
fn a_pids_limit_stops_forks_and_top_lists_host_pids() {
    if !can_run_real() {
        return;
    }
    let dir = TempDir::new("pids");
    // Twenty background sleeps: with room for 8 processes the shell cannot fork them all.
    let bomb = "for i in $(seq 20); do sleep 2 & done; set -- /proc/[0-9]*; echo $#";
    let out = sim(
        &dir,
        "real",
        &[
            "--real",
            "docker",
            "run",
            "--rm",
            "--pids-limit",
            "8",
            "busybox",
            "sh",
            "-c",
            bomb,
        ],
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("can't fork: Resource temporarily unavailable"),
        "{err}"
    );
    assert_ne!(out.status.code(), Some(0));
    let out = sim(
        &dir,
        "real",
        &[
            "--real", "docker", "run", "--rm", "busybox", "sh", "-c", bomb,
        ],
    );
    assert_eq!(text(&out.stdout), "21\n", "{}", text(&out.stderr));

    let out = sim(
        &dir,
        "real",
        &[
            "--real",
            "docker",
            "run",
            "-d",
            "--name",
            "bg",
            "busybox",
            "sh",
            "-c",
            "sleep 300 & sleep 301",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let id = text(&out.stdout).trim().to_string();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let out = sim(&dir, "real", &["--real", "docker", "top", "bg"]);
    let table = text(&out.stdout);
    let rows: Vec<&str> = table.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{table}");
    for row in rows {
        let pid: u32 = row.split_whitespace().nth(1).unwrap().parse().unwrap();
        // A host PID: this machine's /proc knows it, in the container's cgroup.
        let cgroup = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).unwrap();
        assert!(cgroup.contains(&id), "{pid}: {cgroup}");
        assert!(
            row.ends_with("sleep 300") || row.ends_with("sleep 301"),
            "{row}"
        );
    }
    assert!(sim(&dir, "real", &["--real", "docker", "rm", "-f", "bg"])
        .status
        .success());
}

/// The differential run over lessons whose steps all have a real form and match: a change
/// that makes the two modes part shows here (the full report: scripts/real-lesson-diff.sh).
#[test]
fn lessons_run_the_same_in_both_modes() {
    if !can_run_real() {
        return;
    }
    let dir = TempDir::new("lesson-diff");
    let out = sim(
        &dir,
        "real",
        &[
            "--real",
            "lesson",
            "diff",
            "01-history",
            "03-images",
            "05-data",
        ],
    );
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}{}", text(&out.stderr));
    let last = report.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("identical: 14 of 14 compared steps (100.0%"),
        "{report}"
    );
    assert!(!report.contains("differs"), "{report}");
}
