//! The core's one pattern matcher: shell globs (`case`, `${x#p}`, pathname expansion, `find
//! -name`, redis `KEYS`, `docker images` references), Go's `filepath.Match` (COPY sources),
//! `.dockerignore` patterns with `**`, BuildKit's `${x%p}` words and SQL `LIKE`.
//!
//! Every dialect compiles to the same tokens, and one matcher runs them: a forward simulation
//! over token positions, O(text x pattern), so no pattern can make it slow (no backtracking).
//! It answers, for every prefix of a text, whether the pattern matches that prefix, which is
//! what `${x#p}` (shortest/longest prefix) and `${x/p/r}` need; a whole match is the last answer.

mod compile;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub(crate) use compile::named_class;

/// Which pattern language a text is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// POSIX shell: `*` and `?` match any character, `[...]` classes with `!` or `^`, ranges
    /// and `[:name:]`, `\` escapes; an unclosed `[` is a literal.
    Shell,
    /// Go's `filepath.Match`: `*` and `?` stop at `/`, classes negate with `^`, a malformed
    /// class is an error.
    File,
    /// `.dockerignore` (moby/patternmatcher): [`Dialect::File`] plus `**`, any number of
    /// directories (`**/x`, `a/**/b`, `a/**`).
    DockerIgnore,
    /// BuildKit's shell words (`${x#p}`): `*`, `?` and `\` escapes; `[` is a literal.
    Plain,
}

/// Go's `filepath.ErrBadPattern`, the words docker prints for a malformed pattern.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("syntax error in pattern")]
pub struct BadPattern;

