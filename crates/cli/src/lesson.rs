//! `sim lesson list|show|answer|files|check`: the lessons of `sim-lessons` on the command line.
//! `check` walks the lesson's steps over the saved state (the same one `sim docker` uses), each
//! step counting only what happened after the one before it was done; quiz and prediction
//! answers are typed with `answer` and kept beside the state.

use crate::session::out;
use crate::state::State;
use clap::{Args, Subcommand};
use sim_lessons::{Answers, Catalog, Lang, Lesson, StepKind};
use std::collections::BTreeMap;
use std::path::Path;

/// Where `sim lesson answer` keeps the chosen answers: lesson id → step (from 1) → choice
/// (from 1), as the learner typed them.
pub const ANSWERS_FILE: &str = "lesson-answers.json";

#[derive(Args)]
pub struct LessonArgs {
    /// Language of the texts: ko or en [default: ko if $LANG starts with "ko", else en]
    #[arg(long, global = true, value_name = "LANG")]
    lang: Option<Lang>,

    #[command(subcommand)]
    action: LessonAction,
}

#[derive(Subcommand)]
enum LessonAction {
    /// List the lessons: id, title, number of steps and prerequisites
    List,
    /// Print a lesson's text and its steps
    Show {
        /// The lesson's id, e.g. 02-containers (as `sim lesson list` shows)
        id: String,
        /// Also print each step's hint
        #[arg(long)]
        hints: bool,
        /// Also print each step's solution (and the files its builds use)
        #[arg(long)]
        solution: bool,
    },
    /// Answer a quiz or prediction step: prints whether it is right and why
    Answer {
        /// The lesson's id
        id: String,
        /// The step's number, from 1
        step: usize,
        /// The choice's number, from 1, as `show` lists them
        choice: usize,
    },
    /// Write the build context files of a step into a directory, to edit and build there
    Files {
        id: String,
        /// The step's number, from 1
        step: usize,
        /// Where to write them (created if missing)
        dir: std::path::PathBuf,
    },
    /// Check each step of a lesson against the saved state; exits 0 only if all pass
    Check {
        /// The lesson's id, e.g. 02-containers
        id: String,
    },
    /// With --real: run every lesson's solutions in the simulation and for real, compare the
    /// outputs (ids and times masked) and print the share identical and the differences
    Diff {
        /// Only these lessons (all by default)
        ids: Vec<String>,
    },
}

/// The World a lesson is checked against: the saved simulation or the real session.
pub enum Opened {
    Sim(Box<State>),
    Real(Box<crate::real::Real>),
}

impl Opened {
    fn world(&self) -> Option<&sim_core::World> {
        match self {
            Opened::Sim(state) => Some(state.world()),
            Opened::Real(real) => real.world(),
        }
    }
}

/// Runs a lesson subcommand. `open` loads the saved state, only for `check`.
pub fn run(
    args: LessonArgs,
    state_dir: &Path,
    open: impl FnOnce() -> Result<Opened, String>,
) -> Result<i32, String> {
    let lang = args
        .lang
        .unwrap_or_else(|| Lang::from_locale(&std::env::var("LANG").unwrap_or_default()));
    let catalog = sim_lessons::catalog().map_err(|e| format!("a lesson is broken: {e}"))?;
    match args.action {
        LessonAction::List => {
            out(&list(catalog, lang));
            Ok(0)
        }
        LessonAction::Show {
            id,
            hints,
            solution,
        } => {
            out(&show(find(catalog, &id)?, lang, hints, solution));
            Ok(0)
        }
        LessonAction::Answer { id, step, choice } => {
            let lesson = find(catalog, &id)?;
            let (text, right) = answer(lesson, state_dir, step, choice, lang)?;
            out(&text);
            Ok(if right { 0 } else { 1 })
        }
        LessonAction::Files { id, step, dir } => {
            let lesson = find(catalog, &id)?;
            let files = step
                .checked_sub(1)
                .filter(|i| *i < lesson.steps.len())
                .map(|i| lesson.build_context_files(i))
                .ok_or_else(|| format!("{id} has steps 1 to {}", lesson.steps.len()))?;
            if files.is_empty() {
                return Err(format!("step {step} of {id} has no files"));
            }
            for (name, text) in &files {
                let path = dir.join(name);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
                }
                std::fs::write(&path, text)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                out(&format!("{}\n", path.display()));
            }
            Ok(0)
        }
        LessonAction::Diff { ids } => crate::diff::run(catalog, &ids),
        LessonAction::Check { id } => {
            let lesson = find(catalog, &id)?;
            let opened = open()?;
            let answers = load_answers(state_dir)?;
            let chosen = answers.get(&id).cloned().unwrap_or_default();
            let fresh = sim_core::World::new(sim_core::scenario::DEFAULT_SEED);
            let world = opened.world().unwrap_or(&fresh);
            let (text, all_passed) = check(lesson, world, &chosen, lang);
            out(&text);
            Ok(if all_passed { 0 } else { 1 })
        }
    }
}

