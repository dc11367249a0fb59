//! Whether a step is done, counting only what happened after it became current; and a walk
//! through a whole lesson that finds where each step began from the trace alone (what
//! `sim lesson check` does, where nobody watched the learner step by step).

use crate::lang::Localized;
use crate::lesson::{Lesson, Step};
use sim_core::{EventKind, World};
use std::collections::BTreeMap;

/// A step's answer: passed or not, what to tell the learner, and where the step ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judgement {
    pub passed: bool,
    pub detail: Localized,
    /// The trace index the next step starts from (only meaningful when passed).
    pub next_since: usize,
}

/// The chosen answer of each asking step, by step index.
pub type Answers = BTreeMap<usize, usize>;

impl Step {
    /// Judges the step on what happened from trace index `since` on, with the learner's choice
    /// for a quiz or prediction.
    pub fn judge(&self, world: &World, since: usize, answer: Option<usize>) -> Judgement {
        let chosen = answer.and_then(|a| self.choices.get(a));
        if self.kind.asks() && chosen.is_none() {
            return fail(
                since,
                Localized::new("먼저 답을 고르세요.", "Choose an answer first."),
            );
        }
        let Some(check) = &self.check else {
            // A quiz: only the right answer passes; the choice's own words say why.
            let choice = chosen.map(|c| (c.correct, c.why.clone()));
            let (correct, why) = choice.unwrap_or_default();
            return Judgement {
                passed: correct,
                detail: why,
                next_since: since,
            };
        };
        let evaluation = check.evaluate_since(world, since);
        if !evaluation.result.passed {
            return fail(since, evaluation.result.detail);
        }
        // A step passes on something done in it: a check on the present state alone takes the
        // first command run since the step began as that deed.
        let at = evaluation.at.or_else(|| first_command(world, since));
        match at {
            Some(at) => Judgement {
                passed: true,
                detail: evaluation.result.detail,
                next_since: at + 1,
            },
            None => fail(
                since,
                Localized::new(
                    "이 단계를 시작한 뒤로 아직 아무 명령도 실행하지 않았습니다.",
                    "Nothing has run since this step began.",
                ),
            ),
        }
    }
}

fn fail(since: usize, detail: Localized) -> Judgement {
    Judgement {
        passed: false,
        detail,
        next_since: since,
    }
}

/// The last event of the first command at or after `since`.
fn first_command(world: &World, since: usize) -> Option<usize> {
    let index = world
        .events()
        .iter()
        .enumerate()
        .skip(since)
        .find(|(_, e)| matches!(e.kind, EventKind::Command { .. }))
        .map(|(i, _)| i)?;
    Some(crate::check::command_end(world, index))
}

/// One step of a walk through a lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepProgress {
    pub passed: bool,
    pub detail: Localized,
    /// Where the step began in the trace.
    pub since: usize,
}

/// Walks the lesson in order over the whole trace: each step starts where the previous one
/// was met, and the walk stops at the first step not passed (later ones are reported as not
/// reached).
pub fn walk(lesson: &Lesson, world: &World, answers: &Answers) -> Vec<StepProgress> {
    let mut since = 0;
    let mut blocked = false;
    let mut out = Vec::with_capacity(lesson.steps.len());
    for (index, step) in lesson.steps.iter().enumerate() {
        if blocked {
            out.push(StepProgress {
                passed: false,
                detail: Localized::new(
                    "앞 단계를 먼저 마치세요.",
                    "Finish the step before this one first.",
                ),
                since,
            });
            continue;
        }
        let judgement = step.judge(world, since, answers.get(&index).copied());
        out.push(StepProgress {
            passed: judgement.passed,
            detail: judgement.detail,
            since,
        });
        if judgement.passed {
            since = judgement.next_since;
        } else {
            blocked = true;
        }
    }
    out
}
