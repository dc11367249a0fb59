//! SQL text to tokens: words, quoted strings, numbers and symbols; `--` comments dropped.

use super::{syntax, SqlError};

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    Ident(String),
    Str(String),
    Num(String),
    Sym(String),
}

impl Tok {
    /// Whether this is the keyword (or bare word) `word`, case-insensitively.
    pub(super) fn is_word(&self, word: &str) -> bool {
        matches!(self, Tok::Ident(w) if w.eq_ignore_ascii_case(word))
    }

    pub(super) fn is_sym(&self, sym: &str) -> bool {
        matches!(self, Tok::Sym(x) if x == sym)
    }
}

pub(super) fn lex(sql: &str) -> Result<Vec<Tok>, SqlError> {
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            while chars.get(i).is_some_and(|c| *c != '\n') {
                i += 1;
            }
        } else if c == '\'' || c == '"' {
            let (text, next) = quoted(&chars, i, c).ok_or_else(|| {
                // mysql quotes the statement from the opening quote on.
                syntax(
                    &chars
                        .get(i..)
                        .unwrap_or_default()
                        .iter()
                        .collect::<String>(),
                )
            })?;
            out.push(Tok::Str(text));
            i = next;
        } else if c == '`' {
            i += 1;
            let mut s = String::new();
            while let Some(&x) = chars.get(i) {
                i += 1;
                if x == '`' {
                    break;
                }
                s.push(x);
            }
            out.push(Tok::Ident(s));
        } else if c.is_ascii_digit()
            || (c == '-'
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                && matches!(out.last(), None | Some(Tok::Sym(_))))
        {
            let start = i;
            i += 1;
            while chars
                .get(i)
                .is_some_and(|c| c.is_ascii_digit() || *c == '.')
            {
                i += 1;
            }
            out.push(Tok::Num(
                chars.get(start..i).unwrap_or(&[]).iter().collect(),
            ));
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
            {
                i += 1;
            }
            out.push(Tok::Ident(
                chars.get(start..i).unwrap_or(&[]).iter().collect(),
            ));
        } else {
            let two: String = chars.get(i..i + 2).unwrap_or(&[]).iter().collect();
            if matches!(two.as_str(), "<=" | ">=" | "!=" | "<>") {
                out.push(Tok::Sym(two));
                i += 2;
            } else {
                out.push(Tok::Sym(c.to_string()));
                i += 1;
            }
        }
    }
    Ok(out)
}

/// The string quoted by `quote` at `start`, with mysql's escapes (`\n`, `\t`, `\0`, `\x`, and a
/// doubled quote), and the index after it; `None` when it is never closed.
fn quoted(chars: &[char], start: usize, quote: char) -> Option<(String, usize)> {
    let mut i = start + 1;
    let mut s = String::new();
    loop {
        match *chars.get(i)? {
            '\\' => {
                let e = chars.get(i + 1).copied().unwrap_or('\\');
                s.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    '0' => '\0',
                    other => other,
                });
                i += 2;
            }
            q if q == quote => {
                if chars.get(i + 1) == Some(&quote) {
                    s.push(quote);
                    i += 2;
                } else {
                    return Some((s, i + 1));
                }
            }
            x => {
                s.push(x);
                i += 1;
            }
        }
    }
}

/// Tokens back to text as mysql echoes an expression: symbols glued to their neighbours.
pub(super) fn render(toks: &[Tok]) -> String {
    let mut s = String::new();
    for (i, t) in toks.iter().enumerate() {
        let piece = match t {
            Tok::Ident(x) | Tok::Num(x) | Tok::Sym(x) => x.clone(),
            Tok::Str(x) => format!("'{x}'"),
        };
        let glue =
            matches!(t, Tok::Sym(_)) || matches!(toks.get(i.wrapping_sub(1)), Some(Tok::Sym(_)));
        if i > 0 && !glue {
            s.push(' ');
        }
        s.push_str(&piece);
    }
    s
}

/// Tokens as mysql quotes them after "near": separated by single spaces.
pub(super) fn near(toks: &[Tok]) -> String {
    let mut s = String::new();
    for t in toks {
        if !s.is_empty() {
            s.push(' ');
        }
        match t {
            Tok::Ident(x) | Tok::Num(x) | Tok::Sym(x) => s.push_str(x),
            Tok::Str(x) => s.push_str(&format!("'{x}'")),
        }
    }
    s
}
