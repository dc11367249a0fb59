//! Determinism over random command sequences.
//!
//! The `sim` CLI keeps no state but a journal of the lines that ran (with the build context of
//! each `docker build`) and rebuilds the World by replaying it in a fresh `World::new(seed)`.
//! That is only sound if a World is a pure function of its seed and its lines. These properties
//! check it over random sequences drawn from a realistic docker vocabulary, malformed lines
//! included:
//!
//! - the same sequence twice gives the same outputs, trace hash and state digest;
//! - splitting the sequence anywhere, then replaying the prefix into a fresh World (with the
//!   build contexts round-tripped through JSON, as the journal stores them) and going on with
//!   the rest gives what the uninterrupted run gave;
//! - two Worlds driven in lockstep, line by line, each end as they do alone (no hidden state
//!   shared between Worlds).

use proptest::prelude::*;
use proptest::test_runner::Config;
use sim_core::fs::Node;
use sim_core::{BuildContext, Outcome, World};

/// One line and the build context it is run with (an index into [`contexts`]).
#[derive(Clone, Debug)]
struct Line {
    text: String,
    context: usize,
}

const NAMES: &[&str] = &["web", "db", "job", "c1"];
const IMAGES: &[&str] = &[
    "busybox",
    "alpine",
    "nginx",
    "redis",
    "app",
    "app:v2",
    "busybox:latest",
    "nosuch",
];
const VOLUMES: &[&str] = &["data", "cache"];
/// Bodies for `sh -c '...'`: no single quotes inside.
const SCRIPTS: &[&str] = &[
    "echo hello",
    "echo $A > /data/out; cat /data/out",
    "sleep 3",
    "sleep 30",
    "exit 3",
    "while true; do echo tick; sleep 1; done",
    "cat /etc/hostname; ls /",
    "mkdir -p /work && echo x > /work/f && cat /work/f",
    "echo \"$A $HOSTNAME\"",
    "dd if=/dev/zero of=/dev/null bs=100M count=1",
];
const MALFORMED: &[&str] = &[
    "docker run --name",
    "docker rn busybox",
    "docker run --nmae x busybox",
    "docker ps --bogus",
    "docker run -d busybox sh -c 'echo unterminated",
    "docker",
    "docker volume",
    "docker stop",
    "docker rm nosuch",
    "tick",
    "tick abc",
    "docker run -p 99999:80 nginx",
    "docker run -v :/x busybox",
    "docker run --memory lots busybox",
    "docker build",
    "docker images --frobnicate",
    "docker logs",
    "  ",
    "# just a comment",
    "docker run -d --restart sometimes busybox",
    "docker exec web",
    "docker tag busybox Bad:Name",
];

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list[i as usize % list.len()]
}

/// The build contexts a `docker build` line may get.
fn contexts() -> Vec<BuildContext> {
    let mut simple = BuildContext::default();
    simple.put(
        "/Dockerfile",
        Node::file("FROM busybox\nENV A=1\nRUN echo hi > /hi\nCMD [\"cat\", \"/hi\"]\n"),
    );

    let twelve = sim_core::bench::build_context();

    let mut staged = BuildContext::default();
    staged.put(
        "/Dockerfile",
        Node::file(
            "FROM alpine AS builder\nWORKDIR /src\nCOPY . .\nRUN cat main.txt > /out.txt\n\nFROM busybox\nCOPY --from=builder /out.txt /app/out.txt\nCMD [\"cat\", \"/app/out.txt\"]\n",
        ),
    );
    staged.put("/main.txt", Node::file("built\n"));
    staged.put("/secret.txt", Node::file("do not copy\n"));
    staged.put("/.dockerignore", Node::file("secret.txt\n"));

    let mut broken = BuildContext::default();
    broken.put("/Dockerfile", Node::file("FRM busybox\nRUN\n"));

    vec![BuildContext::default(), simple, twelve, staged, broken]
}

fn run_line(kind: u8, a: u8, b: u8, c: u8, opts: u8) -> String {
    let name = pick(NAMES, a);
    let image = pick(IMAGES, b);
    let volume = pick(VOLUMES, c);
    let script = pick(SCRIPTS, c);
    let mut words = vec![if kind.is_multiple_of(2) {
        "run"
    } else {
        "create"
    }
    .to_string()];
    let flag = |bit: u8| opts & (1 << bit) != 0;
    if flag(0) {
        words.push("-d".into());
    }
    if flag(1) {
        words.push(format!("--name {name}"));
    }
    if flag(2) {
        words.push(format!("-e A={a}"));
    }
    if flag(3) {
        words.push(format!("-v {volume}:/data"));
    }
    if flag(4) {
        words.push(format!("-p {}:80", 8080 + u16::from(a % 3)));
    }
    if flag(5) {
        words.push("--rm".into());
    }
    if flag(6) {
        words.push(format!("--memory {}m", [6, 64, 512][usize::from(c % 3)]));
    }
    if flag(7) && a.is_multiple_of(2) {
        words.push("--restart on-failure:2".into());
    }
    words.push(image.into());
    match b % 4 {
        0 => {}
        1 => words.push(format!("sh -c '{script}'")),
        2 => words.push("echo hi".into()),
        _ => words.push(format!("sleep {}", c % 10)),
    }
    format!("docker {}", words.join(" "))
}

