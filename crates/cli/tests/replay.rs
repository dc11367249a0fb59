//! Persistence by journal replay, end to end: a sequence of commands run one `sim` process per
//! line (each process replays the journal, runs its line and appends it) must end in the state
//! that running all the lines in one `sim script` process gives.
//!
//! The sequences come from a small seeded generator, so every run tests the same few cases;
//! each line spawns the binary, so the cases are few and short.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::TempDir;

/// `sim --state DIR --seed SEED ARGS...`, run in `cwd`.
fn sim(cwd: &Path, state: &Path, seed: u64, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sim"))
        .arg("--state")
        .arg(state)
        .arg("--seed")
        .arg(seed.to_string())
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the sim binary runs")
}

fn hash(cwd: &Path, state: &Path, seed: u64) -> String {
    let output = sim(cwd, state, seed, &["hash"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// xorshift64*: enough randomness to pick words, the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

/// One line: `tick 5s`, or the words after `docker`.
#[derive(Debug)]
enum Line {
    Tick,
    Docker(Vec<String>),
}

impl Line {
    /// The line as `sim script` reads it, quoted as `sim docker` would join the words.
    fn script_line(&self) -> String {
        match self {
            Line::Tick => "tick 5s".to_string(),
            Line::Docker(words) => {
                shlex::try_join(std::iter::once("docker").chain(words.iter().map(String::as_str)))
                    .unwrap()
            }
        }
    }
}

fn random_line(rng: &mut Rng) -> Line {
    let names = ["web", "db", "job"];
    let images = ["busybox", "alpine", "nginx", "busybox", "app", "nosuch"];
    let scripts = [
        "echo hello",
        "echo a  b; exit 3",
        "sleep 30",
        "echo $A > /data/out; cat /data/out",
        "while true; do echo tick; sleep 1; done",
    ];
    let words: Vec<&str> = match rng.below(14) {
        0..=2 => {
            let mut words = vec!["run"];
            if rng.below(2) == 0 {
                words.push("-d");
            }
            if rng.below(2) == 0 {
                words.extend(["--name", rng.pick(&names)]);
            }
            if rng.below(3) == 0 {
                words.extend(["-e", "A=1 2"]);
            }
            if rng.below(3) == 0 {
                words.extend(["-v", rng.pick(&["data:/data", "cache:/data"])]);
            }
            if rng.below(4) == 0 {
                words.extend(["-p", "8080:80"]);
            }
            if rng.below(4) == 0 {
                words.push("--rm");
            }
            words.push(rng.pick(&images));
            if rng.below(2) == 0 {
                words.extend(["sh", "-c", rng.pick(&scripts)]);
            }
            words
        }
        3 => vec!["create", "--name", rng.pick(&names), rng.pick(&images)],
        4 => vec![rng.pick(&["start", "stop", "kill", "rm"]), rng.pick(&names)],
        5 => vec!["rm", "-f", rng.pick(&names)],
        6 => vec!["exec", rng.pick(&names), "sh", "-c", rng.pick(&scripts)],
        7 => vec![rng.pick(&["logs", "inspect", "diff"]), rng.pick(&names)],
        8 => vec![rng.pick(&["ps", "images", "volume"]), "-a"],
        9 => vec![
            "volume",
            rng.pick(&["create", "rm"]),
            rng.pick(&["data", "cache"]),
        ],
        10 => vec![
            "build",
            "-t",
            rng.pick(&["app", "app:v2"]),
            rng.pick(&["ctx", "ctx", "missing-dir"]),
        ],
        11 => vec![rng.pick(&["pull", "rmi"]), rng.pick(&images)],
        12 => return Line::Tick,
        _ => rng
            .pick(&[
                "rn busybox",
                "run --nmae x busybox",
                "ps --bogus",
                "tag busybox Bad:Name",
                "stop",
            ])
            .split(' ')
            .collect(),
    };
    Line::Docker(words.into_iter().map(String::from).collect())
}

#[test]
fn one_process_per_line_ends_where_one_script_ends() {
    let dir = TempDir::new("lines");
    let ctx = dir.path().join("ctx");
    fs::create_dir_all(ctx.join("conf")).unwrap();
    fs::write(
        ctx.join("Dockerfile"),
        "FROM busybox\nCOPY conf /conf\nRUN cat /conf/app.conf > /ready\nCMD [\"cat\", \"/ready\"]\n",
    )
    .unwrap();
    fs::write(ctx.join("conf/app.conf"), "port=80\n").unwrap();

    for case in 0..8u64 {
        let seed = 1000 + case;
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (case + 1));
        let lines: Vec<Line> = (0..8).map(|_| random_line(&mut rng)).collect();
        let listing: String = lines.iter().map(|l| l.script_line() + "\n").collect();

        let separate = dir.path().join(format!("separate-{case}"));
        for line in &lines {
            let output = match line {
                Line::Tick => {
                    let file = dir.path().join("tick.sim");
                    fs::write(&file, "tick 5s\n").unwrap();
                    sim(
                        dir.path(),
                        &separate,
                        seed,
                        &["script", "--quiet", "tick.sim"],
                    )
                }
                Line::Docker(words) => {
                    let mut args = vec!["docker"];
                    args.extend(words.iter().map(String::as_str));
                    sim(dir.path(), &separate, seed, &args)
                }
            };
            // Any exit code is fine (failing lines are part of the test); a crash is not.
            assert!(
                output.status.code().is_some(),
                "sim was killed on {line:?}\n{listing}"
            );
        }

        let together = dir.path().join(format!("together-{case}"));
        let script = dir.path().join(format!("case-{case}.sim"));
        fs::write(&script, &listing).unwrap();
        let output = sim(
            dir.path(),
            &together,
            seed,
            &[
                "script",
                "--quiet",
                "--keep-going",
                script.to_str().unwrap(),
            ],
        );
        assert!(output.status.code().is_some(), "{listing}");

        assert_eq!(
            hash(dir.path(), &separate, seed),
            hash(dir.path(), &together, seed),
            "case {case} (seed {seed}): one process per line and one script differ:\n{listing}"
        );
        // The journals record the same lines (and build contexts) in both ways.
        let journal = |state: &Path| fs::read_to_string(state.join("journal.jsonl")).ok();
        assert_eq!(journal(&separate), journal(&together), "{listing}");
    }
}
