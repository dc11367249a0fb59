//! `sim --real lesson diff`: the project's differential test. Every lesson's solutions run in
//! the simulation and for real (a fresh World and a fresh real session per lesson); each
//! step's output (stdout, stderr, exit code of every line) is compared after masking ids and
//! times. A lesson stops being compared at its first line that has no real form (an image of
//! the simulation only, curl at the host prompt): what follows would compare different states.

use crate::session::out;
use sim_lessons::{Catalog, Lesson};

/// The share of comparable steps that must be identical.
pub const GOAL_PERCENT: f64 = 95.0;

/// Words in real mode's refusals: the line has no real form here.
const NO_REAL_FORM: [&str; 2] = ["has no real form here", "not run for real"];

/// One compared step.
pub enum StepResult {
    Same,
    Differs {
        line: String,
        sim: String,
        real: String,
    },
    /// The step (and the rest of its lesson) has no real form.
    NotReal(String),
}

/// Hex runs of 12 or more characters (ids, digests) become `<id>`.
fn mask_ids(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 12 {
            out.push_str("<id>");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || ('a'..='f').contains(&c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

fn is_time_word(word: &str) -> bool {
    let w = word.trim_end_matches([',', ')', '.']);
    ["second", "minute", "hour", "day", "week", "month"]
        .iter()
        .any(|unit| w == *unit || w == format!("{unit}s"))
}

/// A token that is a time or a duration: `12:30`, `2025-01-01T...`, `0.5s`, `12ms`.
fn is_time_token(token: &str) -> bool {
    let t = token.trim_matches(|c| matches!(c, '(' | ')' | ',' | '[' | ']'));
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    let unit = t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    let duration = matches!(unit, "s" | "ms" | "m" | "h" | "us" | "µs");
    let clock = t.chars().all(|c| c.is_ascii_digit() || c == ':') && t.contains(':');
    let date = t.len() >= 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
    duration || clock || date
}

/// The output with ids and times masked and runs of spaces made one (table columns are
/// padded to the widest cell, which masking changes).
pub fn mask(text: &str) -> String {
    let text = mask_ids(text);
    let text = text
        .replace("Less than a second", "<t>")
        .replace("About a minute", "<t>")
        .replace("About an hour", "<t>");
    let mut lines = Vec::new();
    // `docker top` lists host PIDs: a machine's, not the model's.
    let mut top = false;
    for line in text.lines() {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let mut masked = Vec::new();
        let mut unit = false;
        for (i, token) in tokens.iter().enumerate() {
            // "2 seconds", "5 minutes": the number and its unit are one time.
            if std::mem::take(&mut unit) {
                continue;
            }
            let number_of_time = token.chars().all(|c| c.is_ascii_digit())
                && tokens.get(i + 1).is_some_and(|next| is_time_word(next));
            unit = number_of_time;
            if number_of_time || is_time_token(token) || (top && (i == 1 || i == 2)) {
                masked.push("<t>".to_string());
            } else {
                masked.push((*token).to_string());
            }
        }
        top = top || tokens.starts_with(&["UID", "PID", "PPID"]);
        lines.push(masked.join(" "));
    }
    lines.join("\n")
}

fn shown(outcome: &sim_core::Outcome) -> String {
    format!(
        "{}{}[exit {}]",
        outcome.stdout, outcome.stderr, outcome.exit_code
    )
}

/// Runs one lesson in both modes; a result per step that has solution lines.
#[cfg(target_os = "linux")]
fn compare(lesson: &Lesson, scratch: &std::path::Path) -> Result<Vec<(usize, StepResult)>, String> {
    let state = scratch.join(&lesson.id);
    let _ = std::fs::remove_dir_all(&state);
    let seed = sim_core::scenario::DEFAULT_SEED;
    let mut world = sim_core::World::new(seed);
    let mut real = sim_real::RealSession::open(&state, Some(seed))?;
    let mut results = Vec::new();
    let mut stopped: Option<String> = None;
    for (index, step) in lesson.steps.iter().enumerate() {
        if step.solution.is_empty() {
            continue;
        }
        if let Some(why) = &stopped {
            results.push((index, StepResult::NotReal(why.clone())));
            continue;
        }
        let context = lesson.solution_context(index);
        let mut result = StepResult::Same;
        for line in &step.solution {
            let sim = world.run_line(line, &context);
            let real_out = real.run(line, Some(context.clone()))?;
            if NO_REAL_FORM.iter().any(|w| real_out.stderr.contains(w)) {
                let last = real_out.stderr.lines().rev().find(|l| !l.trim().is_empty());
                let why = format!("{line}: {}", last.unwrap_or_default().trim());
                stopped = Some(why.clone());
                result = StepResult::NotReal(why);
                break;
            }
            let (a, b) = (mask(&shown(&sim)), mask(&shown(&real_out)));
            if a != b && matches!(result, StepResult::Same) {
                result = StepResult::Differs {
                    line: line.clone(),
                    sim: a,
                    real: b,
                };
            }
        }
        results.push((index, result));
    }
    // What still runs is stopped, and everything of the session removed, without a word:
    // the comparison is the output here.
    real.close()?;
    let _ = sim_real::prune::prune(
        &state.join(sim_real::session::REAL_DIR),
        &Default::default(),
        &Default::default(),
    );
    let _ = std::fs::remove_dir_all(&state);
    Ok(results)
}

#[cfg(not(target_os = "linux"))]
fn compare(_: &Lesson, _: &std::path::Path) -> Result<Vec<(usize, StepResult)>, String> {
    Err("sim --real lesson diff runs containers for real: it needs Linux".into())
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("        {l}\n"))
        .collect::<String>()
}

/// Prints the comparison of `ids` (all lessons when empty); exit 0 when the goal is met.
pub fn run(catalog: &Catalog, ids: &[String]) -> Result<i32, String> {
    let scratch = std::env::temp_dir().join(format!("sim-lesson-diff-{}", std::process::id()));
    let (mut same, mut compared, mut not_real) = (0usize, 0usize, 0usize);
    for lesson in &catalog.lessons {
        if !ids.is_empty() && !ids.contains(&lesson.id) {
            continue;
        }
        let results = compare(lesson, &scratch)?;
        let mut text = String::new();
        let (mut lesson_same, mut lesson_compared) = (0, 0);
        for (index, result) in &results {
            match result {
                StepResult::Same => {
                    lesson_same += 1;
                    lesson_compared += 1;
                }
                StepResult::Differs { line, sim, real } => {
                    lesson_compared += 1;
                    text.push_str(&format!(
                        "  step {} differs at `{line}`\n    sim:\n{}    real:\n{}",
                        index + 1,
                        indent(sim),
                        indent(real)
                    ));
                }
                StepResult::NotReal(why) => {
                    not_real += 1;
                    if !text.contains("no real form") {
                        text.push_str(&format!(
                            "  from step {} on: no real form ({why})\n",
                            index + 1
                        ));
                    }
                }
            }
        }
        out(&format!(
            "{}: {lesson_same} of {lesson_compared} steps identical\n{text}",
            lesson.id
        ));
        same += lesson_same;
        compared += lesson_compared;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let percent = if compared == 0 {
        100.0
    } else {
        same as f64 * 100.0 / compared as f64
    };
    out(&format!(
        "identical: {same} of {compared} compared steps ({percent:.1}%, goal {GOAL_PERCENT}%); {not_real} steps have no real form\n"
    ));
    Ok(if percent >= GOAL_PERCENT { 0 } else { 1 })
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn ids_and_times_are_masked_and_the_rest_kept() {
        let a = "3f2a1b4c5d6e   busybox   \"sh\"   2 seconds ago   Up 2 seconds   web\n";
        let b = "9a8b7c6d5e4f   busybox   \"sh\"   About a minute ago   Up 5 minutes   web\n";
        assert_eq!(mask(a), mask(b));
        assert_ne!(mask(a), mask(&a.replace("web", "db")));
        assert_eq!(mask("Step 1/3 took 0.25s"), "Step 1/3 took <t>");
        assert_eq!(mask("exit 137"), "exit 137");
        let top = |pid: &str| format!("UID PID PPID C\nroot {pid} 77 0 sleep 9\n");
        assert_eq!(mask(&top("123")), mask(&top("98765")));
    }
}
