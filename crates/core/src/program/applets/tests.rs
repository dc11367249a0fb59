//! Applets through `run`, with busybox's exact output.

use crate::fs::Node;
use crate::program::kernel::MIB;
use crate::program::testutil::{rootfs, sh, stderr, stdout, OneHost, Run};
use crate::program::{locate, ExecError, Exit, NoNetwork, ServerKind};

fn out(script: &str) -> String {
    let mut fs = rootfs();
    sh(&mut fs, script).0
}

#[test]
fn echo_and_friends() {
    assert_eq!(
        out("echo -n a; echo; echo -- -n; echo -e 'a\\tb\\n\\c'; echo -ne 'x\\x41\\0101\\n'"),
        "a\n-- -n\na\tb\nxAA\n"
    );
    assert_eq!(
        out("id; whoami; hostname; pwd; cd /etc && pwd"),
        "uid=0(root) gid=0(root) groups=0(root)\nroot\nbox\n/\n/etc\n"
    );
    assert_eq!(
        out("uname; uname -a"),
        "Linux\nLinux box 6.8.0-sim #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n"
    );
    assert_eq!(
        out("basename /a/b.txt .txt; dirname /a/b; dirname b; basename /"),
        "b\n/a\n.\n/\n"
    );
    assert_eq!(
        out("seq 3; seq 2 2 7; seq -w 8 10; seq 1 0"),
        "1\n2\n3\n2\n4\n6\n08\n09\n10\n"
    );
    assert_eq!(out("which ls sh nope; echo $?"), "/bin/ls\n/bin/sh\n1\n");
    assert_eq!(out("printenv HOME; printenv NOPE; echo $?"), "/root\n1\n");
    assert_eq!(out("env -i A=1 env"), "A=1\n");
    assert_eq!(
        out("date; date +%Y-%m-%d; date -d @0"),
        "Mon Jan  1 00:00:00 UTC 2024\n2024-01-01\nThu Jan  1 00:00:00 UTC 1970\n"
    );
    assert_eq!(out("busybox echo hi; busybox nope"), "hi\n");
}

#[test]
fn file_applets() {
    let mut fs = rootfs();
    let (o, e, code) = sh(
        &mut fs,
        "cd /tmp && echo hi > a.txt && mkdir d && ls && ls -l && ls -la d && ls nofile a.txt d; echo rc=$?",
    );
    assert_eq!(
        o,
        "a.txt\nd\ntotal 8\n-rw-r--r--    1 root     root             3 Jan  1 00:00 a.txt\ndrwxr-xr-x    2 root     root          4096 Jan  1 00:00 d\ntotal 8\ndrwxr-xr-x    2 root     root          4096 Jan  1 00:00 .\ndrwxr-xr-x    3 root     root          4096 Jan  1 00:00 ..\na.txt\n\nd:\nrc=1\n"
    );
    assert_eq!(e, "ls: nofile: No such file or directory\n");
    assert_eq!(code, Exit::Code(0));
    let (_, e, _) = sh(
        &mut fs,
        "cat nofile; mkdir /tmp/d; rm nofile; rm /tmp/d; cp nofile x; mv nofile x; touch /no/x; mkdir /no/x; cat /tmp",
    );
    assert_eq!(
        e,
        "cat: can't open 'nofile': No such file or directory\nmkdir: can't create directory '/tmp/d': File exists\nrm: can't remove 'nofile': No such file or directory\nrm: '/tmp/d' is a directory\ncp: can't stat 'nofile': No such file or directory\nmv: can't rename 'nofile': No such file or directory\ntouch: /no/x: No such file or directory\nmkdir: can't create directory '/no/x': No such file or directory\ncat: read error: Is a directory\n"
    );
    let (o, e, _) = sh(
        &mut fs,
        "cd /tmp && mkdir -p x/y/z && touch x/y/z/f && cp -r x x2 && mv x2 x3 && ls -R x3 && rm -rf x x3 && ls && ln -s a.txt l && cat l && chmod 600 a.txt && ls -l a.txt",
    );
    assert_eq!(e, "");
    assert_eq!(
        o,
        "x3:\ny\n\nx3/y:\nz\n\nx3/y/z:\nf\na.txt\nd\nhi\n-rw-------    1 root     root             3 Jan  1 00:00 a.txt\n"
    );
    assert_eq!(sh(&mut fs, "find /tmp -name '*.txt'").0, "/tmp/a.txt\n");
}

