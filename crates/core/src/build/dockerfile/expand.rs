//! Variable substitution when an instruction runs (BuildKit `shell.Lex.ProcessWord`).

use std::collections::BTreeMap;

use super::*;
use crate::glob::{Dialect, Glob};

/// Docker's substitution for the instructions it expands, with the default `\` escape:
/// `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR-word}`, `${VAR:+word}`, `${VAR+word}`,
/// `${VAR:?msg}`, `${VAR#pat}`, `${VAR##pat}`, `${VAR%pat}`, `${VAR%%pat}`, `${VAR/pat/rep}`,
/// `${VAR//pat/rep}`. Quotes are removed (`'...'` literal, `"..."` expands), `\x` gives `x`
/// outside quotes. Unset variables expand to "". The error has line 0: use
/// [`DockerfileError::at_line`].
pub fn expand(word: &str, vars: &BTreeMap<String, String>) -> Result<String, DockerfileError> {
    expand_with_escape(word, vars, DEFAULT_ESCAPE)
}

/// [`expand`] with the Dockerfile's escape character ([`Dockerfile::escape`]).
pub fn expand_with_escape(
    word: &str,
    vars: &BTreeMap<String, String>,
    escape: char,
) -> Result<String, DockerfileError> {
    let mut lexer = Lexer {
        chars: word.chars().collect(),
        pos: 0,
        vars,
        escape,
        depth: 0,
        keep_quotes: false,
    };
    lexer.process_until(None, false).map_err(|message| {
        DockerfileError::new(
            0,
            ErrorKind::Expand,
            format!("failed to process {word:?}: {message}"),
        )
    })
}

/// A heredoc body for COPY/ADD, as BuildKit expands it: variables substituted and `\`
/// escapes processed, quotes left as they are.
pub fn expand_raw(text: &str, vars: &BTreeMap<String, String>) -> Result<String, DockerfileError> {
    let mut lexer = Lexer {
        chars: text.chars().collect(),
        pos: 0,
        vars,
        escape: DEFAULT_ESCAPE,
        depth: 0,
        keep_quotes: true,
    };
    lexer.process_until(None, false).map_err(|message| {
        DockerfileError::new(
            0,
            ErrorKind::Expand,
            format!("failed to process {text:?}: {message}"),
        )
    })
}

/// A file to lay down, by its name relative to the destination.
pub type NamedFile = (String, crate::fs::Node);

/// A COPY/ADD's heredoc files, as the build lays them down: (name, 0644 file), bodies expanded
/// against `vars` unless the name was quoted; and the sources as BuildKit's step record names
/// them, the paths then `<<NAME` for each heredoc.
pub fn with_inline(
    inline: &[InlineFile],
    mut sources: Vec<String>,
    vars: &BTreeMap<String, String>,
) -> Result<(Vec<NamedFile>, Vec<String>), DockerfileError> {
    let mut files = Vec::new();
    for file in inline {
        let content = if file.expand {
            expand_raw(&file.content, vars)?
        } else {
            file.content.clone()
        };
        files.push((file.name.clone(), crate::fs::Node::file(content)));
        sources.push(format!("<<{}", file.name));
    }
    Ok((files, sources))
}

/// How deep `${a:-${b:-...}}` may nest: the lexer recurses, and wasm stacks are small.
pub(super) const MAX_NESTING: usize = 64;

