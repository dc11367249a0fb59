//! `.dockerignore`: which files of the build context are not sent to the builder.
//!
//! Follows Docker's reader (`moby/patternmatcher/ignorefile.ReadAll`) and matcher
//! (`PatternMatcher.MatchesOrParentMatches`):
//! - one pattern a line; a line whose first character is `#` is a comment; surrounding
//!   whitespace is trimmed; blank lines are skipped;
//! - `!pattern` is an exception; the last rule that matches a path decides;
//! - patterns are cleaned like Go's `filepath.Clean` (`build/` is `build`, `./a//b` is `a/b`)
//!   and a leading `/` is dropped: every pattern is relative to the context root;
//! - `*` is any run of characters but `/`, `?` one character but `/`, `[a-z]`/`[^a-z]` a
//!   class, `\` escapes the next character, and `**` any number of directories (`**/x`,
//!   `a/**/b`, `a/**`);
//! - a path is excluded when it, or one of its parent directories, matches.
//!
//! Docker rejects a malformed pattern (`!` alone, an unclosed `[`) and fails the build; here
//! [`DockerIgnore::parse`] cannot fail, so such a line is kept in [`DockerIgnore::invalid`] and
//! never matches.
//!
//! Note: docker still sends the Dockerfile and `.dockerignore` themselves to the builder even
//! when they are ignored (the builder needs them); this module only answers the pattern
//! question, and the build code adds those two files back.

use serde::{Deserialize, Serialize};

use crate::glob::{Dialect, Glob};

/// The parsed rules of a `.dockerignore` file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DockerIgnore {
    rules: Vec<Rule>,
    invalid: Vec<InvalidLine>,
}

/// One usable pattern line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// 1-based line in the file.
    pub line: usize,
    /// The cleaned pattern, without the `!`.
    pub pattern: String,
    /// `!pattern`: re-includes what earlier rules excluded.
    pub exception: bool,
    glob: Glob,
    /// Docker's fast path for `**suffix`: a plain suffix test (it differs from the general rule
    /// for `**name` without a slash, which also matches `xname`).
    suffix: Option<String>,
}

/// A line Docker would reject, with the reason in Docker's words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidLine {
    pub line: usize,
    pub text: String,
    pub reason: String,
}

impl DockerIgnore {
    /// Reads a `.dockerignore` file. Never fails; see [`DockerIgnore::invalid`].
    pub fn parse(text: &str) -> DockerIgnore {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut ignore = DockerIgnore::default();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            if raw.starts_with('#') {
                continue;
            }
            let trimmed = raw.trim();
            if trimmed.is_empty() {
                continue;
            }
            let (exception, pattern) = match trimmed.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, trimmed),
            };
            let invalid = |reason: &str| InvalidLine {
                line,
                text: raw.to_string(),
                reason: reason.to_string(),
            };
            if pattern.is_empty() {
                ignore
                    .invalid
                    .push(invalid("illegal exclusion pattern: \"!\""));
                continue;
            }
            let mut cleaned = clean(pattern);
            if cleaned.len() > 1 {
                if let Some(relative) = cleaned.strip_prefix('/') {
                    cleaned = relative.to_string();
                }
            }
            match Glob::new(&cleaned, Dialect::DockerIgnore) {
                Ok(glob) => {
                    ignore.rules.push(Rule {
                        line,
                        suffix: suffix_fast_path(&cleaned),
                        pattern: cleaned,
                        exception,
                        glob,
                    });
                }
                Err(bad) => ignore.invalid.push(invalid(&bad.to_string())),
            }
        }
        ignore
    }

    /// Whether a context-relative path (`src/a.txt`, `./src/a.txt`, `/src/a.txt`) is left out
    /// of the build context.
    pub fn is_excluded(&self, path: &str) -> bool {
        let path = clean(path);
        let path = path.trim_start_matches('/');
        let path = if path == "." { "" } else { path };
        // Parent directories, shortest first: "a", "a/b" for "a/b/c".
        let parents: Vec<&str> = path
            .match_indices('/')
            .filter_map(|(at, _)| path.get(..at))
            .collect();
        let mut excluded = false;
        for rule in &self.rules {
            // Only a rule that could change the answer needs a look.
            if rule.exception != excluded {
                continue;
            }
            let matches = rule.matches(path) || parents.iter().any(|parent| rule.matches(parent));
            if matches {
                excluded = !rule.exception;
            }
        }
        excluded
    }

    /// The usable rules, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Lines Docker would reject (it fails the build on them); they never match here.
    pub fn invalid(&self) -> &[InvalidLine] {
        &self.invalid
    }
}

