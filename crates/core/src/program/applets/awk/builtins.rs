//! awk's builtin functions.

use super::run::Awk;
use super::syntax::Expr;
use super::value::{input_val, Arr, Val};
use crate::program::regex::Regex;

type R<T> = Result<T, String>;

/// `sub`/`gsub` replacement text: `&` is the match, `\&` a literal ampersand.
fn replacement(repl: &str, matched: &str) -> String {
    let mut out = String::new();
    let mut chars = repl.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'&') => {
                chars.next();
                out.push('&');
            }
            '\\' if chars.peek() == Some(&'\\') => {
                chars.next();
                out.push('\\');
            }
            '&' => out.push_str(matched),
            c => out.push(c),
        }
    }
    out
}

/// Replaces the first (or every) match of `re` in `text`; returns the new text and the count.
fn replace(re: &Regex, text: &str, repl: &str, global: bool) -> (String, usize) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut pos = 0;
    let mut last = 0;
    let mut count = 0;
    let mut prev_end = None;
    while pos <= chars.len() {
        let Some((s, e)) = re
            .find_at(&chars, pos)
            .and_then(|c| c.first().copied().flatten())
        else {
            break;
        };
        if s == e && prev_end == Some(s) {
            pos = s + 1;
            continue;
        }
        let matched: String = chars.get(s..e).unwrap_or(&[]).iter().collect();
        out.extend(chars.get(last..s).unwrap_or(&[]));
        out.push_str(&replacement(repl, &matched));
        last = e;
        prev_end = Some(e);
        count += 1;
        pos = if e == s { e + 1 } else { e };
        if !global {
            break;
        }
    }
    out.extend(chars.get(last..).unwrap_or(&[]));
    (out, count)
}

