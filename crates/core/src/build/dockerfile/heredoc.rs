//! Heredocs (`RUN <<EOF`, `COPY <<EOF /path`), as BuildKit's parser reads them: a word
//! `[n]<<[-]NAME` in a shell-form RUN, COPY or ADD (or one behind ONBUILD) takes the lines
//! that follow, up to a line that is exactly NAME (after leading tabs for `<<-`).

use super::words::{maybe_json, split_command};
use super::ShellOrExec;

/// One heredoc of an instruction, its body read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Heredoc {
    /// The terminator, quotes removed (`<<"EOF"` is `EOF`).
    pub name: String,
    /// The body lines, each with its newline; leading tabs kept (see [`chomp`]).
    pub content: String,
    /// `<<-`: leading tabs are stripped from the body when it is used.
    pub chomp: bool,
    /// False when any part of the name was quoted: then the body is taken literally.
    pub expand: bool,
}

/// Whether BuildKit looks for heredocs in this (logical) line: shell-form RUN, COPY and ADD,
/// also behind ONBUILD.
pub(super) fn can_contain_heredoc(line: &str) -> bool {
    let (word, _, rest) = split_command(line);
    let (word, rest) = if word.eq_ignore_ascii_case("onbuild") {
        let (inner, _, inner_rest) = split_command(&rest);
        (inner, inner_rest)
    } else {
        (word, rest)
    };
    let kind = word.to_ascii_lowercase();
    matches!(kind.as_str(), "run" | "copy" | "add")
        && !matches!(maybe_json(&rest), Ok(ShellOrExec::Exec(_)))
        && line.contains("<<")
}

/// The heredoc words of a line, in order (bodies not read yet).
pub(super) fn heredocs_in_line(line: &str) -> Vec<Heredoc> {
    raw_words(line)
        .iter()
        .filter_map(|w| heredoc_word(w))
        .collect()
}

/// BuildKit's `ParseHeredoc`: `^(\d*)<<(-?)\s*([^<]*)$` with a non-empty rest that is one
/// shell word.
pub(super) fn heredoc_word(word: &str) -> Option<Heredoc> {
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(after) => (true, after),
        None => (false, rest),
    };
    let rest = rest.trim_start_matches(is_go_space);
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let (name, quoted) = unquote(rest)?;
    Some(Heredoc {
        name,
        content: String::new(),
        chomp,
        expand: !quoted,
    })
}

/// Go's regexp `\s`.
fn is_go_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r')
}

/// One shell word without its quotes and escapes, and whether a quote was removed; `None`
/// when the text is not exactly one word (unquoted blanks, an unclosed quote).
fn unquote(text: &str) -> Option<(String, bool)> {
    let mut out = String::new();
    let mut quoted = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        other => out.push(other),
                    }
                }
            }
            '"' => {
                quoted = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            e @ ('"' | '\\' | '$') => out.push(e),
                            other => {
                                out.push('\\');
                                out.push(other);
                            }
                        },
                        other => out.push(other),
                    }
                }
            }
            '\\' => out.push(chars.next()?),
            c if is_go_space(c) => return None,
            other => out.push(other),
        }
    }
    Some((out, quoted))
}

/// Splits a line into words with quotes and escapes kept, as BuildKit's `ProcessWords` with
/// raw quotes and escapes does; blanks right after `<<` stay in the word (`<<  EOF`).
fn raw_words(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    let mut i = 0;
    let mut quote: Option<char> = None;
    while let Some(&c) = chars.get(i) {
        i += 1;
        if let Some(q) = quote {
            word.push(c);
            if c == q {
                quote = None;
            } else if c == '\\' && q == '"' {
                if let Some(&next) = chars.get(i) {
                    word.push(next);
                    i += 1;
                }
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                word.push(c);
            }
            '\\' => {
                word.push(c);
                if let Some(&next) = chars.get(i) {
                    word.push(next);
                    i += 1;
                }
            }
            '<' if chars.get(i) == Some(&'<') => {
                word.push_str("<<");
                i += 1;
                while let Some(&blank) = chars.get(i).filter(|c| is_shell_blank(**c)) {
                    word.push(blank);
                    i += 1;
                }
            }
            c if is_shell_blank(c) => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            other => word.push(other),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The blanks BuildKit's shell lexer splits words on.
fn is_shell_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// BuildKit's `ChompHeredocContent`: leading tabs removed from every line.
pub(super) fn chomp(content: &str) -> String {
    content
        .split_inclusive('\n')
        .map(|line| line.trim_start_matches('\t'))
        .collect()
}

/// The body as the build step names it: first line, `...` when there are more.
fn summarize(content: &str) -> String {
    let doc = content.trim().replace("\r\n", "\n");
    let mut lines = doc.split('\n');
    let first = lines.next().unwrap_or_default();
    if lines.next().is_some() {
        format!("{first}...")
    } else {
        first.to_string()
    }
}

/// What a shell-form RUN with heredocs hands the shell, and the summary BuildKit adds to the
/// step's name (`RUN <<EOF (apk add curl...)`).
///
/// A RUN that is one heredoc runs its body as the script; a body starting with `#!` goes to
/// the interpreter it names on standard input (BuildKit writes it to a file and executes it;
/// the interpreter reads the same script). Any other RUN gets its heredocs back after the
/// command, for the shell to read as heredocs.
pub(super) fn run_script(command: &str, heredocs: &[Heredoc]) -> (String, Option<String>) {
    if let (Some(word), [doc]) = (heredoc_word(command), heredocs) {
        if word.name == doc.name {
            let body = if doc.chomp {
                chomp(&doc.content)
            } else {
                doc.content.clone()
            };
            let summary = Some(summarize(&doc.content));
            if let Some(shebang) = body.strip_prefix("#!") {
                let (interpreter, script) = shebang.split_once('\n').unwrap_or((shebang, ""));
                let newline = if script.is_empty() || script.ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                let name = &doc.name;
                return (
                    format!("{} <<'{name}'\n{script}{newline}{name}", interpreter.trim()),
                    summary,
                );
            }
            return (body, summary);
        }
    }
    let mut script = command.to_string();
    for doc in heredocs {
        script.push('\n');
        script.push_str(&doc.content);
        script.push_str(&doc.name);
    }
    (script, None)
}
