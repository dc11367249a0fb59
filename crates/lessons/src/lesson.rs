//! One lesson: its `lesson.toml` (id, order, prerequisites, titles, steps with checks) and its
//! prose in `ko.md` and `en.md`, parsed and validated.

use crate::check::Check;
use crate::error::LessonError;
use crate::lang::{Lang, Localized};
use serde::{Deserialize, Serialize};
use sim_core::BuildContext;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lesson {
    /// The folder name, e.g. `01-containers`.
    pub id: String,
    /// Position in the lesson map (lower first).
    pub order: u32,
    pub title: Localized,
    /// Ids of the lessons to do first.
    pub prerequisites: Vec<String>,
    /// The lesson's text, as markdown.
    pub prose: Localized,
    pub steps: Vec<Step>,
    /// The prose and step texts as HTML, rendered from Markdown when the crate was built
    /// (empty for lessons parsed at run time, e.g. from test fixtures).
    #[serde(default)]
    pub html: LessonHtml,
}

/// A lesson's Markdown texts as HTML: what the browser shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonHtml {
    pub prose: Localized,
    /// Per step, in order.
    pub prompts: Vec<Localized>,
    pub hints: Vec<Localized>,
}

/// What the build script renders for one lesson folder: (ko, en) pairs.
pub(crate) struct HtmlSource {
    pub prose: (&'static str, &'static str),
    pub prompts: &'static [(&'static str, &'static str)],
    pub hints: &'static [(&'static str, &'static str)],
}

impl HtmlSource {
    pub(crate) fn to_html(&self) -> LessonHtml {
        let localized = |(ko, en): &(&str, &str)| Localized::new(*ko, *en);
        LessonHtml {
            prose: localized(&self.prose),
            prompts: self.prompts.iter().map(localized).collect(),
            hints: self.hints.iter().map(localized).collect(),
        }
    }
}

impl Lesson {
    /// The build context in force at step `index` (from 0): the files of that step, or of the
    /// nearest earlier step that has files, so that a step may rebuild what an earlier step
    /// wrote. Empty if no step so far has files (or `index` is out of range).
    pub fn build_context(&self, index: usize) -> BuildContext {
        self.steps
            .get(..=index.min(self.steps.len().saturating_sub(1)))
            .unwrap_or_default()
            .iter()
            .rev()
            .find(|s| !s.files.is_empty())
            .filter(|_| index < self.steps.len())
            .map(Step::build_context)
            .unwrap_or_default()
    }
}

/// One thing the learner does, and how to tell that it is done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub prompt: Localized,
    pub hint: Localized,
    pub check: Check,
    /// Command lines that do the step, in order (what `sim` or the web terminal accepts).
    pub solution: Vec<String>,
    /// The build context for `docker build` lines: path (relative to the context directory) to
    /// content. A step without files uses the nearest earlier step's
    /// ([`Lesson::build_context`]).
    pub files: BTreeMap<String, String>,
}

impl Step {
    /// The step's files as the build context a `docker build` in it uses.
    pub fn build_context(&self) -> BuildContext {
        BuildContext::from_files(&self.files)
    }
}

/// A lesson folder's three files as text. A missing file is empty text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LessonSource<'a> {
    /// The folder name under `lessons/`, which must be the lesson's id.
    pub dir: &'a str,
    pub toml: &'a str,
    pub ko: &'a str,
    pub en: &'a str,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    id: String,
    order: u32,
    #[serde(default)]
    prerequisites: Vec<String>,
    title: RawLocalized,
    #[serde(default)]
    steps: Vec<RawStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLocalized {
    ko: Option<String>,
    en: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    prompt: RawLocalized,
    hint: RawLocalized,
    check: Check,
    solution: Vec<String>,
    #[serde(default)]
    files: BTreeMap<String, String>,
}