type AnswerFile = BTreeMap<String, Answers>;

fn load_answers(state_dir: &Path) -> Result<AnswerFile, String> {
    let path = state_dir.join(ANSWERS_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            format!(
                "{} is damaged ({e}); delete it to answer again",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(AnswerFile::new()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Records the answer (numbers from 1) and says whether it is right and why.
fn answer(
    lesson: &Lesson,
    state_dir: &Path,
    step: usize,
    choice: usize,
    lang: Lang,
) -> Result<(String, bool), String> {
    let index = step
        .checked_sub(1)
        .filter(|i| *i < lesson.steps.len())
        .ok_or_else(|| format!("{} has steps 1 to {}", lesson.id, lesson.steps.len()))?;
    let the_step = &lesson.steps[index];
    if !the_step.kind.asks() {
        return Err(format!(
            "step {step} of {} asks no question: do it with commands",
            lesson.id
        ));
    }
    let picked = choice
        .checked_sub(1)
        .and_then(|c| the_step.choices.get(c).map(|found| (c, found)))
        .ok_or_else(|| format!("step {step} has choices 1 to {}", the_step.choices.len()))?;
    let mut answers = load_answers(state_dir)?;
    answers
        .entry(lesson.id.clone())
        .or_default()
        .insert(index, picked.0);
    std::fs::create_dir_all(state_dir)
        .map_err(|e| format!("cannot create {}: {e}", state_dir.display()))?;
    let path = state_dir.join(ANSWERS_FILE);
    let json = serde_json::to_vec_pretty(&answers).map_err(|e| e.to_string())?;
    std::fs::write(&path, json).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let (right, wrong) = match lang {
        Lang::Ko => ("맞습니다.", "아닙니다."),
        Lang::En => ("Right.", "Not quite."),
    };
    let verdict = if picked.1.correct { right } else { wrong };
    let mut text = format!("{verdict} {}\n", picked.1.why.get(lang));
    if the_step.kind == StepKind::Predict {
        text.push_str(match lang {
            Lang::Ko => "이제 직접 실행해서 확인해 보세요.\n",
            Lang::En => "Now run it and see.\n",
        });
    }
    Ok((text, picked.1.correct))
}

fn find<'c>(catalog: &'c Catalog, id: &str) -> Result<&'c Lesson, String> {
    catalog.get(id).ok_or_else(|| {
        let known: Vec<&str> = catalog.lessons.iter().map(|l| l.id.as_str()).collect();
        format!("there is no lesson `{id}` (lessons: {})", known.join(", "))
    })
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Ko => Words {
            steps: "단계",
            needs: "먼저 할 레슨",
            none: "없음",
            hint: "힌트",
            solution: "풀이",
            files: "빌드 컨텍스트 파일",
            passed: "단계 통과",
            choices: "답을 고르세요",
            why: "통과한 이유",
        },
        Lang::En => Words {
            steps: "steps",
            needs: "after",
            none: "none",
            hint: "Hint",
            solution: "Solution",
            files: "Build context files",
            passed: "steps passed",
            choices: "Choose one",
            why: "Why it passed",
        },
    }
}

struct Words {
    steps: &'static str,
    needs: &'static str,
    none: &'static str,
    hint: &'static str,
    solution: &'static str,
    files: &'static str,
    passed: &'static str,
    choices: &'static str,
    why: &'static str,
}

fn list(catalog: &Catalog, lang: Lang) -> String {
    let w = words(lang);
    let width = catalog
        .lessons
        .iter()
        .map(|l| l.id.len())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for lesson in &catalog.lessons {
        let needs = if lesson.prerequisites.is_empty() {
            w.none.to_string()
        } else {
            lesson.prerequisites.join(", ")
        };
        text.push_str(&format!(
            "{:<width$}  {}  ({} {}; {}: {})\n",
            lesson.id,
            lesson.title.get(lang),
            lesson.steps.len(),
            w.steps,
            w.needs,
            needs
        ));
    }
    text
}

fn show(lesson: &Lesson, lang: Lang, hints: bool, solution: bool) -> String {
    let w = words(lang);
    let mut text = format!("{}  [{}]\n", lesson.title.get(lang), lesson.id);
    if !lesson.prerequisites.is_empty() {
        text.push_str(&format!(
            "{}: {}\n",
            w.needs,
            lesson.prerequisites.join(", ")
        ));
    }
    text.push('\n');
    text.push_str(lesson.prose.get(lang).trim_end());
    text.push_str("\n\n");
    for (index, step) in lesson.steps.iter().enumerate() {
        text.push_str(&format!(
            "{}. {}{}\n",
            index + 1,
            kind_label(step.kind, lang),
            step.prompt.get(lang)
        ));
        if !step.choices.is_empty() {
            text.push_str(&format!(
                "   {} (sim lesson answer {} {} N):\n",
                w.choices,
                lesson.id,
                index + 1
            ));
            for (c, choice) in step.choices.iter().enumerate() {
                text.push_str(&format!("     {}) {}\n", c + 1, choice.text.get(lang)));
            }
        }
        if hints {
            text.push_str(&format!("   {}: {}\n", w.hint, step.hint.get(lang)));
        }
        if solution {
            text.push_str(&format!("   {}:\n", w.solution));
            for line in &step.solution {
                text.push_str(&format!("     $ {line}\n"));
            }
            if let Some(right) = step.choices.iter().position(|c| c.correct) {
                text.push_str(&format!("     {})\n", right + 1));
            }
            if !step.why.get(lang).is_empty() {
                text.push_str(&format!("   {}: {}\n", w.why, step.why.get(lang)));
            }
            if !step.files.is_empty() {
                text.push_str(&format!("   {}:\n", w.files));
                for (name, content) in &step.files {
                    text.push_str(&format!("   --- {name} ---\n"));
                    for line in content.lines() {
                        text.push_str(&format!("   {line}\n"));
                    }
                }
            }
        }
    }
    text
}

/// "[quiz] " and the like before a prompt that is not plain commands.
fn kind_label(kind: StepKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (StepKind::Do, _) => "",
        (StepKind::Predict, Lang::Ko) => "[예측] ",
        (StepKind::Predict, Lang::En) => "[predict] ",
        (StepKind::Quiz, Lang::Ko) => "[퀴즈] ",
        (StepKind::Quiz, Lang::En) => "[quiz] ",
        (StepKind::Write, Lang::Ko) => "[작성] ",
        (StepKind::Write, Lang::En) => "[write] ",
        (StepKind::Fix, Lang::Ko) => "[고치기] ",
        (StepKind::Fix, Lang::En) => "[fix] ",
    }
}

