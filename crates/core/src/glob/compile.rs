//! Pattern text to tokens, one dialect's rules at a time.

use super::{BadPattern, Dialect, Token};

/// Compiles `pattern` by the rules of `dialect`.
pub(super) fn compile(pattern: &str, dialect: Dialect) -> Result<Vec<Token>, BadPattern> {
    let chars: Vec<char> = pattern.chars().collect();
    let slash = matches!(dialect, Dialect::Shell | Dialect::Plain);
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        match c {
            '*' if dialect == Dialect::DockerIgnore && chars.get(i) == Some(&'*') => {
                // moby/patternmatcher: `**` then an optional `/`; at the end it is `.*`,
                // before more pattern `(.*/)?`.
                i += 1;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                tokens.push(if i >= chars.len() {
                    Token::Star { slash: true }
                } else {
                    Token::Dirs
                });
            }
            '*' => tokens.push(Token::Star { slash }),
            '?' => tokens.push(Token::One { slash }),
            '\\' => match chars.get(i) {
                Some(&next) => {
                    tokens.push(Token::Literal(next));
                    i += 1;
                }
                None => tokens.push(Token::Literal('\\')),
            },
            '[' if dialect != Dialect::Plain => match class(&chars, i, dialect) {
                Some((token, next)) => {
                    tokens.push(token);
                    i = next;
                }
                // The shell reads an unclosed `[` as itself; Go rejects the pattern.
                None if dialect == Dialect::Shell => tokens.push(Token::Literal('[')),
                None => return Err(BadPattern),
            },
            _ => tokens.push(Token::Literal(c)),
        }
    }
    Ok(tokens)
}

/// The bracket expression after the `[` at `start`: negation (`^`, and `!` in the shell), a
/// leading `]` as a member, ranges, `\` escapes and (shell) `[:name:]`. Returns the token and
/// the index after `]`, or `None` when it is unclosed or malformed.
fn class(chars: &[char], start: usize, dialect: Dialect) -> Option<(Token, usize)> {
    let shell = dialect == Dialect::Shell;
    let mut i = start;
    let negated = match chars.get(i) {
        Some('^') => true,
        Some('!') => shell,
        _ => false,
    };
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && !first {
            return Some((Token::Class { negated, ranges }, i + 1));
        }
        first = false;
        if shell && c == '[' && chars.get(i + 1) == Some(&':') {
            let rest = chars.get(i + 2..)?;
            if let Some(len) = rest.windows(2).position(|w| w == [':', ']']) {
                let name: String = rest.get(..len)?.iter().collect();
                ranges.extend(named_class(&name));
                i += 2 + len + 2;
                continue;
            }
        }
        let (low, after) = member(chars, i)?;
        i = after;
        let high = if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&e| e != ']') {
            let (high, after) = member(chars, i + 1)?;
            i = after;
            high
        } else {
            low
        };
        if high < low && !shell {
            return None;
        }
        ranges.push((low, high));
    }
}

/// One class member at `i` (`\x` is `x`) and the index after it.
fn member(chars: &[char], i: usize) -> Option<(char, usize)> {
    match *chars.get(i)? {
        '\\' => Some((*chars.get(i + 1)?, i + 2)),
        c => Some((c, i + 1)),
    }
}

/// POSIX character classes (`[:digit:]`), as ranges; unknown names match nothing.
pub(crate) fn named_class(name: &str) -> Vec<(char, char)> {
    match name {
        "digit" => vec![('0', '9')],
        "alpha" => vec![('a', 'z'), ('A', 'Z')],
        "alnum" => vec![('a', 'z'), ('A', 'Z'), ('0', '9')],
        "upper" => vec![('A', 'Z')],
        "lower" => vec![('a', 'z')],
        "space" => vec![(' ', ' '), ('\t', '\r')],
        "blank" => vec![(' ', ' '), ('\t', '\t')],
        "punct" => vec![('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        "xdigit" => vec![('0', '9'), ('a', 'f'), ('A', 'F')],
        _ => Vec::new(),
    }
}

/// SQL `LIKE` to tokens: `%` any run, `_` one character, `\x` the character `x`.
pub(super) fn like(pattern: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        tokens.push(match c {
            '%' => Token::Star { slash: true },
            '_' => Token::One { slash: true },
            '\\' => Token::Literal(chars.next().unwrap_or('\\')),
            other => Token::Literal(other),
        });
    }
    tokens
}
