//! The whole file: logical lines to stages, global ARGs, and the checks across stages.

use super::instruction::{parse_line, Parsed};
use super::lines::{display_text, logical_lines};
use super::*;

/// A problem found inside one logical line; the caller adds the line number.
pub(super) struct Problem {
    pub(super) kind: ErrorKind,
    pub(super) message: String,
}

pub(super) fn bad(message: impl Into<String>) -> Problem {
    Problem {
        kind: ErrorKind::Instruction,
        message: message.into(),
    }
}

pub(super) const INSTRUCTION_NAMES: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Parses a Dockerfile. The first error wins, with its line.
pub fn parse(text: &str) -> Result<Dockerfile, DockerfileError> {
    if text.is_empty() {
        return Err(DockerfileError::new(
            1,
            ErrorKind::Empty,
            "the Dockerfile cannot be empty",
        ));
    }
    let (lines, escape, line_count) = logical_lines(text)?;
    if lines.is_empty() {
        return Err(DockerfileError::new(
            line_count.max(1),
            ErrorKind::NoInstructions,
            "file with no instructions",
        ));
    }
    let mut stages: Vec<Stage> = Vec::new();
    let mut global_args = Vec::new();
    for logical in &lines {
        let at = |p: Problem| DockerfileError::new(logical.start, p.kind, p.message);
        match parse_line(&logical.text, escape, &logical.heredocs).map_err(at)? {
            Parsed::From {
                base,
                name,
                platform,
            } => stages.push(Stage {
                base,
                name,
                platform,
                line: logical.start,
                instructions: Vec::new(),
            }),
            Parsed::Instruction { value, note } => {
                let text = named(&logical.text, note);
                match (stages.last_mut(), value) {
                    (Some(stage), value) => {
                        stage.instructions.push(Located {
                            line: logical.start,
                            text,
                            value,
                        });
                    }
                    (None, Instruction::Arg(decls)) => global_args.extend(decls),
                    (None, _) => {
                        return Err(DockerfileError::new(
                            logical.start,
                            ErrorKind::NoBuildStage,
                            "no build stage in current context",
                        ))
                    }
                }
            }
        }
    }
    if stages.is_empty() {
        return Err(DockerfileError::new(
            line_count.max(1),
            ErrorKind::NoStages,
            "dockerfile contains no stages to build",
        ));
    }
    check_copy_from(&stages)?;
    Ok(Dockerfile {
        stages,
        global_args,
        escape,
    })
}

/// The step's name: the line as BuildKit prints it, and a heredoc's summary.
fn named(line: &str, note: Option<String>) -> String {
    let text = display_text(line);
    match note {
        Some(note) => format!("{text} ({note})"),
        None => text,
    }
}

/// Parses an ONBUILD trigger from an image config (e.g. `RUN make`), as BuildKit does when a
/// build uses that image as its base: one instruction, its errors placed on `line` (the FROM's
/// line), its step named `ONBUILD RUN make`.
pub fn parse_trigger(trigger: &str, line: usize) -> Result<Located<Instruction>, DockerfileError> {
    // A fresh parser, as BuildKit's: the default escape, no directives of the child file.
    let (lines, escape, _) = logical_lines(trigger).map_err(|e| e.at_line(line))?;
    let [logical] = lines.as_slice() else {
        return Err(DockerfileError::new(
            line,
            ErrorKind::Instruction,
            "onbuild trigger should be a single expression",
        ));
    };
    let at = |p: Problem| DockerfileError::new(line, p.kind, p.message);
    match parse_line(&logical.text, escape, &logical.heredocs).map_err(at)? {
        Parsed::Instruction { value, note } => Ok(Located {
            line,
            text: format!("ONBUILD {}", named(&logical.text, note)),
            value,
        }),
        Parsed::From { .. } => Err(DockerfileError::new(
            line,
            ErrorKind::Instruction,
            "FROM isn't allowed as an ONBUILD trigger",
        )),
    }
}

/// `COPY --from` must name an existing stage index and must not make stages wait on each other.
pub(super) fn check_copy_from(stages: &[Stage]) -> Result<(), DockerfileError> {
    let stage_err =
        |line: usize, message: String| DockerfileError::new(line, ErrorKind::Stage, message);
    // deps[i]: the stages stage i copies from, by index.
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); stages.len()];
    for (i, stage) in stages.iter().enumerate() {
        for located in &stage.instructions {
            let Instruction::Copy {
                from: Some(from), ..
            } = &located.value
            else {
                continue;
            };
            let target = if let Ok(index) = from.parse::<i64>() {
                match usize::try_from(index).ok().filter(|&ix| ix < stages.len()) {
                    Some(ix) => Some(ix),
                    None => {
                        return Err(stage_err(
                            located.line,
                            format!("invalid stage index {index}"),
                        ))
                    }
                }
            } else {
                stages
                    .iter()
                    .position(|s| s.name.as_deref() == Some(from.as_str()))
            };
            if let Some(target) = target {
                if let Some(d) = deps.get_mut(i) {
                    d.push(target);
                }
            }
        }
    }
    // A FROM naming an earlier stage is a dependency too (BuildKit only looks backwards).
    for (i, stage) in stages.iter().enumerate() {
        let base = stage.base.to_lowercase();
        let earlier = stages
            .iter()
            .take(i)
            .position(|s| s.name.as_deref() == Some(base.as_str()));
        if let (Some(target), Some(d)) = (earlier, deps.get_mut(i)) {
            d.push(target);
        }
    }
    // Depth-first search for a cycle; states: 0 new, 1 on the stack, 2 done.
    let mut state = vec![0u8; stages.len()];
    for start in 0..stages.len() {
        let mut stack = vec![(start, 0usize)];
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if *next == 0 {
                if let Some(s) = state.get_mut(node) {
                    *s = 1;
                }
            }
            let child = deps.get(node).and_then(|d| d.get(*next)).copied();
            *next += 1;
            match child {
                None => {
                    if let Some(s) = state.get_mut(node) {
                        *s = 2;
                    }
                    stack.pop();
                }
                Some(c) => match state.get(c) {
                    Some(1) => {
                        let stage = stages.get(c);
                        let name = stage
                            .and_then(|s| s.name.clone())
                            .unwrap_or_else(|| format!("stage-{c}"));
                        let line = stages.get(node).map_or(0, |s| s.line);
                        return Err(stage_err(
                            line,
                            format!("circular dependency detected on stage: {name}"),
                        ));
                    }
                    Some(0) => stack.push((c, 0)),
                    _ => {}
                },
            }
        }
    }
    Ok(())
}
