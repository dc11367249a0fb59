//! What can be wrong with a lesson folder, always naming the file and the problem.

/// A lesson that cannot be used. `file` is relative to the workspace, e.g.
/// `lessons/02-containers/lesson.toml`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LessonError {
    /// The TOML does not parse, or does not have the lesson's shape (a missing field, an
    /// unknown field, an unknown check kind). `message` is the parser's, with line and column.
    #[error("{file}: {message}")]
    Toml { file: String, message: String },

    /// A required file is missing or empty (`lesson.toml`, `ko.md`, `en.md`).
    #[error("{file}: the file is missing or empty")]
    MissingFile { file: String },

    /// A text has no version in one of the languages.
    #[error("{file}: {field} has no {language} text (`{code}` is missing or empty)")]
    MissingText {
        file: String,
        field: String,
        language: &'static str,
        code: &'static str,
    },

    /// Any other rule a lesson breaks (id and folder name differ, no steps, a step without a
    /// solution, a check that can never be decided).
    #[error("{file}: {problem}")]
    Invalid { file: String, problem: String },

    /// A prerequisite names no lesson of the catalog.
    #[error("{file}: prerequisite `{prerequisite}` is not a lesson (known: {known})")]
    UnknownPrerequisite {
        file: String,
        prerequisite: String,
        known: String,
    },

    /// Prerequisites that lead back to where they started.
    #[error("lessons/: the prerequisites form a cycle: {}", cycle.join(" -> "))]
    PrerequisiteCycle { cycle: Vec<String> },

    /// Two lesson folders declare the same id.
    #[error("{file}: lesson id `{id}` is already used by {other}")]
    DuplicateId {
        file: String,
        id: String,
        other: String,
    },
}
