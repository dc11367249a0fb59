//! All lessons together: parsed once, prerequisites checked against each other.

use crate::error::LessonError;
use crate::lesson::{Lesson, LessonHtml, LessonSource};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// In lesson order (then id).
    pub lessons: Vec<Lesson>,
}

impl Catalog {
    pub fn get(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }
}

/// The lesson folders embedded when the crate was built, unparsed.
pub fn sources() -> &'static [LessonSource<'static>] {
    EMBEDDED
}

/// The embedded lessons, parsed on first use. A broken lesson file gives its error every time.
/// With the `toml` feature the TOML is parsed here (its errors carry line numbers); without it,
/// the JSON the build script made of it.
pub fn catalog() -> Result<&'static Catalog, &'static LessonError> {
    static CATALOG: OnceLock<Result<Catalog, LessonError>> = OnceLock::new();
    #[cfg(feature = "toml")]
    let parse = || parse_catalog(EMBEDDED).map(with_html);
    #[cfg(not(feature = "toml"))]
    let parse = prebuilt_catalog;
    CATALOG.get_or_init(parse).as_ref()
}

/// Attaches the build-time HTML of each embedded lesson (none without the `text` feature:
/// the browser fetches it, see [`LessonHtml`]).
fn with_html(mut catalog: Catalog) -> Catalog {
    for lesson in &mut catalog.lessons {
        if let Some(index) = EMBEDDED.iter().position(|s| s.dir == lesson.id) {
            let json = EMBEDDED_HTML.get(index).copied().unwrap_or_default();
            // The build script wrote this JSON from LessonHtml's shape; the tests parse it.
            lesson.html = serde_json::from_str::<LessonHtml>(json).unwrap_or_default();
        }
    }
    catalog
}

/// The embedded lessons read from their build-time JSON: what the browser build uses.
pub fn prebuilt_catalog() -> Result<Catalog, LessonError> {
    let mut lessons = Vec::with_capacity(EMBEDDED.len());
    for (source, json) in EMBEDDED.iter().zip(EMBEDDED_JSON) {
        #[cfg(feature = "text")]
        let lesson = crate::lesson::parse_lesson_json(source.dir, *json, source.ko, source.en)?;
        #[cfg(not(feature = "text"))]
        let lesson = crate::lesson::parse_lesson_structure_json(source.dir, *json)?;
        lessons.push(lesson);
    }
    link(lessons).map(with_html)
}

/// Parses lesson folders into a catalog: every lesson on its own, then ids unique,
/// prerequisites known and without cycles.
#[cfg(feature = "toml")]
pub fn parse_catalog(sources: &[LessonSource<'_>]) -> Result<Catalog, LessonError> {
    let lessons = sources
        .iter()
        .map(|s| crate::lesson::parse_lesson(s.dir, s.toml, s.ko, s.en))
        .collect::<Result<Vec<_>, _>>()?;
    link(lessons)
}

/// Ids unique, prerequisites known and without cycles, then in lesson order.
fn link(parsed: Vec<Lesson>) -> Result<Catalog, LessonError> {
    let mut lessons = Vec::with_capacity(parsed.len());
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for lesson in parsed {
        let source_dir = lesson.id.clone();
        let file = format!("lessons/{source_dir}/lesson.toml");
        if let Some(other) = files.get(&lesson.id) {
            return Err(LessonError::DuplicateId {
                file,
                id: lesson.id,
                other: other.clone(),
            });
        }
        files.insert(lesson.id.clone(), file);
        lessons.push(lesson);
    }
    let known: Vec<&str> = lessons.iter().map(|l| l.id.as_str()).collect();
    for lesson in &lessons {
        for prerequisite in &lesson.prerequisites {
            if !files.contains_key(prerequisite) {
                return Err(LessonError::UnknownPrerequisite {
                    file: format!("lessons/{}/lesson.toml", lesson.id),
                    prerequisite: prerequisite.clone(),
                    known: known.join(", "),
                });
            }
        }
    }
    if let Some(cycle) = find_cycle(&lessons) {
        return Err(LessonError::PrerequisiteCycle { cycle });
    }
    sim_core::order::sort_by(&mut lessons, &|a, b| {
        a.order.cmp(&b.order).then_with(|| a.id.cmp(&b.id))
    });
    Ok(Catalog { lessons })
}

/// A prerequisite path that returns to its start (`a -> b -> a`), if there is one.
fn find_cycle(lessons: &[Lesson]) -> Option<Vec<String>> {
    let edges: BTreeMap<&str, &[String]> = sim_core::order::map_from(
        lessons
            .iter()
            .map(|l| (l.id.as_str(), l.prerequisites.as_slice())),
    );
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for start in edges.keys() {
        let mut path: Vec<&str> = Vec::new();
        if let Some(cycle) = visit(start, &edges, &mut path, &mut done) {
            return Some(cycle);
        }
    }
    None
}

/// Depth-first search; `path` is the chain from the start to `id`.
fn visit<'a>(
    id: &'a str,
    edges: &BTreeMap<&'a str, &'a [String]>,
    path: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|p| *p == id) {
        let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
        cycle.push(id.to_string());
        return Some(cycle);
    }
    if done.contains(id) {
        return None;
    }
    path.push(id);
    for next in edges.get(id).copied().unwrap_or_default() {
        if let Some(cycle) = visit(next, edges, path, done) {
            return Some(cycle);
        }
    }
    path.pop();
    done.insert(id);
    None
}