/// Each step with ✓ or ✗ and what was found or is missing; and whether all passed.
fn check(
    lesson: &Lesson,
    world: &sim_core::World,
    answers: &Answers,
    lang: Lang,
) -> (String, bool) {
    let w = words(lang);
    let mut text = format!("{}  [{}]\n", lesson.title.get(lang), lesson.id);
    let mut passed = 0;
    let walked = sim_lessons::walk(lesson, world, answers);
    for (index, (step, result)) in lesson.steps.iter().zip(&walked).enumerate() {
        if result.passed {
            passed += 1;
        }
        let mark = if result.passed { '✓' } else { '✗' };
        text.push_str(&format!(
            "{mark} {}. {}\n    {}\n",
            index + 1,
            first_sentence(step.prompt.get(lang)),
            result.detail.get(lang)
        ));
    }
    let total = lesson.steps.len();
    text.push_str(&format!("{passed}/{total} {}\n", w.passed));
    (text, passed == total)
}

/// The prompt's first sentence, to keep the check list short.
fn first_sentence(prompt: &str) -> &str {
    let end = prompt
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | '?' | '!')
                && prompt[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        })
        .map_or(prompt.len(), |(i, c)| i + c.len_utf8());
    &prompt[..end]
}

#[cfg(test)]
mod tests {
    use super::first_sentence;

    #[test]
    fn the_first_sentence_ends_at_a_full_stop_before_a_space() {
        assert_eq!(
            first_sentence("Run `a.b` now. Then more."),
            "Run `a.b` now."
        );
        assert_eq!(first_sentence("실행하세요. 그다음"), "실행하세요.");
        assert_eq!(first_sentence("no stop"), "no stop");
    }
}
