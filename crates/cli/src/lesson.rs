//! `sim lesson list|show|check`: the lessons of `sim-lessons` on the command line. `check`
//! evaluates each step's check against the saved state (the same one `sim docker` uses).

use crate::session::out;
use crate::state::State;
use clap::{Args, Subcommand};
use sim_lessons::{Catalog, Lang, Lesson};

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
        /// The lesson's id, e.g. 01-containers (as `sim lesson list` shows)
        id: String,
        /// Also print each step's hint
        #[arg(long)]
        hints: bool,
        /// Also print each step's solution (and the files its builds use)
        #[arg(long)]
        solution: bool,
    },
    /// Check each step of a lesson against the saved state; exits 0 only if all pass
    Check {
        /// The lesson's id, e.g. 01-containers
        id: String,
    },
}

/// Runs a lesson subcommand. `open` loads the saved state, only for `check`.
pub fn run(args: LessonArgs, open: impl FnOnce() -> Result<State, String>) -> Result<i32, String> {
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
        LessonAction::Check { id } => {
            let lesson = find(catalog, &id)?;
            let state = open()?;
            let (text, all_passed) = check(lesson, state.world(), lang);
            out(&text);
            Ok(if all_passed { 0 } else { 1 })
        }
    }
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
        },
        Lang::En => Words {
            steps: "steps",
            needs: "after",
            none: "none",
            hint: "Hint",
            solution: "Solution",
            files: "Build context files",
            passed: "steps passed",
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
        text.push_str(&format!("{}. {}\n", index + 1, step.prompt.get(lang)));
        if hints {
            text.push_str(&format!("   {}: {}\n", w.hint, step.hint.get(lang)));
        }
        if solution {
            text.push_str(&format!("   {}:\n", w.solution));
            for line in &step.solution {
                text.push_str(&format!("     $ {line}\n"));
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

/// Each step with ✓ or ✗ and what was found or is missing; and whether all passed.
fn check(lesson: &Lesson, world: &sim_core::World, lang: Lang) -> (String, bool) {
    let w = words(lang);
    let mut text = format!("{}  [{}]\n", lesson.title.get(lang), lesson.id);
    let mut passed = 0;
    for (index, step) in lesson.steps.iter().enumerate() {
        let result = step.check.evaluate(world);
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
