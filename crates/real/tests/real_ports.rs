//! `-p` for real: the host port relays to the container while it runs (also after the `sim`
//! that started it has exited), `docker port` and `ps` show it as the simulation does, a
//! port another program holds is refused in docker's words, and stop/rm leave no listener.
//! Needs root and iproute2's `ip`; skipped with the reason printed otherwise.
#![cfg(target_os = "linux")]

use sim_real::RealSession;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

mod common;
use common::{bridged_session as session, Scratch};

fn run(s: &mut RealSession, line: &str) -> sim_core::Outcome {
    let out = s.run(line, None).expect("the line runs");
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    out
}

/// Removes whatever a failed test left running (its containers, namespaces, veths).
/// A port nothing listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// GET `path` from the host's `port` (retried while httpd starts); None if never answered.
fn get(port: u16, path: &str) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(mut c) = TcpStream::connect(("127.0.0.1", port)) {
            c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let _ = c.write_all(format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes());
            let mut answer = String::new();
            if c.read_to_string(&mut answer).is_ok() && !answer.is_empty() {
                return Some(answer);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// Whether anything listens on TCP `port` on this machine (/proc/net/tcp, state 0A).
fn listening(port: u16) -> bool {
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap();
    let needle = format!(":{port:04X} ");
    table
        .lines()
        .skip(1)
        .any(|l| l.split_whitespace().nth(3) == Some("0A") && l.contains(&needle))
}

#[test]
fn a_published_port_relays_to_the_container_and_goes_with_it() {
    let state = Scratch::new();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let port = free_port();
    let id = run(
        &mut s,
        &format!("docker run -d --name web -p {port}:80 busybox httpd -f -p 80 -h /etc"),
    )
    .stdout
    .trim()
    .to_string();
    // httpd serves the container's /etc: its hostname is the short ID.
    let answer = get(port, "/hostname").expect("the published port answers");
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(answer.trim_end().ends_with(&id[..12]), "{answer}");
    let ports = run(&mut s, "docker port web").stdout;
    assert_eq!(
        ports.lines().next(),
        Some(&*format!("80/tcp -> 0.0.0.0:{port}"))
    );
    let ps = run(&mut s, "docker ps").stdout;
    assert!(ps.contains(&format!("0.0.0.0:{port}->80/tcp")), "{ps}");

    // The relay is the supervisor's: it outlives the invocation that started the container.
    s.close().unwrap();
    assert!(get(port, "/hostname").is_some());
    let mut s = RealSession::open(state.path(), None).expect("session reopens");

    // A port some program on the machine holds: docker's words, and the container is not up.
    let holder = TcpListener::bind("0.0.0.0:0").unwrap();
    let taken = holder.local_addr().unwrap().port();
    let refused = s
        .run(
            &format!("docker run -d --name other -p {taken}:80 busybox httpd -f -p 80"),
            None,
        )
        .unwrap();
    assert_ne!(refused.exit_code, 0);
    assert!(
        refused.stderr.contains(&format!(
            "Error starting userland proxy: listen tcp4 0.0.0.0:{taken}: bind: address already in use"
        )),
        "{}",
        refused.stderr
    );
    drop(holder);
    run(&mut s, "docker rm -f other");

    // Stopped: nothing listens; started again: it relays again; removed: nothing listens.
    run(&mut s, "docker stop -t 1 web");
    assert!(!listening(port), "port {port} still listened on after stop");
    run(&mut s, "docker start web");
    assert!(get(port, "/hostname").is_some());
    assert!(listening(port));
    run(&mut s, "docker rm -f web");
    assert!(!listening(port), "port {port} still listened on after rm");
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    nc_answers_through_a_published_port_of_a_rm_container(&mut s);
    s.close().unwrap();
}

/// Part of the test above: tests of one binary run in parallel, and sessions with the same
/// seed give their containers the same addresses on the one bridge.
fn nc_answers_through_a_published_port_of_a_rm_container(s: &mut RealSession) {
    let port = free_port();
    run(
        s,
        &format!(
            "docker run -d --rm --name once -p 127.0.0.1:{port}:80 busybox nc -l -p 80 -e echo hi"
        ),
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut said = String::new();
    while said.is_empty() && Instant::now() < deadline {
        if let Ok(mut c) = TcpStream::connect(("127.0.0.1", port)) {
            c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let _ = c.read_to_string(&mut said);
        }
        if said.is_empty() {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    assert_eq!(said, "hi\n");
    // nc exits after its one connection: the --rm container goes, and its port with it.
    let deadline = Instant::now() + Duration::from_secs(5);
    while listening(port) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!listening(port));
}
