use proptest::prelude::*;

use super::*;
use crate::fs::Node;

fn app_files() -> BuildContext {
    BuildContext::from_files([
        ("Dockerfile", "FROM busybox\nCOPY app.txt /\n"),
        ("app.txt", "안녕\n"),
    ])
}

fn sample() -> Scenario {
    Scenario {
        seed: 7,
        steps: vec![
            Step::new("docker build -t app .", Some(app_files())),
            Step::new("docker run --rm app cat /app.txt", None),
        ],
        files: app_files(),
    }
}

/// Every kind of entry a context read from disk can hold.
fn every_kind() -> BuildContext {
    let mut tree = BuildContext::new();
    tree.put("/Dockerfile", Node::file("FROM busybox\n"));
    tree.put("/run.sh", Node::executable("#!/bin/sh\necho hi\n"));
    tree.put("/logo.bin", Node::file(vec![0u8, 159, 146, 150, 255]));
    tree.put("/bell.txt", Node::file("ding\u{7}\n"));
    tree.put("/empty", Node::dir());
    tree.put("/secret", Node::Dir { mode: 0o700 });
    tree.put("/secret/key", Node::file("k"));
    tree.put("/src/deep/app.py", Node::file("print(1)\n"));
    tree.put("/link.conf", Node::symlink("src/deep/app.py"));
    tree
}

#[test]
fn a_scenario_round_trips_through_json() {
    let mut scenario = sample();
    scenario
        .steps
        .push(Step::new("docker build .", Some(every_kind())));
    let json = scenario.to_json();
    assert_eq!(Scenario::from_json(json.as_bytes()), Ok(scenario));
}

#[test]
fn text_files_read_as_themselves_and_the_rest_says_what_it_is() {
    let step = Step::new("docker build .", Some(every_kind()));
    let json: serde_json::Value = serde_json::from_str(&journal::step_line(&step)).unwrap();
    let files = &json["files"];
    assert_eq!(files["Dockerfile"], "FROM busybox\n");
    assert_eq!(files["run.sh"]["mode"], "755");
    assert_eq!(files["logo.bin"]["base64"], "AJ+Slv8=");
    assert!(files["bell.txt"]["base64"].is_string(), "{files}");
    assert_eq!(files["empty"]["dir"], true);
    assert_eq!(files["secret"]["mode"], "700");
    assert_eq!(files["link.conf"]["symlink"], "src/deep/app.py");
    // Directories with the default mode and something inside come back from their contents.
    assert!(
        files.get("src").is_none() && files.get("src/deep").is_none(),
        "{files}"
    );
}

/// A link made by the first web app (format version 1), kept byte for byte.
const VERSION_1_JSON: &str = r#"{"v":1,"seed":7,"steps":[{"line":"docker build -t app .","files":{"Dockerfile":"FROM busybox\nCOPY app.txt /\n","app.txt":"안녕\n"}},{"line":"docker run --rm app cat /app.txt"}],"files":{"Dockerfile":"FROM busybox\nCOPY app.txt /\n","app.txt":"안녕\n"}}"#;

#[test]
fn version_1_scenarios_still_load_and_replay() {
    let scenario = Scenario::from_json(VERSION_1_JSON.as_bytes()).unwrap();
    assert_eq!(scenario, sample());
    let (world, outcomes) = scenario.replay();
    assert_eq!(outcomes.len(), 2);
    assert_eq!(outcomes[0].exit_code, 0, "{}", outcomes[0].stderr);
    assert_eq!(outcomes[1].stdout, "안녕\n");

    // The same lines typed one by one give the same trace.
    let mut typed = World::new(7);
    typed.run_line("docker build -t app .", &app_files());
    typed.run_line("docker run --rm app cat /app.txt", &BuildContext::new());
    assert_eq!(world.trace_hash(), typed.trace_hash());
}

#[test]
fn a_step_builds_with_its_own_files() {
    let mut changed = sample();
    changed.steps[0].files = Some(BuildContext::from_files([
        ("Dockerfile", "FROM busybox\nCOPY app.txt /\n"),
        ("app.txt", "hello\n"),
    ]));
    let (_, outcomes) = changed.replay();
    assert_eq!(outcomes[1].stdout, "hello\n");
}

