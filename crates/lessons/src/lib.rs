//! sim-lessons: the simulator's lessons, for the `sim` command and the web app alike.
//!
//! Lessons are data: `lessons/NN-slug/lesson.toml` (id, order, prerequisites, titles, steps
//! with a declarative [`Check`] and a solution) plus the prose in `ko.md` and `en.md`. The
//! build script embeds every folder, so the library does no I/O at run time and works on
//! wasm32. Without the `text` feature (the browser) only the lessons' structure is embedded and
//! their texts come as [`LessonHtml`] from `lessons/<id>.json` beside the bundle. [`catalog`] parses them once; [`Check::evaluate`] asks a [`sim_core::World`]
//! whether a step is done and says, in both languages, what is still missing.

mod catalog;
pub mod check;
mod error;
mod lang;
mod lesson;
mod progress;

#[cfg(feature = "toml")]
pub use catalog::parse_catalog;
pub use catalog::{catalog, prebuilt_catalog, sources, Catalog};
pub use check::{Check, CheckResult, Evaluation};
pub use error::LessonError;
pub use lang::{Lang, Localized};
#[cfg(feature = "toml")]
pub use lesson::parse_lesson;
pub use lesson::{
    parse_lesson_json, parse_lesson_structure_json, Choice, Lesson, LessonHtml, LessonSource, Step,
    StepKind,
};
pub use progress::{walk, Answers, Judgement, StepProgress};
