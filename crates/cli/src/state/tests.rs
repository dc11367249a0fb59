use super::*;
use sim_core::fs::Node;
use sim_core::scenario::MAX_LINE_BYTES;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sim-state-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

#[test]
fn replay_gives_the_same_trace() {
    let dir = temp_dir("replay");
    let mut state = State::open(&dir, Some(7)).unwrap();
    let mut context = BuildContext::new();
    context.put("/Dockerfile", Node::file("FROM busybox\n"));
    let (_, saved) = state.run("docker ps", None);
    saved.unwrap();
    let (_, saved) = state.run("docker build -t app .", Some(context));
    saved.unwrap();
    let hash = state.world().trace_hash();
    let events = state.world().events().len();

    let again = State::open(&dir, None).unwrap();
    assert_eq!(again.seed(), 7);
    assert_eq!(again.world().trace_hash(), hash);
    assert_eq!(again.world().events().len(), events);
    assert_eq!(again.ran(), 2);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_cut_off_last_line_is_reported_and_kept() {
    let dir = temp_dir("cut");
    let mut state = State::open(&dir, None).unwrap();
    state.run("docker ps", None).1.unwrap();
    let journal = dir.join(JOURNAL_FILE);
    let mut text = fs::read_to_string(&journal).unwrap();
    text.push_str("{\"line\": \"docker p");
    fs::write(&journal, &text).unwrap();
    let err = State::open(&dir, None).err().unwrap().to_string();
    assert!(
        err.starts_with("state journal is damaged at line 3:"),
        "{err}"
    );
    assert!(err.contains(&journal.display().to_string()), "{err}");
    assert_eq!(fs::read_to_string(&journal).unwrap(), text);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn appending_after_a_line_without_newline_starts_a_new_line() {
    let dir = temp_dir("newline");
    let mut state = State::open(&dir, None).unwrap();
    state.run("docker ps", None).1.unwrap();
    let journal = dir.join(JOURNAL_FILE);
    let text = fs::read_to_string(&journal).unwrap();
    fs::write(&journal, text.trim_end()).unwrap();
    let mut state = State::open(&dir, None).unwrap();
    state.run("docker images", None).1.unwrap();
    let state = State::open(&dir, None).unwrap();
    assert_eq!(state.ran(), 2);
    fs::remove_dir_all(&dir).unwrap();
}

/// A journal written by the first `sim` (seed 5: a build of a context with an executable, a
/// directory and a symlink, then a run, a volume and `ps -a`).
const OLD_JOURNAL: &str = include_str!("../../tests/fixtures/journal-v1.jsonl");

/// The context directory that journal's build read, as the loader reads it.
fn old_context() -> BuildContext {
    let mut tree = BuildContext::new();
    tree.put(
        "/Dockerfile",
        Node::file("FROM busybox\nCOPY . /app\nRUN /app/run.sh\n"),
    );
    tree.put("/conf", Node::dir());
    tree.put("/conf/app.conf", Node::file("port=80\n"));
    tree.put("/link.conf", Node::symlink("conf/app.conf"));
    tree.put(
        "/run.sh",
        Node::executable("#!/bin/sh\necho built > /built\n"),
    );
    tree
}

#[test]
fn a_journal_of_the_first_format_replays_and_is_rewritten_on_the_next_line() {
    let dir = temp_dir("v1");
    fs::create_dir_all(&dir).unwrap();
    let journal = dir.join(JOURNAL_FILE);
    fs::write(&journal, OLD_JOURNAL).unwrap();

    let mut typed = State::open(&temp_dir("v1-typed"), Some(5)).unwrap();
    for (line, context) in [
        ("docker build -t app ctx", Some(old_context())),
        (
            "docker run --name one app cat /app/conf/app.conf /built",
            None,
        ),
        ("docker volume create data", None),
        ("docker ps -a", None),
    ] {
        typed.run(line, context).1.unwrap();
    }

    let mut old = State::open(&dir, None).unwrap();
    assert_eq!((old.seed(), old.ran()), (5, 4));
    assert_eq!(old.world().trace_hash(), typed.world().trace_hash());
    // Opening reads only; the next line rewrites the journal in the current format.
    assert_eq!(fs::read_to_string(&journal).unwrap(), OLD_JOURNAL);
    old.run("docker images", None).1.unwrap();
    typed.run("docker images", None).1.unwrap();
    let text = fs::read_to_string(&journal).unwrap();
    assert!(text.starts_with("{\"v\":2,\"seed\":5}\n"), "{text}");
    assert_eq!(text.lines().count(), 6, "{text}");

    let again = State::open(&dir, None).unwrap();
    assert_eq!(again.ran(), 5);
    assert_eq!(again.world().trace_hash(), typed.world().trace_hash());
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(temp_dir("v1-typed")).ok();
}

#[test]
fn unreadable_journals_name_the_file_and_say_to_reset() {
    let dir = temp_dir("unreadable");
    fs::create_dir_all(&dir).unwrap();
    let journal = dir.join(JOURNAL_FILE);
    for (text, start) in [
        ("not json\n", "state journal is damaged at line 1:"),
        ("{\"v\":9,\"seed\":1}\n", "state journal "),
        (
            "{\"version\":3,\"seed\":1}\n",
            "state journal is damaged at line 1:",
        ),
        (
            "{\"v\":2,\"seed\":1}\n{\"line\":\"docker ps\",\"files\":{\"a\":{\"mode\":\"x\"}}}\n",
            "state journal is damaged at line 2:",
        ),
        (
            "{\"version\":1,\"seed\":1}\n{\"line\":\"docker ps\",\"files\":{}}\n",
            "state journal is damaged at line 2:",
        ),
    ] {
        fs::write(&journal, text).unwrap();
        let err = State::open(&dir, None).err().unwrap().to_string();
        assert!(err.starts_with(start), "{text}: {err}");
        assert!(err.contains(&journal.display().to_string()), "{err}");
        assert!(err.contains("run `sim reset`"), "{err}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_line_the_journal_could_not_load_again_is_refused_before_it_runs() {
    let dir = temp_dir("refused");
    let mut state = State::open(&dir, None).unwrap();
    state.run("docker volume create a", None).1.unwrap();
    let events = state.world().events().len();
    let long = format!("docker volume create {}", "b".repeat(MAX_LINE_BYTES));
    let (outcome, saved) = state.run(&long, None);
    saved.unwrap();
    assert_eq!(outcome.exit_code, 1);
    assert!(
        outcome
            .stderr
            .starts_with("sim: not run: the scenario is too big: command 2 is "),
        "{}",
        outcome.stderr
    );
    assert_eq!(state.world().events().len(), events, "nothing ran");
    let again = State::open(&dir, None).unwrap();
    assert_eq!(again.ran(), 1);
    fs::remove_dir_all(&dir).unwrap();
}
