//! `$(( ... ))`: integer arithmetic with variables, as ash evaluates it (64-bit, checked).

/// Evaluates `src` (already parameter-expanded). `get`/`set` read and assign shell variables.
pub fn eval(
    src: &str,
    get: &mut dyn FnMut(&str) -> String,
    set: &mut dyn FnMut(&str, i64),
) -> Result<i64, String> {
    let toks = lex(src)?;
    let mut p = P {
        toks,
        pos: 0,
        get,
        set,
        depth: 0,
    };
    if p.toks.is_empty() {
        return Ok(0);
    }
    let v = p.assign()?;
    if p.pos < p.toks.len() {
        return Err("arithmetic syntax error".into());
    }
    Ok(v)
}

#[derive(Clone, Debug, PartialEq)]
enum T {
    Num(i64),
    Name(String),
    Op(&'static str),
}

const OPS: &[&str] = &[
    "<<=", ">>=", "**", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=", "*=", "/=", "%=", "<<",
    ">>", "++", "--", "+", "-", "*", "/", "%", "(", ")", "<", ">", "!", "~", "&", "|", "^", "=",
    "?", ":",
];

fn lex(src: &str) -> Result<Vec<T>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    'outer: while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while chars.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
                i += 1;
            }
            let text: String = chars.get(start..i).unwrap_or(&[]).iter().collect();
            out.push(T::Num(parse_num(&text)?));
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
            {
                i += 1;
            }
            out.push(T::Name(chars.get(start..i).unwrap_or(&[]).iter().collect()));
            continue;
        }
        for op in OPS {
            if op
                .chars()
                .enumerate()
                .all(|(j, oc)| chars.get(i + j) == Some(&oc))
            {
                out.push(T::Op(op));
                i += op.len();
                continue 'outer;
            }
        }
        return Err("arithmetic syntax error".into());
    }
    Ok(out)
}

fn parse_num(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let r = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        i64::from_str_radix(h, 16)
    } else if t.len() > 1 && t.starts_with('0') {
        i64::from_str_radix(t.get(1..).unwrap_or("0"), 8)
    } else {
        t.parse::<i64>()
    };
    r.map_err(|_| "arithmetic syntax error".to_string())
}

struct P<'g> {
    toks: Vec<T>,
    pos: usize,
    get: &'g mut dyn FnMut(&str) -> String,
    set: &'g mut dyn FnMut(&str, i64),
    depth: u32,
}