pub(super) struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    vars: &'a BTreeMap<String, String>,
    escape: char,
    depth: usize,
    /// BuildKit's `SkipProcessQuotes`: quotes are ordinary characters (heredoc bodies).
    keep_quotes: bool,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    /// `processStopOn`: up to `stop` (consumed) or the end.
    fn process_until(&mut self, stop: Option<char>, raw_escapes: bool) -> Result<String, String> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if Some(c) == stop {
                self.pos += 1;
                return Ok(out);
            }
            match c {
                '$' => out.push_str(&self.dollar()?),
                '\'' if !self.keep_quotes => out.push_str(&self.single_quote()?),
                '"' if !self.keep_quotes => out.push_str(&self.double_quote(raw_escapes)?),
                _ => {
                    self.pos += 1;
                    if c == self.escape {
                        if raw_escapes {
                            out.push(c);
                        }
                        match self.next() {
                            Some(escaped) => out.push(escaped),
                            None => break,
                        }
                    } else {
                        out.push(c);
                    }
                }
            }
        }
        match stop {
            Some(s) => Err(format!(
                "unexpected end of statement while looking for matching {s}"
            )),
            None => Ok(out),
        }
    }

    fn single_quote(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .to_string(),
                    )
                }
                Some('\'') => return Ok(out),
                Some(c) => out.push(c),
            }
        }
    }

    fn double_quote(&mut self, raw_escapes: bool) -> Result<String, String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .to_string(),
                    )
                }
                Some('"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some('$') => out.push_str(&self.dollar()?),
                Some(c) => {
                    self.pos += 1;
                    if c == self.escape {
                        if raw_escapes {
                            out.push(c);
                        }
                        match self.peek() {
                            None => continue,
                            Some(n) if n == '"' || n == '$' || n == self.escape => {
                                self.pos += 1;
                                out.push(n);
                                continue;
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(c);
                }
            }
        }
    }

    /// A name: digits, one special parameter, or letters/digits/underscore.
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if name.is_empty() && c.is_ascii_digit() {
                while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                    name.push(d);
                    self.pos += 1;
                }
                return name;
            }
            if name.is_empty() && "@*#?-$!0".contains(c) {
                self.pos += 1;
                return c.to_string();
            }
            if !(c.is_alphanumeric() || c == '_') {
                break;
            }
            name.push(c);
            self.pos += 1;
        }
        name
    }

    fn lookup(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    fn dollar(&mut self) -> Result<String, String> {
        if self.depth >= MAX_NESTING {
            return Err("syntax error: substitutions nested too deeply".to_string());
        }
        self.depth += 1;
        let result = self.dollar_inner();
        self.depth -= 1;
        result
    }

    fn dollar_inner(&mut self) -> Result<String, String> {
        self.pos += 1;
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok("$".to_string());
            }
            return Ok(self.lookup(&name).unwrap_or_default().to_string());
        }
        self.pos += 1;
        match self.peek() {
            None => return Err("syntax error: missing '}'".to_string()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".to_string()),
            Some(_) => {}
        }
        let name = self.name();
        let Some(mut modifier) = self.next() else {
            return Err("syntax error: missing '}'".to_string());
        };
        let mut shown = modifier.to_string();
        let mut null_is_unset = false;
        match modifier {
            '}' => return Ok(self.lookup(&name).unwrap_or_default().to_string()),
            ':' => {
                null_is_unset = true;
                let Some(m) = self.next() else {
                    return Err("syntax error: missing '}'".to_string());
                };
                modifier = m;
                shown.push(m);
            }
            '+' | '-' | '?' | '#' | '%' => {}
            '/' => return self.replace(&name),
            _ => return Err(format!("unsupported modifier ({shown}) in substitution")),
        }
        let raw = modifier == '#' || modifier == '%';
        let word = self.process_until(Some('}'), raw).map_err(|e| {
            if self.peek().is_none() {
                "syntax error: missing '}'".to_string()
            } else {
                e
            }
        })?;
        let value = self.lookup(&name);
        let unset = value.is_none() || (null_is_unset && value == Some(""));
        match modifier {
            '-' => Ok(if unset {
                word
            } else {
                value.unwrap_or_default().to_string()
            }),
            '+' => Ok(if unset { String::new() } else { word }),
            '?' => match value {
                None => Err(format!(
                    "{name}: {}",
                    if word.is_empty() {
                        "is not allowed to be unset"
                    } else {
                        word.as_str()
                    }
                )),
                Some("") if null_is_unset => Err(format!(
                    "{name}: {}",
                    if word.is_empty() {
                        "is not allowed to be empty"
                    } else {
                        word.as_str()
                    }
                )),
                Some(v) => Ok(v.to_string()),
            },
            '#' | '%' => {
                let (greedy, pattern) = match word.strip_prefix(modifier) {
                    Some(p) => (true, p),
                    None => (false, word.as_str()),
                };
                let pattern = compile_shell_pattern(pattern)?;
                let value = value.unwrap_or_default();
                Ok(if modifier == '#' {
                    pattern.trim_prefix(value, greedy)
                } else {
                    pattern.trim_suffix(value, greedy)
                })
            }
            _ => Err(format!("unsupported modifier ({shown}) in substitution")),
        }
    }

    /// `${name/pattern/replacement}` and `${name//pattern/replacement}`.
    fn replace(&mut self, name: &str) -> Result<String, String> {
        let all = self.peek() == Some('/');
        if all {
            self.pos += 1;
        }
        let pattern = self.process_until(Some('/'), true).map_err(|e| {
            if self.peek().is_none() {
                "syntax error: missing '/' in ${}".to_string()
            } else {
                e
            }
        })?;
        let replacement = self.process_until(Some('}'), true).map_err(|e| {
            if self.peek().is_none() {
                "syntax error: missing '}'".to_string()
            } else {
                e
            }
        })?;
        let compiled = compile_shell_pattern(&pattern)?;
        let value: Vec<char> = self.lookup(name).unwrap_or_default().chars().collect();
        let mut out = String::new();
        let mut replaced = false;
        let mut i = 0;
        while i <= value.len() {
            if all || !replaced {
                if let Some(end) = longest_match_at(&compiled, &value, i) {
                    out.push_str(&replacement);
                    replaced = true;
                    if end > i {
                        i = end;
                        continue;
                    }
                }
            }
            if let Some(&c) = value.get(i) {
                out.push(c);
            }
            i += 1;
        }
        Ok(out)
    }
}

/// A pattern for `#`, `%` and `/`: `*`, `?`, and `\` escaping only `*`, `?`, `\`, `}`, `/`
/// (BuildKit rejects any other escape).
pub(super) fn compile_shell_pattern(pattern: &str) -> Result<Glob, String> {
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let next = chars.next();
            if !matches!(next, Some('*' | '?' | '\\' | '}' | '/')) {
                let shown = next.map(String::from).unwrap_or_default();
                return Err(format!(
                    "invalid pattern ({pattern}) in substitution: invalid escape '\\{shown}'"
                ));
            }
        }
    }
    Glob::new(pattern, Dialect::Plain).map_err(|e| e.to_string())
}

/// The end of the longest match starting at `start`.
fn longest_match_at(glob: &Glob, text: &[char], start: usize) -> Option<usize> {
    let accepted = glob.prefix_lengths(text.get(start..)?);
    accepted.iter().rposition(|&a| a).map(|len| start + len)
}
