//! Running an awk program: variables, records and fields, statements and the builtin
//! functions (values and arrays are in value.rs).

use super::syntax::{Expr, Pattern, Program, Stmt};
use super::value::{input_val, num_to_str, Arr, Val};
use crate::program::cformat;
use crate::program::kernel::{Kernel, Proc};
use crate::program::regex::Regex;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug)]
enum Cell {
    Val(Val),
    Arr(Arr),
    /// A function parameter that is the caller's array of that name (in an outer frame).
    Ref(String, usize),
}

enum Flow {
    Normal,
    Next,
    Exit,
    Break,
    Continue,
    Return(Val),
}

type R<T> = Result<T, String>;

/// Deepest user-function recursion (the simulator's stack is smaller than busybox's).
const MAX_CALLS: usize = 64;

pub struct Awk<'r, 'k, 'a> {
    pub k: &'r mut Kernel<'k, 'a>,
    pub p: Proc,
    prog: Program,
    globals: BTreeMap<String, Cell>,
    frames: Vec<BTreeMap<String, Cell>>,
    pub(super) fields: Vec<String>,
    regexes: BTreeMap<String, Regex>,
    ranges: Vec<bool>,
    opened: BTreeSet<String>,
    pub exit_code: i32,
    pub(super) rand: u64,
    /// The records of the current input not yet read, and the inputs after it.
    pending: (String, usize),
    inputs: std::collections::VecDeque<(String, String)>,
    depth: usize,
    /// `exit` ran inside a function: unwind to the top.
    exiting: bool,
}

impl<'r, 'k, 'a> Awk<'r, 'k, 'a> {
    pub fn new(k: &'r mut Kernel<'k, 'a>, p: Proc, prog: Program) -> Self {
        let mut awk = Awk {
            k,
            p,
            ranges: vec![false; prog.items.len()],
            prog,
            globals: BTreeMap::new(),
            frames: Vec::new(),
            fields: vec![String::new()],
            regexes: BTreeMap::new(),
            opened: BTreeSet::new(),
            exit_code: 0,
            rand: 0x2545_F491_4F6C_DD1D,
            pending: (String::new(), 0),
            inputs: Default::default(),
            depth: 0,
            exiting: false,
        };
        for (name, value) in [
            ("FS", " "),
            ("OFS", " "),
            ("ORS", "\n"),
            ("RS", "\n"),
            ("SUBSEP", "\u{1c}"),
            ("CONVFMT", "%.6g"),
            ("OFMT", "%.6g"),
        ] {
            awk.set_global(name, Val::Str(value.into()));
        }
        for n in ["NR", "FNR", "RSTART", "RLENGTH"] {
            awk.set_global(n, Val::Num(0.0));
        }
        let mut env = Arr::default();
        for (k, v) in awk.p.env.clone() {
            env.set(&k, input_val(&v));
        }
        awk.globals.insert("ENVIRON".into(), Cell::Arr(env));
        awk
    }

    pub fn set_global(&mut self, name: &str, v: Val) {
        self.globals.insert(name.to_string(), Cell::Val(v));
    }

    pub(super) fn var_str(&self, name: &str) -> String {
        match self.globals.get(name) {
            Some(Cell::Val(v)) => v.str(),
            _ => String::new(),
        }
    }

    // ---- records and fields ----

    pub fn set_record(&mut self, line: &str) {
        self.fields = vec![line.to_string()];
        let fs = self.var_str("FS");
        let parts = self.split_text(line, &fs);
        self.fields.extend(parts);
    }