#[test]
fn text_applets() {
    let mut fs = rootfs();
    fs.put("/t/f1", Node::file("a\nb\n"));
    fs.put("/t/f2", Node::file("x y\n"));
    let (o, e, _) = sh(
        &mut fs,
        "cd /t; printf 'a b\\nc' | wc -l; wc -l f1 f2; wc f1 f2; head -n 1 f1 f2; grep a f1 f2; grep -c a f1 f2; tail -n +2 f1; printf 'a\\na\\nb\\n' | uniq -c; printf '10\\n9\\n' | sort -n; printf 'abc\\n' | tr -d b; cut -d' ' -f2 f2; wc nofile",
    );
    assert_eq!(
        o,
        "1\n        2 f1\n        1 f2\n        3 total\n        2         2         4 f1\n        1         2         4 f2\n        3         4         8 total\n==> f1 <==\na\n\n==> f2 <==\nx y\nf1:a\nf1:1\nf2:0\nb\n      2 a\n      1 b\n9\n10\nac\ny\n"
    );
    assert_eq!(e, "wc: nofile: No such file or directory\n");
    assert_eq!(out("printf 'Root\\nx\\n' | grep -i -n root; printf 'x\\ny\\n' | grep -v x; echo z | grep q; echo $?"), "1:Root\ny\n1\n");
}

#[test]
fn ps_lists_container_processes() {
    let mut fs = rootfs();
    let r = Run::default().go(&mut fs, &mut NoNetwork, &["ps"]);
    assert_eq!(
        stdout(&r),
        "PID   USER     TIME  COMMAND\n    1 root      0:00 ps\n"
    );
    let (o, _, _) = sh(&mut fs, "ps");
    assert_eq!(
        o,
        "PID   USER     TIME  COMMAND\n    1 root      0:00 sh -c ps\n    2 root      0:00 ps\n"
    );
}

#[test]
fn locate_reports_exec_errors() {
    let fs = rootfs();
    let env = vec![("PATH".to_string(), "/usr/bin:/bin".to_string())];
    assert_eq!(locate(&fs, "ls", &env), Ok("/bin/ls".into()));
    assert_eq!(locate(&fs, "/bin/sh", &env), Ok("/bin/sh".into()));
    assert_eq!(locate(&fs, "nope", &env), Err(ExecError::NotFound));
    assert_eq!(locate(&fs, "/bin", &env), Err(ExecError::IsADirectory));
    assert_eq!(
        locate(&fs, "/etc/passwd", &env),
        Err(ExecError::PermissionDenied)
    );
    let mut fs = rootfs();
    let r = Run::default().go(&mut fs, &mut NoNetwork, &["nope"]);
    assert_eq!(r.exit, Exit::Code(127));
    assert_eq!(
        stderr(&r),
        "exec: \"nope\": executable file not found in $PATH\n"
    );
    let mut scratch = crate::fs::FsTree::new();
    let r = Run::default().go(&mut scratch, &mut NoNetwork, &["sh"]);
    assert_eq!(r.exit, Exit::Code(127), "scratch has no shell");
}

