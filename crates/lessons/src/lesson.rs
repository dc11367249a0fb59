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
    /// The folder name, e.g. `02-containers`.
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
    #[serde(default)]
    pub whys: Vec<Localized>,
    /// Per step, per choice: its text and its explanation.
    #[serde(default)]
    pub choices: Vec<Vec<(Localized, Localized)>>,
}

impl Lesson {
    /// The build context in force at step `index` (from 0): the files of that step, or of the
    /// nearest earlier step that has files, so that a step may rebuild what an earlier step
    /// wrote. Empty if no step so far has files (or `index` is out of range).
    pub fn build_context(&self, index: usize) -> BuildContext {
        BuildContext::from_files(&self.build_context_files(index))
    }

    /// The build context the solution of step `index` uses: the step's starting context with
    /// the learner's edits of a `write` or `fix` step applied.
    pub fn solution_context(&self, index: usize) -> BuildContext {
        let mut files = self.build_context_files(index);
        if let Some(step) = self.steps.get(index) {
            files.extend(step.solution_files.clone());
        }
        BuildContext::from_files(&files)
    }

    /// The files of [`Lesson::build_context`], by path.
    pub fn build_context_files(&self, index: usize) -> BTreeMap<String, String> {
        self.steps
            .get(..=index.min(self.steps.len().saturating_sub(1)))
            .unwrap_or_default()
            .iter()
            .rev()
            .find(|s| !s.files.is_empty())
            .filter(|_| index < self.steps.len())
            .map(|s| s.files.clone())
            .unwrap_or_default()
    }
}

/// What the learner does in a step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// Type commands; the check decides.
    #[default]
    Do,
    /// Choose what will happen first, then run it: the check decides, and the choice is
    /// explained either way.
    Predict,
    /// Choose an answer; only the right one passes, and every choice says why.
    Quiz,
    /// Write or edit a file of the build context (the Dockerfile), then build: the check
    /// inspects the result.
    Write,
    /// The step's files start broken: find and fix the mistake, then build.
    Fix,
}

impl StepKind {
    /// Whether the learner answers a question in this step.
    pub fn asks(self) -> bool {
        matches!(self, StepKind::Predict | StepKind::Quiz)
    }
}

/// One answer of a quiz or prediction, and why it is right or wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub text: Localized,
    #[serde(default)]
    pub correct: bool,
    pub why: Localized,
}

/// One thing the learner does, and how to tell that it is done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub kind: StepKind,
    pub prompt: Localized,
    /// The first hint: a nudge that names no command.
    pub hint: Localized,
    /// Why the step passed: what the learner just saw, said after the fact.
    pub why: Localized,
    /// The answers a quiz or prediction offers (empty otherwise).
    pub choices: Vec<Choice>,
    /// Decides whether the step is done (a quiz has none: its answer decides).
    pub check: Option<Check>,
    /// Command lines that do the step, in order (what `sim` or the web terminal accepts).
    pub solution: Vec<String>,
    /// Commands that come close without doing the step's point; each must leave it unpassed.
    pub near_misses: Vec<Vec<String>>,
    /// For `write` and `fix` steps: the files as the learner should leave them (what the
    /// solution's builds use, over the step's starting files).
    pub solution_files: BTreeMap<String, String>,
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
    #[serde(default)]
    kind: StepKind,
    prompt: RawLocalized,
    hint: RawLocalized,
    why: Option<RawLocalized>,
    #[serde(default)]
    choices: Vec<RawChoice>,
    check: Option<Check>,
    #[serde(default)]
    solution: Vec<String>,
    #[serde(default)]
    near_misses: Vec<Vec<String>>,
    #[serde(default)]
    files: BTreeMap<String, String>,
    #[serde(default)]
    solution_files: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    text: RawLocalized,
    #[serde(default)]
    correct: bool,
    why: RawLocalized,
}

/// Parses one lesson folder: `dir_name` is the folder (`02-containers`), the rest the texts of
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
    validate(dir_name, raw, Some((ko_md, en_md)))
}

/// Like [`parse_lesson`], from the JSON the build script made of a lesson.toml (or the TOML
/// error it met): how the browser build reads the embedded lessons without a TOML parser.
pub fn parse_lesson_json(
    dir_name: &str,
    json: Result<&str, &str>,
    ko_md: &str,
    en_md: &str,
) -> Result<Lesson, LessonError> {
    from_json(dir_name, json, Some((ko_md, en_md)))
}