    pub(super) fn split_text(&mut self, text: &str, fs: &str) -> Vec<String> {
        if fs == " " {
            return text.split_whitespace().map(str::to_string).collect();
        }
        if text.is_empty() {
            return Vec::new();
        }
        if fs.chars().count() == 1 && fs != "\\" {
            let c = fs.chars().next().unwrap_or(' ');
            if c != '.'
                && c != '|'
                && c != '['
                && c != '^'
                && c != '$'
                && c != '*'
                && c != '+'
                && c != '?'
                && c != '('
                && c != ')'
            {
                return text.split(c).map(str::to_string).collect();
            }
            if fs == "|" {
                return text.split('|').map(str::to_string).collect();
            }
        }
        let Ok(re) = self.regex(fs) else {
            return vec![text.to_string()];
        };
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let mut start = 0;
        let mut pos = 0;
        while pos <= chars.len() {
            match re
                .find_at(&chars, pos)
                .and_then(|c| c.first().copied().flatten())
            {
                Some((s, e)) if e > s => {
                    out.push(chars.get(start..s).unwrap_or(&[]).iter().collect());
                    start = e;
                    pos = e;
                }
                Some((s, _)) => pos = s + 1,
                None => break,
            }
        }
        out.push(chars.get(start..).unwrap_or(&[]).iter().collect());
        out
    }

    fn nf(&self) -> usize {
        self.fields.len().saturating_sub(1)
    }

    fn rebuild_record(&mut self) {
        let ofs = self.var_str("OFS");
        self.fields[0] = self.fields.get(1..).unwrap_or(&[]).join(&ofs);
    }

    fn set_field(&mut self, i: usize, v: String) -> R<()> {
        if i == 0 {
            self.set_record(&v);
            return Ok(());
        }
        if i > 100_000 {
            return Err("field index too large".into());
        }
        while self.fields.len() <= i {
            self.fields.push(String::new());
        }
        self.fields[i] = v;
        self.rebuild_record();
        Ok(())
    }

    fn set_nf(&mut self, n: usize) -> R<()> {
        if n > 100_000 {
            return Err("field index too large".into());
        }
        self.fields.resize(n + 1, String::new());
        self.rebuild_record();
        Ok(())
    }

    // ---- variables ----

    fn find_cell(&mut self, name: &str) -> Option<&mut Cell> {
        // Locals first; a Ref leads to the caller's frame or the globals.
        let mut frame = self.frames.len();
        let mut name = name.to_string();
        loop {
            let cell = if frame > 0 {
                self.frames
                    .get(frame - 1)
                    .and_then(|f| f.get(&name))
                    .cloned()
            } else {
                None
            };
            match cell {
                Some(Cell::Ref(target, at)) => {
                    name = target;
                    frame = at;
                    if frame == 0 {
                        break;
                    }
                }
                Some(_) => return self.frames.get_mut(frame - 1)?.get_mut(&name),
                None => break,
            }
        }
        if !self.globals.contains_key(&name) {
            self.globals.insert(name.clone(), Cell::Val(Val::Uninit));
        }
        self.globals.get_mut(&name)
    }

    pub(super) fn get_var(&mut self, name: &str) -> R<Val> {
        if name == "NF" && self.frames.iter().all(|f| !f.contains_key("NF")) {
            return Ok(Val::Num(self.nf() as f64));
        }
        match self.find_cell(name) {
            Some(Cell::Val(v)) => Ok(v.clone()),
            Some(_) => Err(format!("can't use array {name} in scalar context")),
            None => Ok(Val::Uninit),
        }
    }

    pub(super) fn set_var(&mut self, name: &str, v: Val) -> R<()> {
        if name == "NF" && self.frames.iter().all(|f| !f.contains_key("NF")) {
            return self.set_nf(v.num().max(0.0) as usize);
        }
        match self.find_cell(name) {
            Some(cell @ Cell::Val(_)) => *cell = Cell::Val(v),
            Some(_) => return Err(format!("can't assign to array {name}")),
            None => {}
        }
        Ok(())
    }

    pub(super) fn array(&mut self, name: &str) -> R<&mut Arr> {
        let cell = self
            .find_cell(name)
            .ok_or_else(|| format!("no array {name}"))?;
        if matches!(cell, Cell::Val(Val::Uninit)) {
            *cell = Cell::Arr(Arr::default());
        }
        match cell {
            Cell::Arr(a) => Ok(a),
            _ => Err(format!("can't use scalar {name} as array")),
        }
    }

