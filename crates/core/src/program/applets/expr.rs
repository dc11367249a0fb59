//! `expr`: evaluates its arguments as an expression (busybox's grammar and messages). Exit 0
//! for a non-null, non-zero result, 1 otherwise, 2 on an error.

use crate::program::kernel::{Kernel, Proc};
use crate::program::regex::Regex;

#[derive(Clone, Debug)]
enum Val {
    Num(i64),
    Str(String),
}

impl Val {
    fn text(&self) -> String {
        match self {
            Val::Num(n) => n.to_string(),
            Val::Str(s) => s.clone(),
        }
    }

    /// The integer this value reads as, if it is one (`-5`, `42`).
    fn int(&self) -> Option<i64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => {
                let digits = s.strip_prefix('-').unwrap_or(s);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                // strtoll saturates on overflow.
                Some(s.parse::<i64>().unwrap_or(if s.starts_with('-') {
                    i64::MIN
                } else {
                    i64::MAX
                }))
            }
        }
    }

    fn is_null(&self) -> bool {
        match self {
            Val::Num(n) => *n == 0,
            Val::Str(s) => s.is_empty() || s == "0",
        }
    }
}

struct Eval<'a> {
    args: &'a [String],
    pos: usize,
    depth: usize,
}

impl Eval<'_> {
    fn peek(&self) -> Option<&str> {
        self.args.get(self.pos).map(String::as_str)
    }

    fn next(&mut self) -> Result<String, String> {
        let a = self.args.get(self.pos).cloned().ok_or("syntax error")?;
        self.pos += 1;
        Ok(a)
    }

    fn or(&mut self) -> Result<Val, String> {
        self.depth += 1;
        if self.depth > 200 {
            return Err("syntax error".into());
        }
        let mut l = self.and()?;
        while self.peek() == Some("|") {
            self.pos += 1;
            let r = self.and()?;
            if l.is_null() {
                l = if r.is_null() { Val::Num(0) } else { r };
            }
        }
        self.depth -= 1;
        Ok(l)
    }

    fn and(&mut self) -> Result<Val, String> {
        let mut l = self.cmp()?;
        while self.peek() == Some("&") {
            self.pos += 1;
            let r = self.cmp()?;
            if l.is_null() || r.is_null() {
                l = Val::Num(0);
            }
        }
        Ok(l)
    }

    fn cmp(&mut self) -> Result<Val, String> {
        let mut l = self.add()?;
        while let Some(op) = self
            .peek()
            .filter(|o| matches!(*o, "=" | "==" | "!=" | "<" | "<=" | ">" | ">="))
            .map(str::to_string)
        {
            self.pos += 1;
            let r = self.add()?;
            let ord = match (l.int(), r.int()) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => l.text().cmp(&r.text()),
            };
            let yes = match op.as_str() {
                "=" | "==" => ord.is_eq(),
                "!=" => ord.is_ne(),
                "<" => ord.is_lt(),
                "<=" => ord.is_le(),
                ">" => ord.is_gt(),
                _ => ord.is_ge(),
            };
            l = Val::Num(i64::from(yes));
        }
        Ok(l)
    }

    fn arith(l: &Val, r: &Val, op: &str) -> Result<Val, String> {
        let (Some(a), Some(b)) = (l.int(), r.int()) else {
            return Err("non-numeric argument".into());
        };
        let v = match op {
            "+" => a.wrapping_add(b),
            "-" => a.wrapping_sub(b),
            "*" => a.wrapping_mul(b),
            _ if b == 0 => return Err("division by zero".into()),
            "/" => a.wrapping_div(b),
            _ => a.wrapping_rem(b),
        };
        Ok(Val::Num(v))
    }

    fn add(&mut self) -> Result<Val, String> {
        let mut l = self.mul()?;
        while let Some(op) = self.peek().filter(|o| matches!(*o, "+" | "-")) {
            let op = op.to_string();
            self.pos += 1;
            let r = self.mul()?;
            l = Self::arith(&l, &r, &op)?;
        }
        Ok(l)
    }

    fn mul(&mut self) -> Result<Val, String> {
        let mut l = self.colon()?;
        while let Some(op) = self.peek().filter(|o| matches!(*o, "*" | "/" | "%")) {
            let op = op.to_string();
            self.pos += 1;
            let r = self.colon()?;
            l = Self::arith(&l, &r, &op)?;
        }
        Ok(l)
    }

    fn colon(&mut self) -> Result<Val, String> {
        let mut l = self.primary()?;
        while self.peek() == Some(":") {
            self.pos += 1;
            let r = self.primary()?;
            l = matches(&l.text(), &r.text())?;
        }
        Ok(l)
    }

    fn primary(&mut self) -> Result<Val, String> {
        let tok = self.next()?;
        // A keyword followed by nothing more is a plain string.
        let has_more = self.pos < self.args.len();
        match tok.as_str() {
            "(" => {
                let v = self.or()?;
                if self.next()? != ")" {
                    return Err("syntax error".into());
                }
                Ok(v)
            }
            "+" if has_more => Ok(Val::Str(self.next()?)),
            "length" if has_more => Ok(Val::Num(self.next()?.chars().count() as i64)),
            "match" if has_more => {
                let s = self.next()?;
                let re = self.next()?;
                matches(&s, &re)
            }
            "index" if has_more => {
                let s = self.next()?;
                let set = self.next()?;
                let at = s.chars().position(|c| set.contains(c)).map_or(0, |i| i + 1);
                Ok(Val::Num(at as i64))
            }
            "substr" if has_more => {
                let s = self.next()?;
                let (pos, len) = (self.next()?, self.next()?);
                let (pos, len) = (
                    Val::Str(pos).int().unwrap_or(0),
                    Val::Str(len).int().unwrap_or(0),
                );
                let chars: Vec<char> = s.chars().collect();
                if pos < 1 || len < 1 || pos as usize > chars.len() {
                    return Ok(Val::Str(String::new()));
                }
                let start = pos as usize - 1;
                let end = start.saturating_add(len as usize).min(chars.len());
                Ok(Val::Str(
                    chars.get(start..end).unwrap_or(&[]).iter().collect(),
                ))
            }
            _ => Ok(Val::Str(tok)),
        }
    }
}

/// `STRING : REGEX`, anchored at the start: the first group, or the length matched.
fn matches(s: &str, pat: &str) -> Result<Val, String> {
    let re = Regex::new(pat, false, false)?;
    let chars: Vec<char> = s.chars().collect();
    let caps = re.match_at(&chars, 0);
    if re.groups() > 0 {
        let group = caps
            .as_ref()
            .and_then(|c| c.get(1).copied().flatten())
            .map(|(a, b)| chars.get(a..b).unwrap_or(&[]).iter().collect::<String>())
            .unwrap_or_default();
        Ok(Val::Str(group))
    } else {
        let len = caps
            .and_then(|c| c.first().copied().flatten())
            .map_or(0, |(a, b)| b - a);
        Ok(Val::Num(len as i64))
    }
}

pub fn expr(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    if args.is_empty() {
        k.err(p, "expr: too few arguments\n");
        return 2;
    }
    let mut e = Eval {
        args: &args,
        pos: 0,
        depth: 0,
    };
    let result = e.or().and_then(|v| {
        if e.pos < args.len() {
            Err("syntax error".into())
        } else {
            Ok(v)
        }
    });
    match result {
        Ok(v) => {
            k.out(p, &format!("{}\n", v.text()));
            i32::from(v.is_null())
        }
        Err(msg) => {
            k.err(p, &format!("expr: {msg}\n"));
            2
        }
    }
}
