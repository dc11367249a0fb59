//! `docker run --read-only` and `--pids-limit` in the simulation: writes to the root fail with
//! EROFS in busybox's words, mounts and /dev stay writable, and inspect shows both settings.

use sim_core::{BuildContext, World};

fn run(w: &mut World, line: &str) -> sim_core::Outcome {
    w.run_line(line, &BuildContext::default())
}

#[test]
fn a_read_only_root_refuses_writes_in_busybox_words() {
    let mut w = World::new(3);
    let o = run(
        &mut w,
        "docker run --rm --read-only busybox sh -c 'echo x > /x; touch /y; mkdir /z; rm /bin/ls; echo ok > /dev/null; echo done'",
    );
    assert_eq!(o.exit_code, 0, "{}", o.stderr);
    assert!(o.stdout.ends_with("done\n"), "{}", o.stdout);
    for line in [
        "sh: can't create /x: Read-only file system",
        "touch: /y: Read-only file system",
        "mkdir: can't create directory '/z': Read-only file system",
        "rm: can't remove '/bin/ls': Read-only file system",
    ] {
        assert!(o.stderr.contains(line), "{line:?} in {}", o.stderr);
    }
    // Without the flag the same writes succeed.
    let o = run(
        &mut w,
        "docker run --rm busybox sh -c 'echo x > /x && cat /x'",
    );
    assert_eq!(o.stdout.lines().last(), Some("x"));
}

#[test]
fn mounts_stay_writable_and_inspect_shows_the_settings() {
    let mut w = World::new(3);
    let o = run(
        &mut w,
        "docker run --read-only --pids-limit 20 -v data:/data --name ro busybox sh -c 'echo kept > /data/f; cat /data/f'",
    );
    assert_eq!(o.exit_code, 0, "{}", o.stderr);
    assert!(o.stdout.ends_with("kept\n"), "{}", o.stdout);
    let o = run(
        &mut w,
        "docker inspect -f '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.PidsLimit}}' ro",
    );
    assert_eq!(o.stdout, "true 20\n");
    let o = run(&mut w, "docker run --rm --pids-limit many busybox true");
    assert_eq!(o.exit_code, 125);
    assert!(
        o.stderr.contains("strconv.ParseInt: parsing \"many\""),
        "{}",
        o.stderr
    );
}