    pub(super) fn key(&mut self, keys: &[Expr]) -> R<String> {
        let mut parts = Vec::new();
        for e in keys {
            parts.push(self.eval(e)?.str());
        }
        Ok(parts.join(&self.var_str("SUBSEP")))
    }

    pub(super) fn regex(&mut self, pat: &str) -> R<Regex> {
        if let Some(r) = self.regexes.get(pat) {
            return Ok(r.clone());
        }
        let r = Regex::new(pat, true, false)?;
        if self.regexes.len() < 256 {
            self.regexes.insert(pat.to_string(), r.clone());
        }
        Ok(r)
    }

    pub(super) fn regex_of(&mut self, e: &Expr) -> R<Regex> {
        match e {
            Expr::Regex(r) => self.regex(r),
            other => {
                let s = self.eval(other)?.str();
                self.regex(&s)
            }
        }
    }

    // ---- expressions ----

    pub(super) fn assign(&mut self, target: &Expr, v: Val) -> R<Val> {
        match target {
            Expr::Var(n) => self.set_var(n, v.clone())?,
            Expr::Field(i) => {
                let i = self.eval(i)?.num();
                if i < 0.0 {
                    return Err("negative field index".into());
                }
                self.set_field(i as usize, v.str())?;
            }
            Expr::Index(n, keys) => {
                let key = self.key(keys)?;
                self.array(n)?.set(&key, v.clone());
            }
            _ => return Err("assignment to non-lvalue".into()),
        }
        Ok(v)
    }

    fn arith(op: &str, a: f64, b: f64) -> R<f64> {
        Ok(match op {
            "+" => a + b,
            "-" => a - b,
            "*" => a * b,
            "/" => {
                if b == 0.0 {
                    return Err("Division by zero".into());
                }
                a / b
            }
            "%" => {
                if b == 0.0 {
                    return Err("Division by zero".into());
                }
                a % b
            }
            _ => a.powf(b),
        })
    }

    pub fn eval(&mut self, e: &Expr) -> R<Val> {
        self.depth += 1;
        if self.depth > MAX_CALLS * 3 {
            self.depth -= 1;
            return Err("function nesting too deep".into());
        }
        let v = self.eval_inner(e);
        self.depth -= 1;
        v
    }

