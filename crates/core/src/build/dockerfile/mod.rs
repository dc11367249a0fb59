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
//! careful port of BuildKit's line parser instead.
//!
//! # What the values mean
//! Like BuildKit, parsing keeps words *raw*: quotes, escapes and `$VAR`s are left in place, and
//! [`expand`] (BuildKit's `ProcessWord`) substitutes variables and removes quotes and escapes when
//! an instruction runs, against the environment in scope at that point. Instructions that Docker
//! expands: FROM (global ARGs only), ARG defaults, ENV and LABEL keys and values, COPY/ADD
//! sources, destination, `--chown`/`--chmod`, WORKDIR, USER, VOLUME items, EXPOSE, STOPSIGNAL.
//! RUN/CMD/ENTRYPOINT shell strings go to the shell unexpanded; exec-form arrays are final.
//!
//! Heredocs are read as BuildKit reads them (`RUN <<EOF`, `<<-EOF`, quoted names that keep the
//! body literal, several on one line, `COPY <<EOF /path`): a RUN gets a shell script, a COPY or
//! ADD gets [`InlineFile`]s. `ONBUILD` keeps its trigger as text for the image config; a build
//! that uses the image as its base parses it with [`parse_trigger`]. Flags Docker
//! accepts but the simulator does not model (`RUN --mount/--network/--security`, `COPY --link`,
//! `--parents`, `--exclude`, `ADD --checksum`, `--keep-git-dir`, `--unpack`, HEALTHCHECK
//! options) are validated like BuildKit does and then ignored.

use serde::{Deserialize, Serialize};

// One job per file: `lines` cuts the text into logical lines, `words` splits a line into flags
// and arguments, `instruction` turns one line into an [`Instruction`], `parse` assembles the
// stages, and `expand` substitutes variables when the build runs.
mod expand;
#[cfg(test)]
mod expand_tests;
mod heredoc;
#[cfg(test)]
mod heredoc_tests;
mod instruction;
mod lines;
mod parse;
#[cfg(test)]
mod parse_tests;
mod words;

pub use expand::{expand, expand_raw, expand_with_escape, with_inline};
pub use parse::{parse, parse_trigger};

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
        /// Files given by heredocs (`COPY <<EOF /path`), after the source paths.
        inline: Vec<InlineFile>,
    },
    Add {
        sources: Vec<String>,
        dest: String,
        chown: Option<String>,
        chmod: Option<String>,
        inline: Vec<InlineFile>,
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
    /// `ONBUILD RUN make`: the trigger as the image config stores it (`RUN make`, heredoc
    /// bodies appended), run by a later build whose FROM is this image.
    Onbuild(String),
}

/// A file a heredoc gives COPY or ADD: named by the heredoc, 0644, its body as content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InlineFile {
    pub name: String,
    pub content: String,
    /// Unquoted name: `$VAR`s in the body are expanded (quotes kept, see [`expand_raw`]).
    pub expand: bool,
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
    /// Valid Docker syntax the simulator does not model. Nothing raises it today (heredocs and
    /// ONBUILD are modelled); kept so that errors saved by earlier versions still load.
    Unsupported,
    /// Stages that reference each other wrongly (`COPY --from`).
    Stage,
    /// Variable substitution failed (see [`expand`]).
    Expand,
    /// A heredoc whose terminator never comes: `unterminated heredoc`.
    Heredoc,
    /// A line longer than BuildKit's scanner reads:
    /// `dockerfile line greater than max allowed size of 65535`.
    LineTooLong,
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