/// A compiled pattern.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Glob {
    tokens: Vec<Token>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum Token {
    Literal(char),
    /// `?`; `slash`: it may match `/`.
    One {
        slash: bool,
    },
    /// `*`; `slash`: the run may contain `/`.
    Star {
        slash: bool,
    },
    /// `**/` before more pattern (dockerignore): nothing, or anything that ends with `/`.
    Dirs,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl Token {
    /// Whether this token consumes exactly `c` from its start state.
    fn takes(&self, c: char) -> bool {
        match self {
            Token::Literal(p) => *p == c,
            Token::One { slash } | Token::Star { slash } => *slash || c != '/',
            Token::Class { negated, ranges } => {
                ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }
            Token::Dirs => true,
        }
    }
}

impl Glob {
    /// Compiles `pattern` in `dialect`. Only [`Dialect::File`] and [`Dialect::DockerIgnore`]
    /// can fail (a malformed class).
    pub fn new(pattern: &str, dialect: Dialect) -> Result<Glob, BadPattern> {
        compile::compile(pattern, dialect).map(|tokens| Glob { tokens })
    }

    /// SQL `LIKE`: `%` any run, `_` one character, `\` escapes (MySQL's default escape).
    /// Case is not folded here: lower both sides for a case-insensitive collation.
    pub fn like(pattern: &str) -> Glob {
        Glob {
            tokens: compile::like(pattern),
        }
    }

    /// Whether the pattern matches all of `text`.
    pub fn matches(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        self.prefix_lengths(&chars).last().copied().unwrap_or(false)
    }

    /// `accepted[k]`: whether the pattern matches exactly `text[..k]` (k = 0..=len).
    pub fn prefix_lengths(&self, text: &[char]) -> Vec<bool> {
        let m = self.tokens.len();
        // at[t]: the tokens before t have matched; inside[t]: within a `Dirs` run at t.
        let mut at = vec![false; m + 1];
        let mut inside = vec![false; m];
        if let Some(first) = at.first_mut() {
            *first = true;
        }
        self.close(&mut at);
        let mut accepted = vec![false; text.len() + 1];
        for (k, &c) in text.iter().enumerate() {
            if let Some(slot) = accepted.get_mut(k) {
                *slot = at.get(m) == Some(&true);
            }
            let mut next_at = vec![false; m + 1];
            let mut next_inside = vec![false; m];
            let mut alive = false;
            for (t, token) in self.tokens.iter().enumerate() {
                let start = at.get(t) == Some(&true);
                let within = inside.get(t) == Some(&true);
                if !(start || (within && *token == Token::Dirs)) || !token.takes(c) {
                    continue;
                }
                let target = match token {
                    Token::Star { .. } => t,
                    Token::Dirs => {
                        if let Some(slot) = next_inside.get_mut(t) {
                            *slot = true;
                        }
                        alive = true;
                        if c != '/' {
                            continue;
                        }
                        t + 1
                    }
                    _ => t + 1,
                };
                if let Some(slot) = next_at.get_mut(target) {
                    *slot = true;
                    alive = true;
                }
            }
            self.close(&mut next_at);
            at = next_at;
            inside = next_inside;
            if !alive {
                return accepted;
            }
        }
        if let Some(last) = accepted.last_mut() {
            *last = at.get(m) == Some(&true);
        }
        accepted
    }

    /// States reachable without consuming: a `*` or `**/` may match nothing.
    fn close(&self, at: &mut [bool]) {
        for (t, token) in self.tokens.iter().enumerate() {
            if at.get(t) == Some(&true) && matches!(token, Token::Star { .. } | Token::Dirs) {
                if let Some(next) = at.get_mut(t + 1) {
                    *next = true;
                }
            }
        }
    }

    /// The pattern read backwards, to match suffixes against a reversed text (`${x%p}`).
    /// `None` for a dockerignore `**/`, which has no mirror image among the tokens.
    pub fn reversed(&self) -> Option<Glob> {
        if self.tokens.contains(&Token::Dirs) {
            return None;
        }
        Some(Glob {
            tokens: self.tokens.iter().rev().cloned().collect(),
        })
    }
}

impl Glob {
    /// `${v#p}` (shortest) and `${v##p}` (`greedy`): `value` without the prefix the pattern
    /// matches, or all of it when none does.
    pub fn trim_prefix(&self, value: &str, greedy: bool) -> String {
        let chars: Vec<char> = value.chars().collect();
        match pick(&self.prefix_lengths(&chars), greedy) {
            Some(len) => chars.get(len..).unwrap_or_default().iter().collect(),
            None => value.to_string(),
        }
    }

    /// `${v%p}` (shortest) and `${v%%p}` (`greedy`): the reversed pattern against the reversed
    /// value.
    pub fn trim_suffix(&self, value: &str, greedy: bool) -> String {
        let Some(pattern) = self.reversed() else {
            return value.to_string();
        };
        let reversed: Vec<char> = value.chars().rev().collect();
        match pick(&pattern.prefix_lengths(&reversed), greedy) {
            Some(len) => reversed
                .get(len..)
                .unwrap_or_default()
                .iter()
                .rev()
                .collect(),
            None => value.to_string(),
        }
    }
}

/// The shortest (or longest) accepted length.
fn pick(accepted: &[bool], longest: bool) -> Option<usize> {
    if longest {
        accepted.iter().rposition(|&a| a)
    } else {
        accepted.iter().position(|&a| a)
    }
}

/// Does `text` match the shell pattern `pattern`? (`case`, `[[ == ]]`, `find -name`.)
pub fn fnmatch(pattern: &str, text: &str) -> bool {
    Glob::new(pattern, Dialect::Shell).is_ok_and(|glob| glob.matches(text))
}

/// Go's `filepath.Match`, as COPY/ADD match a source's last component (a bad pattern matches
/// nothing).
pub fn fnmatch_file(pattern: &str, name: &str) -> bool {
    Glob::new(pattern, Dialect::File).is_ok_and(|glob| glob.matches(name))
}

/// SQL `LIKE` with a case-insensitive collation (MySQL's default).
pub fn like(pattern: &str, text: &str) -> bool {
    Glob::like(&pattern.to_lowercase()).matches(&text.to_lowercase())
}