    fn eval_inner(&mut self, e: &Expr) -> R<Val> {
        Ok(match e {
            Expr::Num(n) => Val::Num(*n),
            Expr::Str(s) => Val::Str(s.clone()),
            Expr::Regex(r) => {
                let re = self.regex(r)?;
                let rec = self.fields.first().cloned().unwrap_or_default();
                Val::Num(f64::from(u8::from(re.is_match(&rec))))
            }
            Expr::Var(n) => self.get_var(n)?,
            Expr::Field(i) => {
                let i = self.eval(i)?.num();
                if i < 0.0 {
                    return Err("negative field index".into());
                }
                input_val(self.fields.get(i as usize).map_or("", String::as_str))
            }
            Expr::Index(n, keys) => {
                let key = self.key(keys)?;
                let arr = self.array(n)?;
                match arr.get(&key) {
                    Some(v) => v.clone(),
                    None => {
                        arr.set(&key, Val::Uninit);
                        Val::Uninit
                    }
                }
            }
            Expr::Assign(target, op, rhs) => {
                let r = self.eval(rhs)?;
                let v = match op {
                    None => match r {
                        Val::Uninit => Val::Uninit,
                        other => other,
                    },
                    Some(op) => {
                        let l = self.eval(target)?.num();
                        Val::Num(Self::arith(op, l, r.num())?)
                    }
                };
                self.assign(target, v)?
            }
            Expr::Cond(c, a, b) => {
                if self.eval(c)?.truthy() {
                    self.eval(a)?
                } else {
                    self.eval(b)?
                }
            }
            Expr::And(a, b) => Val::Num(f64::from(u8::from(
                self.eval(a)?.truthy() && self.eval(b)?.truthy(),
            ))),
            Expr::Or(a, b) => Val::Num(f64::from(u8::from(
                self.eval(a)?.truthy() || self.eval(b)?.truthy(),
            ))),
            Expr::Not(a) => Val::Num(f64::from(u8::from(!self.eval(a)?.truthy()))),
            Expr::Neg(a) => Val::Num(-self.eval(a)?.num()),
            Expr::Plus(a) => Val::Num(self.eval(a)?.num()),
            Expr::Bin(op, a, b) => {
                let x = self.eval(a)?.num();
                let y = self.eval(b)?.num();
                Val::Num(Self::arith(op, x, y)?)
            }
            Expr::Cmp(op, a, b) => {
                let x = self.eval(a)?;
                let y = self.eval(b)?;
                let ord = if x.numeric() && y.numeric() {
                    x.num().partial_cmp(&y.num()).unwrap_or(Ordering::Equal)
                } else {
                    x.str().cmp(&y.str())
                };
                let yes = match *op {
                    "<" => ord.is_lt(),
                    "<=" => ord.is_le(),
                    ">" => ord.is_gt(),
                    ">=" => ord.is_ge(),
                    "==" => ord.is_eq(),
                    _ => ord.is_ne(),
                };
                Val::Num(f64::from(u8::from(yes)))
            }
            Expr::Match(neg, a, b) => {
                let s = self.eval(a)?.str();
                let re = self.regex_of(b)?;
                Val::Num(f64::from(u8::from(re.is_match(&s) != *neg)))
            }
            Expr::Concat(a, b) => {
                let mut s = self.eval(a)?.str();
                s.push_str(&self.eval(b)?.str());
                // Copying costs steps, so a string grown in a loop cannot take quadratic time.
                self.k.work(s.len() as u64);
                if s.len() as u64 > crate::program::kernel::HELD_CAP / 4 {
                    // Past what the simulator holds: it stops following (still running).
                    self.k.run_forever();
                    return Err("string too long".into());
                }
                Val::Str(s)
            }
            Expr::In(keys, arr) => {
                let key = self.key(keys)?;
                let has = self.array(arr)?.get(&key).is_some();
                Val::Num(f64::from(u8::from(has)))
            }
            Expr::Incr(pre, delta, target) => {
                let old = self.eval(target)?.num();
                let new = old + f64::from(*delta);
                self.assign(target, Val::Num(new))?;
                Val::Num(if *pre { new } else { old })
            }
            Expr::Group(list) => {
                let key = self.key(list)?;
                Val::Str(key)
            }
            Expr::Call(name, args) => self.call(name, args)?,
            Expr::Builtin(name, args) => self.builtin(name, args)?,
            Expr::Getline(target) => match self.next_record()? {
                Some(line) => {
                    match target {
                        Some(t) => {
                            self.assign(t, input_val(&line))?;
                        }
                        None => self.set_record(&line),
                    }
                    Val::Num(1.0)
                }
                None => Val::Num(0.0),
            },
        })
    }

    /// The next input record (counting NR and FNR), moving on to the next input at the end
    /// of one.
    fn next_record(&mut self) -> R<Option<String>> {
        loop {
            // Lines are cut from the input one at a time (it may hold millions).
            let (text, pos) = &mut self.pending;
            let next = text.get(*pos..).filter(|r| !r.is_empty()).map(|rest| {
                let (line, used) = match rest.find('\n') {
                    Some(i) => (rest.get(..i).unwrap_or(""), i + 1),
                    None => (rest, rest.len()),
                };
                (line.to_string(), used)
            });
            if let Some((line, used)) = next {
                self.pending.1 += used;
                let nr = self.get_var("NR")?.num() + 1.0;
                self.set_var("NR", Val::Num(nr))?;
                let fnr = self.get_var("FNR")?.num() + 1.0;
                self.set_var("FNR", Val::Num(fnr))?;
                return Ok(Some(line));
            }
            let Some((name, text)) = self.inputs.pop_front() else {
                return Ok(None);
            };
            self.set_global("FILENAME", Val::Str(name));
            self.set_global("FNR", Val::Num(0.0));
            self.pending = (text, 0);
        }
    }

