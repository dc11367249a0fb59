//! Dockerfile text -> build stages of typed instructions, following BuildKit's parser
//! (`frontend/dockerfile/parser` and `instructions`) rule for rule, message for message.
//!
//! # Why not `parse-dockerfile`
//! The crate is a good fast parser, but it cannot report what a teaching simulator must show:
//! its `Error` is opaque (a message, a line and a column, no kind), and its messages are its own
//! (`unknown instruction 'RUNN'`, `expected FROM`, `expected AS`) where learners need BuildKit's
//! (`unknown instruction: RUNN (did you mean RUN?)`, `no build stage in current context`,
//! `FROM requires either one or three arguments`). It also hands back ENV, LABEL and ARG as raw
//! strings, does not check COPY/ADD/FROM flags, and keeps shell forms as escaped source slices,
//! so most of the work (key=value words, flags, the joined text docker prints) would be ours
//! anyway, plus string-matching its messages to re-word them. So this module is a small,
//! careful port of BuildKit's line parser instead; `parse-dockerfile` stays unused here.
//!
//! # What the values mean
//! Like BuildKit, parsing keeps words *raw*: quotes, escapes and `$VAR`s are left in place, and
//! [`expand`] (BuildKit's `ProcessWord`) substitutes variables and removes quotes and escapes when
//! an instruction runs, against the environment in scope at that point. Instructions that Docker
//! expands: FROM (global ARGs only), ARG defaults, ENV and LABEL keys and values, COPY/ADD
//! sources, destination, `--chown`/`--chmod`, WORKDIR, USER, VOLUME items, EXPOSE, STOPSIGNAL.
//! RUN/CMD/ENTRYPOINT shell strings go to the shell unexpanded; exec-form arrays are final.
//!
//! Not supported (clear errors instead): heredocs (`RUN <<EOF`) and ONBUILD. Flags Docker
//! accepts but the simulator does not model (`RUN --mount/--network/--security`, `COPY --link`,
//! `--parents`, `--exclude`, `ADD --checksum`, `--keep-git-dir`, `--unpack`, HEALTHCHECK
//! options) are validated like BuildKit does and then ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The default escape character; `# escape=`` ` switches to a backtick.
pub const DEFAULT_ESCAPE: char = '\\';

/// A parsed Dockerfile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dockerfile {
    pub stages: Vec<Stage>,
    /// ARGs before the first FROM: usable in FROM lines, and in a stage after `ARG NAME`.
    pub global_args: Vec<ArgDecl>,
    /// The escape character in force (`\` or `` ` ``): pass it to [`expand_with_escape`].
    pub escape: char,
}

/// One build stage: a FROM line and the instructions up to the next FROM.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Image reference, earlier stage name or `scratch`; may hold unexpanded global ARGs.
    pub base: String,
    /// The `AS name`, lower-cased (BuildKit compares stage names case-insensitively).
    /// Names may repeat: BuildKit only warns (DuplicateStageName) and resolves to the first.
    pub name: Option<String>,
    /// The `--platform=` value, raw.
    pub platform: Option<String>,
    /// 1-based line of the FROM instruction.
    pub line: usize,
    pub instructions: Vec<Located<Instruction>>,
}

/// A value with where it came from and how docker prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Located<T> {
    /// 1-based line where the instruction starts.
    pub line: usize,
    /// The instruction as BuildKit names its build step: continuation lines joined (the escape
    /// and newline removed, indentation kept), trimmed, instruction word upper-cased,
    /// e.g. `RUN apk add     curl`. Variables are not expanded here.
    pub text: String,
    pub value: T,
}

/// Shell form (run by the stage's SHELL, default `/bin/sh -c`) or exec form (a JSON array).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShellOrExec {
    Shell(String),
    Exec(Vec<String>),
}

/// One instruction after FROM. All strings are raw words (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Instruction {
    Run(ShellOrExec),
    Cmd(ShellOrExec),
    Entrypoint(ShellOrExec),
    Copy {
        sources: Vec<String>,
        dest: String,
        /// Stage name (lower-cased), stage index, or image reference.
        from: Option<String>,
        chown: Option<String>,
        chmod: Option<String>,
    },
    Add {
        sources: Vec<String>,
        dest: String,
        chown: Option<String>,
        chmod: Option<String>,
    },
    /// Both `ENV K=V K2="v 2"` and the legacy `ENV K rest of line`.
    Env(Vec<(String, String)>),
    /// One ARG line can declare several names: `ARG A=1 B`.
    Arg(Vec<ArgDecl>),
    Workdir(String),
    /// Sorted as BuildKit sorts them (it records them sorted in the image history).
    Expose(Vec<String>),
    /// JSON array or space separated.
    Volume(Vec<String>),
    Label(Vec<(String, String)>),
    User(String),
    Shell(Vec<String>),
    StopSignal(String),
    /// Everything after the HEALTHCHECK keyword, options included, e.g. `--interval=5s CMD true`.
    Healthcheck(String),
    Maintainer(String),
}

/// `ARG name[=default]`; the default is raw (quotes kept).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArgDecl {
    pub name: String,
    pub default: Option<String>,
}

/// Which rule a Dockerfile broke. The message says it in BuildKit's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ErrorKind {
    /// A zero-byte file: `the Dockerfile cannot be empty`.
    Empty,
    /// Only blank lines and comments: `file with no instructions`.
    NoInstructions,
    /// Only global ARGs: `dockerfile contains no stages to build`.
    NoStages,
    /// An instruction other than ARG before the first FROM: `no build stage in current context`.
    NoBuildStage,
    /// A bad parser directive (`# escape=x`, a directive given twice).
    Directive,
    /// An instruction BuildKit rejects; printed as `dockerfile parse error on line N: ...`.
    Instruction,
    /// Valid Docker syntax the simulator does not model (heredocs, ONBUILD).
    Unsupported,
    /// Stages that reference each other wrongly (`COPY --from`).
    Stage,
    /// Variable substitution failed (see [`expand`]).
    Expand,
}

/// A Dockerfile error with its 1-based line (0 when not tied to a line, e.g. from [`expand`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}", self.render())]
pub struct DockerfileError {
    pub line: usize,
    pub kind: ErrorKind,
    /// The bare message, without the `dockerfile parse error on line N: ` prefix.
    pub message: String,
}

impl DockerfileError {
    fn new(line: usize, kind: ErrorKind, message: impl Into<String>) -> Self {
        DockerfileError {
            line,
            kind,
            message: message.into(),
        }
    }

    /// The same error, tied to `line` (for [`expand`] errors raised while building).
    #[must_use]
    pub fn at_line(mut self, line: usize) -> Self {
        self.line = line;
        self
    }

    fn render(&self) -> String {
        match self.kind {
            ErrorKind::Instruction | ErrorKind::Unsupported => {
                format!(
                    "dockerfile parse error on line {}: {}",
                    self.line, self.message
                )
            }
            _ => self.message.clone(),
        }
    }
}

/// A problem found inside one logical line; the caller adds the line number.
struct Problem {
    kind: ErrorKind,
    message: String,
}

fn bad(message: impl Into<String>) -> Problem {
    Problem {
        kind: ErrorKind::Instruction,
        message: message.into(),
    }
}

fn unsupported(message: impl Into<String>) -> Problem {
    Problem {
        kind: ErrorKind::Unsupported,
        message: message.into(),
    }
}