#[test]
fn newer_and_damaged_scenarios_are_errors_that_say_what_to_do() {
    let newer = br#"{"v":3,"seed":1,"steps":[{"some":"new shape"}]}"#;
    let err = Scenario::from_json(newer).unwrap_err();
    assert_eq!(err, ScenarioError::NewerVersion(3));
    assert!(
        err.to_string().contains("newer version of the simulator"),
        "{err}"
    );

    let json = sample().to_json();
    for cut in [1, json.len() / 2, json.len() - 1] {
        let err = Scenario::from_json(&json.as_bytes()[..cut]).unwrap_err();
        assert!(matches!(err, ScenarioError::Damaged(_)), "{err}");
        assert!(err.to_string().contains("start over"), "{err}");
    }
    for bad in [
        r#"{"v":0,"seed":1}"#,
        r#"{"v":2,"seed":1,"files":{"a":{"text":"x","base64":"eA=="}}}"#,
        r#"{"v":2,"seed":1,"files":{"a":{"text":"x","mode":"999"}}}"#,
        r#"{"v":2,"seed":1,"files":{"a":{"symlink":"b","mode":"777"}}}"#,
        r#"{"v":2,"seed":1,"files":{"a":{"base64":"***"}}}"#,
        r#"{"v":2,"seed":1,"files":{"a":{"colour":"red"}}}"#,
        r#"{"v":2,"seed":1,"files":{"/":"root"}}"#,
        r#"{"v":2,"seed":1,"files":{"a":7}}"#,
    ] {
        let err = Scenario::from_json(bad.as_bytes()).unwrap_err();
        assert!(matches!(err, ScenarioError::Damaged(_)), "{bad}: {err}");
    }
}

#[test]
fn oversized_scenarios_are_refused_before_replay() {
    let long_line = Scenario {
        steps: vec![Step::new("echo ".repeat(MAX_LINE_BYTES), None)],
        ..Scenario::default()
    };
    let err = Scenario::from_json(long_line.to_json().as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("the scenario is too big: command 1 is "),
        "{err}"
    );

    let many = Scenario {
        steps: vec![Step::default(); MAX_STEPS + 1],
        ..Scenario::default()
    };
    assert!(matches!(
        Scenario::from_json(many.to_json().as_bytes()),
        Err(ScenarioError::TooBig { .. })
    ));

    // Too many entries stop the reading itself, before the tree grows further.
    let entries: Vec<String> = (0..=MAX_FILES_ENTRIES)
        .map(|i| format!("\"f{i}\":\"\""))
        .collect();
    let json = format!(r#"{{"v":2,"seed":1,"files":{{{}}}}}"#, entries.join(","));
    let err = Scenario::from_json(json.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("more than 25000 files"), "{err}");
}

#[test]
fn a_journal_reads_back_step_by_step() {
    let scenario = sample();
    let header = journal::header_line(scenario.seed);
    assert_eq!(header, r#"{"v":2,"seed":7}"#);
    assert_eq!(journal::read_header(header.as_bytes()), Ok(7));
    for (index, step) in scenario.steps.iter().enumerate() {
        let line = journal::step_line(step);
        assert!(!line.contains('\n'), "one step, one line: {line}");
        assert_eq!(
            journal::read_step(line.as_bytes(), index + 1).as_ref(),
            Ok(step)
        );
    }
    assert_eq!(
        journal::read_header(br#"{"v":9,"seed":1}"#),
        Err(ScenarioError::NewerVersion(9))
    );
    assert!(journal::read_step(br#"{"line":"docker ps","files":[1]}"#, 1).is_err());
}

fn arbitrary_node() -> impl Strategy<Value = Node> {
    prop_oneof![
        (
            proptest::collection::vec(any::<u8>(), 0..40),
            0u32..0o7777,
            0u64..3
        )
            .prop_map(|(data, mode, filler)| Node::File { data, mode, filler }),
        ("[a-z\n\"\\\\é]{0,20}", 0u32..0o7777).prop_map(|(text, mode)| Node::File {
            data: text.into_bytes(),
            mode,
            filler: 0
        }),
        (0u32..0o7777).prop_map(|mode| Node::Dir { mode }),
        "[a-z/.]{0,12}".prop_map(Node::symlink),
    ]
}

proptest! {
    #[test]
    fn any_context_round_trips(entries in proptest::collection::vec(
        ("[a-c]{1,2}(/[a-c]{1,2}){0,2}", arbitrary_node()), 0..12)
    ) {
        let mut tree = BuildContext::new();
        for (name, node) in entries {
            tree.put(&format!("/{name}"), node);
        }
        let step = Step::new("docker build .", Some(tree));
        let read = journal::read_step(journal::step_line(&step).as_bytes(), 1);
        prop_assert_eq!(read, Ok(step));
    }
}
