//! The lesson folders as the build reads them, shared by build.rs (which embeds them in the
//! crate) and lessons-export (which writes the texts beside the web bundle, for the browser to
//! fetch when a lesson opens). Markdown becomes HTML here, once, so no front parses Markdown.

use std::path::{Path, PathBuf};

/// The lesson folders under `root` (names starting with a digit), in name order.
pub fn lesson_dirs(root: &Path) -> Vec<(String, PathBuf)> {
    let mut dirs: Vec<(String, PathBuf)> = match std::fs::read_dir(root) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.path().is_dir())
            .filter_map(|e| {
                let name = e.file_name().to_str()?.to_string();
                name.starts_with(|c: char| c.is_ascii_digit())
                    .then_some((name, e.path()))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    dirs.sort();
    dirs
}

/// A folder's lesson.toml, if TOML can read it.
pub fn lesson_value(dir: &Path) -> Option<toml::Value> {
    let text = std::fs::read_to_string(dir.join("lesson.toml")).ok()?;
    toml::from_str::<toml::Value>(&text).ok()
}

/// The step fields that are prose; the browser build leaves them out of the wasm.
const STEP_TEXTS: [&str; 3] = ["prompt", "hint", "why"];
const CHOICE_TEXTS: [&str; 2] = ["text", "why"];

/// A lesson.toml without its prose: every step's prompt, hint and why and every choice's text
/// and why become empty tables, so the structure (kinds, checks, solutions, files) parses alone.
pub fn without_texts(mut value: toml::Value) -> toml::Value {
    let empty = || toml::Value::Table(toml::map::Map::new());
    let steps = value.get_mut("steps").and_then(|s| s.as_array_mut());
    for step in steps.into_iter().flatten() {
        let Some(step) = step.as_table_mut() else {
            continue;
        };
        for field in STEP_TEXTS {
            if step.contains_key(field) {
                step.insert(field.to_string(), empty());
            }
        }
        let choices = step.get_mut("choices").and_then(|c| c.as_array_mut());
        for choice in choices
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_table_mut())
        {
            for field in CHOICE_TEXTS {
                if choice.contains_key(field) {
                    choice.insert(field.to_string(), empty());
                }
            }
        }
    }
    value
}

fn to_html(markdown: &str) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(markdown, Options::ENABLE_TABLES));
    out
}

/// A lesson folder's prose and every step's prompt, hint, why and choices as HTML, in the JSON
/// shape of sim-lessons' `LessonHtml` (empty where a text is missing; parsing reports that).
pub fn html_json(dir: &Path) -> String {
    use serde_json::{json, Value};
    let prose = ["ko.md", "en.md"]
        .map(|f| to_html(&std::fs::read_to_string(dir.join(f)).unwrap_or_default()));
    let value = lesson_value(dir);
    let steps = value
        .as_ref()
        .and_then(|v| v.get("steps"))
        .and_then(|s| s.as_array())
        .cloned()
        .unwrap_or_default();
    let pair = |item: &toml::Value, field: &str| {
        let text = |lang: &str| {
            item.get(field)
                .and_then(|f| f.get(lang))
                .and_then(|t| t.as_str())
                .map(to_html)
                .unwrap_or_default()
        };
        json!({ "ko": text("ko"), "en": text("en") })
    };
    let each = |field: &str| -> Vec<Value> { steps.iter().map(|s| pair(s, field)).collect() };
    let choices: Vec<Value> = steps
        .iter()
        .map(|s| {
            let list = s.get("choices").and_then(|c| c.as_array());
            let each: Vec<Value> = list
                .map(|l| l.as_slice())
                .unwrap_or_default()
                .iter()
                .map(|c| json!([pair(c, "text"), pair(c, "why")]))
                .collect();
            Value::Array(each)
        })
        .collect();
    json!({
        "prose": { "ko": prose[0], "en": prose[1] },
        "prompts": each("prompt"),
        "hints": each("hint"),
        "whys": each("why"),
        "choices": choices,
    })
    .to_string()
}
