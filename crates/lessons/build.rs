//! Embeds every lesson folder under `lessons/` (at the workspace root) into the crate, so that
//! adding a folder adds a lesson and the library itself never reads a file at run time (it also
//! runs in the browser).
//!
//! A lesson folder is a directory whose name starts with a digit (`01-containers`); a missing
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

    let mut code = String::from(
        "/// The lesson folders found under `lessons/` when this crate was built, in name order.\n\
         pub(crate) static EMBEDDED: &[crate::LessonSource<'static>] = &[\n",
    );
    for (name, path) in &dirs {
        let [toml, ko, en] = FILES.map(|file| embed(&path.join(file)));
        let _ = writeln!(
            code,
            "    crate::LessonSource {{ dir: {name:?}, toml: {toml}, ko: {ko}, en: {en} }},"
        );
    }
    code.push_str("];\n");

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
