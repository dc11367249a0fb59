//! The shell end to end: scripts run through `run` in a busybox filesystem.

use crate::fs::Node;
use crate::program::testutil::{rootfs, sh, stderr, stdout, Run};
use crate::program::{Exit, NoNetwork};

fn out(script: &str) -> String {
    let mut fs = rootfs();
    sh(&mut fs, script).0
}

#[test]
fn quoting_and_variables() {
    assert_eq!(out("echo 'a  b' \"c  $HOME\" d\\ e"), "a  b c  /root d e\n");
    assert_eq!(
        out("A=1; B=\"$A two\"; echo $B ${B} ${C:-dflt} ${#B}"),
        "1 two 1 two dflt 5\n"
    );
    assert_eq!(out("x=; echo ${x:-d} ${#x} \"${y-u}\""), "d 0 u\n");
    assert_eq!(out("X='a   b'; echo $X; echo \"$X\""), "a b\na   b\n");
    assert_eq!(
        out("echo \"$(echo hi)\" `echo there` $((2*(3+4)))"),
        "hi there 14\n"
    );
    assert_eq!(
        out("f=/a/b/c.txt; echo ${f##*/} ${f%.txt} ${f#/}"),
        "c.txt /a/b/c a/b/c.txt\n"
    );
    assert_eq!(out("echo ~ ~/x"), "/root /root/x\n");
    assert_eq!(out("echo '$HOME' \\$HOME"), "$HOME $HOME\n");
}

#[test]
fn positional_parameters() {
    let mut fs = rootfs();
    let r = Run::default().go(
        &mut fs,
        &mut NoNetwork,
        &[
            "sh",
            "-c",
            "echo $0 $# \"$@\"; for a in \"$@\"; do echo \"[$a]\"; done",
            "name",
            "a",
            "b c",
        ],
    );
    assert_eq!(stdout(&r), "name 2 a b c\n[a]\n[b c]\n");
    assert_eq!(out("set -- x y z; shift; echo $1 $#"), "y 2\n");
}

#[test]
fn exit_status_and_logic() {
    let mut fs = rootfs();
    assert_eq!(sh(&mut fs, "exit 3").2, Exit::Code(3));
    assert_eq!(sh(&mut fs, "exit 300").2, Exit::Code(44));
    assert_eq!(sh(&mut fs, "false").2, Exit::Code(1));
    assert_eq!(
        out("false || echo a && echo b; true && false; echo $?"),
        "a\nb\n1\n"
    );
    assert_eq!(out("! false; echo $?"), "0\n");
    assert_eq!(out("false; echo $?; :; echo $?"), "1\n0\n");
    assert_eq!(sh(&mut fs, "set -e; false; echo no").0, "");
    assert_eq!(
        sh(
            &mut fs,
            "set -e; false || true; if false; then :; fi; echo yes"
        )
        .0,
        "yes\n"
    );
}

#[test]
fn control_flow() {
    assert_eq!(
        out("for i in 1 2 3; do if [ $i -eq 2 ]; then continue; fi; echo $i; done"),
        "1\n3\n"
    );
    assert_eq!(
        out("i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i"),
        "3\n"
    );
    assert_eq!(
        out("i=0; until [ $i -ge 2 ]; do i=$((i+1)); echo $i; done"),
        "1\n2\n"
    );
    assert_eq!(out("while true; do echo x; break; done"), "x\n");
    assert_eq!(
        out("if [ -d /etc ]; then echo d; elif true; then echo e; else echo f; fi"),
        "d\n"
    );
    assert_eq!(out("case abc in a*) echo A;; *) echo other;; esac"), "A\n");
    assert_eq!(
        out("f() { echo \"in $1\"; return 4; }; f x; echo $?"),
        "in x\n4\n"
    );
    assert_eq!(out("{ echo a; echo b; } | wc -l"), "2\n");
    assert_eq!(out("x=1; (x=2; echo $x); echo $x"), "2\n1\n");
}

