//! The browser reads the lessons from JSON the build script made of each lesson.toml; the CLI
//! parses the TOML. Both must give the very same lessons.
#![cfg(feature = "toml")]

#[test]
fn the_build_time_json_gives_the_same_lessons_as_the_toml() {
    let from_toml = sim_lessons::catalog().expect("the embedded lessons parse");
    let from_json = sim_lessons::prebuilt_catalog().expect("their JSON parses");
    assert!(!from_toml.lessons.is_empty());
    assert_eq!(&from_json, from_toml);
}

#[test]
fn a_toml_error_found_at_build_time_is_reported_with_the_file() {
    let error = sim_lessons::parse_lesson_json("09-x", Err("expected `=`, at line 3"), "ko", "en")
        .expect_err("an error");
    let text = error.to_string();
    assert!(
        text.contains("lessons/09-x/lesson.toml") && text.contains("line 3"),
        "{text}"
    );
    let error = sim_lessons::parse_lesson_json("09-x", Ok("{\"id\": 1"), "ko", "en")
        .expect_err("broken JSON is an error, not a panic");
    assert!(error.to_string().contains("lessons/09-x/lesson.toml"));
}

#[test]
fn every_embedded_text_has_build_time_html_in_both_languages() {
    let catalog = sim_lessons::catalog().expect("the embedded lessons parse");
    for lesson in &catalog.lessons {
        let html = &lesson.html;
        assert_eq!(html.prompts.len(), lesson.steps.len(), "{}", lesson.id);
        assert_eq!(html.hints.len(), lesson.steps.len(), "{}", lesson.id);
        let texts = std::iter::once(&html.prose)
            .chain(&html.prompts)
            .chain(&html.hints);
        for text in texts {
            for lang in sim_lessons::Lang::ALL {
                let html = text.get(lang);
                assert!(
                    html.starts_with('<') && html.trim_end().ends_with('>'),
                    "{}: {html}",
                    lesson.id
                );
            }
        }
        // Markdown became markup: inline code in a prompt is a <code> element.
        let markdown_code = lesson.steps.iter().any(|s| s.prompt.en.contains('`'));
        let html_code = html.prompts.iter().any(|p| p.en.contains("<code>"));
        assert_eq!(markdown_code, html_code, "{}", lesson.id);
    }
}