impl Awk<'_, '_, '_> {
    fn arg(&mut self, args: &[Expr], i: usize) -> R<Val> {
        match args.get(i) {
            Some(e) => self.eval(e),
            None => Ok(Val::Uninit),
        }
    }

    fn next_rand(&mut self) -> f64 {
        let mut x = self.rand;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rand = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(super) fn builtin(&mut self, name: &str, args: &[Expr]) -> R<Val> {
        let num = |v: f64| Ok(Val::Num(v));
        match name {
            "length" => match args.first() {
                None => {
                    let rec = self.fields.first().cloned().unwrap_or_default();
                    num(rec.chars().count() as f64)
                }
                Some(Expr::Var(v)) if self.is_array(v) => {
                    let n = self.array(v)?.len();
                    num(n as f64)
                }
                Some(e) => {
                    let s = self.eval(e)?.str();
                    num(s.chars().count() as f64)
                }
            },
            "substr" => {
                let s: Vec<char> = self.arg(args, 0)?.str().chars().collect();
                let m = self.arg(args, 1)?.num();
                // busybox: the start is clamped to 1 first, then at most N characters.
                let start = if m.is_finite() {
                    (m.round() as i64 - 1).max(0)
                } else {
                    0
                } as usize;
                let len = match args.get(2) {
                    Some(_) => {
                        let n = self.arg(args, 2)?.num();
                        if n.is_nan() || n < 0.0 {
                            0
                        } else {
                            n.round().min(1e9) as usize
                        }
                    }
                    None => usize::MAX,
                };
                let end = start.saturating_add(len).min(s.len());
                Ok(Val::Str(
                    s.get(start.min(end)..end).unwrap_or(&[]).iter().collect(),
                ))
            }
            "index" => {
                let s = self.arg(args, 0)?.str();
                let t = self.arg(args, 1)?.str();
                let at = s
                    .find(&t)
                    .map_or(0, |b| s.get(..b).unwrap_or("").chars().count() + 1);
                num(at as f64)
            }
            "split" => {
                let s = self.arg(args, 0)?.str();
                let Some(Expr::Var(arr)) = args.get(1) else {
                    return Err("split: second argument must be an array".into());
                };
                let parts = match args.get(2) {
                    Some(Expr::Regex(r)) => {
                        let r = r.clone();
                        self.split_text(&s, &r)
                    }
                    Some(e) => {
                        let fs = self.eval(e)?.str();
                        self.split_text(&s, &fs)
                    }
                    None => {
                        let fs = self.var_str("FS");
                        self.split_text(&s, &fs)
                    }
                };
                let a = self.array(arr)?;
                *a = Arr::default();
                for (i, part) in parts.iter().enumerate() {
                    a.set(&(i + 1).to_string(), input_val(part));
                }
                num(parts.len() as f64)
            }
            "sub" | "gsub" => {
                let re = match args.first() {
                    Some(e) => self.regex_of(e)?,
                    None => return Err(format!("{name}: too few arguments")),
                };
                let repl = self.arg(args, 1)?.str();
                let target = args
                    .get(2)
                    .cloned()
                    .unwrap_or(Expr::Field(Box::new(Expr::Num(0.0))));
                let text = self.eval(&target)?.str();
                let (new, count) = replace(&re, &text, &repl, name == "gsub");
                if count > 0 {
                    self.assign(&target, Val::Str(new))?;
                }
                num(count as f64)
            }
            "match" => {
                let s: Vec<char> = self.arg(args, 0)?.str().chars().collect();
                let re = match args.get(1) {
                    Some(e) => self.regex_of(e)?,
                    None => return Err("match: too few arguments".into()),
                };
                let (start, len) =
                    match re.find_at(&s, 0).and_then(|c| c.first().copied().flatten()) {
                        Some((a, b)) => ((a + 1) as f64, (b - a) as f64),
                        None => (0.0, -1.0),
                    };
                self.set_var("RSTART", Val::Num(start))?;
                self.set_var("RLENGTH", Val::Num(len))?;
                num(start)
            }
            "sprintf" => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval(a)?);
                }
                Ok(Val::Str(self.sprintf(&vals)))
            }
            "tolower" => Ok(Val::Str(self.arg(args, 0)?.str().to_lowercase())),
            "toupper" => Ok(Val::Str(self.arg(args, 0)?.str().to_uppercase())),
            "int" => num(self.arg(args, 0)?.num().trunc()),
            "sqrt" => num(self.arg(args, 0)?.num().sqrt()),
            "exp" => num(self.arg(args, 0)?.num().exp()),
            "log" => num(self.arg(args, 0)?.num().ln()),
            "sin" => num(self.arg(args, 0)?.num().sin()),
            "cos" => num(self.arg(args, 0)?.num().cos()),
            "atan2" => {
                let y = self.arg(args, 0)?.num();
                num(y.atan2(self.arg(args, 1)?.num()))
            }
            "rand" => num(self.next_rand()),
            "srand" => {
                let old = self.rand;
                self.rand = match args.first() {
                    Some(_) => self.arg(args, 0)?.num() as u64 | 1,
                    None => 0x2545_F491_4F6C_DD1D,
                };
                num((old % 1_000_000) as f64)
            }
            "system" => {
                let cmd = self.arg(args, 0)?.str();
                let mut p = self.p.clone();
                p.argv = vec!["sh".into(), "-c".into(), cmd];
                let code = crate::program::exec::spawn(self.k, p).unwrap_or(127);
                num(f64::from(code))
            }
            "close" | "fflush" => num(0.0),
            other => Err(format!("unknown function {other}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::value::num_to_str;
    use super::*;

    #[test]
    fn gsub_like_awk() {
        let re = Regex::new("a", true, false).expect("regex");
        assert_eq!(
            replace(&re, "banana", "[&]", true),
            ("b[a]n[a]n[a]".into(), 3)
        );
        assert_eq!(replace(&re, "banana", "\\&", false), ("b&nana".into(), 1));
        let empty = Regex::new("x*", true, false).expect("regex");
        assert_eq!(replace(&empty, "abc", "-", true), ("-a-b-c-".into(), 4));
        assert_eq!(num_to_str(0.1 + 0.2), "0.3");
    }
}