#[test]
fn pipes_and_redirects_produce_busybox_bytes() {
    let mut fs = rootfs();
    let (o, e, code) = sh(
        &mut fs,
        "cd /tmp && echo one > f && echo two >> f && cat f | grep -n o | wc -l; cat < f; ls nofile 2>/dev/null; echo err 1>&2; cat nofile 2>&1 | tr a-z A-Z",
    );
    assert_eq!(
        o,
        "2\none\ntwo\nCAT: CAN'T OPEN 'NOFILE': NO SUCH FILE OR DIRECTORY\n"
    );
    assert_eq!(e, "err\n");
    assert_eq!(code, Exit::Code(0));
    assert_eq!(fs.read_file("/tmp/f").unwrap(), b"one\ntwo\n");
    let (_, e, code) = sh(&mut fs, "echo x > /no/such/f");
    assert_eq!(e, "sh: can't create /no/such/f: nonexistent directory\n");
    assert_eq!(code, Exit::Code(1));
    let (_, e, _) = sh(&mut fs, "cat < /nope");
    assert_eq!(e, "sh: can't open /nope: no such file\n");
    assert_eq!(out("cat <<EOF\nhello $HOME\nEOF\n"), "hello /root\n");
    assert_eq!(out("cat <<'EOF'\nhello $HOME\nEOF\n"), "hello $HOME\n");
    let (_, _, _) = sh(&mut fs, "echo a > /tmp/g 2>&1");
    assert_eq!(fs.read_file("/tmp/g").unwrap(), b"a\n");
}

#[test]
fn env_assignments_and_export() {
    assert_eq!(out("A=1 env | grep ^A="), "A=1\n");
    assert_eq!(out("A=1; env | grep -c ^A="), "0\n");
    assert_eq!(out("export A=2; env | grep ^A="), "A=2\n");
    assert_eq!(out("A=5 sh -c 'echo $A'"), "5\n");
}

#[test]
fn errors_like_ash() {
    let mut fs = rootfs();
    let (_, e, code) = sh(&mut fs, "foo");
    assert_eq!(
        (e.as_str(), code),
        ("sh: foo: not found\n", Exit::Code(127))
    );
    let (_, e, code) = sh(&mut fs, "if");
    assert_eq!(
        e,
        "sh: syntax error: unexpected end of file (expecting \"then\")\n"
    );
    assert_eq!(code, Exit::Code(2));
    let (_, e, code) = sh(&mut fs, "echo 'x");
    assert_eq!(
        (e.as_str(), code),
        (
            "sh: syntax error: unterminated quoted string\n",
            Exit::Code(2)
        )
    );
    let (_, e, code) = sh(&mut fs, "echo $((1/0)); echo after");
    assert_eq!((e.as_str(), code), ("sh: divide by zero\n", Exit::Code(2)));
    let (_, e, code) = sh(&mut fs, "[ 1 = 1");
    assert_eq!((e.as_str(), code), ("sh: missing ]\n", Exit::Code(2)));
    let (_, e, code) = sh(&mut fs, "cd /nope");
    assert_eq!(
        e,
        "sh: cd: line 0: can't cd to /nope: No such file or directory\n"
    );
    assert_eq!(code, Exit::Code(2));
    fs.put("/tmp/data.txt", Node::file("x"));
    let (_, e, code) = sh(&mut fs, "/tmp/data.txt");
    assert_eq!(
        (e.as_str(), code),
        ("sh: /tmp/data.txt: Permission denied\n", Exit::Code(126))
    );
    fs.remove("/bin/ls", false).unwrap();
    assert_eq!(
        sh(&mut fs, "ls /").2,
        Exit::Code(127),
        "deleting /bin/ls breaks ls"
    );
    assert_eq!(sh(&mut fs, "echo still").0, "still\n", "echo is a builtin");
}

