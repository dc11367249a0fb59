//! The real-mode journal keeps file contents (RUN layers, containers' writable layers) in
//! blobs beside it, and a later invocation rebuilds the same World from them. Needs root;
//! skipped with the reason printed otherwise.
#![cfg(target_os = "linux")]

use sim_core::fs::Node;
use sim_core::FsTree;
use sim_real::RealSession;

mod common;
use common::{session, Scratch};

fn run(s: &mut RealSession, line: &str) -> String {
    let out = s.run(line, None).expect("the line runs");
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    out.stdout
}

#[test]
fn layer_contents_live_in_blobs_and_replay_gives_the_same_world() {
    let state = Scratch::new();
    let dir = state.path();
    let Some(mut s) = session(dir) else {
        return;
    };
    let mut context = FsTree::new();
    context.put(
        "/Dockerfile",
        Node::file("FROM busybox\nRUN head -c 300000 /dev/urandom > /big && echo made > /small\n"),
    );
    let out = s.run("docker build -t big .", Some(context)).unwrap();
    assert_eq!(out.exit_code, 0, "{}{}", out.stdout, out.stderr);
    run(
        &mut s,
        "docker run --name c big sh -c 'echo changed > /small; rm /big'",
    );
    let asked = [
        // Not CREATED: the World's clock has gone on in between.
        "docker images --format '{{.Repository}} {{.ID}} {{.Size}}'",
        "docker diff c",
        "docker history --format '{{.ID}} {{.Size}} {{.CreatedBy}}' big",
        "docker run --rm big sh -c 'wc -c < /big; cat /small'",
    ];
    let before: Vec<String> = asked[..3].iter().map(|l| run(&mut s, l)).collect();
    assert!(
        before[0].contains("big ") && before[2].contains("300kB"),
        "{before:?}"
    );
    let hash = s.world().unwrap().trace_hash();
    s.close().unwrap();

    let real = dir.join("real");
    let journal = std::fs::read_to_string(real.join("journal.jsonl")).unwrap();
    assert!(journal.contains("\"observation_blob\""), "{journal}");
    assert!(
        !journal.contains("\"Files\""),
        "contents inline in the journal"
    );
    assert!(
        journal.len() < 100_000,
        "journal of {} bytes",
        journal.len()
    );
    let blobs: Vec<_> = std::fs::read_dir(real.join("blobs/journal"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(!blobs.is_empty());

    let mut s = session(dir).unwrap();
    assert_eq!(s.world().unwrap().trace_hash(), hash, "same World replayed");
    let after: Vec<String> = asked[..3].iter().map(|l| run(&mut s, l)).collect();
    assert_eq!(after, before);
    assert!(after[1].contains("D /big"), "{}", after[1]);
    assert_eq!(run(&mut s, asked[3]), "300000\nmade\n");
    s.close().unwrap();

    // A damaged blob stops the next invocation with the file named and the way out.
    let big = blobs
        .iter()
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    let mut bytes = std::fs::read(big).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(big, bytes).unwrap();
    let Err(message) = RealSession::open(dir, None) else {
        panic!("a damaged blob opened");
    };
    assert!(message.contains(&big.display().to_string()), "{message}");
    assert!(message.contains("sim --real reset"), "{message}");
}