const INSTRUCTION_NAMES: [&str; 18] = [
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
        match parse_line(&logical.text, escape).map_err(at)? {
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
            Parsed::Instruction(value) => {
                let text = display_text(&logical.text);
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

// ---------------------------------------------------------------------------------------------
// Lines: directives, comments, continuations (BuildKit parser.Parse)

struct LogicalLine {
    start: usize,
    text: String,
}

struct Directives {
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
fn is_re_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r')
}

/// `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`, key lower-cased.
fn parse_directive(line: &str) -> Option<(String, String)> {
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

fn trim_newline(line: &str) -> &str {
    line.trim_end_matches(['\r', '\n'])
}

fn is_comment(line: &str) -> bool {
    trim_newline(line).trim_start().starts_with('#')
}

/// Removes a line-continuation escape (the escape as the last non-blank character, not itself
/// escaped). Returns the line and whether it ends the instruction.
fn trim_continuation(line: &str, escape: char) -> (String, bool) {
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

/// Splits the text into instructions (continuations joined), as BuildKit's scanner loop does.
fn logical_lines(text: &str) -> Result<(Vec<LogicalLine>, char, usize), DockerfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: Vec<&str> = text.split_inclusive('\n').collect();
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
        out.push(LogicalLine { start, text: line });
    }
    Ok((out, directives.escape, raw.len()))
}

/// `[\t\v\f\r ]`, BuildKit's `tokenWhitespace`/`reWhitespace`.
fn is_token_space(c: char) -> bool {
    matches!(c, '\t' | '\x0b' | '\x0c' | '\r' | ' ')
}

/// The instruction as BuildKit prints it: trimmed, first word upper-cased.
fn display_text(line: &str) -> String {
    let trimmed = line.trim();
    match trimmed.find(is_token_space) {
        Some(at) => {
            let (word, rest) = trimmed.split_at(at);
            format!("{}{rest}", word.to_uppercase())
        }
        None => trimmed.to_uppercase(),
    }
}

// ---------------------------------------------------------------------------------------------
// One instruction (BuildKit splitCommand + line parsers + instructions.Parse*)

enum Parsed {
    From {
        base: String,
        name: Option<String>,
        platform: Option<String>,
    },
    Instruction(Instruction),
}

/// Splits `CMD [--flags] rest` into the word, the `--flags` and the trimmed rest.
fn split_command(line: &str) -> (String, Vec<String>, String) {
    let trimmed = line.trim();
    match trimmed.find(is_token_space) {
        Some(at) => {
            let (cmd, rest) = trimmed.split_at(at);
            let (rest, flags) = extract_builder_flags(rest.trim_start_matches(is_token_space));
            (cmd.to_string(), flags, rest.trim().to_string())
        }
        None => (trimmed.to_string(), Vec::new(), String::new()),
    }
}

/// BuildKit's `extractBuilderFlags`: leading words that start with `--` are flags (quotes and `\`
/// processed inside them); a bare `--` ends them. Returns the rest of the line and the flags.
fn extract_builder_flags(line: &str) -> (String, Vec<String>) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let chars: Vec<char> = line.chars().collect();
    let rest_from = |pos: usize| {
        chars
            .get(pos..)
            .unwrap_or_default()
            .iter()
            .collect::<String>()
    };
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut pos = 0;
    loop {
        let ch = chars.get(pos).copied();
        if phase == Phase::Spaces {
            match ch {
                None => break,
                Some(c) if c.is_whitespace() => {
                    pos += 1;
                    continue;
                }
                Some(c) => {
                    if c != '-' || chars.get(pos + 1) != Some(&'-') {
                        return (rest_from(pos), words);
                    }
                    phase = Phase::Word;
                }
            }
        }
        let Some(mut c) = ch else {
            if word != "--" && (blank_ok || !word.is_empty()) {
                words.push(word);
            }
            break;
        };
        if phase == Phase::Word {
            if c.is_whitespace() {
                phase = Phase::Spaces;
                if word == "--" {
                    return (rest_from(pos), words);
                }
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if c == '\'' || c == '"' {
                quote = c;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            if c == '\\' {
                match chars.get(pos + 1) {
                    None => {
                        pos += 1;
                        continue;
                    }
                    Some(&next) => {
                        pos += 1;
                        c = next;
                    }
                }
            }
            word.push(c);
            pos += 1;
            continue;
        }
        // Phase::Quote
        if c == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        if c == '\\' {
            match chars.get(pos + 1) {
                None => {
                    phase = Phase::Word;
                    pos += 1;
                    continue;
                }
                Some(&next) => {
                    pos += 1;
                    c = next;
                }
            }
        }
        word.push(c);
        pos += 1;
    }
    (String::new(), words)
}

/// BuildKit's `parseWords`: splits on whitespace, keeping quotes and escapes in the words.
fn parse_words(rest: &str, escape: char) -> Vec<String> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let chars: Vec<char> = rest.chars().collect();
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut pos = 0;
    loop {
        let ch = chars.get(pos).copied();
        if phase == Phase::Spaces {
            match ch {
                None => break,
                Some(c) if c.is_whitespace() => {
                    pos += 1;
                    continue;
                }
                Some(_) => phase = Phase::Word,
            }
        }
        let Some(mut c) = ch else {
            if blank_ok || !word.is_empty() {
                words.push(word);
            }
            break;
        };
        if phase == Phase::Word {
            if c.is_whitespace() {
                phase = Phase::Spaces;
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                blank_ok = false;
                pos += 1;
                continue;
            }
            if c == '\'' || c == '"' {
                quote = c;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if c == escape {
                match chars.get(pos + 1) {
                    None => {
                        pos += 1;
                        continue;
                    }
                    Some(&next) => {
                        word.push(c);
                        pos += 1;
                        c = next;
                    }
                }
            }
            word.push(c);
            pos += 1;
            continue;
        }
        // Phase::Quote
        if c == quote {
            phase = Phase::Word;
        }
        if c == escape && quote != '\'' {
            match chars.get(pos + 1) {
                None => {
                    phase = Phase::Word;
                    pos += 1;
                    continue;
                }
                Some(&next) => {
                    word.push(c);
                    pos += 1;
                    c = next;
                }
            }
        }
        word.push(c);
        pos += 1;
    }
    words
}

/// `reWhitespace.Split`: FROM, EXPOSE, and the non-JSON COPY/ADD/VOLUME.
fn split_whitespace_delimited(rest: &str) -> Vec<String> {
    rest.split(is_token_space)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

enum Json {
    Array(Vec<String>),
    NotJson,
}

const NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

/// BuildKit's `parseJSON`: a JSON array of strings, or not JSON at all (then the shell form).
fn parse_json(rest: &str) -> Result<Json, Problem> {
    let rest = rest.trim_start();
    if !rest.starts_with('[') {
        return Ok(Json::NotJson);
    }
    let Ok(values) = serde_json::from_str::<Vec<serde_json::Value>>(rest) else {
        return Ok(Json::NotJson);
    };
    values
        .into_iter()
        .map(|v| match v {
            serde_json::Value::String(s) => Ok(s),
            _ => Err(bad(NOT_STRING_ARRAY)),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Json::Array)
}

/// RUN/CMD/ENTRYPOINT/SHELL: exec form if valid JSON, otherwise the raw text as shell form.
fn maybe_json(rest: &str) -> Result<ShellOrExec, Problem> {
    if rest.is_empty() {
        return Ok(ShellOrExec::Shell(String::new()));
    }
    Ok(match parse_json(rest)? {
        Json::Array(words) => ShellOrExec::Exec(words),
        Json::NotJson => ShellOrExec::Shell(rest.to_string()),
    })
}

/// COPY/ADD/VOLUME: a JSON array, or words split on blanks. Also says whether it was JSON.
fn maybe_json_to_list(rest: &str) -> Result<(Vec<String>, bool), Problem> {
    Ok(match parse_json(rest)? {
        Json::Array(words) => (words, true),
        Json::NotJson => (split_whitespace_delimited(rest), false),
    })
}

/// ENV and LABEL (`parseNameVal` + `parseKvps`).
fn parse_name_values(
    rest: &str,
    what: &str,
    escape: char,
) -> Result<Vec<(String, String)>, Problem> {
    let words = parse_words(rest, escape);
    let Some(first) = words.first() else {
        return Ok(Vec::new());
    };
    if !first.contains('=') {
        // Legacy `ENV KEY rest of the line`.
        let mut parts = rest.splitn(2, is_token_space);
        let key = parts.next().unwrap_or_default();
        let value = parts.next().map(|v| v.trim_start_matches(is_token_space));
        let Some(value) = value else {
            return Err(bad(format!("{what} must have two arguments")));
        };
        return Ok(vec![(key.to_string(), value.to_string())]);
    }
    words
        .iter()
        .map(|word| match word.split_once('=') {
            Some((k, v)) => Ok((k.to_string(), v.to_string())),
            None => Err(bad(format!(
                "Syntax error - can't find = in {word:?}. Must be of the form: name=value"
            ))),
        })
        .collect()
}

fn check_key_values(pairs: &[(String, String)], what: &str) -> Result<(), Problem> {
    if pairs.is_empty() {
        return Err(bad(format!("{what} requires at least one argument")));
    }
    if pairs.iter().any(|(k, _)| k.is_empty()) {
        return Err(bad(format!("{what} names can not be blank")));
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum FlagKind {
    Bool,
    Str,
    Strs,
}

const FROM_FLAGS: &[(&str, FlagKind)] = &[("platform", FlagKind::Str)];
const COPY_FLAGS: &[(&str, FlagKind)] = &[
    ("chown", FlagKind::Str),
    ("from", FlagKind::Str),
    ("chmod", FlagKind::Str),
    ("link", FlagKind::Bool),
    ("parents", FlagKind::Bool),
    ("exclude", FlagKind::Strs),
];
const ADD_FLAGS: &[(&str, FlagKind)] = &[
    ("chown", FlagKind::Str),
    ("chmod", FlagKind::Str),
    ("link", FlagKind::Bool),
    ("keep-git-dir", FlagKind::Bool),
    ("checksum", FlagKind::Str),
    ("unpack", FlagKind::Bool),
    ("exclude", FlagKind::Strs),
];
const RUN_FLAGS: &[(&str, FlagKind)] = &[
    ("mount", FlagKind::Strs),
    ("network", FlagKind::Str),
    ("security", FlagKind::Str),
];
const HEALTHCHECK_FLAGS: &[(&str, FlagKind)] = &[
    ("interval", FlagKind::Str),
    ("timeout", FlagKind::Str),
    ("start-period", FlagKind::Str),
    ("start-interval", FlagKind::Str),
    ("retries", FlagKind::Str),
];

/// BuildKit's `BFlags.Parse`: `--name=value` only, known names only, each at most once.
/// Returns the string values by name (booleans as "true"/"false").
fn parse_flags(
    flags: &[String],
    allowed: &[(&str, FlagKind)],
) -> Result<BTreeMap<String, Vec<String>>, Problem> {
    let mut used: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for flag in flags {
        if flag == "--" {
            break;
        }
        let Some(body) = flag.strip_prefix("--") else {
            return Err(bad(format!("arg should start with -- : {flag}")));
        };
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        let shown = format!("--{name}");
        let Some(&(_, kind)) = allowed.iter().find(|(n, _)| *n == name) else {
            let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            let hint = suggest(name, &names, true)
                .map(|s| format!(" (did you mean {s}?)"))
                .unwrap_or_default();
            return Err(bad(format!("unknown flag: {shown}{hint}")));
        };
        if used.contains_key(name) && kind != FlagKind::Strs {
            return Err(bad(format!("duplicate flag specified: {shown}")));
        }
        let value = match (kind, value) {
            (FlagKind::Bool, Some("")) => {
                return Err(bad(format!("missing a value on flag: {shown}")));
            }
            (FlagKind::Bool, None) => "true".to_string(),
            (FlagKind::Bool, Some(v)) => match v.to_lowercase().as_str() {
                "true" => "true".to_string(),
                "false" => "false".to_string(),
                _ => {
                    return Err(bad(format!(
                        "expecting boolean value for flag {shown}, not: {v}"
                    )))
                }
            },
            (_, None) => return Err(bad(format!("missing a value on flag: {shown}"))),
            (_, Some(v)) => v.to_string(),
        };
        used.entry(name.to_string()).or_default().push(value);
    }
    Ok(used)
}

/// The last value of a string flag; BuildKit treats an empty value as unset.
fn flag_value(flags: &BTreeMap<String, Vec<String>>, name: &str) -> Option<String> {
    flags
        .get(name)
        .and_then(|v| v.last())
        .filter(|v| !v.is_empty())
        .cloned()
}

/// BuildKit's `suggest.WrapError`: the closest option within edit distance 2.
fn suggest(value: &str, options: &[&str], case_sensitive: bool) -> Option<String> {
    let fold = |s: &str| {
        if case_sensitive {
            s.to_string()
        } else {
            s.to_lowercase()
        }
    };
    let value_folded = fold(value);
    let mut best = None;
    let mut min_distance = 3;
    for option in options {
        let option = fold(option);
        if option == value_folded {
            return None;
        }
        let distance = strsim::levenshtein(&value_folded, &option);
        if distance < min_distance {
            min_distance = distance;
            best = Some(if case_sensitive {
                option
            } else {
                match_case(&option, value)
            });
        }
    }
    best
}

fn match_case(option: &str, original: &str) -> String {
    if original == original.to_lowercase() {
        option.to_lowercase()
    } else if original == original.to_uppercase() {
        option.to_uppercase()
    } else {
        option.to_string()
    }
}

/// BuildKit reads heredocs in shell-form RUN and in COPY/ADD: a word `[n]<<[-]NAME`.
/// The simulator does not model them, so it says so instead of misreading the body lines.
fn reject_heredoc(line: &str) -> Result<(), Problem> {
    for word in parse_words(line, '\\') {
        let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
        let Some(rest) = rest.strip_prefix("<<") else {
            continue;
        };
        let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
        if !rest.is_empty() && !rest.contains('<') {
            return Err(unsupported(format!(
                "heredocs ({word}) are not supported by the simulator; \
                 write the file in the build context and COPY it, or use RUN with echo/printf"
            )));
        }
    }
    Ok(())
}

fn exactly_one(rest: &str, what: &str) -> Result<String, Problem> {
    if rest.is_empty() {
        return Err(bad(format!("{what} requires exactly one argument")));
    }
    Ok(rest.to_string())
}

/// A valid stage name: `^[a-z][a-z0-9-_.]*$` (after lower-casing).
fn is_valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

fn parse_line(line: &str, escape: char) -> Result<Parsed, Problem> {
    let (word, flags, rest) = split_command(line);
    let instruction = match word.to_lowercase().as_str() {
        "from" => {
            let args = split_whitespace_delimited(&rest);
            let name = match args.as_slice() {
                [_] => None,
                [_, as_word, name] if as_word.eq_ignore_ascii_case("as") => {
                    let lower = name.to_lowercase();
                    if !is_valid_stage_name(&lower) {
                        return Err(bad(format!(
                            "invalid name for build stage: {name:?}, name can't start with a \
                             number or contain symbols"
                        )));
                    }
                    Some(lower)
                }
                _ => return Err(bad("FROM requires either one or three arguments")),
            };
            let flags = parse_flags(&flags, FROM_FLAGS)?;
            let base = args.into_iter().next().unwrap_or_default();
            return Ok(Parsed::From {
                base,
                name,
                platform: flag_value(&flags, "platform"),
            });
        }
        "run" => {
            let form = maybe_json(&rest)?;
            if matches!(form, ShellOrExec::Shell(_)) {
                reject_heredoc(line)?;
            }
            parse_flags(&flags, RUN_FLAGS)?;
            Instruction::Run(form)
        }
        "cmd" => {
            let form = maybe_json(&rest)?;
            parse_flags(&flags, &[])?;
            Instruction::Cmd(form)
        }
        "entrypoint" => {
            let form = maybe_json(&rest)?;
            parse_flags(&flags, &[])?;
            Instruction::Entrypoint(form)
        }
        "shell" => {
            let form = maybe_json(&rest)?;
            parse_flags(&flags, &[])?;
            match form {
                ShellOrExec::Exec(words) if words.is_empty() => {
                    return Err(bad("SHELL requires at least one argument"))
                }
                ShellOrExec::Exec(words) => Instruction::Shell(words),
                ShellOrExec::Shell(_) => {
                    return Err(bad("SHELL requires the arguments to be in JSON form"))
                }
            }
        }
        what @ ("copy" | "add") => {
            let upper = what.to_uppercase();
            let (mut args, json) = maybe_json_to_list(&rest)?;
            if !json {
                reject_heredoc(line)?;
            }
            if args.len() < 2 {
                return Err(bad(format!(
                    "{upper} requires at least two arguments, but only one was provided. \
                     Destination could not be determined"
                )));
            }
            let parsed = parse_flags(
                &flags,
                if what == "copy" {
                    COPY_FLAGS
                } else {
                    ADD_FLAGS
                },
            )?;
            let dest = args.pop().unwrap_or_default();
            let chown = flag_value(&parsed, "chown");
            let chmod = flag_value(&parsed, "chmod");
            if what == "copy" {
                let from = flag_value(&parsed, "from");
                if from.as_deref().is_some_and(|f| f.contains('$')) {
                    return Err(Problem {
                        kind: ErrorKind::Stage,
                        message: "variable expansion is not supported for --from, define a new \
                                  stage with FROM using ARG from global scope as a workaround"
                            .to_string(),
                    });
                }
                let from = from.map(|f| f.to_lowercase());
                Instruction::Copy {
                    sources: args,
                    dest,
                    from,
                    chown,
                    chmod,
                }
            } else {
                Instruction::Add {
                    sources: args,
                    dest,
                    chown,
                    chmod,
                }
            }
        }
        what @ ("env" | "label") => {
            let upper = what.to_uppercase();
            let pairs = parse_name_values(&rest, &upper, escape)?;
            parse_flags(&flags, &[])?;
            check_key_values(&pairs, &upper)?;
            if what == "env" {
                Instruction::Env(pairs)
            } else {
                Instruction::Label(pairs)
            }
        }
        "arg" => {
            let words = parse_words(&rest, escape);
            if words.is_empty() {
                return Err(bad("ARG requires at least one argument"));
            }
            let decls = words
                .into_iter()
                .map(|word| match word.split_once('=') {
                    Some(("", _)) => Err(bad("ARG names can not be blank")),
                    Some((name, value)) => Ok(ArgDecl {
                        name: name.to_string(),
                        default: Some(value.to_string()),
                    }),
                    None => Ok(ArgDecl {
                        name: word,
                        default: None,
                    }),
                })
                .collect::<Result<Vec<_>, _>>()?;
            Instruction::Arg(decls)
        }
        "workdir" => {
            let path = exactly_one(&rest, "WORKDIR")?;
            parse_flags(&flags, &[])?;
            Instruction::Workdir(path)
        }
        "user" => {
            let user = exactly_one(&rest, "USER")?;
            parse_flags(&flags, &[])?;
            Instruction::User(user)
        }
        "maintainer" => {
            let name = exactly_one(&rest, "MAINTAINER")?;
            parse_flags(&flags, &[])?;
            Instruction::Maintainer(name)
        }
        // BuildKit parses no flags for STOPSIGNAL.
        "stopsignal" => Instruction::StopSignal(exactly_one(&rest, "STOPSIGNAL")?),
        "expose" => {
            let mut ports = split_whitespace_delimited(&rest);
            if ports.is_empty() {
                return Err(bad("EXPOSE requires at least one argument"));
            }
            parse_flags(&flags, &[])?;
            crate::order::sort(&mut ports);
            Instruction::Expose(ports)
        }
        "volume" => {
            let (paths, _) = maybe_json_to_list(&rest)?;
            if paths.is_empty() {
                return Err(bad("VOLUME requires at least one argument"));
            }
            parse_flags(&flags, &[])?;
            let paths: Vec<String> = paths.iter().map(|p| p.trim().to_string()).collect();
            if paths.iter().any(String::is_empty) {
                return Err(bad("VOLUME specified can not be an empty string"));
            }
            Instruction::Volume(paths)
        }
        "healthcheck" => {
            parse_healthcheck(&flags, &rest)?;
            let trimmed = line.trim();
            let after = trimmed
                .find(is_token_space)
                .and_then(|at| trimmed.get(at..));
            Instruction::Healthcheck(after.unwrap_or_default().trim().to_string())
        }
        "onbuild" => {
            return Err(unsupported(
                "ONBUILD is not supported by the simulator (it runs its instruction in a later \
                 build that uses this image as its base)",
            ))
        }
        _ => {
            let hint = suggest(&word, &INSTRUCTION_NAMES, false)
                .map(|s| format!(" (did you mean {s}?)"))
                .unwrap_or_default();
            return Err(bad(format!("unknown instruction: {word}{hint}")));
        }
    };
    Ok(Parsed::Instruction(instruction))
}

/// BuildKit's `parseHealthConfig` + `parseHealthcheck` checks (the value itself stays raw).
fn parse_healthcheck(flags: &[String], rest: &str) -> Result<(), Problem> {
    let mut parts = rest.splitn(2, char::is_whitespace);
    let kind = parts.next().unwrap_or_default();
    if kind.is_empty() {
        return Err(bad("HEALTHCHECK requires at least one argument"));
    }
    let command = parts.next().unwrap_or_default().trim_start();
    let kind = kind.to_uppercase();
    if kind == "NONE" {
        if !command.is_empty() {
            return Err(bad("HEALTHCHECK NONE takes no arguments"));
        }
        return Ok(());
    }
    parse_flags(flags, HEALTHCHECK_FLAGS)?;
    if kind != "CMD" {
        return Err(bad(format!(
            "Unknown type {kind:?} in HEALTHCHECK (try CMD)"
        )));
    }
    if matches!(maybe_json(command)?, ShellOrExec::Exec(words) if words.is_empty()) {
        return Err(bad("Missing command after HEALTHCHECK CMD"));
    }
    Ok(())
}

/// `COPY --from` must name an existing stage index and must not make stages wait on each other.
fn check_copy_from(stages: &[Stage]) -> Result<(), DockerfileError> {
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

// ---------------------------------------------------------------------------------------------
// Variable substitution (BuildKit shell.Lex.ProcessWord)

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
    };
    lexer.process_until(None, false).map_err(|message| {
        DockerfileError::new(
            0,
            ErrorKind::Expand,
            format!("failed to process {word:?}: {message}"),
        )
    })
}

/// How deep `${a:-${b:-...}}` may nest: the lexer recurses, and wasm stacks are small.
const MAX_NESTING: usize = 64;

struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    vars: &'a BTreeMap<String, String>,
    escape: char,
    depth: usize,
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
                '\'' => out.push_str(&self.single_quote()?),
                '"' => out.push_str(&self.double_quote(raw_escapes)?),
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
                    trim_prefix(value, &pattern, greedy)
                } else {
                    trim_suffix(value, &pattern, greedy)
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

#[derive(Clone, Copy, PartialEq)]
enum PatternToken {
    Literal(char),
    AnyOne,
    AnyRun,
}

/// A shell pattern for `#`, `%` and `/`: `*`, `?`, and `\` escaping `*`, `?`, `\`, `}`, `/`.
fn compile_shell_pattern(pattern: &str) -> Result<Vec<PatternToken>, String> {
    let mut tokens = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => tokens.push(PatternToken::AnyRun),
            '?' => tokens.push(PatternToken::AnyOne),
            '\\' => match chars.next() {
                Some(e @ ('*' | '?' | '\\' | '}' | '/')) => tokens.push(PatternToken::Literal(e)),
                other => {
                    let shown = other.map(String::from).unwrap_or_default();
                    return Err(format!(
                        "invalid pattern ({pattern}) in substitution: invalid escape '\\{shown}'"
                    ));
                }
            },
            _ => tokens.push(PatternToken::Literal(c)),
        }
    }
    Ok(tokens)
}

/// `accepted[k]`: whether `tokens` match exactly `text[..k]`. A forward simulation over
/// token positions, O(text x tokens), stopping early once nothing can match.
fn accepted_lengths(tokens: &[PatternToken], text: &[char]) -> Vec<bool> {
    let m = tokens.len();
    // Positions reachable without consuming: a `*` may match nothing.
    let close = |set: &mut Vec<bool>| {
        for t in 0..m {
            if set.get(t) == Some(&true) && tokens.get(t) == Some(&PatternToken::AnyRun) {
                if let Some(next) = set.get_mut(t + 1) {
                    *next = true;
                }
            }
        }
    };
    let mut states = vec![false; m + 1];
    if let Some(first) = states.first_mut() {
        *first = true;
    }
    close(&mut states);
    let mut accepted = vec![false; text.len() + 1];
    for (k, &c) in text.iter().enumerate() {
        if let Some(slot) = accepted.get_mut(k) {
            *slot = states.get(m) == Some(&true);
        }
        let mut next = vec![false; m + 1];
        for (t, token) in tokens.iter().enumerate() {
            if states.get(t) != Some(&true) {
                continue;
            }
            let target = match token {
                PatternToken::AnyRun => t,
                PatternToken::AnyOne => t + 1,
                PatternToken::Literal(p) if *p == c => t + 1,
                PatternToken::Literal(_) => continue,
            };
            if let Some(slot) = next.get_mut(target) {
                *slot = true;
            }
        }
        close(&mut next);
        states = next;
        if !states.contains(&true) {
            return accepted;
        }
    }
    if let Some(last) = accepted.last_mut() {
        *last = states.get(m) == Some(&true);
    }
    accepted
}

/// The end of the longest match starting at `start`.
fn longest_match_at(tokens: &[PatternToken], text: &[char], start: usize) -> Option<usize> {
    let accepted = accepted_lengths(tokens, text.get(start..)?);
    accepted.iter().rposition(|&a| a).map(|len| start + len)
}

/// `${v#p}` (shortest) and `${v##p}` (greedy): drop the matching prefix.
fn trim_prefix(value: &str, pattern: &[PatternToken], greedy: bool) -> String {
    let chars: Vec<char> = value.chars().collect();
    let accepted = accepted_lengths(pattern, &chars);
    let len = if greedy {
        accepted.iter().rposition(|&a| a)
    } else {
        accepted.iter().position(|&a| a)
    };
    match len {
        Some(len) => chars.get(len..).unwrap_or_default().iter().collect(),
        None => value.to_string(),
    }
}

/// `${v%p}` (shortest) and `${v%%p}` (greedy): drop the matching suffix, by matching the
/// reversed pattern against the reversed value.
fn trim_suffix(value: &str, pattern: &[PatternToken], greedy: bool) -> String {
    let reversed: Vec<char> = value.chars().rev().collect();
    let pattern: Vec<PatternToken> = pattern.iter().rev().copied().collect();
    let accepted = accepted_lengths(&pattern, &reversed);
    let len = if greedy {
        accepted.iter().rposition(|&a| a)
    } else {
        accepted.iter().position(|&a| a)
    };
    match len {
        Some(len) => reversed
            .get(len..)
            .unwrap_or_default()
            .iter()
            .rev()
            .collect(),
        None => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Dockerfile {
        match parse(text) {
            Ok(d) => d,
            Err(e) => panic!("{text:?} failed: {e}"),
        }
    }

    fn fails(text: &str) -> DockerfileError {
        match parse(text) {
            Ok(d) => panic!("{text:?} parsed: {d:?}"),
            Err(e) => e,
        }
    }

    fn only(text: &str) -> Located<Instruction> {
        let file = ok(text);
        assert_eq!(file.stages.len(), 1, "{text:?}");
        let stage = file.stages.into_iter().next().unwrap();
        assert_eq!(stage.instructions.len(), 1, "{text:?}");
        stage.instructions.into_iter().next().unwrap()
    }

    fn instr(text: &str) -> Instruction {
        only(&format!("FROM alpine\n{text}\n")).value
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn kv(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn vars(v: &[(&str, &str)]) -> BTreeMap<String, String> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn minimal_file() {
        let file = ok("FROM alpine\nRUN apk add curl\nCMD [\"curl\", \"-h\"]\n");
        assert_eq!(file.global_args, vec![]);
        assert_eq!(file.escape, '\\');
        let stage = &file.stages[0];
        assert_eq!(stage.base, "alpine");
        assert_eq!(stage.name, None);
        assert_eq!(stage.line, 1);
        assert_eq!(
            stage.instructions,
            vec![
                Located {
                    line: 2,
                    text: "RUN apk add curl".into(),
                    value: Instruction::Run(ShellOrExec::Shell("apk add curl".into())),
                },
                Located {
                    line: 3,
                    text: "CMD [\"curl\", \"-h\"]".into(),
                    value: Instruction::Cmd(ShellOrExec::Exec(s(&["curl", "-h"]))),
                },
            ]
        );
    }

    #[test]
    fn from_forms() {
        let file = ok(
            "FROM --platform=linux/amd64 golang:1.22 AS Build\nFROM build as test\n\
                       FROM scratch\nFROM ${BASE:-alpine}\n",
        );
        let got: Vec<_> = file
            .stages
            .iter()
            .map(|s| {
                (
                    s.base.as_str(),
                    s.name.as_deref(),
                    s.platform.as_deref(),
                    s.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("golang:1.22", Some("build"), Some("linux/amd64"), 1),
                ("build", Some("test"), None, 2),
                ("scratch", None, None, 3),
                ("${BASE:-alpine}", None, None, 4),
            ]
        );
    }

    #[test]
    fn global_args_before_first_from() {
        let file = ok("ARG VERSION=3.19\nARG A B=\"x y\"\nFROM alpine:$VERSION\nARG VERSION\n");
        assert_eq!(
            file.global_args,
            vec![
                ArgDecl {
                    name: "VERSION".into(),
                    default: Some("3.19".into())
                },
                ArgDecl {
                    name: "A".into(),
                    default: None
                },
                ArgDecl {
                    name: "B".into(),
                    default: Some("\"x y\"".into())
                },
            ]
        );
        assert_eq!(file.stages[0].base, "alpine:$VERSION");
        assert_eq!(
            file.stages[0].instructions[0].value,
            Instruction::Arg(vec![ArgDecl {
                name: "VERSION".into(),
                default: None
            }])
        );
    }

    #[test]
    fn instruction_names_are_case_insensitive_and_printed_upper() {
        let located = only("from alpine\nrun echo Hi\n");
        assert_eq!(located.text, "RUN echo Hi");
        assert_eq!(
            located.value,
            Instruction::Run(ShellOrExec::Shell("echo Hi".into()))
        );
        assert_eq!(only("FROM a\nCoPy a b\n").text, "COPY a b");
    }

    #[test]
    fn run_cmd_entrypoint_forms() {
        assert_eq!(
            instr("RUN [\"/bin/echo\", \"a b\"]"),
            Instruction::Run(ShellOrExec::Exec(s(&["/bin/echo", "a b"])))
        );
        assert_eq!(
            instr("ENTRYPOINT [\"nginx\", \"-g\", \"daemon off;\"]"),
            Instruction::Entrypoint(ShellOrExec::Exec(s(&["nginx", "-g", "daemon off;"])))
        );
        assert_eq!(
            instr("ENTRYPOINT exec nginx"),
            Instruction::Entrypoint(ShellOrExec::Shell("exec nginx".into()))
        );
        assert_eq!(instr("CMD []"), Instruction::Cmd(ShellOrExec::Exec(vec![])));
        assert_eq!(
            instr("CMD"),
            Instruction::Cmd(ShellOrExec::Shell(String::new()))
        );
        // Docker keeps going with the shell form when the JSON is not valid.
        assert_eq!(
            instr("CMD [\"echo\", \"hi\""),
            Instruction::Cmd(ShellOrExec::Shell("[\"echo\", \"hi\"".into()))
        );
        assert_eq!(
            instr("CMD ['single', 'quotes']"),
            Instruction::Cmd(ShellOrExec::Shell("['single', 'quotes']".into()))
        );
        assert_eq!(
            instr("CMD [\"a\"] # not a comment"),
            Instruction::Cmd(ShellOrExec::Shell("[\"a\"] # not a comment".into()))
        );
        assert_eq!(
            instr("RUN --mount=type=cache,target=/root/.cache --network=none make"),
            Instruction::Run(ShellOrExec::Shell("make".into()))
        );
    }

    #[test]
    fn json_with_non_strings_is_an_error() {
        let e = fails("FROM a\nCMD [\"a\", 1]\n");
        assert_eq!(e.line, 2);
        assert_eq!(
            e.to_string(),
            "dockerfile parse error on line 2: when using JSON array syntax, arrays must be \
             comprised of strings only"
        );
    }

    #[test]
    fn copy_and_add() {
        assert_eq!(
            instr("COPY --from=Build --chown=app:app --chmod=755 /out/a /out/b /usr/bin/"),
            Instruction::Copy {
                sources: s(&["/out/a", "/out/b"]),
                dest: "/usr/bin/".into(),
                from: Some("build".into()),
                chown: Some("app:app".into()),
                chmod: Some("755".into()),
            }
        );
        assert_eq!(
            instr("COPY [\"my file.txt\", \"/dest dir/\"]"),
            Instruction::Copy {
                sources: s(&["my file.txt"]),
                dest: "/dest dir/".into(),
                from: None,
                chown: None,
                chmod: None,
            }
        );
        assert_eq!(
            instr("ADD --chown=1000 --link https://example.com/x.tgz /opt/"),
            Instruction::Add {
                sources: s(&["https://example.com/x.tgz"]),
                dest: "/opt/".into(),
                chown: Some("1000".into()),
                chmod: None,
            }
        );
        assert_eq!(
            instr("COPY \"a b\" /x"),
            Instruction::Copy {
                sources: s(&["\"a", "b\""]),
                dest: "/x".into(),
                from: None,
                chown: None,
                chmod: None,
            }
        );
    }

    #[test]
    fn copy_needs_two_arguments() {
        for text in [
            "FROM a\nCOPY onlyone\n",
            "FROM a\nCOPY\n",
            "FROM a\nCOPY [\"x\"]\n",
        ] {
            let e = fails(text);
            assert_eq!(e.line, 2, "{text:?}");
            assert_eq!(e.kind, ErrorKind::Instruction);
            assert_eq!(
                e.to_string(),
                "dockerfile parse error on line 2: COPY requires at least two arguments, but \
                 only one was provided. Destination could not be determined"
            );
        }
        assert!(fails("FROM a\nADD x\n")
            .message
            .starts_with("ADD requires at least two"));
    }

    #[test]
    fn unknown_and_bad_flags() {
        let e = fails("FROM a\nCOPY --frm=build a b\n");
        assert_eq!(e.line, 2);
        assert_eq!(
            e.to_string(),
            "dockerfile parse error on line 2: unknown flag: --frm (did you mean from?)"
        );
        assert_eq!(
            fails("FROM a\nCOPY --zzzzzz=1 a b\n").message,
            "unknown flag: --zzzzzz"
        );
        assert_eq!(
            fails("FROM a\nADD --from=x a b\n").message,
            "unknown flag: --from"
        );
        assert_eq!(
            fails("FROM a\nCOPY --from a b\n").message,
            "missing a value on flag: --from"
        );
        assert_eq!(
            fails("FROM a\nCOPY --from=x --from=y a b\n").message,
            "duplicate flag specified: --from"
        );
        assert_eq!(
            fails("FROM a\nCOPY --link=maybe a b\n").message,
            "expecting boolean value for flag --link, not: maybe"
        );
        assert_eq!(
            fails("FROM a\nENV --x=1 A=b\n").message,
            "unknown flag: --x"
        );
        assert_eq!(
            fails("FROM --platfrm=x a\n").message,
            "unknown flag: --platfrm (did you mean platform?)"
        );
        assert_eq!(fails("FROM --plat=x a\n").message, "unknown flag: --plat");
        assert_eq!(
            fails("FROM a\nRUN --mnt=x true\n").message,
            "unknown flag: --mnt (did you mean mount?)"
        );
    }

    #[test]
    fn bad_copy_from() {
        let e = fails("FROM a\nARG V=1\nCOPY --from=img:$V a b\n");
        assert_eq!(e.line, 3);
        assert_eq!(e.kind, ErrorKind::Stage);
        assert_eq!(
            e.to_string(),
            "variable expansion is not supported for --from, define a new stage with FROM using \
             ARG from global scope as a workaround"
        );
        let e = fails("FROM a AS one\nCOPY --from=one x y\n");
        assert_eq!(e.to_string(), "circular dependency detected on stage: one");
        assert_eq!(e.line, 1);
        let e = fails("FROM a AS one\nCOPY --from=two x y\nFROM b AS two\nCOPY --from=one x y\n");
        assert_eq!(e.kind, ErrorKind::Stage);
        assert!(
            e.message
                .starts_with("circular dependency detected on stage: "),
            "{e}"
        );
        let e = fails("FROM a\nFROM b\nCOPY --from=2 x y\n");
        assert_eq!((e.line, e.message.as_str()), (3, "invalid stage index 2"));
        assert_eq!(
            fails("FROM a\nCOPY --from=0 x y\n").message,
            "circular dependency detected on stage: stage-0"
        );
        // Earlier stages, later stages without a cycle, indexes and images are fine.
        let file = ok(
            "FROM a AS one\nFROM b\nCOPY --from=0 x y\nCOPY --from=one x y\n\
                       COPY --from=three x y\nCOPY --from=nginx:1 x y\nFROM c AS three\n",
        );
        assert_eq!(file.stages.len(), 3);
    }

    #[test]
    fn env_forms() {
        assert_eq!(
            instr("ENV A=1 B=\"two words\" C='x y' D=a\\ b"),
            Instruction::Env(kv(&[
                ("A", "1"),
                ("B", "\"two words\""),
                ("C", "'x y'"),
                ("D", "a\\ b")
            ]))
        );
        assert_eq!(
            instr("ENV PATH /usr/local/bin:$PATH"),
            Instruction::Env(kv(&[("PATH", "/usr/local/bin:$PATH")]))
        );
        assert_eq!(
            instr("ENV MSG hello   big world"),
            Instruction::Env(kv(&[("MSG", "hello   big world")]))
        );
        assert_eq!(instr("ENV EMPTY="), Instruction::Env(kv(&[("EMPTY", "")])));
        assert_eq!(
            instr("LABEL org.opencontainers.image.title=\"My app\" version=1"),
            Instruction::Label(kv(&[
                ("org.opencontainers.image.title", "\"My app\""),
                ("version", "1")
            ]))
        );
    }

    #[test]
    fn env_errors() {
        let e = fails("FROM a\n\nENV =x\n");
        assert_eq!(e.line, 3);
        assert_eq!(
            e.to_string(),
            "dockerfile parse error on line 3: ENV names can not be blank"
        );
        assert_eq!(
            fails("FROM a\nENV ONLYKEY\n").message,
            "ENV must have two arguments"
        );
        assert_eq!(
            fails("FROM a\nENV\n").message,
            "ENV requires at least one argument"
        );
        assert_eq!(
            fails("FROM a\nENV A=1 B\n").message,
            "Syntax error - can't find = in \"B\". Must be of the form: name=value"
        );
        assert_eq!(
            fails("FROM a\nLABEL =x\n").message,
            "LABEL names can not be blank"
        );
        assert_eq!(
            fails("FROM a\nARG =x\n").message,
            "ARG names can not be blank"
        );
        assert_eq!(
            fails("FROM a\nARG\n").message,
            "ARG requires at least one argument"
        );
    }

    #[test]
    fn single_argument_instructions() {
        assert_eq!(
            instr("WORKDIR /app dir"),
            Instruction::Workdir("/app dir".into())
        );
        assert_eq!(instr("USER app:app"), Instruction::User("app:app".into()));
        assert_eq!(
            instr("STOPSIGNAL SIGQUIT"),
            Instruction::StopSignal("SIGQUIT".into())
        );
        assert_eq!(
            instr("MAINTAINER Jane <j@x.org>"),
            Instruction::Maintainer("Jane <j@x.org>".into())
        );
        assert_eq!(
            fails("FROM a\nWORKDIR\n").message,
            "WORKDIR requires exactly one argument"
        );
        assert_eq!(
            fails("FROM a\nUSER\n").message,
            "USER requires exactly one argument"
        );
        assert_eq!(
            fails("FROM a\nSTOPSIGNAL\n").message,
            "STOPSIGNAL requires exactly one argument"
        );
        assert_eq!(
            fails("FROM a\nMAINTAINER\n").message,
            "MAINTAINER requires exactly one argument"
        );
    }

    #[test]
    fn expose_volume_shell_healthcheck() {
        assert_eq!(
            instr("EXPOSE 8080 80/tcp 53/udp"),
            Instruction::Expose(s(&["53/udp", "80/tcp", "8080"]))
        );
        assert_eq!(
            instr("VOLUME /data /logs"),
            Instruction::Volume(s(&["/data", "/logs"]))
        );
        assert_eq!(
            instr("VOLUME [\"/data\", \"/var/log\"]"),
            Instruction::Volume(s(&["/data", "/var/log"]))
        );
        assert_eq!(
            instr("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]"),
            Instruction::Shell(s(&["/bin/bash", "-o", "pipefail", "-c"]))
        );
        assert_eq!(
            instr("HEALTHCHECK --interval=5s CMD wget -q -O- localhost || exit 1"),
            Instruction::Healthcheck("--interval=5s CMD wget -q -O- localhost || exit 1".into())
        );
        assert_eq!(
            instr("HEALTHCHECK NONE"),
            Instruction::Healthcheck("NONE".into())
        );
        assert_eq!(
            fails("FROM a\nEXPOSE\n").message,
            "EXPOSE requires at least one argument"
        );
        assert_eq!(
            fails("FROM a\nVOLUME []\n").message,
            "VOLUME requires at least one argument"
        );
        assert_eq!(
            fails("FROM a\nVOLUME [\" \"]\n").message,
            "VOLUME specified can not be an empty string"
        );
        assert_eq!(
            fails("FROM a\nSHELL /bin/bash -c\n").message,
            "SHELL requires the arguments to be in JSON form"
        );
        assert_eq!(
            fails("FROM a\nSHELL []\n").message,
            "SHELL requires at least one argument"
        );
        assert_eq!(
            fails("FROM a\nHEALTHCHECK\n").message,
            "HEALTHCHECK requires at least one argument"
        );
        assert_eq!(
            fails("FROM a\nHEALTHCHECK NONE x\n").message,
            "HEALTHCHECK NONE takes no arguments"
        );
        assert_eq!(
            fails("FROM a\nHEALTHCHECK RUN x\n").message,
            "Unknown type \"RUN\" in HEALTHCHECK (try CMD)"
        );
        assert_eq!(
            fails("FROM a\nHEALTHCHECK CMD []\n").message,
            "Missing command after HEALTHCHECK CMD"
        );
        assert_eq!(
            fails("FROM a\nHEALTHCHECK --every=1s CMD x\n").message,
            "unknown flag: --every"
        );
    }

    #[test]
    fn continuations_comments_and_line_numbers() {
        let text = "# a comment\n\nFROM alpine\n\nRUN apk add \\\n    curl \\\n# a comment inside\n\n    git\n  COPY . /app\n";
        let file = ok(text);
        let got: Vec<_> = file.stages[0]
            .instructions
            .iter()
            .map(|l| (l.line, l.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![(5, "RUN apk add     curl     git"), (10, "COPY . /app")]
        );
        assert_eq!(file.stages[0].line, 3);
        assert_eq!(
            file.stages[0].instructions[0].value,
            Instruction::Run(ShellOrExec::Shell("apk add     curl     git".into()))
        );
        // An escaped escape at the end does not continue the line.
        let file = ok("FROM a\nRUN echo a\\\\\nRUN echo b\n");
        assert_eq!(file.stages[0].instructions.len(), 2);
        // A continuation at the end of the file just ends the instruction.
        let located = only("FROM a\nRUN echo \\");
        assert_eq!(located.text, "RUN echo");
        // CRLF line endings.
        let located = only("FROM a\r\nRUN echo hi \\\r\n  there\r\n");
        assert_eq!(
            located.value,
            Instruction::Run(ShellOrExec::Shell("echo hi   there".into()))
        );
        // `#` after the start of a line is not a comment.
        assert_eq!(
            instr("RUN echo a # b"),
            Instruction::Run(ShellOrExec::Shell("echo a # b".into()))
        );
    }

    #[test]
    fn errors_point_at_the_start_of_a_continued_instruction() {
        let e = fails("FROM a\nRUN true\nRUNN echo \\\n  hi\n");
        assert_eq!(e.line, 3);
        assert_eq!(
            e.to_string(),
            "dockerfile parse error on line 3: unknown instruction: RUNN (did you mean RUN?)"
        );
        let e = fails("FROM a\nCOPY \\\n  onlyone\nRUN x\n");
        assert_eq!(e.line, 2);
    }

    #[test]
    fn escape_directive() {
        let file = ok("# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir c:\\ `\n  /s\n");
        assert_eq!(file.escape, '`');
        assert_eq!(
            file.stages[0].instructions[0].value,
            Instruction::Run(ShellOrExec::Shell("dir c:\\   /s".into()))
        );
        assert_eq!(file.stages[0].instructions[0].line, 3);
        // After another comment the directive is just a comment.
        let file = ok("# hello\n# escape=`\nFROM a\nRUN x \\\n y\n");
        assert_eq!(file.escape, '\\');
        assert_eq!(file.stages[0].instructions[0].text, "RUN x  y");
        let e = fails("# escape=x\nFROM a\n");
        assert_eq!((e.kind, e.line), (ErrorKind::Directive, 1));
        assert_eq!(
            e.to_string(),
            "invalid escape token 'x' does not match ` or \\"
        );
        let e = fails("# escape=`\n# escape=\\\nFROM a\n");
        assert_eq!(
            (e.line, e.to_string().as_str()),
            (2, "only one escape parser directive can be used")
        );
        assert_eq!(ok("# syntax=docker/dockerfile:1\nFROM a\n").stages.len(), 1);
    }

    #[test]
    fn unknown_instruction_suggestions() {
        assert_eq!(
            fails("FROM a\nRUNN x\n").to_string(),
            "dockerfile parse error on line 2: unknown instruction: RUNN (did you mean RUN?)"
        );
        assert_eq!(
            fails("FROM a\ncopyy a b\n").message,
            "unknown instruction: copyy (did you mean copy?)"
        );
        assert_eq!(
            fails("FROM a\nEnvv a=b\n").message,
            "unknown instruction: Envv (did you mean env?)"
        );
        assert_eq!(
            fails("FROM a\nINSTALL curl\n").message,
            "unknown instruction: INSTALL"
        );
        // Unknown instructions are reported even before the first FROM.
        assert_eq!(
            fails("FORM alpine\n").message,
            "unknown instruction: FORM (did you mean FROM?)"
        );
    }

    #[test]
    fn from_argument_count() {
        for text in [
            "FROM\n",
            "FROM a b\n",
            "FROM a AS\n",
            "FROM a AS b c\n",
            "FROM a AS b # comment\n",
        ] {
            let e = fails(text);
            assert_eq!(e.line, 1, "{text:?}");
            assert_eq!(
                e.to_string(),
                "dockerfile parse error on line 1: FROM requires either one or three arguments"
            );
        }
        assert_eq!(
            fails("FROM a AS 1st\n").message,
            "invalid name for build stage: \"1st\", name can't start with a number or contain symbols"
        );
    }

    #[test]
    fn stages_and_empty_files() {
        let e = fails("");
        assert_eq!(
            (e.kind, e.to_string().as_str()),
            (ErrorKind::Empty, "the Dockerfile cannot be empty")
        );
        let e = fails("\n# only a comment\n   \n");
        assert_eq!(
            (e.kind, e.to_string().as_str()),
            (ErrorKind::NoInstructions, "file with no instructions")
        );
        let e = fails("ARG A=1\n");
        assert_eq!(
            (e.kind, e.to_string().as_str()),
            (
                ErrorKind::NoStages,
                "dockerfile contains no stages to build"
            )
        );
        let e = fails("ARG A=1\n\nRUN echo hi\nFROM alpine\n");
        assert_eq!(e.kind, ErrorKind::NoBuildStage);
        assert_eq!(e.line, 3);
        assert_eq!(e.to_string(), "no build stage in current context");
        let e = fails("ENV A=1\nFROM alpine\n");
        assert_eq!(
            (e.line, e.to_string().as_str()),
            (1, "no build stage in current context")
        );
    }

    #[test]
    fn multi_stage() {
        let file = ok("FROM golang AS build\nRUN go build -o /app\n\nFROM alpine\nCOPY --from=build /app /app\nCMD [\"/app\"]\n");
        assert_eq!(file.stages.len(), 2);
        assert_eq!(file.stages[0].instructions.len(), 1);
        assert_eq!(file.stages[1].line, 4);
        assert_eq!(file.stages[1].instructions[0].line, 5);
    }

    #[test]
    fn unsupported_features() {
        let e = fails("FROM a\nRUN <<EOF\necho hi\nEOF\n");
        assert_eq!((e.kind, e.line), (ErrorKind::Unsupported, 2));
        assert!(
            e.to_string().starts_with(
                "dockerfile parse error on line 2: heredocs (<<EOF) are not supported"
            ),
            "{e}"
        );
        assert_eq!(
            fails("FROM a\nCOPY <<-EOT /x\nhi\nEOT\n").kind,
            ErrorKind::Unsupported
        );
        assert_eq!(
            fails("FROM a\nRUN cat 3<<'END' > f\nEND\n").kind,
            ErrorKind::Unsupported
        );
        // Not heredocs: quoted, no name, or exec form.
        ok("FROM a\nRUN echo \"<<EOF\"\nRUN echo a << b\nRUN [\"cat\", \"<<EOF\"]\n");
        let e = fails("FROM a\nONBUILD RUN x\n");
        assert_eq!((e.kind, e.line), (ErrorKind::Unsupported, 2));
    }

    #[test]
    fn bom_and_leading_whitespace() {
        let file = ok("\u{feff}FROM a\n   RUN x\n\tCMD y\n");
        assert_eq!(file.stages[0].instructions.len(), 2);
    }

    #[test]
    fn values_round_trip_through_serde() {
        let file = ok("ARG V=1\nFROM a:$V AS b\nENV A=1\nFROM b\nCOPY --from=0 x y\n");
        let json = serde_json::to_string(&file).unwrap();
        let back: Dockerfile = serde_json::from_str(&json).unwrap();
        assert_eq!(back, file);
        let e = fails("FROM a\nRUNN x\n");
        let back: DockerfileError =
            serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn expand_variables() {
        let v = vars(&[("HOME", "/root"), ("EMPTY", ""), ("name", "world")]);
        let cases = [
            ("$HOME/bin", "/root/bin"),
            ("${HOME}/bin", "/root/bin"),
            ("${MISSING}x", "x"),
            ("$MISSING", ""),
            ("${MISSING:-default}", "default"),
            ("${EMPTY:-default}", "default"),
            ("${EMPTY-default}", ""),
            ("${HOME:-default}", "/root"),
            ("${HOME:+set}", "set"),
            ("${EMPTY:+set}", ""),
            ("${EMPTY+set}", "set"),
            ("${MISSING:+set}", ""),
            ("\\$HOME", "$HOME"),
            ("'$HOME'", "$HOME"),
            ("\"$HOME is home\"", "/root is home"),
            ("\"a\\\"b\"", "a\"b"),
            ("\"a\\nb\"", "a\\nb"),
            ("a\\nb", "anb"),
            ("hello-$name!", "hello-world!"),
            ("$", "$"),
            ("a$", "a$"),
            ("$1", ""),
            ("${MISSING:-$HOME}", "/root"),
            ("${MISSING:-\"a b\"}", "a b"),
            ("x${name}y", "xworldy"),
        ];
        for (word, want) in cases {
            assert_eq!(expand(word, &v).unwrap(), want, "{word:?}");
        }
    }

    #[test]
    fn expand_patterns() {
        let v = vars(&[("F", "archive.tar.gz"), ("P", "/usr/local/bin")]);
        let cases = [
            ("${F%.*}", "archive.tar"),
            ("${F%%.*}", "archive"),
            ("${F#*.}", "tar.gz"),
            ("${F##*.}", "gz"),
            ("${P/local/opt}", "/usr/opt/bin"),
            ("${P//\\//:}", ":usr:local:bin"),
            ("${F/nothing/x}", "archive.tar.gz"),
        ];
        for (word, want) in cases {
            assert_eq!(expand(word, &v).unwrap(), want, "{word:?}");
        }
    }

    #[test]
    fn expand_errors() {
        let v = vars(&[("EMPTY", "")]);
        let err = |w: &str| expand(w, &v).unwrap_err();
        assert_eq!(
            err("${A").to_string(),
            "failed to process \"${A\": syntax error: missing '}'"
        );
        assert_eq!(
            err("${").message,
            "failed to process \"${\": syntax error: missing '}'"
        );
        assert_eq!(
            err("${}").message,
            "failed to process \"${}\": syntax error: bad substitution"
        );
        assert_eq!(
            err("${A:-x").message,
            "failed to process \"${A:-x\": syntax error: missing '}'"
        );
        assert_eq!(
            err("${A!}").message,
            "failed to process \"${A!}\": unsupported modifier (!) in substitution"
        );
        assert_eq!(
            err("${A?}").message,
            "failed to process \"${A?}\": A: is not allowed to be unset"
        );
        assert_eq!(
            err("${EMPTY:?}").message,
            "failed to process \"${EMPTY:?}\": EMPTY: is not allowed to be empty"
        );
        assert_eq!(
            err("${A:?need A}").message,
            "failed to process \"${A:?need A}\": A: need A"
        );
        assert_eq!(err("'open").message, "failed to process \"'open\": unexpected end of statement while looking for matching single-quote");
        assert_eq!(err("\"open").message, "failed to process \"\\\"open\": unexpected end of statement while looking for matching double-quote");
        let e = err("${A").at_line(7);
        assert_eq!((e.kind, e.line), (ErrorKind::Expand, 7));
    }

    #[test]
    fn expand_limits_nesting_and_stays_fast() {
        let deep = "${a:-".repeat(10_000) + &"}".repeat(10_000);
        let e = expand(&deep, &BTreeMap::new()).unwrap_err();
        assert!(e.message.ends_with("nested too deeply"), "{}", e.message);
        let long = vars(&[("V", &"ab".repeat(5_000))]);
        assert_eq!(expand("${V//a*b/x}", &long).unwrap(), "x");
        assert_eq!(expand("${V%%b*}", &long).unwrap(), "a");
        assert_eq!(expand("${V#*b}", &long).unwrap().len(), 9_998);
    }

    #[test]
    fn expand_with_backtick_escape() {
        let v = vars(&[("A", "1")]);
        assert_eq!(expand_with_escape("`$A", &v, '`').unwrap(), "$A");
        assert_eq!(expand_with_escape("c:\\$A", &v, '`').unwrap(), "c:\\1");
    }

    mod no_panics {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn parse_never_panics(text in any::<String>()) {
                let _ = parse(&text);
            }

            #[test]
            fn parse_dockerfile_like_text_never_panics(
                text in "(FROM|RUN|COPY|ENV|ARG|CMD|LABEL|HEALTHCHECK|SHELL|VOLUME|# escape=|[a-z]| |\\\\|`|\n|\"|'|\\[|\\]|=|--from|--|\\$|\\{|\\}|<<|,|:|#)*"
            ) {
                let _ = parse(&text);
                let _ = parse(&format!("FROM a\n{text}"));
            }

            #[test]
            fn expand_never_panics(word in any::<String>(), shaped in "(\\$|\\{|\\}|:|-|\\+|\\?|#|%|/|\\*|\\\\|'|\"|[a-z]|`)*") {
                let v: BTreeMap<String, String> =
                    [("a".to_string(), "abc/def.x".to_string()), ("b".to_string(), String::new())].into_iter().collect();
                let _ = expand(&word, &v);
                let _ = expand(&shaped, &v);
                let _ = expand_with_escape(&shaped, &v, '`');
            }
        }
    }
}