    fn call(&mut self, name: &str, args: &[Expr]) -> R<Val> {
        let Some((params, body)) = self.prog.funcs.get(name).cloned() else {
            return Err(format!("Call to undefined function {name}"));
        };
        if self.frames.len() >= MAX_CALLS {
            return Err("function nesting too deep".into());
        }
        let mut frame = BTreeMap::new();
        for (i, param) in params.iter().enumerate() {
            let cell = match args.get(i) {
                Some(Expr::Var(v)) if self.is_array(v) => self.array_ref(v),
                Some(e) => Cell::Val(self.eval(e)?),
                None => Cell::Val(Val::Uninit),
            };
            frame.insert(param.clone(), cell);
        }
        self.frames.push(frame);
        let flow = self.block(&body);
        self.frames.pop();
        match flow? {
            Flow::Return(v) => Ok(v),
            Flow::Exit => {
                self.exiting = true;
                Ok(Val::Uninit)
            }
            _ => Ok(Val::Uninit),
        }
    }

    pub(super) fn is_array(&mut self, name: &str) -> bool {
        matches!(self.find_cell(name), Some(Cell::Arr(_)))
    }

    /// A reference to the array `name` as the current frame sees it.
    fn array_ref(&self, name: &str) -> Cell {
        let mut frame = self.frames.len();
        let mut name = name.to_string();
        while frame > 0 {
            match self.frames.get(frame - 1).and_then(|f| f.get(&name)) {
                Some(Cell::Ref(t, at)) => {
                    name = t.clone();
                    frame = *at;
                }
                Some(_) => return Cell::Ref(name, frame),
                None => break,
            }
        }
        Cell::Ref(name, 0)
    }
}

