//! The browser build embeds each lesson's structure without its prose and fetches the texts
//! (lessons-export's JSON) when a lesson opens. Together they must give the whole lesson.
#![cfg(feature = "toml")]

#[allow(dead_code)] // the build script's other half
#[path = "../render.rs"]
mod render;

use sim_lessons::{Lang, Lesson, LessonError, LessonHtml, Localized};
use std::path::Path;

fn folders() -> Vec<(String, std::path::PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let dirs = render::lesson_dirs(&root);
    assert!(dirs.len() >= 3, "lesson folders under {}", root.display());
    dirs
}

/// `lesson` with every text the browser fetches emptied.
fn without_texts(lesson: &Lesson) -> Lesson {
    let mut lesson = lesson.clone();
    lesson.prose = Localized::default();
    lesson.html = LessonHtml::default();
    for step in &mut lesson.steps {
        step.prompt = Localized::default();
        step.hint = Localized::default();
        step.why = Localized::default();
        for choice in &mut step.choices {
            choice.text = Localized::default();
            choice.why = Localized::default();
        }
    }
    lesson
}

fn structure_json(dir: &Path) -> String {
    let value = render::lesson_value(dir).expect("lesson.toml reads");
    serde_json::to_string(&render::without_texts(value)).expect("JSON")
}

#[test]
fn structure_and_fetched_text_together_are_the_whole_lesson() {
    let catalog = sim_lessons::catalog().expect("the embedded lessons parse");
    for (name, dir) in folders() {
        let full = catalog.get(&name).expect("in the catalog");
        let json = structure_json(&dir);
        let first_prompt = &full.steps[0].prompt.en;
        assert!(
            !json.contains(first_prompt.as_str()),
            "{name}: no prose in the wasm's part"
        );
        let structure = sim_lessons::parse_lesson_structure_json(&name, Ok(&json))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(structure, without_texts(full), "{name}");

        let fetched: LessonHtml = serde_json::from_str(&render::html_json(&dir))
            .unwrap_or_else(|e| panic!("{name}: the exported text reads as LessonHtml: {e}"));
        assert_eq!(&fetched, &full.html, "{name}");
        assert_eq!(fetched.prompts.len(), structure.steps.len(), "{name}");
        assert!(!fetched.prose.get(Lang::Ko).is_empty(), "{name}");
    }
}

#[test]
fn a_lesson_with_texts_still_needs_them() {
    let (name, dir) = folders().remove(0);
    let json = structure_json(&dir);
    let error = sim_lessons::parse_lesson_json(&name, Ok(&json), "# ko", "# en")
        .expect_err("empty prompts are refused where texts are expected");
    assert!(matches!(error, LessonError::MissingText { .. }), "{error}");
}