impl P<'_> {
    fn peek_op(&self) -> Option<&'static str> {
        match self.toks.get(self.pos) {
            Some(T::Op(o)) => Some(o),
            _ => None,
        }
    }

    fn eat(&mut self, op: &str) -> bool {
        if self.peek_op() == Some(op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn var(&mut self, name: &str) -> Result<i64, String> {
        let v = (self.get)(name);
        let v = v.trim();
        if v.is_empty() {
            return Ok(0);
        }
        let (neg, digits) = match v.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, v),
        };
        let n = parse_num(digits)?;
        Ok(if neg { n.wrapping_neg() } else { n })
    }

    fn assign(&mut self) -> Result<i64, String> {
        self.depth += 1;
        if self.depth > 200 {
            return Err("arithmetic expression too deep".into());
        }
        if let (Some(T::Name(name)), Some(T::Op(op))) = (
            self.toks.get(self.pos).cloned(),
            self.toks.get(self.pos + 1).cloned(),
        ) {
            if matches!(op, "=" | "+=" | "-=" | "*=" | "/=" | "%=") {
                self.pos += 2;
                let rhs = self.assign()?;
                let cur = self.var(&name)?;
                let v = match op {
                    "=" => rhs,
                    "+=" => cur.wrapping_add(rhs),
                    "-=" => cur.wrapping_sub(rhs),
                    "*=" => cur.wrapping_mul(rhs),
                    "/=" => div(cur, rhs)?,
                    _ => rem(cur, rhs)?,
                };
                (self.set)(&name, v);
                self.depth -= 1;
                return Ok(v);
            }
        }
        let v = self.ternary();
        self.depth -= 1;
        v
    }

    fn ternary(&mut self) -> Result<i64, String> {
        let c = self.binary(0)?;
        if self.eat("?") {
            let a = self.assign()?;
            if !self.eat(":") {
                return Err("arithmetic syntax error".into());
            }
            let b = self.assign()?;
            return Ok(if c != 0 { a } else { b });
        }
        Ok(c)
    }

    fn binary(&mut self, level: usize) -> Result<i64, String> {
        const LEVELS: &[&[&str]] = &[
            &["||"],
            &["&&"],
            &["|"],
            &["^"],
            &["&"],
            &["==", "!="],
            &["<", ">", "<=", ">="],
            &["<<", ">>"],
            &["+", "-"],
            &["*", "/", "%"],
        ];
        let Some(ops) = LEVELS.get(level) else {
            // `**` binds tightest of the binary operators, to the right: 2**3**2 is 512.
            let base = self.unary()?;
            if !self.eat("**") {
                return Ok(base);
            }
            let exp = self.binary(level)?;
            if exp < 0 {
                return Err("exponent less than 0".into());
            }
            return Ok(base.wrapping_pow(u32::try_from(exp).unwrap_or(u32::MAX)));
        };
        let mut lhs = self.binary(level + 1)?;
        while let Some(op) = self.peek_op().filter(|o| ops.contains(o)) {
            self.pos += 1;
            let rhs = self.binary(level + 1)?;
            lhs = match op {
                "||" => i64::from(lhs != 0 || rhs != 0),
                "&&" => i64::from(lhs != 0 && rhs != 0),
                "|" => lhs | rhs,
                "^" => lhs ^ rhs,
                "&" => lhs & rhs,
                "==" => i64::from(lhs == rhs),
                "!=" => i64::from(lhs != rhs),
                "<" => i64::from(lhs < rhs),
                ">" => i64::from(lhs > rhs),
                "<=" => i64::from(lhs <= rhs),
                ">=" => i64::from(lhs >= rhs),
                "<<" => lhs.wrapping_shl(rhs as u32),
                ">>" => lhs.wrapping_shr(rhs as u32),
                "+" => lhs.wrapping_add(rhs),
                "-" => lhs.wrapping_sub(rhs),
                "*" => lhs.wrapping_mul(rhs),
                "/" => div(lhs, rhs)?,
                _ => rem(lhs, rhs)?,
            };
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<i64, String> {
        self.depth += 1;
        if self.depth > 200 {
            return Err("arithmetic expression too deep".into());
        }
        let v = if self.eat("-") {
            self.unary()?.wrapping_neg()
        } else if self.eat("+") {
            self.unary()?
        } else if self.eat("!") {
            i64::from(self.unary()? == 0)
        } else if self.eat("~") {
            !self.unary()?
        } else if self.peek_op() == Some("++") || self.peek_op() == Some("--") {
            let inc = self.eat("++") || {
                self.eat("--");
                false
            };
            let Some(T::Name(name)) = self.toks.get(self.pos).cloned() else {
                return Err("arithmetic syntax error".into());
            };
            self.pos += 1;
            let v = self.var(&name)?.wrapping_add(if inc { 1 } else { -1 });
            (self.set)(&name, v);
            v
        } else {
            self.primary()?
        };
        self.depth -= 1;
        Ok(v)
    }

    fn primary(&mut self) -> Result<i64, String> {
        match self.toks.get(self.pos).cloned() {
            Some(T::Num(n)) => {
                self.pos += 1;
                Ok(n)
            }
            Some(T::Name(name)) => {
                self.pos += 1;
                let v = self.var(&name)?;
                if self.eat("++") {
                    (self.set)(&name, v.wrapping_add(1));
                } else if self.eat("--") {
                    (self.set)(&name, v.wrapping_sub(1));
                }
                Ok(v)
            }
            Some(T::Op("(")) => {
                self.pos += 1;
                let v = self.assign()?;
                if !self.eat(")") {
                    return Err("arithmetic syntax error".into());
                }
                Ok(v)
            }
            _ => Err("arithmetic syntax error".into()),
        }
    }
}

fn div(a: i64, b: i64) -> Result<i64, String> {
    if b == 0 {
        return Err("divide by zero".into());
    }
    Ok(a.wrapping_div(b))
}

fn rem(a: i64, b: i64) -> Result<i64, String> {
    if b == 0 {
        return Err("divide by zero".into());
    }
    Ok(a.wrapping_rem(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn calc(src: &str) -> Result<i64, String> {
        let vars = std::cell::RefCell::new(BTreeMap::from([("i".to_string(), "4".to_string())]));
        eval(
            src,
            &mut |n| vars.borrow().get(n).cloned().unwrap_or_default(),
            &mut |n, v| {
                vars.borrow_mut().insert(n.to_string(), v.to_string());
            },
        )
    }

    #[test]
    fn precedence_and_variables() {
        assert_eq!(calc("1+2*3"), Ok(7));
        assert_eq!(calc("(1+2)*3"), Ok(9));
        assert_eq!(calc("i+1"), Ok(5));
        assert_eq!(calc("i += 2"), Ok(6));
        assert_eq!(calc("-7 / 2"), Ok(-3));
        assert_eq!(calc("3 > 2 && 1"), Ok(1));
        assert_eq!(calc("0x10 + 010"), Ok(24));
        assert_eq!(calc("1 ? 5 : 6"), Ok(5));
        assert_eq!(calc("7/0"), Err("divide by zero".into()));
        assert_eq!(calc("2**10"), Ok(1024));
        assert_eq!(calc("2**3**2"), Ok(512));
        assert_eq!(calc("-2**2 + 2*3**2"), Ok(22));
        assert_eq!(calc("2**-1"), Err("exponent less than 0".into()));
        assert!(calc("1 +").is_err());
        assert!(calc(&"(".repeat(10_000)).is_err());
    }
}