fn line_from(kind: u8, a: u8, b: u8, c: u8, opts: u8) -> Line {
    let name = pick(NAMES, a);
    let image = pick(IMAGES, b);
    let volume = pick(VOLUMES, c);
    let plain = |text: String| Line { text, context: 0 };
    match kind % 24 {
        0..=3 => plain(run_line(kind, a, b, c, opts)),
        4 => plain(format!("docker start {name}")),
        5 => plain(format!(
            "docker stop {}{name}",
            if a.is_multiple_of(2) { "-t 1 " } else { "" }
        )),
        6 => plain(format!("docker kill {name}")),
        7 => plain(format!(
            "docker rm {}{name}",
            if b.is_multiple_of(2) { "-f " } else { "" }
        )),
        8 => plain(format!("docker exec {name} sh -c '{}'", pick(SCRIPTS, c))),
        9 => plain(format!("docker logs {name}")),
        10 => plain(
            if a.is_multiple_of(2) {
                "docker ps -a"
            } else {
                "docker ps"
            }
            .into(),
        ),
        11 => plain(match a % 4 {
            0 => format!("docker volume create {volume}"),
            1 => format!("docker volume rm {volume}"),
            2 => "docker volume ls".into(),
            _ => format!("docker volume inspect {volume}"),
        }),
        12 => plain(
            if a.is_multiple_of(2) {
                "docker images"
            } else {
                "docker images -a"
            }
            .into(),
        ),
        13 => plain(format!("docker pull {image}")),
        14 => plain(format!(
            "docker tag {image} {}",
            pick(&["app:v2", "mine", "app"], c)
        )),
        15 => plain(format!(
            "docker rmi {}{image}",
            if a.is_multiple_of(2) { "-f " } else { "" }
        )),
        16 | 17 => {
            let context = 1 + usize::from(c) % 4;
            let tag = pick(&["app", "app:v2"], a);
            let no_cache = if b.is_multiple_of(5) {
                " --no-cache"
            } else {
                ""
            };
            Line {
                text: format!("docker build -t {tag}{no_cache} ."),
                context,
            }
        }
        18 => plain("tick 5s".into()),
        19 | 20 => plain(pick(MALFORMED, a).into()),
        21 => plain(match a % 4 {
            0 => format!("docker inspect {name}"),
            1 => format!("docker diff {name}"),
            2 => format!("docker commit {name} snap"),
            _ => format!("docker port {name}"),
        }),
        22 => plain(match a % 5 {
            0 => format!("docker history {image}"),
            1 => "docker system df".into(),
            // The host's own clients on the ports run_line publishes (8080..8082).
            2 => format!("curl -s localhost:{}", 8080 + u16::from(b % 3)),
            3 => format!("wget -qO- 127.0.0.1:{}", 8080 + u16::from(b % 3)),
            _ => format!("docker restart {name}"),
        }),
        _ => plain(format!("docker run --unknown-flag {image}")),
    }
}

fn line() -> impl Strategy<Value = Line> {
    (
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
    )
        .prop_map(|(kind, a, b, c, opts)| line_from(kind, a, b, c, opts))
}

fn sequence() -> impl Strategy<Value = Vec<Line>> {
    prop::collection::vec(line(), 1..25)
}

/// What a run shows: every line's outcome, the trace hash and the state digest.
#[derive(Debug, PartialEq)]
struct Run {
    outcomes: Vec<(String, String, i32, u64, u64)>,
    trace_hash: String,
    state_digest: String,
}

fn summary(outcome: &Outcome) -> (String, String, i32, u64, u64) {
    (
        outcome.stdout.clone(),
        outcome.stderr.clone(),
        outcome.exit_code,
        outcome.first_event,
        outcome.end_event,
    )
}

/// Runs `lines` on `world`, giving every line its build context (the core ignores it for
/// lines that are not builds).
fn feed(world: &mut World, lines: &[Line], contexts: &[BuildContext]) -> Vec<Outcome> {
    lines
        .iter()
        .map(|line| world.run_line(&line.text, &contexts[line.context]))
        .collect()
}

fn run(seed: u64, lines: &[Line], contexts: &[BuildContext]) -> Run {
    let mut world = World::new(seed);
    let outcomes = feed(&mut world, lines, contexts);
    Run {
        outcomes: outcomes.iter().map(summary).collect(),
        trace_hash: world.trace_hash(),
        state_digest: world.state_digest(),
    }
}