#[test]
fn scripts_files_and_shebangs() {
    let mut fs = rootfs();
    fs.put(
        "/app/run.sh",
        Node::executable("#!/bin/sh\necho \"script $1\"\nexit 5\n"),
    );
    fs.put("/app/plain.sh", Node::executable("echo plain\n"));
    let r = Run::default().go(&mut fs, &mut NoNetwork, &["/app/run.sh", "arg"]);
    assert_eq!(
        (stdout(&r).as_str(), r.exit),
        ("script arg\n", Exit::Code(5))
    );
    let (o, _, _) = sh(&mut fs, "/app/plain.sh; sh /app/run.sh z; . /app/plain.sh");
    assert_eq!(o, "plain\nscript z\nplain\n");
    let r = Run::default().go(&mut fs, &mut NoNetwork, &["/app/plain.sh"]);
    assert_eq!(r.exit, Exit::Code(126));
    let r = Run::default().go(&mut fs, &mut NoNetwork, &["sh", "/app/missing.sh"]);
    assert_eq!(
        stderr(&r),
        "sh: can't open '/app/missing.sh': No such file or directory\n"
    );
    let stdin_run = Run {
        stdin: b"echo from stdin\n".to_vec(),
        ..Run::default()
    };
    let r = stdin_run.go(&mut fs, &mut NoNetwork, &["sh"]);
    assert_eq!(stdout(&r), "from stdin\n");
}

#[test]
fn time_budget_and_sleep() {
    let mut fs = rootfs();
    let r = Run::default().go(
        &mut fs,
        &mut NoNetwork,
        &["sh", "-c", "echo a; sleep 5; echo b"],
    );
    assert_eq!(r.exit, Exit::Code(0));
    assert!(
        r.elapsed_ms >= 5000 && r.elapsed_ms < 5100,
        "{}",
        r.elapsed_ms
    );
    let b = r.output.iter().find(|c| c.bytes == b"b\n").unwrap();
    assert!(b.at_ms >= 5000);
    let short = Run {
        budget_ms: 3000,
        ..Run::default()
    };
    let r = short.go(
        &mut fs,
        &mut NoNetwork,
        &["sh", "-c", "while true; do :; done"],
    );
    assert_eq!((r.exit, r.elapsed_ms), (Exit::Running, 3000));
    let r = short.go(
        &mut fs,
        &mut NoNetwork,
        &["sh", "-c", "while true; do echo tick; sleep 1; done"],
    );
    assert_eq!(r.exit, Exit::Running);
    assert_eq!(stdout(&r).lines().count(), 3);
    let huge = Run {
        budget_ms: u64::MAX,
        ..Run::default()
    };
    let r = huge.go(
        &mut fs,
        &mut NoNetwork,
        &["sh", "-c", "while :; do :; done"],
    );
    assert_eq!(r.exit, Exit::Running, "the step budget bounds CPU");
    let r = short.go(&mut fs, &mut NoNetwork, &["sleep", "infinity"]);
    assert_eq!((r.exit, r.elapsed_ms), (Exit::Running, 3000));
    // Endless recursion ends as ash's does: SIGSEGV, exit 139, which the parent shell reports.
    let r = short.go(&mut fs, &mut NoNetwork, &["sh", "-c", "f() { f; }; f"]);
    assert_eq!(r.exit, Exit::Code(139));
    let r = short.go(
        &mut fs,
        &mut NoNetwork,
        &["sh", "-c", "sh -c 'f() { f; }; f'; echo rc=$?"],
    );
    assert_eq!(r.combined_output(), "Segmentation fault\nrc=139\n");
}

#[test]
fn read_loops_and_globs() {
    let mut fs = rootfs();
    fs.put("/d/b.txt", Node::file("2\n"));
    fs.put("/d/a.txt", Node::file("1\n"));
    fs.put("/d/c.md", Node::file(""));
    assert_eq!(
        sh(
            &mut fs,
            "cd /d && echo *.txt && echo '*.txt' && echo *.none"
        )
        .0,
        "a.txt b.txt\n*.txt\n*.none\n"
    );
    assert_eq!(
        sh(
            &mut fs,
            "cat /d/*.txt | while read n; do echo \"n=$n\"; done"
        )
        .0,
        "n=1\nn=2\n"
    );
    assert_eq!(
        sh(&mut fs, "printf '%s-%d|%5s|%-3s|%x\\n' a 42 b c 255").0,
        "a-42|    b|c  |ff\n"
    );
}

