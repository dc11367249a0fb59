//! Embeds every lesson folder under `lessons/` (at the workspace root) into the crate, so that
//! adding a folder adds a lesson and the library itself never reads a file at run time (it also
//! runs in the browser).
//!
//! A lesson folder is a directory whose name starts with a digit (`02-containers`); a missing
//! `lesson.toml`, `ko.md` or `en.md` is embedded as empty text, and parsing then names the file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const FILES: [&str; 3] = ["lesson.toml", "ko.md", "en.md"];

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let lessons = manifest_dir.join("..").join("..").join("lessons");
    // A directory here makes cargo rebuild when anything inside it changes.
    println!("cargo:rerun-if-changed={}", lessons.display());
    println!("cargo:rerun-if-changed=build.rs");

    let mut dirs: Vec<(String, PathBuf)> = match std::fs::read_dir(&lessons) {
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

    // The TOML text itself is embedded only when the crate parses TOML at run time.
    let keep_toml = std::env::var_os("CARGO_FEATURE_TOML").is_some();
    let mut code = String::from(
        "/// The lesson folders found under `lessons/` when this crate was built, in name order.\n\
         pub(crate) static EMBEDDED: &[crate::LessonSource<'static>] = &[\n",
    );
    let mut html = String::from(
        "/// Each embedded lesson's texts rendered from Markdown to HTML (same order).\n\
         pub(crate) static EMBEDDED_HTML: &[crate::lesson::HtmlSource] = &[\n",
    );
    let mut json = String::from(
        "/// Each embedded lesson.toml as JSON (same order), or why TOML could not read it.\n\
         pub(crate) static EMBEDDED_JSON: &[Result<&str, &str>] = &[\n",
    );
    for (name, path) in &dirs {
        let [toml, ko, en] = FILES.map(|file| embed(&path.join(file)));
        let toml = if keep_toml { toml } else { "\"\"".to_string() };
        let _ = writeln!(
            code,
            "    crate::LessonSource {{ dir: {name:?}, toml: {toml}, ko: {ko}, en: {en} }},"
        );
        let _ = writeln!(json, "    {},", toml_as_json(&path.join(FILES[0])));
        let _ = writeln!(html, "    {},", rendered(path));
    }
    code.push_str("];\n");
    json.push_str("];\n");
    html.push_str("];\n");
    code.push_str(&json);
    code.push_str(&html);

    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("embedded.rs");
    if let Err(e) = std::fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
}

/// `include_str!("...")` for a file that exists, `""` otherwise.
fn embed(path: &Path) -> String {
    if path.is_file() {
        let absolute = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        format!("include_str!({:?})", absolute.display().to_string())
    } else {
        "\"\"".to_string()
    }
}

/// `Ok("<json>")` for a lesson.toml TOML can read (as a Rust literal), `Err("<why>")` otherwise;
/// a missing file is `Ok("")`, which parsing reports by name.
fn toml_as_json(path: &Path) -> String {
    let Ok(text) = std::fs::read_to_string(path) else {
        return "Ok(\"\")".to_string();
    };
    match toml::from_str::<toml::Value>(&text) {
        Ok(value) => format!(
            "Ok({:?})",
            serde_json::to_string(&value).unwrap_or_default()
        ),
        Err(e) => format!("Err({:?})", e.to_string().trim_end()),
    }
}

fn to_html(markdown: &str) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(markdown, Options::ENABLE_TABLES));
    out
}

/// `crate::lesson::HtmlSource { .. }` for a lesson folder: its prose and every step's prompt
/// and hint as HTML (empty where the text is missing; parsing reports that).
fn rendered(dir: &Path) -> String {
    let prose = ["ko.md", "en.md"]
        .map(|f| to_html(&std::fs::read_to_string(dir.join(f)).unwrap_or_default()));
    let value = std::fs::read_to_string(dir.join(FILES[0]))
        .ok()
        .and_then(|text| toml::from_str::<toml::Value>(&text).ok());
    let steps = value
        .as_ref()
        .and_then(|v| v.get("steps"))
        .and_then(|s| s.as_array())
        .cloned()
        .unwrap_or_default();
    let pair = |step: &toml::Value, field: &str| {
        let text = |lang: &str| {
            step.get(field)
                .and_then(|f| f.get(lang))
                .and_then(|t| t.as_str())
                .map(to_html)
                .unwrap_or_default()
        };
        format!("({:?}, {:?})", text("ko"), text("en"))
    };
    let prompts: Vec<String> = steps.iter().map(|s| pair(s, "prompt")).collect();
    let hints: Vec<String> = steps.iter().map(|s| pair(s, "hint")).collect();
    let whys: Vec<String> = steps.iter().map(|s| pair(s, "why")).collect();
    // Per step, per choice: (text, why), each a (ko, en) pair.
    let choices: Vec<String> = steps
        .iter()
        .map(|s| {
            let list = s.get("choices").and_then(|c| c.as_array());
            let each: Vec<String> = list
                .map(|l| l.as_slice())
                .unwrap_or_default()
                .iter()
                .map(|c| format!("({}, {})", pair(c, "text"), pair(c, "why")))
                .collect();
            format!("&[{}]", each.join(", "))
        })
        .collect();
    format!(
        "crate::lesson::HtmlSource {{ prose: ({:?}, {:?}), prompts: &[{}], hints: &[{}], whys: &[{}], choices: &[{}] }}",
        prose[0],
        prose[1],
        prompts.join(", "),
        hints.join(", "),
        whys.join(", "),
        choices.join(", ")
    )
}
