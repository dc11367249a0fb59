//! Embeds every lesson folder under `lessons/` (at the workspace root) into the crate, so that
//! adding a folder adds a lesson and the library itself never reads a file at run time (it also
//! runs in the browser).
//!
//! A lesson folder is a directory whose name starts with a digit (`02-containers`); a missing
//! `lesson.toml`, `ko.md` or `en.md` is embedded as empty text, and parsing then names the file.
//! Without the `text` feature (the browser build) only each lesson's structure is embedded:
//! titles, kinds, checks, solutions and files; the web app fetches the prose when a lesson
//! opens (lessons-export writes it next to the bundle).

#[path = "render.rs"]
mod render;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let lessons = manifest_dir.join("..").join("..").join("lessons");
    // A directory here makes cargo rebuild when anything inside it changes.
    println!("cargo:rerun-if-changed={}", lessons.display());
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=render.rs");

    // The TOML text itself is embedded only when the crate parses TOML at run time.
    let keep_toml = std::env::var_os("CARGO_FEATURE_TOML").is_some();
    let keep_text = std::env::var_os("CARGO_FEATURE_TEXT").is_some();
    let mut code = String::from(
        "/// The lesson folders found under `lessons/` when this crate was built, in name order.\n\
         pub(crate) static EMBEDDED: &[crate::LessonSource<'static>] = &[\n",
    );
    let mut html = String::from(
        "/// Each embedded lesson's texts rendered to HTML, as JSON (same order; empty without them).\n\
         pub(crate) static EMBEDDED_HTML: &[&str] = &[\n",
    );
    let mut json = String::from(
        "/// Each embedded lesson.toml as JSON (same order), or why TOML could not read it.\n\
         pub(crate) static EMBEDDED_JSON: &[Result<&str, &str>] = &[\n",
    );
    for (name, path) in render::lesson_dirs(&lessons) {
        let [toml, ko, en] = ["lesson.toml", "ko.md", "en.md"].map(|file| embed(&path.join(file)));
        let none = || "\"\"".to_string();
        let toml = if keep_toml { toml } else { none() };
        let (ko, en) = if keep_text {
            (ko, en)
        } else {
            (none(), none())
        };
        let _ = writeln!(
            code,
            "    crate::LessonSource {{ dir: {name:?}, toml: {toml}, ko: {ko}, en: {en} }},"
        );
        let _ = writeln!(json, "    {},", toml_as_json(&path, keep_text));
        let rendered = if keep_text {
            render::html_json(&path)
        } else {
            String::new()
        };
        let _ = writeln!(html, "    {rendered:?},");
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

/// `Ok("<json>")` for a lesson.toml TOML can read (as a Rust literal; without its prose unless
/// `with_text`), `Err("<why>")` otherwise; a missing file is `Ok("")`, which parsing reports.
fn toml_as_json(dir: &Path, with_text: bool) -> String {
    let Ok(text) = std::fs::read_to_string(dir.join("lesson.toml")) else {
        return "Ok(\"\")".to_string();
    };
    match toml::from_str::<toml::Value>(&text) {
        Ok(value) => {
            let value = if with_text {
                value
            } else {
                render::without_texts(value)
            };
            format!(
                "Ok({:?})",
                serde_json::to_string(&value).unwrap_or_default()
            )
        }
        Err(e) => format!("Err({:?})", e.to_string().trim_end()),
    }
}
