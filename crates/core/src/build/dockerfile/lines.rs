//! Lines: parser directives, comments and continuations (BuildKit `parser.Parse`).

use super::heredoc::{can_contain_heredoc, heredocs_in_line, Heredoc};
use super::*;

/// BuildKit reads the file with Go's `bufio.Scanner`, whose longest line is 64 KiB with its
/// newline.
pub(super) const MAX_LINE: usize = 65_535;

pub(super) struct LogicalLine {
    pub(super) start: usize,
    pub(super) text: String,
    /// The heredocs the line opens, bodies read from the lines after it.
    pub(super) heredocs: Vec<Heredoc>,
}

pub(super) struct Directives {
    escape: char,
    done: bool,
    seen: Vec<String>,
}

impl Directives {
    /// BuildKit's `possibleParserDirective`: directives only count before anything else.
    fn check(&mut self, line: &str, line_no: usize) -> Result<(), DockerfileError> {
        if self.done {
            return Ok(());
        }
        let Some((key, value)) = parse_directive(line) else {
            self.done = true;
            return Ok(());
        };
        if !matches!(key.as_str(), "escape" | "syntax" | "check") {
            self.done = true;
            return Ok(());
        }
        if self.seen.contains(&key) {
            return Err(DockerfileError::new(
                line_no,
                ErrorKind::Directive,
                format!("only one {key} parser directive can be used"),
            ));
        }
        if key == "escape" {
            self.escape = match value.as_str() {
                "`" => '`',
                "\\" => '\\',
                _ => {
                    return Err(DockerfileError::new(
                        line_no,
                        ErrorKind::Directive,
                        format!("invalid escape token '{value}' does not match ` or \\"),
                    ))
                }
            };
        }
        self.seen.push(key);
        Ok(())
    }
}

/// Go's regexp `\s`: ASCII space, \t, \n, \f, \r.
pub(super) fn is_re_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r')
}

/// `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`, key lower-cased.
pub(super) fn parse_directive(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix('#')?.trim_start_matches(is_re_space);
    let key_len = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let key = rest.get(..key_len)?;
    if !key.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let rest = rest
        .get(key_len..)?
        .trim_start_matches(is_re_space)
        .strip_prefix('=')?;
    let value = rest.trim_matches(is_re_space);
    if value.is_empty() {
        return None;
    }
    Some((key.to_ascii_lowercase(), value.to_string()))
}

pub(super) fn trim_newline(line: &str) -> &str {
    line.trim_end_matches(['\r', '\n'])
}

pub(super) fn is_comment(line: &str) -> bool {
    trim_newline(line).trim_start().starts_with('#')
}

/// Removes a line-continuation escape (the escape as the last non-blank character, not itself
/// escaped). Returns the line and whether it ends the instruction.
pub(super) fn trim_continuation(line: &str, escape: char) -> (String, bool) {
    let trimmed = line.trim_end_matches([' ', '\t']);
    if let Some(before) = trimmed.strip_suffix(escape) {
        match before.chars().last() {
            None => return (String::new(), false),
            Some(c) if c != escape => return (before.to_string(), false),
            Some(_) => {}
        }
    }
    (line.to_string(), true)
}

/// Splits the text into instructions (continuations joined, heredoc bodies attached), as
/// BuildKit's scanner loop does.
pub(super) fn logical_lines(
    text: &str,
) -> Result<(Vec<LogicalLine>, char, usize), DockerfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut raw: Vec<&str> = text.split_inclusive('\n').collect();
    // The scanner stops at the first line that is too long: what came before is parsed.
    let too_long = raw.iter().position(|l| trim_newline(l).len() > MAX_LINE);
    if let Some(at) = too_long {
        raw.truncate(at);
    }
    let mut directives = Directives {
        escape: DEFAULT_ESCAPE,
        done: false,
        seen: Vec::new(),
    };
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(first) = raw.get(i) {
        let start = i + 1;
        let first = trim_newline(first).trim_start();
        directives.check(first, start)?;
        let first = if first.starts_with('#') { "" } else { first };
        i += 1;
        let (mut line, mut end_of_line) = trim_continuation(first, directives.escape);
        if end_of_line && line.is_empty() {
            continue;
        }
        while !end_of_line {
            let Some(next) = raw.get(i) else { break };
            let next = trim_newline(next);
            directives.check(next, i + 1)?;
            i += 1;
            if is_comment(next) || next.trim_start().is_empty() {
                continue;
            }
            let (part, end) = trim_continuation(next, directives.escape);
            line.push_str(&part);
            end_of_line = end;
        }
        let mut heredocs = Vec::new();
        if can_contain_heredoc(&line) {
            for mut doc in heredocs_in_line(&line) {
                let mut terminated = false;
                while let Some(body) = raw.get(i) {
                    i += 1;
                    let candidate = trim_newline(body);
                    let candidate = if doc.chomp {
                        candidate.trim_start_matches('\t')
                    } else {
                        candidate
                    };
                    if candidate == doc.name {
                        terminated = true;
                        break;
                    }
                    doc.content.push_str(body);
                }
                if !terminated {
                    return Err(DockerfileError::new(
                        start,
                        ErrorKind::Heredoc,
                        "unterminated heredoc",
                    ));
                }
                heredocs.push(doc);
            }
        }
        out.push(LogicalLine {
            start,
            text: line,
            heredocs,
        });
    }
    if let Some(at) = too_long {
        if out.is_empty() {
            return Err(DockerfileError::new(
                at.max(1),
                ErrorKind::NoInstructions,
                "file with no instructions",
            ));
        }
        return Err(DockerfileError::new(
            at,
            ErrorKind::LineTooLong,
            format!("dockerfile line greater than max allowed size of {MAX_LINE}"),
        ));
    }
    Ok((out, directives.escape, raw.len()))
}

/// `[\t\v\f\r ]`, BuildKit's `tokenWhitespace`/`reWhitespace`.
pub(super) fn is_token_space(c: char) -> bool {
    matches!(c, '\t' | '\x0b' | '\x0c' | '\r' | ' ')
}

/// The instruction as BuildKit prints it: trimmed, first word upper-cased.
pub(super) fn display_text(line: &str) -> String {
    let trimmed = line.trim();
    match trimmed.find(is_token_space) {
        Some(at) => {
            let (word, rest) = trimmed.split_at(at);
            format!("{}{rest}", word.to_uppercase())
        }
        None => trimmed.to_uppercase(),
    }
}
