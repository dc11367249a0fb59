//! `sim script FILE`: runs a file of command lines, like a shell script with `set -e`.

use crate::session::{out, Session, Step};
use crate::state::StateError;

pub struct ScriptOptions {
    /// Don't echo `$ line` before each line's output.
    pub quiet: bool,
    /// Go on after a line fails.
    pub keep_going: bool,
}

/// The lines to run: blank lines and `#` comments dropped, a trailing `\` joins the next line.
pub fn command_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut pending = String::new();
    for raw in text.lines() {
        let trimmed = raw.trim();
        if pending.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(head) => {
                pending.push_str(head.trim_end());
                pending.push(' ');
            }
            None => {
                pending.push_str(trimmed);
                lines.push(std::mem::take(&mut pending).trim().to_string());
            }
        }
    }
    if !pending.trim().is_empty() {
        lines.push(pending.trim().to_string());
    }
    lines
}

/// Runs the script; its exit code is the last failing line's (0 if none failed), or what an
/// `exit N` line says.
pub fn run(session: &mut Session, text: &str, options: &ScriptOptions) -> Result<i32, StateError> {
    let mut status = 0;
    for line in command_lines(text) {
        if !options.quiet {
            out(&format!("$ {line}\n"));
        }
        match session.run_line(&line)? {
            Step::Exit(code) => return Ok(code),
            Step::Ran(0) => {}
            Step::Ran(code) => {
                status = code;
                if !options.keep_going {
                    break;
                }
            }
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_blanks_and_continuations() {
        let text = "# setup\n\n  docker pull nginx  \ndocker run -d \\\n  --name web \\\n  nginx\n#docker ps\ndocker ps \\";
        assert_eq!(
            command_lines(text),
            [
                "docker pull nginx",
                "docker run -d --name web nginx",
                "docker ps"
            ]
        );
    }
}
