//! Broken lesson files give an error that names the file and the problem.

use sim_lessons::{parse_catalog, parse_lesson, LessonError, LessonSource};

const PROSE_KO: &str = "# 연습\n\n본문.\n";
const PROSE_EN: &str = "# Practice\n\nText.\n";

fn parse(dir: &str, toml: &str) -> Result<sim_lessons::Lesson, LessonError> {
    parse_lesson(dir, toml, PROSE_KO, PROSE_EN)
}

fn error(dir: &str, toml: &str) -> String {
    match parse(dir, toml) {
        Ok(_) => panic!("the broken lesson parsed"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_valid_fixture_parses() {
    let lesson = parse("90-valid", include_str!("fixtures/valid.toml")).expect("valid");
    assert_eq!(lesson.steps.len(), 1);
    assert_eq!(lesson.prose.en, PROSE_EN);
}

#[test]
fn bad_toml_names_the_file_and_the_line() {
    let message = error("90-broken", include_str!("fixtures/bad_syntax.toml"));
    assert!(
        message.starts_with("lessons/90-broken/lesson.toml: "),
        "{message}"
    );
    assert!(message.contains("line 3"), "{message}");
}

#[test]
fn a_missing_language_is_named() {
    let message = error("90-broken", include_str!("fixtures/missing_korean.toml"));
    assert_eq!(
        message,
        "lessons/90-broken/lesson.toml: step 1 prompt has no Korean text (`ko` is missing or empty)"
    );
    let missing_md = parse_lesson(
        "90-valid",
        include_str!("fixtures/valid.toml"),
        PROSE_KO,
        " ",
    );
    assert_eq!(
        missing_md.map_err(|e| e.to_string()).err().as_deref(),
        Some("lessons/90-valid/en.md: the file is missing or empty")
    );
}

#[test]
fn an_unknown_check_kind_is_named() {
    let message = error("90-broken", include_str!("fixtures/unknown_check.toml"));
    assert!(
        message.starts_with("lessons/90-broken/lesson.toml: "),
        "{message}"
    );
    assert!(message.contains("pod_running"), "{message}");
    assert!(
        message.contains("container"),
        "lists the known kinds: {message}"
    );
}

#[test]
fn an_unknown_check_field_is_named() {
    let message = error("90-broken", include_str!("fixtures/unknown_field.toml"));
    assert!(message.contains("imge"), "{message}");
}

#[test]
fn an_unknown_prerequisite_is_named() {
    let valid = include_str!("fixtures/valid.toml");
    let broken = include_str!("fixtures/unknown_prerequisite.toml");
    let sources = [
        LessonSource {
            dir: "90-valid",
            toml: valid,
            ko: PROSE_KO,
            en: PROSE_EN,
        },
        LessonSource {
            dir: "90-broken",
            toml: broken,
            ko: PROSE_KO,
            en: PROSE_EN,
        },
    ];
    let message = parse_catalog(&sources).map(|_| ()).unwrap_err().to_string();
    assert_eq!(
        message,
        "lessons/90-broken/lesson.toml: prerequisite `89-nowhere` is not a lesson (known: 90-valid, 90-broken)"
    );
}

#[test]
fn a_prerequisite_cycle_is_named() {
    let lesson = |id: &str, needs: &str| {
        include_str!("fixtures/valid.toml")
            .replace("90-valid", id)
            .replace(
                "prerequisites = []",
                &format!("prerequisites = [\"{needs}\"]"),
            )
    };
    let (a, b) = (lesson("91-a", "92-b"), lesson("92-b", "91-a"));
    let sources = [
        LessonSource {
            dir: "91-a",
            toml: &a,
            ko: PROSE_KO,
            en: PROSE_EN,
        },
        LessonSource {
            dir: "92-b",
            toml: &b,
            ko: PROSE_KO,
            en: PROSE_EN,
        },
    ];
    let error = parse_catalog(&sources).map(|_| ()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "lessons/: the prerequisites form a cycle: 91-a -> 92-b -> 91-a"
    );
}

#[test]
fn id_and_folder_must_agree_and_ids_be_unique() {
    let valid = include_str!("fixtures/valid.toml");
    let message = error("91-elsewhere", valid);
    assert!(
        message.contains("differs from its folder name"),
        "{message}"
    );
    let sources = [
        LessonSource {
            dir: "90-valid",
            toml: valid,
            ko: PROSE_KO,
            en: PROSE_EN,
        },
        LessonSource {
            dir: "90-valid",
            toml: valid,
            ko: PROSE_KO,
            en: PROSE_EN,
        },
    ];
    assert!(matches!(
        parse_catalog(&sources),
        Err(LessonError::DuplicateId { .. })
    ));
}

#[test]
fn invalid_check_values_are_refused() {
    let valid = include_str!("fixtures/valid.toml");
    let cases = [
        (
            r#"check = { kind = "event", event = "container_vanished" }"#,
            "unknown event `container_vanished`",
        ),
        (
            r#"check = { kind = "host_file", path = "srv/x" }"#,
            "must be an absolute path",
        ),
        (
            r#"check = { kind = "all", checks = [] }"#,
            "at least one check",
        ),
        (
            r#"check = { kind = "container", count = 1, at_least = 2 }"#,
            "not both",
        ),
        (
            r#"check = { kind = "container", state = "sleeping" }"#,
            "sleeping",
        ),
    ];
    for (check, expected) in cases {
        let toml = valid.replace(
            r#"check = { kind = "container", image = "busybox" }"#,
            check,
        );
        let message = error("90-valid", &toml);
        assert!(message.contains(expected), "{check}: {message}");
        assert!(
            message.starts_with("lessons/90-valid/lesson.toml: "),
            "{message}"
        );
    }
}

#[test]
fn empty_input_is_an_error_not_a_panic() {
    assert_eq!(
        error("90-x", ""),
        "lessons/90-x/lesson.toml: the file is missing or empty"
    );
    for junk in ["\u{0}", "[[steps]]", "id = 1", "x = [", "steps = 3"] {
        assert!(parse("90-x", junk).is_err(), "{junk:?}");
    }
}
