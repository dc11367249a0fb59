//! The differential test of the simulated busybox: a corpus of snippets runs in the simulated
//! shell and in the real busybox (Debian's busybox-static at /bin/busybox) over the same
//! files; stdout, stderr and the exit code must be the same bytes, except for the differences
//! listed in KNOWN with their reasons. The identical share is printed. Any unlisted difference
//! fails, and so does a listed one that no longer differs (the list stays true). Skipped, with
//! a message, where /bin/busybox is missing.

// Only where a real busybox can exist (not on wasm32).
#![cfg(unix)]
// This test drives the real busybox, which is I/O by design; the core library itself does none.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use sim_core::fs::{FsTree, Node};
use sim_core::program::{
    applets, busybox_rootfs, run, Exit, NoNetwork, ProcInfo, ProcessCtx, ProcessSpec, Stream,
};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};

const BUSYBOX: &str = "/bin/busybox";

/// Files both sides start with, relative to the working directory.
const FILES: &[(&str, &str)] = &[
    ("a.txt", "hello world\nsecond line\nthird\n"),
    ("nums", "10\n9\n2\n33\n2\n"),
    ("words", "b\na\nb\nc\na\n"),
    ("csv", "root:x:0\ndaemon:x:1\nbin:x:2\n"),
    ("sub/inner.txt", "inner\n"),
];

const SCRIPTS: &[&str] = &[
    "echo hello; echo -n a; echo b; echo 'x  y' \"$HOME-z\"",
    "echo -e 'a\\tb\\nc'; echo -- -n",
    "cat a.txt; cat nofile; echo rc=$?",
    "wc a.txt; wc -l a.txt nums; printf 'a b\\nc' | wc; printf 'x\\n' | wc -l",
    "head -n 2 a.txt; tail -n 1 a.txt; head -n 1 a.txt nums; tail -n +2 nums",
    "grep -n line a.txt; grep -c o a.txt nums; grep -v 2 nums; grep -i HELLO a.txt; grep zzz a.txt; echo rc=$?",
    "sort words; sort -n nums; sort -r words | uniq; uniq -c words; sort words | uniq -c",
    "cut -d: -f1 csv; cut -d: -f1,3 csv; cut -c1-3 a.txt; echo abc | tr a-c A-C; echo aab | tr -s a; echo abc | tr -d b",
    "seq 3; seq 2 2 7; seq -w 8 10; basename /a/b.txt .txt; dirname /a/b; dirname x",
    "ls; ls sub; ls nofile; echo rc=$?; ls -a sub",
    "mkdir sub; mkdir -p sub/x/y && ls sub/x; rm nofile; rm sub; echo rc=$?; rm -f nofile; echo rc=$?",
    "cp a.txt b.txt && cat b.txt | wc -c; mv b.txt c.txt; ls; cp nofile z; mv nofile z; rm -r sub; ls",
    "i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo \"i=$i\"; done; for w in a 'b c' d; do echo \"[$w]\"; done",
    "x=abc; case $x in a*) echo A;; *) echo other;; esac; f() { echo \"f $1 $#\"; return 3; }; f one two; echo $?",
    "v=/a/b/c.txt; echo ${v##*/} ${v%.txt} ${#v} ${unset:-dflt} ${v:+set}",
    "true && echo yes || echo no; false && echo yes || echo no; ! true; echo $?",
    "foo; echo rc=$?",
    "if",
    "echo 'unterminated",
    "[ 1 -eq 1 ] && echo eq; [ a = b ] || echo ne; test -f a.txt && echo file; test -d sub && echo dir; [ -z '' ] && echo empty",
    "echo $((7 % 3)) $((2 * (3 + 4))) $((10 / 3)) $((1 << 4))",
    "exit 3",
    "echo out; echo err >&2; cat nofile 2>/dev/null; echo done",
    "echo one > f; echo two >> f; cat f; cat < f | wc -l",
    "cat a.txt | grep -n i | sort -r | head -n 2",
    "printf '%s=%d\\n' a 1 b 2; printf '%5s|%-4s|\\n' x y",
    "set -- a b c; echo $# $2; shift; echo \"$@\"",
    "echo $(echo inner) \"$(printf 'x y')\" `echo back`",
    "cd sub && pwd | grep -c sub; cat inner.txt; cd /nonexistent; echo rc=$?",
    "env -i A=1 B=2 env | sort",
    // ash features
    "echo $((2**10)) $((2**3**2)) $((-2**2)) $((2*3**2)); echo $((2**-1)); echo rc=$?",
    "trap 'echo bye' EXIT; echo hi; exit 3",
    "trap 'echo bye $?' EXIT; false",
    "f() { trap 'echo inner' EXIT; }; f; echo after",
    "(trap 'echo sub' EXIT; echo in); echo out",
    "trap 'echo got' TERM; kill -TERM $$; echo after; trap; trap - TERM; trap",
    "trap 'echo t' TERM INT EXIT 1; trap",
    "trap 'echo x' BOGUS; echo rc=$?",
    "sh -c 'kill $$'; echo rc=$?",
    "while getopts 'ab:' o -a -b val -x -b; do echo \"o=$o arg=$OPTARG ind=$OPTIND\"; done; echo end=$OPTIND",
    "set -- -ab x y; while getopts ab: o; do echo \"$o $OPTARG $OPTIND\"; done; shift $((OPTIND-1)); echo \"$@\"",
    "f() { local x=1; echo in $x; }; x=0; f; echo out $x",
    "printf 'a\\\\b c\\n' | { read -r x y; echo \"$x|$y\"; }; printf 'a\\\\b\\n' | { read x; echo \"$x\"; }",
    "echo $RANDOM | grep -c '^[0-9][0-9]*$'",
    "f() { f; }; f",
    "sh -c 'f() { f; }; f'; echo rc=$?",
];

