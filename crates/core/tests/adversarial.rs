//! Programs a learner (or a fuzzer) may type that would exhaust a real machine: memory
//! doubling, endless producers, deep recursion, huge `seq`, `yes`. Each must end the way docker
//! reports it (exit code, OOM kill, or still running) while the simulator itself stays small
//! and usable afterwards.
//!
//! The memory cap on the test process is a counting global allocator: this test binary is its
//! own process, so the allocator sees exactly what the simulator allocates. Everything runs in
//! one `#[test]` so no other test thread adds to the peak. A limit by setrlimit would abort the
//! process instead of reporting which program went over, so counting it is.

use sim_core::fs::FsTree;
use sim_core::program::{
    busybox_rootfs, run, Exit, NoNetwork, ProcInfo, ProcessCtx, ProcessResult, ProcessSpec, Stream,
};
use sim_core::{BuildContext, World};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Most the simulator may have allocated at once while running any one of these programs:
/// far below what it would take to follow them (gigabytes), and what a browser tab affords.
const PEAK_BOUND: usize = 256 << 20;

const MIB: u64 = 1 << 20;

fn run_in(fs: &mut FsTree, script: &str, memory_limit: Option<u64>) -> ProcessResult {
    let spec = ProcessSpec {
        argv: vec!["sh".into(), "-c".into(), script.into()],
        env: vec![("PATH".into(), "/bin".into())],
        cwd: "/".into(),
        user: String::new(),
        stdin: Vec::new(),
    };
    let procs = [ProcInfo {
        pid: 1,
        user: "root".into(),
        command: "sh".into(),
    }];
    let mut ctx = ProcessCtx {
        fs,
        hostname: "box",
        now_unix: 1_704_067_200,
        processes: &procs,
        local_servers: &[],
        local_env: &[],
        network: &mut NoNetwork,
        memory_limit,
        budget_ms: 3_600_000,
    };
    run(&spec, &mut ctx)
}

fn fresh_fs() -> FsTree {
    let mut fs = FsTree::new();
    for (path, node) in busybox_rootfs() {
        fs.put(&path, node);
    }
    fs
}

/// Runs `script` with a fresh peak, checks the peak, and that the same filesystem still runs
/// an ordinary command afterwards.
fn adversarial(script: &str, memory_limit: Option<u64>) -> ProcessResult {
    let mut fs = fresh_fs();
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
    let before = LIVE.load(Ordering::Relaxed);
    let r = run_in(&mut fs, script, memory_limit);
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert!(
        peak < PEAK_BOUND,
        "`{script}` (limit {memory_limit:?}) made the simulator allocate {} MiB",
        peak >> 20
    );
    let after = run_in(&mut fs, "echo intact", None);
    assert_eq!(
        (after.exit, after.combined_output().as_str()),
        (Exit::Code(0), "intact\n"),
        "after `{script}`"
    );
    eprintln!(
        "{script:<45} limit {:>8}: {:?}, peak memory {} MiB, simulator peak {} MiB",
        memory_limit.map_or("none".into(), |m| format!("{}m", m / MIB)),
        r.exit,
        r.peak_memory / MIB,
        peak >> 20
    );
    r
}