#[test]
fn background_server_is_reachable_in_the_same_script() {
    let mut fs = rootfs();
    fs.put("/www/index.html", Node::file("hello\n"));
    let (o, e, code) = sh(
        &mut fs,
        "httpd -f -p 8080 -h /www & sleep 1; wget -qO- http://localhost:8080/",
    );
    assert_eq!(
        (o.as_str(), e.as_str(), code),
        ("hello\n", "", Exit::Code(0))
    );
}

#[test]
fn never_panics_on_odd_input() {
    let mut fs = rootfs();
    for script in [
        "",
        ";",
        "&&",
        "|",
        "((",
        "$(",
        "${",
        "${x:",
        "`",
        "\"",
        "'",
        "\\",
        "$((1+",
        "case",
        "for",
        "for x in",
        "f() {",
        "}",
        "{",
        "(",
        ")",
        "<",
        ">",
        "2>&",
        "cat <<",
        "$((9223372036854775807+1))",
        "${#}",
        "$",
        "echo $((-9223372036854775807-1 / -1))",
        "exit 99999999999999999999",
        "shift 999",
        "break 0",
        "read",
        "a=b=c; echo $a",
        "[",
        "test -f",
        "echo ${x?boom}",
    ] {
        let _ = sh(&mut fs, script);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    #[test]
    fn arbitrary_scripts_never_panic(script in "[a-z0-9 $(){}\\[\\]'\"`|&;<>=*?#!:.,/\\\\\n%+-]{0,60}") {
        let mut fs = rootfs();
        let run = Run { budget_ms: 2_000, ..Run::default() };
        let _ = run.go(&mut fs, &mut NoNetwork, &["sh", "-c", &script]);
    }
}

#[test]
fn hostile_nesting_is_an_error_not_a_crash() {
    let mut fs = rootfs();
    let deep = format!("{}echo x{}", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(sh(&mut fs, &deep).2, Exit::Code(2));
    let braces = format!("{}echo x{}", "{ ".repeat(5000), "; }".repeat(5000));
    assert_eq!(sh(&mut fs, &braces).2, Exit::Code(2));
    let subst = format!("echo {}x{}", "$(echo ".repeat(300), ")".repeat(300));
    let _ = sh(&mut fs, &subst);
    let ifs = format!(
        "{}true{}",
        "if true; then ".repeat(3000),
        "; fi".repeat(3000)
    );
    assert_eq!(sh(&mut fs, &ifs).2, Exit::Code(2));
}

#[test]
fn nested_parameter_operands_are_bounded() {
    let mut fs = rootfs();
    let deep = format!("echo {}x{}", "${a:-".repeat(3000), "}".repeat(3000));
    assert_eq!(sh(&mut fs, &deep).2, Exit::Code(2));
    assert_eq!(sh(&mut fs, "echo ${a:-${b:-${c:-deep}}}").0, "deep\n");
}

#[test]
fn random_is_seeded_and_replays() {
    let mut fs = rootfs();
    let (first, _, _) = sh(&mut fs, "echo $RANDOM $RANDOM $RANDOM");
    let (again, _, _) = sh(&mut fs, "echo $RANDOM $RANDOM $RANDOM");
    assert_eq!(first, again, "the same run gives the same numbers");
    let values: Vec<u32> = first
        .split_whitespace()
        .map(|v| v.parse().expect("a number"))
        .collect();
    assert_eq!(values.len(), 3);
    assert!(values.iter().all(|v| *v < 32768));
    assert!(values.windows(2).any(|w| w[0] != w[1]));
}