fn real_busybox() -> Option<&'static Path> {
    let p = Path::new(BUSYBOX);
    p.exists().then_some(p)
}

fn scratch_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sim-busybox-parity-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs `script` under the real busybox ash with only busybox applets on $PATH.
fn real(script: &str, tag: &str) -> (String, String, i32) {
    let root = scratch_dir(tag);
    let bin = root.join("bin");
    let work = root.join("work");
    std::fs::create_dir_all(&bin).expect("bin dir");
    for (path, data) in FILES {
        let full = work.join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("dirs");
        std::fs::write(&full, data).expect("write");
    }
    for applet in applets() {
        let _ = std::os::unix::fs::symlink(BUSYBOX, bin.join(applet));
    }
    let out = std::process::Command::new(BUSYBOX)
        .args(["sh", "-c", script])
        .current_dir(&work)
        .env_clear()
        .env("PATH", &bin)
        .env("HOME", "/root")
        .output()
        .expect("run busybox");
    let _ = std::fs::remove_dir_all(&root);
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        // A shell killed by a signal: the 128+N its parent (and docker) reports.
        out.status
            .code()
            .or_else(|| out.status.signal().map(|s| 128 + s))
            .unwrap_or(-1),
    )
}

/// The same in the simulator, in /work of a busybox filesystem.
fn simulated(script: &str) -> (String, String, i32) {
    let mut fs = FsTree::new();
    for (path, node) in busybox_rootfs() {
        fs.put(&path, node);
    }
    for (path, data) in FILES {
        fs.put(&format!("/work/{path}"), Node::file(*data));
    }
    let spec = ProcessSpec {
        argv: vec!["sh".into(), "-c".into(), script.into()],
        env: vec![
            ("PATH".into(), "/bin".into()),
            ("HOME".into(), "/root".into()),
        ],
        cwd: "/work".into(),
        user: String::new(),
        stdin: Vec::new(),
    };
    let procs = [ProcInfo {
        pid: 1,
        user: "root".into(),
        command: "sh".into(),
    }];
    let mut net = NoNetwork;
    let mut ctx = ProcessCtx {
        fs: &mut fs,
        hostname: "box",
        now_unix: 1_704_067_200,
        processes: &procs,
        local_servers: &[],
        local_env: &[],
        network: &mut net,
        memory_limit: None,
        budget_ms: 60_000,
    };
    let r = run(&spec, &mut ctx);
    let collect = |s: Stream| {
        let mut v = Vec::new();
        for c in r.output.iter().filter(|c| c.stream == s) {
            v.extend_from_slice(&c.bytes);
        }
        String::from_utf8_lossy(&v).into_owned()
    };
    let code = match r.exit {
        Exit::Code(c) => c,
        other => panic!("{script}: unexpected {other:?}"),
    };
    (collect(Stream::Stdout), collect(Stream::Stderr), code)
}

/// Snippets whose output differs from the real busybox on purpose, with the reason.
const KNOWN: &[(&str, &str)] = &[];

#[test]
fn scripts_match_real_busybox() {
    if real_busybox().is_none() {
        eprintln!("skipping busybox parity: {BUSYBOX} is missing (install busybox-static)");
        return;
    }
    // The harness itself works: the real side really ran.
    assert_eq!(
        real("echo hi; cat nofile", "self"),
        (
            "hi\n".into(),
            "cat: can't open 'nofile': No such file or directory\n".into(),
            1
        )
    );
    let mut failures = Vec::new();
    let mut identical = 0;
    for (i, script) in SCRIPTS.iter().enumerate() {
        let want = real(script, &i.to_string());
        let got = simulated(script);
        let known = KNOWN.iter().find(|(s, _)| s == script);
        match (want == got, known) {
            (true, None) => identical += 1,
            (true, Some(_)) => failures.push(format!(
                "listed as a known difference but now identical: {script}"
            )),
            (false, Some((_, reason))) => {
                eprintln!("known difference ({reason}): {script}")
            }
            (false, None) => failures.push(format!(
                "script: {script}\n  real: {want:?}\n  sim:  {got:?}"
            )),
        }
    }
    eprintln!(
        "busybox differential: {identical} of {} snippets identical ({:.1} %), {} known differences",
        SCRIPTS.len(),
        100.0 * identical as f64 / SCRIPTS.len() as f64,
        KNOWN.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        SCRIPTS.len(),
        failures.join("\n")
    );
}