/// A lesson's structure without its prose (titles, kinds, checks, solutions, files): the JSON
/// the build script makes for the browser, whose prompts, hints and choice texts are empty
/// tables. The texts of the result are empty; the web app fetches them as [`LessonHtml`].
pub fn parse_lesson_structure_json(
    dir_name: &str,
    json: Result<&str, &str>,
) -> Result<Lesson, LessonError> {
    from_json(dir_name, json, None)
}

/// The lesson in `json` (or the TOML error the build script met), with its texts when given.
fn from_json(
    dir_name: &str,
    json: Result<&str, &str>,
    texts: Option<(&str, &str)>,
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
    validate(dir_name, raw, texts)
}

/// Checks a lesson file's content, whichever syntax it came in. `prose` is the (ko, en)
/// Markdown; `None` for a structure without texts, whose texts then may be empty.
fn validate(
    dir_name: &str,
    raw: RawLesson,
    prose: Option<(&str, &str)>,
) -> Result<Lesson, LessonError> {
    let texts = prose.is_some();
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
    let prose = match prose {
        Some((ko_md, en_md)) => Localized {
            ko: markdown(dir_name, Lang::Ko, ko_md)?,
            en: markdown(dir_name, Lang::En, en_md)?,
        },
        None => Localized::default(),
    };
    // Step and choice texts: required, or absent in a structure without texts.
    let text = |field: &str, raw: RawLocalized| {
        if texts {
            localized(&file, field, raw)
        } else {
            Ok(Localized::default())
        }
    };
    let mut steps = Vec::with_capacity(raw.steps.len());
    for (index, step) in raw.steps.into_iter().enumerate() {
        let n = index + 1;
        let prompt = text(&format!("step {n} prompt"), step.prompt)?;
        let hint = text(&format!("step {n} hint"), step.hint)?;
        let why = match step.why {
            Some(raw) => text(&format!("step {n} why"), raw)?,
            None => Localized::default(),
        };
        let mut choices = Vec::with_capacity(step.choices.len());
        for (c, choice) in step.choices.into_iter().enumerate() {
            let field = format!("step {n} choice {}", c + 1);
            choices.push(Choice {
                text: text(&field, choice.text)?,
                correct: choice.correct,
                why: text(&format!("{field} why"), choice.why)?,
            });
        }
        if let Err(problem) = shape(step.kind, &choices, step.check.as_ref(), &step.solution) {
            return Err(invalid(format!("step {n} ({:?}): {problem}", step.kind)));
        }
        let edits = matches!(step.kind, StepKind::Write | StepKind::Fix);
        if edits == step.solution_files.is_empty() {
            return Err(invalid(format!(
                "step {n}: `solution_files` belong to `write` and `fix` steps, which need them"
            )));
        }
        if let Some(Err(problem)) = step.check.as_ref().map(Check::validate) {
            return Err(invalid(format!("step {n} check: {problem}")));
        }
        steps.push(Step {
            kind: step.kind,
            prompt,
            hint,
            why,
            choices,
            check: step.check,
            solution: step.solution,
            near_misses: step.near_misses,
            files: step.files,
            solution_files: step.solution_files,
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

/// What each kind of step needs: a quiz its choices (one right) and no commands; the others a
/// check and a solution; a prediction choices too.
fn shape(
    kind: StepKind,
    choices: &[Choice],
    check: Option<&Check>,
    solution: &[String],
) -> Result<(), String> {
    if kind.asks() {
        if choices.len() < 2 {
            return Err("needs at least two [[steps.choices]]".into());
        }
        if choices.iter().filter(|c| c.correct).count() != 1 {
            return Err("exactly one choice must have `correct = true`".into());
        }
    } else if !choices.is_empty() {
        return Err("only `predict` and `quiz` steps have choices".into());
    }
    if kind == StepKind::Quiz {
        if check.is_some() || !solution.is_empty() {
            return Err("a quiz is decided by its answer: no check and no solution".into());
        }
        return Ok(());
    }
    if check.is_none() {
        return Err("has no [steps.check]".into());
    }
    if solution.iter().all(|line| line.trim().is_empty()) {
        return Err("has no solution command".into());
    }
    Ok(())
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
