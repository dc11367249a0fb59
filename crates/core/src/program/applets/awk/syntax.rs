//! awk's lexer and parser: program text to a syntax tree.

use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Regex(String),
    Name(String),
    /// A name directly followed by `(`: a function call.
    Call(String),
    Builtin(String),
    Key(&'static str),
    Op(&'static str),
    Newline,
}

const KEYWORDS: &[&str] = &[
    "BEGIN", "END", "function", "func", "if", "else", "while", "for", "do", "break", "continue",
    "next", "exit", "return", "delete", "in", "getline", "print", "printf",
];

const BUILTINS: &[&str] = &[
    "length", "substr", "index", "split", "sub", "gsub", "match", "sprintf", "tolower", "toupper",
    "int", "sqrt", "exp", "log", "sin", "cos", "atan2", "rand", "srand", "system", "close",
    "fflush",
];

const OPS: &[&str] = &[
    "+=", "-=", "*=", "/=", "%=", "^=", "**=", "==", "<=", ">=", "!=", "++", "--", "&&", "||",
    ">>", "!~", "**", "{", "}", "(", ")", "[", "]", ";", ",", "+", "-", "*", "/", "%", "^", "!",
    ">", "<", "|", "?", ":", "~", "$", "=",
];

#[derive(Clone, Debug)]
pub enum Expr {
    Num(f64),
    Str(String),
    Regex(String),
    Var(String),
    Field(Box<Expr>),
    Index(String, Vec<Expr>),
    Assign(Box<Expr>, Option<&'static str>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Plus(Box<Expr>),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    Cmp(&'static str, Box<Expr>, Box<Expr>),
    Match(bool, Box<Expr>, Box<Expr>),
    Concat(Box<Expr>, Box<Expr>),
    In(Vec<Expr>, String),
    Incr(bool, i8, Box<Expr>),
    Call(String, Vec<Expr>),
    Builtin(String, Vec<Expr>),
    Group(Vec<Expr>),
    Getline(Option<Box<Expr>>),
}

#[derive(Clone, Debug)]
pub enum Stmt {
    Print(Vec<Expr>, Option<(bool, Expr)>),
    Printf(Vec<Expr>, Option<(bool, Expr)>),
    Expr(Expr),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    While(Expr, Box<Stmt>),
    Do(Box<Stmt>, Expr),
    For(
        Option<Box<Stmt>>,
        Option<Expr>,
        Option<Box<Stmt>>,
        Box<Stmt>,
    ),
    ForIn(String, String, Box<Stmt>),
    Block(Vec<Stmt>),
    Next,
    Exit(Option<Expr>),
    Return(Option<Expr>),
    Break,
    Continue,
    Delete(String, Option<Vec<Expr>>),
}

#[derive(Clone, Debug)]
pub enum Pattern {
    Begin,
    End,
    All,
    Expr(Expr),
    Range(Expr, Expr),
}

#[derive(Clone, Debug, Default)]
pub struct Program {
    pub items: Vec<(Pattern, Option<Vec<Stmt>>)>,
    pub funcs: BTreeMap<String, (Vec<String>, Vec<Stmt>)>,
}

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut out: Vec<Tok> = Vec::new();
    let mut i = 0;
    'outer: while let Some(&c) = chars.get(i) {
        match c {
            ' ' | '\t' | '\r' => i += 1,
            '\\' if chars.get(i + 1) == Some(&'\n') => i += 2,
            '\n' => {
                out.push(Tok::Newline);
                i += 1;
            }
            '#' => {
                while chars.get(i).is_some_and(|c| *c != '\n') {
                    i += 1;
                }
            }
            '"' => {
                i += 1;
                let mut s = String::new();
                loop {
                    match chars.get(i) {
                        None | Some('\n') => return Err("unterminated string".into()),
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            i += 1;
                            let e = chars.get(i).copied().unwrap_or('\\');
                            i += 1;
                            match e {
                                'n' => s.push('\n'),
                                't' => s.push('\t'),
                                'r' => s.push('\r'),
                                '\\' => s.push('\\'),
                                '"' => s.push('"'),
                                '/' => s.push('/'),
                                'a' => s.push('\u{7}'),
                                'b' => s.push('\u{8}'),
                                'f' => s.push('\u{c}'),
                                'v' => s.push('\u{b}'),
                                '0'..='7' => {
                                    let mut v = e.to_digit(8).unwrap_or(0);
                                    for _ in 0..2 {
                                        match chars.get(i).and_then(|c| c.to_digit(8)) {
                                            Some(d) => {
                                                v = v * 8 + d;
                                                i += 1;
                                            }
                                            None => break,
                                        }
                                    }
                                    s.push(char::from_u32(v).unwrap_or('?'));
                                }
                                other => {
                                    s.push('\\');
                                    s.push(other);
                                }
                            }
                        }
                        Some(&c) => {
                            s.push(c);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Str(s));
            }
            '/' if !divides(out.last()) => {
                i += 1;
                let mut s = String::new();
                let mut in_class = false;
                loop {
                    match chars.get(i) {
                        None | Some('\n') => return Err("unterminated regexp".into()),
                        Some('/') if !in_class => {
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            let n = chars.get(i + 1).copied().unwrap_or('\\');
                            if n == '/' {
                                s.push('/');
                            } else {
                                s.push('\\');
                                s.push(n);
                            }
                            i += 2;
                        }
                        Some(&c) => {
                            if c == '[' {
                                in_class = true;
                            } else if c == ']' {
                                in_class = false;
                            }
                            s.push(c);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Regex(s));
            }
            c if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '.')
                {
                    if matches!(chars.get(i), Some('e' | 'E'))
                        && matches!(chars.get(i + 1), Some('+' | '-'))
                    {
                        i += 1;
                    }
                    i += 1;
                }
                let text: String = chars.get(start..i).unwrap_or(&[]).iter().collect();
                let v = if let Some(h) = text.strip_prefix("0x").or(text.strip_prefix("0X")) {
                    i64::from_str_radix(h, 16).map(|v| v as f64).ok()
                } else {
                    text.parse::<f64>().ok()
                };
                out.push(Tok::Num(v.ok_or_else(|| format!("bad number '{text}'"))?));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_alphanumeric() || *c == '_')
                {
                    i += 1;
                }
                let word: String = chars.get(start..i).unwrap_or(&[]).iter().collect();
                if let Some(k) = KEYWORDS.iter().find(|k| **k == word) {
                    out.push(Tok::Key(k));
                } else if BUILTINS.contains(&word.as_str()) {
                    out.push(Tok::Builtin(word));
                } else if chars.get(i) == Some(&'(') {
                    out.push(Tok::Call(word));
                } else {
                    out.push(Tok::Name(word));
                }
            }
            _ => {
                for op in OPS {
                    if op
                        .chars()
                        .enumerate()
                        .all(|(j, oc)| chars.get(i + j) == Some(&oc))
                    {
                        out.push(Tok::Op(op));
                        i += op.chars().count();
                        continue 'outer;
                    }
                }
                return Err(format!("unexpected character '{c}'"));
            }
        }
    }
    Ok(out)
}