#[test]
fn dd_allocates_and_oom_kills() {
    let mut fs = rootfs();
    let limited = Run {
        memory_limit: Some(100 * MIB),
        ..Run::default()
    };
    let r = limited.go(
        &mut fs,
        &mut NoNetwork,
        &[
            "sh",
            "-c",
            "echo start; dd if=/dev/zero of=/dev/null bs=200M count=1; echo after",
        ],
    );
    assert_eq!(r.exit, Exit::OomKilled);
    assert_eq!(r.exit_code(), 137);
    assert_eq!(stdout(&r), "start\n", "no output after the kill");
    assert!(r.peak_memory > 200 * MIB);
    let r = Run::default().go(
        &mut fs,
        &mut NoNetwork,
        &["dd", "if=/dev/zero", "of=/dev/null", "bs=200M", "count=1"],
    );
    assert_eq!(r.exit, Exit::Code(0));
    assert!(stderr(&r)
        .starts_with("1+0 records in\n1+0 records out\n209715200 bytes (200.0MB) copied, "));
    assert!(r.peak_memory >= 200 * MIB);
    let (o, _, _) = sh(
        &mut fs,
        "echo abc | dd 2>/dev/null; dd if=/dev/zero bs=3 count=2 2>/dev/null | wc -c",
    );
    assert_eq!(o, "abc\n6\n");
}

#[test]
fn wget_and_httpd_and_nginx() {
    let mut fs = rootfs();
    fs.put("/www/index.html", Node::file("hello\n"));
    let run = Run {
        local_servers: vec![(
            80,
            ServerKind::Http {
                docroot: "/www".into(),
            },
        )],
        cwd: "/tmp".into(),
        ..Run::default()
    };
    let r = run.go(&mut fs, &mut NoNetwork, &["sh", "-c", "wget -qO- http://localhost/; wget -O- http://localhost/index.html; wget http://127.0.0.1/; wget http://localhost/nope; wget http://localhost:81/; wget http://nohost/; wget http://localhost/index.html"]);
    assert_eq!(stdout(&r), "hello\nhello\n");
    assert_eq!(
        stderr(&r),
        "Connecting to localhost:80 (127.0.0.1:80)\nwriting to stdout\n-                    100% |********************************|     6  0:00:00 ETA\nwritten to stdout\nConnecting to 127.0.0.1:80 (127.0.0.1:80)\nsaving to 'index.html'\nindex.html           100% |********************************|     6  0:00:00 ETA\n'index.html' saved\nConnecting to localhost:80 (127.0.0.1:80)\nwget: server returned error: HTTP/1.1 404 Not Found\nConnecting to localhost:81 (127.0.0.1:81)\nwget: can't connect to remote host (127.0.0.1): Connection refused\nwget: bad address 'nohost'\nConnecting to localhost:80 (127.0.0.1:80)\nwget: can't open 'index.html': File exists\n"
    );
    assert_eq!(fs.read_file("/tmp/index.html").unwrap(), b"hello\n");

    // nginx in another container, reached by name.
    let mut web = OneHost {
        name: "web".into(),
        port: 80,
        kind: ServerKind::Http {
            docroot: "/usr/share/nginx/html".into(),
        },
        env: Vec::new(),
        fs: rootfs(),
    };
    let r = Run::default().go(&mut fs, &mut web, &["wget", "-qO-", "http://web/"]);
    assert!(stdout(&r).contains("Welcome to nginx!"));
    let r = Run::default().go(
        &mut fs,
        &mut web,
        &["wget", "-O", "/tmp/w", "http://web:80/50x.html"],
    );
    assert!(stderr(&r).starts_with("Connecting to web:80 (172.17.0.3:80)\nsaving to '/tmp/w'\n"));

    // The nginx server itself.
    let r = Run::default().go(
        &mut fs,
        &mut NoNetwork,
        &["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"],
    );
    assert_eq!(r.exit, Exit::Running);
    assert_eq!(
        r.listening,
        vec![(
            80,
            ServerKind::Http {
                docroot: "/usr/share/nginx/html".into()
            }
        )]
    );
    assert!(stdout(&r).ends_with("Configuration complete; ready for start up\n"));
    assert!(stderr(&r).contains("[notice] 1#1: nginx/1.25.3\n"));
    assert!(r.peak_memory >= 8 * MIB);
    let r = Run::default().go(&mut fs, &mut NoNetwork, &["nginx"]);
    assert_eq!(
        r.exit,
        Exit::Code(0),
        "nginx without 'daemon off;' daemonizes and exits"
    );
}