/// Parses one lesson folder: `dir_name` is the folder (`01-containers`), the rest the texts of
/// its `lesson.toml`, `ko.md` and `en.md`. Prerequisites are checked against other lessons by
/// [`crate::parse_catalog`], not here.
#[cfg(feature = "toml")]
pub fn parse_lesson(
    dir_name: &str,
    toml_text: &str,
    ko_md: &str,
    en_md: &str,
) -> Result<Lesson, LessonError> {
    let file = format!("lessons/{dir_name}/lesson.toml");
    if toml_text.trim().is_empty() {
        return Err(LessonError::MissingFile { file });
    }
    let raw: RawLesson = toml::from_str(toml_text).map_err(|e| LessonError::Toml {
        file: file.clone(),
        message: e.to_string().trim_end().to_string(),
    })?;
    validate(dir_name, raw, ko_md, en_md)
}

/// Like [`parse_lesson`], from the JSON the build script made of a lesson.toml (or the TOML
/// error it met): how the browser build reads the embedded lessons without a TOML parser.
pub fn parse_lesson_json(
    dir_name: &str,
    json: Result<&str, &str>,
    ko_md: &str,
    en_md: &str,
) -> Result<Lesson, LessonError> {
    let file = format!("lessons/{dir_name}/lesson.toml");
    let toml_error = |message: String| LessonError::Toml {
        file: file.clone(),
        message,
    };
    let json = json.map_err(|e| toml_error(e.to_string()))?;
    if json.trim().is_empty() {
        return Err(LessonError::MissingFile { file });
    }
    let raw: RawLesson = serde_json::from_str(json).map_err(|e| toml_error(e.to_string()))?;
    validate(dir_name, raw, ko_md, en_md)
}

/// Checks a lesson file's content, whichever syntax it came in.
fn validate(
    dir_name: &str,
    raw: RawLesson,
    ko_md: &str,
    en_md: &str,
) -> Result<Lesson, LessonError> {
    let file = format!("lessons/{dir_name}/lesson.toml");
    let invalid = |problem: String| LessonError::Invalid {
        file: file.clone(),
        problem,
    };
    if raw.id != dir_name {
        return Err(invalid(format!(
            "id `{}` differs from its folder name `{dir_name}`",
            raw.id
        )));
    }
    if raw.prerequisites.iter().any(|p| p == &raw.id) {
        return Err(invalid("the lesson lists itself as a prerequisite".into()));
    }
    if raw.steps.is_empty() {
        return Err(invalid("the lesson has no [[steps]]".into()));
    }
    let title = localized(&file, "title", raw.title)?;
    let prose = Localized {
        ko: markdown(dir_name, Lang::Ko, ko_md)?,
        en: markdown(dir_name, Lang::En, en_md)?,
    };
    let mut steps = Vec::with_capacity(raw.steps.len());
    for (index, step) in raw.steps.into_iter().enumerate() {
        let n = index + 1;
        let prompt = localized(&file, &format!("step {n} prompt"), step.prompt)?;
        let hint = localized(&file, &format!("step {n} hint"), step.hint)?;
        if step.solution.iter().all(|line| line.trim().is_empty()) {
            return Err(invalid(format!("step {n} has no solution command")));
        }
        if let Err(problem) = step.check.validate() {
            return Err(invalid(format!("step {n} check: {problem}")));
        }
        steps.push(Step {
            prompt,
            hint,
            check: step.check,
            solution: step.solution,
            files: step.files,
        });
    }
    Ok(Lesson {
        id: raw.id,
        order: raw.order,
        title,
        prerequisites: raw.prerequisites,
        prose,
        steps,
        html: LessonHtml::default(),
    })
}

fn localized(file: &str, field: &str, raw: RawLocalized) -> Result<Localized, LessonError> {
    let pick = |text: Option<String>, lang: Lang| match text {
        Some(t) if !t.trim().is_empty() => Ok(t.trim().to_string()),
        _ => Err(LessonError::MissingText {
            file: file.to_string(),
            field: field.to_string(),
            language: lang.english_name(),
            code: lang.code(),
        }),
    };
    Ok(Localized {
        ko: pick(raw.ko, Lang::Ko)?,
        en: pick(raw.en, Lang::En)?,
    })
}

fn markdown(dir_name: &str, lang: Lang, text: &str) -> Result<String, LessonError> {
    if text.trim().is_empty() {
        return Err(LessonError::MissingFile {
            file: format!("lessons/{dir_name}/{}.md", lang.code()),
        });
    }
    Ok(text.to_string())
}
