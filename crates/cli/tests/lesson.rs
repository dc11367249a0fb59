//! `sim lesson list|show|check` as a user runs them, on a fresh `--state` directory per test.

use std::fs;
use std::process::{Command, Output};

mod common;
use common::TempDir;

/// Runs `sim --state DIR/state ARGS...` with `LANG` set as given.
fn sim(dir: &TempDir, lang_env: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sim"))
        .arg("--state")
        .arg(dir.path().join("state"))
        .args(args)
        .current_dir(dir.path())
        .env("LANG", lang_env)
        .output()
        .expect("the sim binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn list_shows_every_lesson_in_the_chosen_language() {
    let dir = TempDir::new("list");
    let en = sim(&dir, "C", &["lesson", "list"]);
    assert_eq!(en.status.code(), Some(0), "{}", stderr(&en));
    let text = stdout(&en);
    for id in ["02-containers", "03-images", "04-configuration", "05-data"] {
        assert!(text.contains(id), "{text}");
    }
    assert!(text.contains("What a container is"), "{text}");
    assert!(text.contains("6 steps"), "{text}");
    assert!(
        text.contains("after: 03-images, 04-configuration"),
        "{text}"
    );

    let ko = stdout(&sim(&dir, "ko_KR.UTF-8", &["lesson", "list"]));
    assert!(ko.contains("컨테이너란 무엇인가"), "{ko}");
    let forced = stdout(&sim(
        &dir,
        "ko_KR.UTF-8",
        &["lesson", "list", "--lang", "en"],
    ));
    assert!(forced.contains("What a container is"), "{forced}");
    let bad = sim(&dir, "C", &["lesson", "list", "--lang", "fr"]);
    assert_eq!(bad.status.code(), Some(2), "a usage error");
}

#[test]
fn show_prints_the_prose_and_the_steps() {
    let dir = TempDir::new("show");
    let out = sim(&dir, "C", &["lesson", "show", "03-images"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("# Images and layers"), "{text}");
    assert!(text.contains("1. This step's files"), "{text}");
    assert!(
        text.contains("4. [predict] `hello.txt` has changed"),
        "{text}"
    );
    assert!(
        text.contains("Choose one (sim lesson answer 03-images 3 N):"),
        "{text}"
    );
    assert!(
        !text.contains("Hint:") && !text.contains("$ docker build"),
        "{text}"
    );

    let full = stdout(&sim(
        &dir,
        "C",
        &[
            "lesson",
            "--lang",
            "ko",
            "show",
            "03-images",
            "--hints",
            "--solution",
        ],
    ));
    assert!(full.contains("힌트:"), "{full}");
    assert!(full.contains("$ docker build -t hello ."), "{full}");
    assert!(full.contains("--- Dockerfile ---"), "{full}");
    assert!(full.contains("FROM busybox"), "{full}");

    let missing = sim(&dir, "C", &["lesson", "show", "99-nothing"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing)
            .contains("there is no lesson `99-nothing` (lessons: 01-history, 02-containers"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn check_follows_the_saved_state() {
    let dir = TempDir::new("check");
    let lesson = sim_lessons::catalog()
        .ok()
        .and_then(|c| c.get("02-containers"))
        .cloned()
        .expect("lesson 1 is embedded");
    let steps = lesson.steps.len();
    assert!(steps > 3, "lesson 1 has its steps");
    let before = sim(&dir, "C", &["lesson", "check", "02-containers"]);
    assert_eq!(before.status.code(), Some(1), "nothing is done yet");
    let text = stdout(&before);
    assert!(
        text.contains("✗ 1. Run a container from the `busybox` image"),
        "{text}"
    );
    assert!(text.contains(&format!("0/{steps} steps passed")), "{text}");

    // The first two steps, typed as a learner would.
    let script = dir.path().join("steps.txt");
    fs::write(
        &script,
        "docker run busybox echo hello\ndocker run -d --name box1 busybox sleep 3600\ndocker ps\n",
    )
    .unwrap();
    let ran = sim(&dir, "C", &["script", "-q", "steps.txt"]);
    // A learner who typed more than the step asked before reaching it gains nothing: the
    // first two steps pass, the third is a prediction not answered yet.
    assert_eq!(ran.status.code(), Some(0), "{}", stderr(&ran));
    let partly = sim(&dir, "C", &["lesson", "check", "02-containers"]);
    assert_eq!(partly.status.code(), Some(1));
    let text = stdout(&partly);
    assert!(text.contains("✓ 1."), "{text}");
    assert!(text.contains("✓ 2."), "{text}");
    assert!(text.contains("✗ 3."), "{text}");
    assert!(text.contains("Choose an answer first."), "{text}");
    assert!(text.contains(&format!("2/{steps} steps passed")), "{text}");

    // Answers are typed by number; a wrong one is explained and fails, the right one passes.
    let wrong = sim(&dir, "C", &["lesson", "answer", "02-containers", "3", "1"]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stdout(&wrong).starts_with("Not quite."),
        "{}",
        stdout(&wrong)
    );
    let not_a_question = sim(&dir, "C", &["lesson", "answer", "02-containers", "1", "1"]);
    assert_eq!(not_a_question.status.code(), Some(1));
    for (index, step) in lesson.steps.iter().enumerate() {
        if let Some(right) = step.choices.iter().position(|c| c.correct) {
            let (n, c) = ((index + 1).to_string(), (right + 1).to_string());
            let out = sim(&dir, "C", &["lesson", "answer", "02-containers", &n, &c]);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            assert!(stdout(&out).starts_with("Right."), "{}", stdout(&out));
        }
    }

    // The rest of the lesson's own solutions: everything passes.
    let rest: String = lesson.steps[2..]
        .iter()
        .flat_map(|step| step.solution.iter())
        .map(|line| format!("{line}\n"))
        .collect();
    fs::write(&script, rest).unwrap();
    assert_eq!(
        sim(&dir, "C", &["script", "-q", "--keep-going", "steps.txt"])
            .status
            .code(),
        Some(0)
    );
    let done = sim(&dir, "ko_KR.UTF-8", &["lesson", "check", "02-containers"]);
    assert_eq!(done.status.code(), Some(0), "{}", stdout(&done));
    let text = stdout(&done);
    assert!(!text.contains('✗'), "{text}");
    assert!(
        text.contains(&format!("{steps}/{steps} 단계 통과")),
        "{text}"
    );
}

#[test]
fn every_lesson_can_be_finished_from_the_command_line() {
    let catalog = sim_lessons::catalog().expect("the lessons parse");
    for lesson in &catalog.lessons {
        let dir = TempDir::new(&format!("finish-{}", lesson.id));
        for (index, step) in lesson.steps.iter().enumerate() {
            if let Some(right) = step.choices.iter().position(|c| c.correct) {
                let (n, c) = ((index + 1).to_string(), (right + 1).to_string());
                let out = sim(&dir, "C", &["lesson", "answer", &lesson.id, &n, &c]);
                assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            }
            // A step that edits files: write its files out, apply the solution's edits, and
            // build from that directory as a learner would.
            let context = dir.path().join(format!("step{}", index + 1));
            let has_files = !lesson.build_context_files(index).is_empty();
            if has_files {
                let n = (index + 1).to_string();
                let out = sim(
                    &dir,
                    "C",
                    &["lesson", "files", &lesson.id, &n, context.to_str().unwrap()],
                );
                assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
                for (name, text) in &step.solution_files {
                    fs::write(context.join(name), text).unwrap();
                }
            }
            let lines: String = step
                .solution
                .iter()
                .map(|line| {
                    let line = if has_files {
                        // `-f` is read from the current directory, as docker reads it.
                        let line = line.replace(" .", &format!(" {}", context.display()));
                        match line.contains(" build ") {
                            true => line.replace(" -f ", &format!(" -f {}/", context.display())),
                            false => line,
                        }
                    } else {
                        line.clone()
                    };
                    format!("{line}\n")
                })
                .collect();
            let script = dir.path().join("step.txt");
            fs::write(&script, lines).unwrap();
            sim(&dir, "C", &["script", "-q", "--keep-going", "step.txt"]);
        }
        let done = sim(&dir, "C", &["lesson", "check", &lesson.id]);
        assert_eq!(
            done.status.code(),
            Some(0),
            "{}: {}",
            lesson.id,
            stdout(&done)
        );
    }
}