#[test]
fn nc_talks_to_the_servers() {
    let mut fs = rootfs();
    let mut web = OneHost {
        name: "web".into(),
        port: 80,
        kind: ServerKind::Http {
            docroot: "/usr/share/nginx/html".into(),
        },
        env: Vec::new(),
        fs: rootfs(),
    };
    let r = Run {
        stdin: b"GET /50x.html HTTP/1.0\r\n\r\n".to_vec(),
        ..Run::default()
    }
    .go(&mut fs, &mut web, &["nc", "web", "80"]);
    let out = stdout(&r);
    assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{out}");
    assert!(out.ends_with("<h1>An error occurred.</h1>\n</body>\n</html>\n"));
    let r = Run::default().go(&mut fs, &mut web, &["nc", "-zv", "web", "80"]);
    assert_eq!(
        (r.exit, stderr(&r)),
        (Exit::Code(0), "web (172.17.0.3:80) open\n".into())
    );
    let r = Run::default().go(&mut fs, &mut web, &["nc", "-z", "web", "81"]);
    assert_eq!((r.exit, stderr(&r)), (Exit::Code(1), String::new()));
    let r = Run::default().go(&mut fs, &mut web, &["nc", "nowhere", "80"]);
    assert_eq!(stderr(&r), "nc: bad address 'nowhere'\n");
    let r = Run::default().go(&mut fs, &mut web, &["nc", "-l", "-p", "8080"]);
    assert_eq!(r.exit, Exit::Running);

    let mut cache = OneHost {
        name: "cache".into(),
        port: 6379,
        kind: ServerKind::Redis,
        env: Vec::new(),
        fs: rootfs(),
    };
    let r = Run {
        stdin: b"SET a 5\nINCR a\nGET a\nGET nope\nPING\n".to_vec(),
        ..Run::default()
    }
    .go(&mut fs, &mut cache, &["nc", "cache", "6379"]);
    assert_eq!(stdout(&r), "+OK\r\n:6\r\n$1\r\n6\r\n$-1\r\n+PONG\r\n");
}

#[test]
fn ping_and_nslookup_resolve_as_the_network_does() {
    let mut fs = rootfs();
    let mut web = OneHost {
        name: "web".into(),
        port: 80,
        kind: ServerKind::Http {
            docroot: "/usr/share/nginx/html".into(),
        },
        env: Vec::new(),
        fs: rootfs(),
    };
    let r = Run::default().go(&mut fs, &mut web, &["ping", "-c", "2", "web"]);
    assert_eq!(r.exit, Exit::Code(0));
    assert_eq!(r.elapsed_ms, 1000, "one second between two pings");
    let out = stdout(&r);
    assert!(
        out.starts_with("PING web (172.17.0.3): 56 data bytes\n64 bytes from 172.17.0.3: seq=0 ")
    );
    assert!(out.contains("2 packets transmitted, 2 packets received, 0% packet loss\n"));
    let r = Run::default().go(&mut fs, &mut web, &["ping", "nowhere"]);
    assert_eq!(
        (r.exit, stderr(&r)),
        (Exit::Code(1), "ping: bad address 'nowhere'\n".into())
    );
    let r = Run {
        budget_ms: 5_000,
        ..Run::default()
    }
    .go(&mut fs, &mut web, &["ping", "web"]);
    assert_eq!(r.exit, Exit::Running, "without -c it pings until stopped");
    assert_eq!(stdout(&r).lines().count(), 6);
    let r = Run::default().go(&mut fs, &mut web, &["nslookup", "web"]);
    assert!(stdout(&r).ends_with("Name:\tweb\nAddress: 172.17.0.3\n\n"));
    let r = Run::default().go(&mut fs, &mut web, &["nslookup", "nope"]);
    assert_eq!(r.exit, Exit::Code(1));
    assert!(stdout(&r).contains("** server can't find nope: NXDOMAIN\n"));
    // Without an address of its own (a build step) only the loopback shows.
    let r = Run::default().go(&mut fs, &mut web, &["ip", "addr"]);
    assert!(stdout(&r).starts_with("1: lo: <LOOPBACK,UP,LOWER_UP>"));
    assert!(!stdout(&r).contains("eth0"));
}