/// Replays like `sim` does: a build line gets its context back from JSON, any other line the
/// empty context.
fn replay(world: &mut World, lines: &[Line], contexts: &[BuildContext]) -> Vec<Outcome> {
    let empty = BuildContext::default();
    lines
        .iter()
        .map(|line| {
            if sim_core::command::build_context_request(&line.text).is_some() {
                let json = serde_json::to_string(&contexts[line.context]).unwrap();
                let context: BuildContext = serde_json::from_str(&json).unwrap();
                world.run_line(&line.text, &context)
            } else {
                world.run_line(&line.text, &empty)
            }
        })
        .collect()
}

fn script(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|l| format!("{}  [ctx {}]\n", l.text, l.context))
        .collect()
}

fn config() -> Config {
    Config {
        cases: 40,
        // Failures are reported with the shrunk sequence in the message; no files are written.
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_same_sequence_gives_the_same_run(seed in 0u64..1000, lines in sequence()) {
        let contexts = contexts();
        let first = run(seed, &lines, &contexts);
        let second = run(seed, &lines, &contexts);
        prop_assert_eq!(first, second, "sequence:\n{}", script(&lines));
    }

    #[test]
    fn replay_after_any_split_gives_the_uninterrupted_run(
        seed in 0u64..1000,
        lines in sequence(),
        split in any::<prop::sample::Index>(),
    ) {
        let contexts = contexts();
        let whole = run(seed, &lines, &contexts);
        let split = split.index(lines.len() + 1);
        let (prefix, rest) = lines.split_at(split);

        // The first process: runs the prefix and stops.
        let mut first = World::new(seed);
        feed(&mut first, prefix, &contexts);

        // The next process: replays the prefix into a fresh World, then goes on.
        let mut replayed = World::new(seed);
        replay(&mut replayed, prefix, &contexts);
        prop_assert_eq!(
            replayed.trace_hash(),
            first.trace_hash(),
            "replayed prefix of {} lines differs; sequence:\n{}",
            split,
            script(&lines)
        );
        prop_assert_eq!(replayed.state_digest(), first.state_digest());
        let outcomes = feed(&mut replayed, rest, &contexts);
        prop_assert_eq!(
            outcomes.iter().map(summary).collect::<Vec<_>>(),
            whole.outcomes[split..].to_vec(),
            "outputs after the split at {} differ; sequence:\n{}",
            split,
            script(&lines)
        );
        prop_assert_eq!(
            replayed.trace_hash(),
            whole.trace_hash,
            "split at {}; sequence:\n{}",
            split,
            script(&lines)
        );
        prop_assert_eq!(replayed.state_digest(), whole.state_digest);
    }

    #[test]
    fn worlds_driven_in_lockstep_do_not_see_each_other(
        seeds in (0u64..1000, 0u64..1000),
        a in sequence(),
        b in sequence(),
    ) {
        let contexts = contexts();
        let alone_a = run(seeds.0, &a, &contexts);
        let alone_b = run(seeds.1, &b, &contexts);
        let mut world_a = World::new(seeds.0);
        let mut world_b = World::new(seeds.1);
        for i in 0..a.len().max(b.len()) {
            if let Some(line) = a.get(i) {
                world_a.run_line(&line.text, &contexts[line.context]);
            }
            if let Some(line) = b.get(i) {
                world_b.run_line(&line.text, &contexts[line.context]);
            }
        }
        prop_assert_eq!(world_a.trace_hash(), alone_a.trace_hash, "a:\n{}", script(&a));
        prop_assert_eq!(world_a.state_digest(), alone_a.state_digest);
        prop_assert_eq!(world_b.trace_hash(), alone_b.trace_hash, "b:\n{}", script(&b));
        prop_assert_eq!(world_b.state_digest(), alone_b.state_digest);
    }
}

/// A fixed sequence through every kind of line, so the vocabulary itself is exercised (and
/// replayed at every split) even when the random cases happen to miss some kinds.
#[test]
fn every_kind_of_line_replays_at_every_split() {
    let contexts = contexts();
    let lines: Vec<Line> = (0..48u8)
        .map(|i| {
            line_from(
                i,
                i.wrapping_mul(7),
                i.wrapping_mul(3),
                i,
                i.wrapping_mul(37),
            )
        })
        .collect();
    let whole = run(42, &lines, &contexts);
    assert!(
        whole.outcomes.iter().any(|o| o.2 == 0),
        "nothing succeeded:\n{}",
        script(&lines)
    );
    assert!(
        whole.outcomes.iter().any(|o| o.2 != 0),
        "nothing failed:\n{}",
        script(&lines)
    );
    for split in 0..=lines.len() {
        let mut world = World::new(42);
        replay(&mut world, &lines[..split], &contexts);
        feed(&mut world, &lines[split..], &contexts);
        assert_eq!(world.trace_hash(), whole.trace_hash, "split at {split}");
        assert_eq!(world.state_digest(), whole.state_digest, "split at {split}");
    }
}
