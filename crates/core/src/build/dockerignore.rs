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
    tokens: Vec<Token>,
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum Token {
    Literal(char),
    /// `?`: one character other than `/`.
    One,
    /// `*`: any run of characters other than `/`.
    Star,
    /// `**` at the end: anything at all.
    Rest,
    /// `**` before more pattern: nothing, or anything that ends with `/`.
    Dirs,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
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
            match compile(&cleaned) {
                Some((tokens, suffix)) => {
                    ignore.rules.push(Rule {
                        line,
                        pattern: cleaned,
                        exception,
                        tokens,
                        suffix,
                    });
                }
                None => ignore.invalid.push(invalid("syntax error in pattern")),
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
        let chars: Vec<char> = path.chars().collect();
        matches_tokens(&self.tokens, &chars)
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

/// Turns a cleaned pattern into tokens, as Docker's `Pattern.compile` builds its regexp.
/// `None` for a pattern Go's `filepath.Match` rejects (an unclosed or empty class, a trailing
/// `\` inside a class).
fn compile(pattern: &str) -> Option<(Vec<Token>, Option<String>)> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut plain_after_leading_stars = true;
    while let Some(&c) = chars.get(i) {
        i += 1;
        match c {
            '*' if chars.get(i) == Some(&'*') => {
                i += 1;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                tokens.push(if i >= chars.len() {
                    Token::Rest
                } else {
                    Token::Dirs
                });
            }
            '*' => {
                tokens.push(Token::Star);
                plain_after_leading_stars = false;
            }
            '?' => {
                tokens.push(Token::One);
                plain_after_leading_stars = false;
            }
            '\\' => {
                plain_after_leading_stars = false;
                match chars.get(i) {
                    Some(&next) => {
                        tokens.push(Token::Literal(next));
                        i += 1;
                    }
                    None => tokens.push(Token::Literal('\\')),
                }
            }
            '[' => {
                plain_after_leading_stars = false;
                let (class, next) = parse_class(&chars, i)?;
                tokens.push(class);
                i = next;
            }
            _ => tokens.push(Token::Literal(c)),
        }
    }
    // Docker's `**suffix` fast path: the pattern starts with `**` and nothing after it is
    // special. It compares the raw text after `**` as a suffix.
    let suffix = match pattern.strip_prefix("**") {
        Some(rest) if plain_after_leading_stars && !rest.contains("**") => Some(rest.to_string()),
        _ => None,
    };
    Some((tokens, suffix))
}

/// `[...]` after the `[` at `start`: `^` negates, `a-z` ranges, `\` escapes. Returns the
/// token and the index after `]`.
fn parse_class(chars: &[char], start: usize) -> Option<(Token, usize)> {
    let mut i = start;
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let read = |i: &mut usize| -> Option<char> {
        let c = *chars.get(*i)?;
        *i += 1;
        if c == '\\' {
            let escaped = *chars.get(*i)?;
            *i += 1;
            return Some(escaped);
        }
        Some(c)
    };
    loop {
        match chars.get(i) {
            None => return None,
            // A `]` right after `[` or `[^` is a member, as in Go's filepath.Match.
            Some(']') if !ranges.is_empty() => {
                return Some((Token::Class { negated, ranges }, i + 1))
            }
            Some(_) => {
                let low = read(&mut i)?;
                let high = if chars.get(i) == Some(&'-') && chars.get(i + 1) != Some(&']') {
                    i += 1;
                    read(&mut i)?
                } else {
                    low
                };
                if high < low {
                    return None;
                }
                ranges.push((low, high));
            }
        }
    }
}

/// Whether `tokens` match all of `text`, by dynamic programming over (token, position), so
/// no pattern can make it slow.
fn matches_tokens(tokens: &[Token], text: &[char]) -> bool {
    let n = text.len();
    // next[j]: tokens[t+1..] match text[j..]; filled from the last token backwards.
    let mut next = vec![false; n + 1];
    if let Some(last) = next.last_mut() {
        *last = true;
    }
    for token in tokens.iter().rev() {
        let mut current = vec![false; n + 1];
        // For `Dirs`: some '/' at or after j has the rest matching right after it.
        let mut slash_then_rest = false;
        for j in (0..=n).rev() {
            let here = text.get(j).copied();
            let after = |k: usize| next.get(k).copied().unwrap_or(false);
            let later = current.get(j + 1).copied().unwrap_or(false);
            let value = match token {
                Token::Literal(c) => here == Some(*c) && after(j + 1),
                Token::One => here.is_some_and(|c| c != '/') && after(j + 1),
                Token::Class { negated, ranges } => {
                    here.is_some_and(|c| {
                        ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
                    }) && after(j + 1)
                }
                Token::Star => after(j) || (here.is_some_and(|c| c != '/') && later),
                Token::Rest => after(j) || (here.is_some() && later),
                // `(.*/)?`: skip nothing, or up to and including some later '/'.
                Token::Dirs => {
                    if here == Some('/') && after(j + 1) {
                        slash_then_rest = true;
                    }
                    after(j) || slash_then_rest
                }
            };
            if let Some(slot) = current.get_mut(j) {
                *slot = value;
            }
        }
        next = current;
    }
    next.first().copied().unwrap_or(false)
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