#[test]
fn adversarial_programs_end_as_docker_reports_them() {
    let doubling = "x=a; while true; do x=$x$x; done";
    // At the container's limit, and without one at the simulated host's memory (2 GiB).
    let r = adversarial(doubling, Some(64 * MIB));
    assert_eq!(r.exit, Exit::OomKilled);
    assert!(r.peak_memory > 32 * MIB, "{}", r.peak_memory);
    let r = adversarial(doubling, None);
    assert_eq!(r.exit, Exit::OomKilled);
    assert!(r.peak_memory > 1024 * MIB, "{}", r.peak_memory);
    // The length of an unheld value is still exact.
    let r = adversarial(
        "x=a; i=0; while [ $i -lt 26 ]; do x=$x$x; i=$((i+1)); done; echo ${#x}",
        None,
    );
    assert_eq!(
        (r.exit, r.combined_output()),
        (Exit::Code(0), "67108864\n".into())
    );
    // Printing a value the simulator did not keep is never a wrong answer.
    let r = adversarial(
        "x=a; i=0; while [ $i -lt 26 ]; do x=$x$x; i=$((i+1)); done; echo $x | wc -c",
        None,
    );
    assert_eq!(r.exit, Exit::Running);

    // Arguments doubling.
    let r = adversarial(
        "set -- a; while :; do set -- \"$@\" \"$@\"; done",
        Some(64 * MIB),
    );
    assert!(matches!(r.exit, Exit::OomKilled | Exit::Running), "{r:?}");

    // Endless producers: a reader that has enough ends them; one that reads everything waits.
    let r = adversarial("yes | head -n 3", None);
    assert_eq!(
        (r.exit, r.combined_output()),
        (Exit::Code(0), "y\ny\ny\n".into())
    );
    let r = adversarial("while :; do echo y; done | head -n 2", None);
    assert_eq!(
        (r.exit, r.combined_output()),
        (Exit::Code(0), "y\ny\n".into())
    );
    for script in ["yes | wc -l", "yes | cat | sort | wc -l", "x=$(yes)"] {
        assert_eq!(adversarial(script, None).exit, Exit::Running, "{script}");
    }
    // `yes` into a file keeps running (no byte count ends it), or fills the memory limit.
    assert_eq!(adversarial("yes > /tmp/f", None).exit, Exit::Running);
    assert_eq!(
        adversarial("yes > /tmp/f", Some(16 * MIB)).exit,
        Exit::OomKilled
    );
    assert_eq!(adversarial("yes", None).exit, Exit::Running);

    // Huge seq: the exact count, or still running; never a wrong count.
    let r = adversarial("seq 1 3000000 | wc -l", None);
    assert_eq!(
        (r.exit, r.combined_output()),
        (Exit::Code(0), "3000000\n".into())
    );
    let r = adversarial("seq 1 3000000 | wc -l", Some(6 * MIB));
    assert_eq!(
        r.combined_output(),
        "3000000\n",
        "a pipe holds 64 KiB, not all of it"
    );
    assert_eq!(
        adversarial("seq 1 100000000000 | wc -l", None).exit,
        Exit::Running
    );
    assert_eq!(
        adversarial("seq 1 100000000000 > /dev/null", None).exit,
        Exit::Running
    );

    // Deep recursion ends as busybox ash does: SIGSEGV, exit 139.
    assert_eq!(adversarial("f() { f; }; f", None).exit, Exit::Code(139));
    let r = adversarial("f() { echo $(f); }; f", None);
    assert!(matches!(r.exit, Exit::Code(_)), "{r:?}");
    assert_eq!(
        adversarial("sh -c 'f() { f; }; f'; echo rc=$?", None).combined_output(),
        "Segmentation fault\nrc=139\n"
    );
    // Endless or growing loops in awk and sed, and a hostile regex.
    for script in [
        "awk 'BEGIN { while (1) x = x \"aaaaaaaaaaaaaaaa\" }'",
        "awk 'BEGIN { while (1) a[i++] = i }'",
        "awk 'function f() { f() } BEGIN { f() }'",
        "yes | sed -n p | head -n 2",
    ] {
        let r = adversarial(script, None);
        assert!(
            matches!(r.exit, Exit::Running | Exit::Code(_)),
            "{script}: {r:?}"
        );
    }
    let r = adversarial(
        "printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' | grep -c -E '(a*)*b'; echo rc=$?",
        None,
    );
    assert_eq!(r.combined_output(), "0\nrc=1\n");
    let r = adversarial(
        "printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' | sed -E 's/(a*)*b/x/'",
        None,
    );
    assert_eq!(
        r.combined_output(),
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n"
    );
    // Stdout and stderr chunks keep the order they were written in.
    let r = adversarial("echo a; echo b >&2; echo c; ls /nope; echo d", None);
    let chunks: Vec<(Stream, String)> = r
        .output
        .iter()
        .map(|c| (c.stream, String::from_utf8_lossy(&c.bytes).into_owned()))
        .collect();
    assert_eq!(
        chunks,
        [
            (Stream::Stdout, "a\n".to_string()),
            (Stream::Stderr, "b\n".to_string()),
            (Stream::Stdout, "c\n".to_string()),
            (
                Stream::Stderr,
                "ls: /nope: No such file or directory\n".to_string()
            ),
            (Stream::Stdout, "d\n".to_string()),
        ]
    );
    docker_reports_the_oom_kill();
}

/// Through the World, as `docker run -m` and `docker inspect` show it.
fn docker_reports_the_oom_kill() {
    let mut w = World::new(7);
    let ctx = BuildContext::default();
    let out = w.run_line(
        "docker run --name hog -m 64m busybox sh -c 'x=a; while true; do x=$x$x; done'",
        &ctx,
    );
    assert_eq!(out.exit_code, 137, "{}", out.stderr);
    let inspect = w.run_line(
        "docker inspect -f '{{.State.ExitCode}} {{.State.OOMKilled}}' hog",
        &ctx,
    );
    assert_eq!(inspect.stdout, "137 true\n");
    // The World goes on working.
    let out = w.run_line("docker run --rm busybox echo fine", &ctx);
    assert_eq!((out.exit_code, out.stdout.as_str()), (0, "fine\n"));
}
