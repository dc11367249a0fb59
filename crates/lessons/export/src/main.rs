//! `lessons-export DIR`: writes `DIR/<id>.json` for every lesson folder under `lessons/`, each
//! the lesson's prose and step texts as HTML (sim-lessons' `LessonHtml`). Trunk runs it before
//! each web build (Trunk.toml) with DIR in its staging directory, so the texts sit beside the
//! wasm, which embeds only the lessons' structure.

#[allow(dead_code)] // build.rs uses the rest of it.
#[path = "../../render.rs"]
mod render;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: lessons-export DIR");
        return ExitCode::from(2);
    };
    let lessons = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../lessons");
    match export(&lessons, &out) {
        Ok(count) => {
            println!(
                "lessons-export: {count} lessons' texts in {}",
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("lessons-export: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes one JSON file per lesson folder; the number written.
fn export(lessons: &Path, out: &Path) -> Result<usize, String> {
    let dirs = render::lesson_dirs(lessons);
    if dirs.is_empty() {
        return Err(format!("no lesson folders in {}", lessons.display()));
    }
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    for (name, dir) in &dirs {
        let file = out.join(format!("{name}.json"));
        std::fs::write(&file, render::html_json(dir))
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    }
    Ok(dirs.len())
}