/// Whether a `/` after `prev` divides (after an operand) rather than starting a regex.
fn divides(prev: Option<&Tok>) -> bool {
    matches!(
        prev,
        Some(
            Tok::Num(_)
                | Tok::Str(_)
                | Tok::Name(_)
                | Tok::Builtin(_)
                | Tok::Op(")" | "]" | "$" | "++" | "--")
        )
    )
}

struct P {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
    /// Inside `print` arguments: `>` redirects instead of comparing.
    no_gt: bool,
    /// Inside `for (` before `;`: `in` is not an operator.
    no_in: bool,
}

type R<T> = Result<T, String>;

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl P {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(o)) if *o == op)
    }

    fn is_key(&self, k: &str) -> bool {
        matches!(self.peek(), Some(Tok::Key(o)) if *o == k)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.is_op(op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_op(&mut self, op: &str) -> R<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn unexpected(&self) -> String {
        // busybox names no token.
        "Unexpected token".into()
    }

    fn newlines(&mut self) {
        while matches!(self.peek(), Some(Tok::Newline)) {
            self.pos += 1;
        }
    }

    fn terminators(&mut self) {
        while matches!(self.peek(), Some(Tok::Newline) | Some(Tok::Op(";"))) {
            self.pos += 1;
        }
    }

    fn program(&mut self) -> R<Program> {
        let mut prog = Program::default();
        loop {
            self.terminators();
            let Some(t) = self.peek().cloned() else { break };
            match t {
                Tok::Key("function" | "func") => {
                    self.pos += 1;
                    let name = match self.peek().cloned() {
                        Some(Tok::Call(n) | Tok::Name(n)) => n,
                        _ => return Err(self.unexpected()),
                    };
                    self.pos += 1;
                    self.expect_op("(")?;
                    let mut params = Vec::new();
                    while let Some(Tok::Name(p)) = self.peek().cloned() {
                        params.push(p);
                        self.pos += 1;
                        if !self.eat_op(",") {
                            break;
                        }
                        self.newlines();
                    }
                    self.expect_op(")")?;
                    self.newlines();
                    let body = self.block()?;
                    prog.funcs.insert(name, (params, body));
                }
                Tok::Key("BEGIN") | Tok::Key("END") => {
                    self.pos += 1;
                    let pat = if t == Tok::Key("BEGIN") {
                        Pattern::Begin
                    } else {
                        Pattern::End
                    };
                    self.newlines();
                    let body = self.block()?;
                    prog.items.push((pat, Some(body)));
                }
                Tok::Op("{") => {
                    let body = self.block()?;
                    prog.items.push((Pattern::All, Some(body)));
                }
                _ => {
                    let e = self.expr()?;
                    let pat = if self.eat_op(",") {
                        self.newlines();
                        Pattern::Range(e, self.expr()?)
                    } else {
                        Pattern::Expr(e)
                    };
                    let body = if self.is_op("{") {
                        Some(self.block()?)
                    } else {
                        None
                    };
                    prog.items.push((pat, body));
                }
            }
        }
        Ok(prog)
    }

    fn block(&mut self) -> R<Vec<Stmt>> {
        self.expect_op("{")?;
        let mut out = Vec::new();
        loop {
            self.terminators();
            if self.eat_op("}") {
                return Ok(out);
            }
            if self.peek().is_none() {
                return Err(self.unexpected());
            }
            out.push(self.stmt()?);
        }
    }

    /// A simple statement ends at `;`, a newline or before `}`.
    fn end_simple(&mut self) -> R<()> {
        match self.peek() {
            None | Some(Tok::Newline) | Some(Tok::Op(";")) => {
                self.pos += usize::from(self.peek().is_some());
                Ok(())
            }
            Some(Tok::Op("}")) => Ok(()),
            _ => Err(self.unexpected()),
        }
    }

    fn body(&mut self) -> R<Box<Stmt>> {
        self.newlines();
        if self.eat_op(";") {
            return Ok(Box::new(Stmt::Block(Vec::new())));
        }
        Ok(Box::new(self.stmt()?))
    }

    fn stmt(&mut self) -> R<Stmt> {
        self.depth += 1;
        if self.depth > 200 {
            return Err("program nesting too deep".into());
        }
        let s = self.stmt_inner();
        self.depth -= 1;
        s
    }

    fn stmt_inner(&mut self) -> R<Stmt> {
        let t = self.peek().cloned().ok_or_else(|| self.unexpected())?;
        match t {
            Tok::Op("{") => Ok(Stmt::Block(self.block()?)),
            Tok::Key("if") => {
                self.pos += 1;
                self.expect_op("(")?;
                let c = self.expr()?;
                self.expect_op(")")?;
                let then = self.body()?;
                let save = self.pos;
                self.terminators();
                if self.is_key("else") {
                    self.pos += 1;
                    let other = self.body()?;
                    Ok(Stmt::If(c, then, Some(other)))
                } else {
                    self.pos = save;
                    Ok(Stmt::If(c, then, None))
                }
            }
            Tok::Key("while") => {
                self.pos += 1;
                self.expect_op("(")?;
                let c = self.expr()?;
                self.expect_op(")")?;
                Ok(Stmt::While(c, self.body()?))
            }
            Tok::Key("do") => {
                self.pos += 1;
                let body = self.body()?;
                self.terminators();
                if !self.is_key("while") {
                    return Err(self.unexpected());
                }
                self.pos += 1;
                self.expect_op("(")?;
                let c = self.expr()?;
                self.expect_op(")")?;
                self.end_simple()?;
                Ok(Stmt::Do(body, c))
            }
            Tok::Key("for") => {
                self.pos += 1;
                self.expect_op("(")?;
                if let (
                    Some(Tok::Name(v)),
                    Some(Tok::Key("in")),
                    Some(Tok::Name(a)),
                    Some(Tok::Op(")")),
                ) = (
                    self.toks.get(self.pos).cloned(),
                    self.toks.get(self.pos + 1).cloned(),
                    self.toks.get(self.pos + 2).cloned(),
                    self.toks.get(self.pos + 3).cloned(),
                ) {
                    self.pos += 4;
                    return Ok(Stmt::ForIn(v, a, self.body()?));
                }
                let init = if self.is_op(";") {
                    None
                } else {
                    Some(Box::new(self.simple()?))
                };
                self.expect_op(";")?;
                self.newlines();
                let cond = if self.is_op(";") {
                    None
                } else {
                    Some(self.expr()?)
                };
                self.expect_op(";")?;
                self.newlines();
                let step = if self.is_op(")") {
                    None
                } else {
                    Some(Box::new(self.simple()?))
                };
                self.expect_op(")")?;
                Ok(Stmt::For(init, cond, step, self.body()?))
            }
            Tok::Key(k @ ("break" | "continue" | "next")) => {
                self.pos += 1;
                self.end_simple()?;
                Ok(match k {
                    "break" => Stmt::Break,
                    "continue" => Stmt::Continue,
                    _ => Stmt::Next,
                })
            }
            Tok::Key(k @ ("exit" | "return")) => {
                self.pos += 1;
                let value = match self.peek() {
                    None | Some(Tok::Newline | Tok::Op(";" | "}")) => None,
                    _ => Some(self.expr()?),
                };
                self.end_simple()?;
                Ok(if k == "exit" {
                    Stmt::Exit(value)
                } else {
                    Stmt::Return(value)
                })
            }
            _ => {
                let s = self.simple()?;
                self.end_simple()?;
                Ok(s)
            }
        }
    }

    /// print, printf, delete or an expression.
    fn simple(&mut self) -> R<Stmt> {
        match self.peek().cloned() {
            Some(Tok::Key(k @ ("print" | "printf"))) => {
                self.pos += 1;
                let args = self.print_args()?;
                let redirect = if self.eat_op(">") {
                    Some((false, self.concat_level()?))
                } else if self.eat_op(">>") {
                    Some((true, self.concat_level()?))
                } else {
                    None
                };
                if k == "print" {
                    Ok(Stmt::Print(args, redirect))
                } else {
                    if args.is_empty() {
                        return Err(self.unexpected());
                    }
                    Ok(Stmt::Printf(args, redirect))
                }
            }
            Some(Tok::Key("delete")) => {
                self.pos += 1;
                let Some(Tok::Name(a)) = self.peek().cloned() else {
                    return Err(self.unexpected());
                };
                self.pos += 1;
                if self.eat_op("[") {
                    let keys = self.expr_list()?;
                    self.expect_op("]")?;
                    Ok(Stmt::Delete(a, Some(keys)))
                } else {
                    Ok(Stmt::Delete(a, None))
                }
            }
            _ => Ok(Stmt::Expr(self.expr()?)),
        }
    }

    fn print_args(&mut self) -> R<Vec<Expr>> {
        if matches!(
            self.peek(),
            None | Some(Tok::Newline | Tok::Op(";" | "}" | ">" | ">>" | "|"))
        ) {
            return Ok(Vec::new());
        }
        // `print (a, b) > "f"`: a parenthesised list.
        if self.is_op("(") {
            let save = self.pos;
            self.pos += 1;
            if let Ok(list) = self.expr_list() {
                if self.eat_op(")")
                    && matches!(
                        self.peek(),
                        None | Some(Tok::Newline | Tok::Op(";" | "}" | ">" | ">>" | "|"))
                    )
                {
                    return Ok(list);
                }
            }
            self.pos = save;
        }
        let old = std::mem::replace(&mut self.no_gt, true);
        let list = self.expr_list();
        self.no_gt = old;
        list
    }

    fn expr_list(&mut self) -> R<Vec<Expr>> {
        let mut out = vec![self.expr()?];
        while self.eat_op(",") {
            self.newlines();
            out.push(self.expr()?);
        }
        Ok(out)
    }

    fn expr(&mut self) -> R<Expr> {
        self.depth += 1;
        if self.depth > 200 {
            return Err("expression nesting too deep".into());
        }
        let e = self.ternary();
        self.depth -= 1;
        e
    }

    fn ternary(&mut self) -> R<Expr> {
        let c = self.or()?;
        if let Some(Tok::Op(op)) = self.peek().cloned() {
            if matches!(op, "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "^=" | "**=")
                && matches!(c, Expr::Var(_) | Expr::Field(_) | Expr::Index(..))
            {
                self.pos += 1;
                self.newlines();
                let rhs = self.expr()?;
                let op = match op {
                    "=" => None,
                    "**=" => Some("^"),
                    o => Some(o.get(..1).map_or("+", |c| match c {
                        "+" => "+",
                        "-" => "-",
                        "*" => "*",
                        "/" => "/",
                        "%" => "%",
                        _ => "^",
                    })),
                };
                return Ok(Expr::Assign(bx(c), op, bx(rhs)));
            }
        }
        if self.eat_op("?") {
            self.newlines();
            let a = self.expr()?;
            self.newlines();
            self.expect_op(":")?;
            self.newlines();
            let b = self.expr()?;
            return Ok(Expr::Cond(bx(c), bx(a), bx(b)));
        }
        Ok(c)
    }

    fn or(&mut self) -> R<Expr> {
        let mut l = self.and()?;
        while self.eat_op("||") {
            self.newlines();
            l = Expr::Or(bx(l), bx(self.and()?));
        }
        Ok(l)
    }

    fn and(&mut self) -> R<Expr> {
        let mut l = self.in_level()?;
        while self.eat_op("&&") {
            self.newlines();
            l = Expr::And(bx(l), bx(self.in_level()?));
        }
        Ok(l)
    }

    fn in_level(&mut self) -> R<Expr> {
        let mut l = self.match_level()?;
        while !self.no_in && self.is_key("in") {
            self.pos += 1;
            let Some(Tok::Name(a)) = self.peek().cloned() else {
                return Err(self.unexpected());
            };
            self.pos += 1;
            let keys = match l {
                Expr::Group(list) => list,
                other => vec![other],
            };
            l = Expr::In(keys, a);
        }
        Ok(l)
    }

    fn match_level(&mut self) -> R<Expr> {
        let mut l = self.cmp()?;
        loop {
            let neg = if self.eat_op("~") {
                false
            } else if self.eat_op("!~") {
                true
            } else {
                return Ok(l);
            };
            l = Expr::Match(neg, bx(l), bx(self.cmp()?));
        }
    }

    fn cmp(&mut self) -> R<Expr> {
        let l = self.concat_level()?;
        let op = match self.peek() {
            Some(Tok::Op(o @ ("<" | "<=" | "==" | "!=" | ">="))) => *o,
            Some(Tok::Op(">")) if !self.no_gt => ">",
            _ => return Ok(l),
        };
        self.pos += 1;
        Ok(Expr::Cmp(op, bx(l), bx(self.concat_level()?)))
    }

    fn starts_operand(&self) -> bool {
        match self.peek() {
            Some(Tok::Num(_) | Tok::Str(_) | Tok::Regex(_) | Tok::Name(_) | Tok::Call(_)) => true,
            Some(Tok::Builtin(_)) => true,
            Some(Tok::Op(o)) => matches!(*o, "$" | "(" | "!" | "-" | "+" | "++" | "--"),
            _ => false,
        }
    }

    fn concat_level(&mut self) -> R<Expr> {
        let mut l = self.additive()?;
        // Juxtaposition concatenates; `-` and `+` here are binary, so they do not start one.
        while self.starts_operand() && !self.is_op("-") && !self.is_op("+") && !self.is_op("!") {
            if self.is_key("in") {
                break;
            }
            let r = self.additive()?;
            l = Expr::Concat(bx(l), bx(r));
        }
        Ok(l)
    }

    fn additive(&mut self) -> R<Expr> {
        let mut l = self.mul()?;
        loop {
            let op = if self.is_op("+") {
                "+"
            } else if self.is_op("-") {
                "-"
            } else {
                return Ok(l);
            };
            self.pos += 1;
            l = Expr::Bin(op, bx(l), bx(self.mul()?));
        }
    }

    fn mul(&mut self) -> R<Expr> {
        let mut l = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Op(o @ ("*" | "/" | "%"))) => *o,
                _ => return Ok(l),
            };
            self.pos += 1;
            l = Expr::Bin(op, bx(l), bx(self.unary()?));
        }
    }

    fn unary(&mut self) -> R<Expr> {
        self.depth += 1;
        if self.depth > 400 {
            return Err("expression nesting too deep".into());
        }
        let e = if self.eat_op("!") {
            Expr::Not(bx(self.unary()?))
        } else if self.eat_op("-") {
            Expr::Neg(bx(self.unary()?))
        } else if self.eat_op("+") {
            Expr::Plus(bx(self.unary()?))
        } else {
            self.power()?
        };
        self.depth -= 1;
        Ok(e)
    }

    fn power(&mut self) -> R<Expr> {
        let base = self.postfix()?;
        if self.eat_op("^") || self.eat_op("**") {
            // Right-associative, and binds tighter than unary minus on its right.
            let exp = self.unary()?;
            return Ok(Expr::Bin("^", bx(base), bx(exp)));
        }
        Ok(base)
    }

    fn postfix(&mut self) -> R<Expr> {
        if self.eat_op("++") {
            return Ok(Expr::Incr(true, 1, bx(self.postfix()?)));
        }
        if self.eat_op("--") {
            return Ok(Expr::Incr(true, -1, bx(self.postfix()?)));
        }
        let e = self.primary()?;
        if matches!(e, Expr::Var(_) | Expr::Field(_) | Expr::Index(..)) {
            if self.eat_op("++") {
                return Ok(Expr::Incr(false, 1, bx(e)));
            }
            if self.eat_op("--") {
                return Ok(Expr::Incr(false, -1, bx(e)));
            }
        }
        Ok(e)
    }

    fn primary(&mut self) -> R<Expr> {
        let t = self.peek().cloned().ok_or_else(|| self.unexpected())?;
        self.pos += 1;
        match t {
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Regex(r) => Ok(Expr::Regex(r)),
            Tok::Op("$") => {
                // `$NF-1` is ($NF)-1: the field takes only a primary (with ++/--).
                let inner = if self.is_op("++") || self.is_op("--") {
                    self.postfix()?
                } else if self.eat_op("-") {
                    Expr::Neg(bx(self.primary()?))
                } else {
                    self.primary()?
                };
                Ok(Expr::Field(bx(inner)))
            }
            Tok::Op("(") => {
                let old = (self.no_gt, self.no_in);
                self.no_gt = false;
                self.no_in = false;
                let list = self.expr_list();
                (self.no_gt, self.no_in) = old;
                let list = list?;
                self.expect_op(")")?;
                Ok(if list.len() == 1 {
                    list.into_iter().next().unwrap_or(Expr::Num(0.0))
                } else {
                    Expr::Group(list)
                })
            }
            Tok::Name(n) => {
                if self.eat_op("[") {
                    let keys = self.expr_list()?;
                    self.expect_op("]")?;
                    Ok(Expr::Index(n, keys))
                } else {
                    Ok(Expr::Var(n))
                }
            }
            Tok::Call(n) => {
                self.expect_op("(")?;
                let args = if self.is_op(")") {
                    Vec::new()
                } else {
                    self.expr_list()?
                };
                self.expect_op(")")?;
                Ok(Expr::Call(n, args))
            }
            Tok::Builtin(n) => {
                let args = if self.eat_op("(") {
                    let args = if self.is_op(")") {
                        Vec::new()
                    } else {
                        self.expr_list()?
                    };
                    self.expect_op(")")?;
                    args
                } else {
                    Vec::new()
                };
                Ok(Expr::Builtin(n, args))
            }
            Tok::Key("getline") => {
                let target = match self.peek() {
                    Some(Tok::Name(_)) | Some(Tok::Op("$")) => Some(bx(self.primary()?)),
                    _ => None,
                };
                Ok(Expr::Getline(target))
            }
            other => {
                self.pos -= 1;
                let _ = other;
                Err(self.unexpected())
            }
        }
    }
}

pub fn parse(src: &str) -> Result<Program, String> {
    let toks = lex(src)?;
    let mut p = P {
        toks,
        pos: 0,
        depth: 0,
        no_gt: false,
        no_in: false,
    };
    p.program()
}