impl Awk<'_, '_, '_> {
    fn block(&mut self, stmts: &[Stmt]) -> R<Flow> {
        for s in stmts {
            let flow = self.stmt(s)?;
            if self.exiting {
                return Ok(Flow::Exit);
            }
            if !matches!(flow, Flow::Normal) {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    fn stmt(&mut self, s: &Stmt) -> R<Flow> {
        if !self.k.step() {
            return Ok(Flow::Exit);
        }
        Ok(match s {
            Stmt::Expr(e) => {
                self.eval(e)?;
                Flow::Normal
            }
            Stmt::Print(args, redirect) => {
                let mut line = String::new();
                if args.is_empty() {
                    line = self.fields.first().cloned().unwrap_or_default();
                } else {
                    let ofs = self.var_str("OFS");
                    for (i, a) in args.iter().enumerate() {
                        if i > 0 {
                            line.push_str(&ofs);
                        }
                        let v = self.eval(a)?;
                        line.push_str(&match v {
                            Val::Num(n) if n != n.trunc() || n.abs() >= 1e16 => {
                                self.format_num(&self.var_str("OFMT"), n)
                            }
                            other => other.str(),
                        });
                    }
                }
                line.push_str(&self.var_str("ORS"));
                self.emit(&line, redirect)?;
                Flow::Normal
            }
            Stmt::Printf(args, redirect) => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval(a)?);
                }
                let text = self.sprintf(&vals);
                self.emit(&text, redirect)?;
                Flow::Normal
            }
            Stmt::If(c, a, b) => {
                if self.eval(c)?.truthy() {
                    self.stmt(a)?
                } else if let Some(b) = b {
                    self.stmt(b)?
                } else {
                    Flow::Normal
                }
            }
            Stmt::While(c, body) => {
                while self.eval(c)?.truthy() {
                    match self.stmt(body)? {
                        Flow::Break => break,
                        Flow::Normal | Flow::Continue => {}
                        other => return Ok(other),
                    }
                    if self.k.halted() {
                        return Ok(Flow::Exit);
                    }
                }
                Flow::Normal
            }
            Stmt::Do(body, c) => {
                loop {
                    match self.stmt(body)? {
                        Flow::Break => break,
                        Flow::Normal | Flow::Continue => {}
                        other => return Ok(other),
                    }
                    if self.k.halted() {
                        return Ok(Flow::Exit);
                    }
                    if !self.eval(c)?.truthy() {
                        break;
                    }
                }
                Flow::Normal
            }
            Stmt::For(init, cond, step, body) => {
                if let Some(i) = init {
                    self.stmt(i)?;
                }
                loop {
                    if let Some(c) = cond {
                        if !self.eval(c)?.truthy() {
                            break;
                        }
                    }
                    match self.stmt(body)? {
                        Flow::Break => break,
                        Flow::Normal | Flow::Continue => {}
                        other => return Ok(other),
                    }
                    if self.k.halted() {
                        return Ok(Flow::Exit);
                    }
                    if let Some(s) = step {
                        self.stmt(s)?;
                    }
                }
                Flow::Normal
            }
            Stmt::ForIn(var, arr, body) => {
                let keys = self.array(arr)?.keys();
                for key in keys {
                    self.set_var(var, input_val(&key))?;
                    match self.stmt(body)? {
                        Flow::Break => break,
                        Flow::Normal | Flow::Continue => {}
                        other => return Ok(other),
                    }
                    if self.k.halted() {
                        return Ok(Flow::Exit);
                    }
                }
                Flow::Normal
            }
            Stmt::Block(list) => self.block(list)?,
            Stmt::Next => Flow::Next,
            Stmt::Break => Flow::Break,
            Stmt::Continue => Flow::Continue,
            Stmt::Exit(code) => {
                if let Some(c) = code {
                    self.exit_code = self.eval(c)?.num() as i32;
                }
                Flow::Exit
            }
            Stmt::Return(v) => Flow::Return(match v {
                Some(e) => self.eval(e)?,
                None => Val::Uninit,
            }),
            Stmt::Delete(arr, keys) => {
                match keys {
                    Some(keys) => {
                        let key = self.key(keys)?;
                        self.array(arr)?.remove(&key);
                    }
                    None => *self.array(arr)? = Arr::default(),
                }
                Flow::Normal
            }
        })
    }

    /// `print`/`printf` output, to stdout or a file (`>` truncates on first use).
    fn emit(&mut self, text: &str, redirect: &Option<(bool, Expr)>) -> R<()> {
        let Some((append, target)) = redirect else {
            self.k.out(&self.p, text);
            return Ok(());
        };
        let name = self.eval(target)?.str();
        match name.as_str() {
            "/dev/stdout" | "-" => self.k.out(&self.p, text),
            "/dev/stderr" => self.k.err(&self.p, text),
            _ => {
                let path = self.p.path(&name);
                let first = self.opened.insert(path.clone());
                let target = crate::program::kernel::Target::File(path.clone());
                if first && !append {
                    let _ = self.k.ctx.fs.write_file(&path, b"", false);
                }
                if self.k.ctx.fs.write_file(&path, b"", true).is_err() {
                    return Err(format!("can't open '{name}'"));
                }
                self.k.write(&target, text.as_bytes());
            }
        }
        Ok(())
    }

    pub(super) fn format_num(&self, fmt: &str, v: f64) -> String {
        let chars: Vec<char> = fmt.chars().collect();
        match chars.first() {
            Some('%') => match cformat::parse(&chars, 1, &mut || 0) {
                Some((spec, _)) => cformat::number(&spec, v),
                None => num_to_str(v),
            },
            _ => num_to_str(v),
        }
    }

    pub(super) fn sprintf(&self, vals: &[Val]) -> String {
        let fmt: Vec<char> = vals
            .first()
            .map(Val::str)
            .unwrap_or_default()
            .chars()
            .collect();
        let mut args = vals.get(1..).unwrap_or(&[]).iter();
        let mut out = String::new();
        let mut i = 0;
        while let Some(&c) = fmt.get(i) {
            i += 1;
            if c != '%' {
                out.push(c);
                continue;
            }
            if fmt.get(i) == Some(&'%') {
                out.push('%');
                i += 1;
                continue;
            }
            let mut star = || args.next().map_or(0, |v| v.num() as i64);
            let Some((spec, next)) = cformat::parse(&fmt, i, &mut star) else {
                out.push('%');
                continue;
            };
            i = next;
            let arg = args.next().cloned().unwrap_or(Val::Uninit);
            let text = match spec.conv {
                's' => cformat::string(&spec, &arg.str()),
                'c' => match arg {
                    Val::Num(n) => cformat::number(&spec, n),
                    other => cformat::string(&spec, &other.str()),
                },
                'd' | 'i' | 'o' | 'x' | 'X' | 'u' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
                    cformat::number(&spec, arg.num())
                }
                other => format!("%{other}"),
            };
            out.push_str(&text);
        }
        out
    }

    /// Runs the whole program over `inputs` (name, text); returns the exit code.
    pub fn run(&mut self, inputs: Vec<(String, String)>) -> R<i32> {
        self.inputs = inputs.into();
        let items = self.prog.items.clone();
        let mut exiting = false;
        for (pat, body) in &items {
            if matches!(pat, Pattern::Begin) {
                if let Some(b) = body {
                    if matches!(self.block(b)?, Flow::Exit) {
                        exiting = true;
                        break;
                    }
                }
            }
        }
        let has_main = items.iter().any(|(p, _)| !matches!(p, Pattern::Begin));
        if !exiting && has_main {
            while let Some(line) = self.next_record()? {
                if self.k.halted() {
                    break;
                }
                self.set_record(&line);
                if let Flow::Exit = self.record(&items)? {
                    exiting = true;
                    break;
                }
            }
        }
        let _ = exiting;
        self.exiting = false;
        for (pat, body) in &items {
            if matches!(pat, Pattern::End) {
                if let Some(b) = body {
                    if matches!(self.block(b)?, Flow::Exit) {
                        break;
                    }
                }
            }
        }
        Ok(self.exit_code)
    }

    fn record(&mut self, items: &[(Pattern, Option<Vec<Stmt>>)]) -> R<Flow> {
        for (i, (pat, body)) in items.iter().enumerate() {
            let hit = match pat {
                Pattern::Begin | Pattern::End => continue,
                Pattern::All => true,
                Pattern::Expr(e) => self.eval(e)?.truthy(),
                Pattern::Range(a, b) => {
                    let active = self.ranges.get(i).copied().unwrap_or(false);
                    if active {
                        if self.eval(b)?.truthy() {
                            self.ranges[i] = false;
                        }
                        true
                    } else if self.eval(a)?.truthy() {
                        let ends = self.eval(b)?.truthy();
                        self.ranges[i] = !ends;
                        true
                    } else {
                        false
                    }
                }
            };
            if !hit {
                continue;
            }
            let flow = match body {
                Some(b) => self.block(b)?,
                None => {
                    let line = format!(
                        "{}{}",
                        self.fields.first().cloned().unwrap_or_default(),
                        self.var_str("ORS")
                    );
                    self.k.out(&self.p, &line);
                    Flow::Normal
                }
            };
            match flow {
                Flow::Next => return Ok(Flow::Next),
                Flow::Exit => return Ok(Flow::Exit),
                _ => {}
            }
        }
        Ok(Flow::Normal)
    }
}