impl Rule {
    fn matches(&self, path: &str) -> bool {
        if let Some(suffix) = &self.suffix {
            return path.ends_with(suffix.as_str())
                || suffix.strip_prefix('/').is_some_and(|rest| rest == path);
        }
        self.glob.matches(path)
    }
}

/// Go's `path.Clean`: one `/` between names, no `.`, `..` resolved where possible, no trailing
/// `/`; "" becomes ".".
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            name => parts.push(name),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Docker's `**suffix` fast path: the pattern starts with `**` and nothing after it is special,
/// so the raw text after `**` is compared as a suffix.
fn suffix_fast_path(pattern: &str) -> Option<String> {
    let rest = pattern.strip_prefix("**")?;
    (!rest.contains(['*', '?', '\\', '['])).then(|| rest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excluded(ignore: &str, path: &str) -> bool {
        DockerIgnore::parse(ignore).is_excluded(path)
    }

    #[test]
    fn star_patterns() {
        let ignore = DockerIgnore::parse("*.log\n");
        assert!(ignore.is_excluded("error.log"));
        assert!(
            !ignore.is_excluded("logs/error.log"),
            "* does not cross directories"
        );
        assert!(!ignore.is_excluded("error.log.txt"));
        assert!(!ignore.is_excluded("src/a.txt"));
    }

    #[test]
    fn exceptions_last_match_wins() {
        let ignore = DockerIgnore::parse("*.log\n!keep.log\n");
        assert!(ignore.is_excluded("debug.log"));
        assert!(!ignore.is_excluded("keep.log"));
        let ignore = DockerIgnore::parse("!keep.log\n*.log\n");
        assert!(
            ignore.is_excluded("keep.log"),
            "a later rule wins over an earlier exception"
        );
        let ignore = DockerIgnore::parse("*\n!src\n!Dockerfile\n");
        assert!(ignore.is_excluded("README.md"));
        assert!(!ignore.is_excluded("src/main.rs"));
        assert!(!ignore.is_excluded("Dockerfile"));
    }

    #[test]
    fn double_star() {
        let ignore = DockerIgnore::parse("**/node_modules\n");
        assert!(ignore.is_excluded("node_modules"));
        assert!(ignore.is_excluded("node_modules/left-pad/index.js"));
        assert!(ignore.is_excluded("web/app/node_modules/x.js"));
        assert!(!ignore.is_excluded("my_node_modules/x.js"));
        assert!(excluded("a/**/b\n", "a/b"));
        assert!(excluded("a/**/b\n", "a/x/y/b"));
        assert!(!excluded("a/**/b\n", "a/xb"));
        assert!(excluded("docs/**\n", "docs/a/b.md"));
        assert!(
            !excluded("docs/**\n", "docs"),
            "`docs/**` is what is inside docs"
        );
        assert!(excluded("**/*.tmp\n", "x/y/z.tmp"));
        assert!(excluded("**/*.tmp\n", "z.tmp"));
        assert!(excluded("**\n", "anything/at/all"));
        // Docker's suffix fast path: `**name` is a plain suffix.
        assert!(excluded("**.bak\n", "deep/dir/file.bak"));
    }

    #[test]
    fn directories_and_parents() {
        let ignore = DockerIgnore::parse("build/\n");
        assert!(ignore.is_excluded("build"));
        assert!(ignore.is_excluded("build/out/app"));
        assert!(
            !ignore.is_excluded("src/build"),
            "patterns are anchored at the context root"
        );
        let ignore = DockerIgnore::parse("build\n!build/keep.txt\n");
        assert!(ignore.is_excluded("build/other.txt"));
        assert!(!ignore.is_excluded("build/keep.txt"));
    }

    #[test]
    fn leading_slash_and_cleaning() {
        let ignore = DockerIgnore::parse("/tmp*\n");
        assert!(ignore.is_excluded("tmp"));
        assert!(ignore.is_excluded("tmpfile"));
        assert!(ignore.is_excluded("tmp2/x"));
        assert!(!ignore.is_excluded("src/tmp"));
        assert!(excluded("./a//b/../c\n", "a/c"));
        assert!(excluded("a\n", "./a/x"));
        assert!(excluded("a\n", "/a"));
        assert_eq!(DockerIgnore::parse("/x/\n").rules()[0].pattern, "x");
    }

    #[test]
    fn comments_blank_lines_and_spaces() {
        let ignore = DockerIgnore::parse("# comment\n\n   \n  secret.txt   \n\r\n*.md\r\n");
        assert_eq!(ignore.rules().len(), 2);
        assert_eq!(ignore.rules()[0].line, 4);
        assert!(ignore.is_excluded("secret.txt"));
        assert!(ignore.is_excluded("README.md"));
        assert!(!excluded("# a.txt\n", "# a.txt"));
        // Only a `#` in the first column starts a comment.
        assert!(excluded(" #a\n", "#a"));
        assert!(excluded("! keep\n*\n", "keep"));
    }

    #[test]
    fn question_mark_classes_and_escapes() {
        assert!(excluded("file?.txt\n", "file1.txt"));
        assert!(!excluded("file?.txt\n", "file10.txt"));
        assert!(!excluded("a?b\n", "a/b"));
        assert!(excluded("[abc].txt\n", "b.txt"));
        assert!(!excluded("[abc].txt\n", "d.txt"));
        assert!(excluded("log[0-9]\n", "log7"));
        assert!(excluded("log[^0-9]\n", "logx"));
        assert!(!excluded("log[^0-9]\n", "log7"));
        assert!(excluded("\\*.txt\n", "*.txt"));
        assert!(!excluded("\\*.txt\n", "a.txt"));
        assert!(excluded("[]a]\n", "]"));
        assert!(excluded("a.b\n", "a.b"));
        assert!(!excluded("a.b\n", "axb"), "regexp characters are literal");
    }

    #[test]
    fn invalid_lines_are_reported_and_ignored() {
        let ignore = DockerIgnore::parse("!\n[abc\n*.log\n[]\n");
        assert_eq!(ignore.rules().len(), 1);
        let reasons: Vec<_> = ignore
            .invalid()
            .iter()
            .map(|i| (i.line, i.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                (1, "illegal exclusion pattern: \"!\""),
                (2, "syntax error in pattern"),
                (4, "syntax error in pattern")
            ]
        );
        assert!(!ignore.is_excluded("[abc"));
        assert!(ignore.is_excluded("a.log"));
    }

    #[test]
    fn empty_file_excludes_nothing() {
        let ignore = DockerIgnore::parse("");
        assert!(!ignore.is_excluded("anything"));
        assert!(!ignore.is_excluded(""));
    }

    mod no_panics {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn never_panics(text in any::<String>(), path in any::<String>()) {
                let ignore = DockerIgnore::parse(&text);
                let _ = ignore.is_excluded(&path);
            }

            #[test]
            fn pattern_like_text_never_panics(
                text in "(\\*|\\*\\*|\\?|\\[|\\]|\\^|-|\\\\|!|/|#|\\.|[a-c]| |\n)*",
                path in "(/|\\.|[a-c]|\\*)*",
            ) {
                let ignore = DockerIgnore::parse(&text);
                let _ = ignore.is_excluded(&path);
            }
        }
    }
}
