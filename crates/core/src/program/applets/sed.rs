//! `sed`: the stream editor as busybox has it: addresses (line, `$`, `/re/`, ranges, `!`),
//! `s` with groups, `&`, `g`, `p`, N-th match and `I`, and `p d q = a i c y n N D P h H g G x
//! b t :label { }`; options `-n -e -f -i -E/-r`.

use super::files::read;
use crate::program::kernel::{Kernel, Proc};
use crate::program::regex::Regex;

#[derive(Clone, Debug)]
enum Addr {
    Line(usize),
    Last,
    Re(Option<Regex>),
}

#[derive(Clone, Debug)]
enum Cmd {
    Subst {
        re: Option<Regex>,
        repl: String,
        global: bool,
        nth: usize,
        print: bool,
    },
    Translate(Vec<char>, Vec<char>),
    Text(char, String),
    Simple(char),
    Quit(char, i32),
    Branch(char, String),
    Label,
    Open,
    Close(usize),
}

#[derive(Clone, Debug)]
struct Line {
    a1: Option<Addr>,
    a2: Option<Addr>,
    negate: bool,
    cmd: Cmd,
    /// Inside an active range.
    active: bool,
    /// For `{`: the index just past its `}`.
    jump: usize,
    label: String,
}

struct Parser<'a> {
    s: &'a [char],
    i: usize,
    extended: bool,
}

fn err<T>(msg: impl Into<String>) -> Result<T, String> {
    Err(msg.into())
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.i += 1;
        }
    }

    /// Text up to an unescaped `delim`; `\delim` becomes `delim` (other escapes stay).
    fn delimited(&mut self, delim: char) -> Result<String, String> {
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return err(format!("unmatched '{delim}'")),
                Some(c) if c == delim => {
                    self.i += 1;
                    return Ok(out);
                }
                Some('\\') => {
                    self.i += 1;
                    match self.peek() {
                        Some(c) if c == delim => out.push(c),
                        Some('n') if delim != 'n' => out.push_str("\\n"),
                        Some(c) => {
                            out.push('\\');
                            out.push(c);
                        }
                        None => return err(format!("unmatched '{delim}'")),
                    }
                    self.i += 1;
                }
                Some(c) => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }

    fn regex(&self, pat: &str, icase: bool) -> Result<Option<Regex>, String> {
        if pat.is_empty() {
            return Ok(None);
        }
        let pat = pat.replace("\\n", "\n");
        Regex::new(&pat, self.extended, icase)
            .map(Some)
            .map_err(|e| format!("bad regex '{pat}': {e}"))
    }

    fn addr(&mut self) -> Result<Option<Addr>, String> {
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                let start = self.i;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.i += 1;
                }
                let text: String = self.s.get(start..self.i).unwrap_or(&[]).iter().collect();
                Ok(Some(Addr::Line(text.parse().unwrap_or(usize::MAX))))
            }
            Some('$') => {
                self.i += 1;
                Ok(Some(Addr::Last))
            }
            Some('/') | Some('\\') => {
                let delim = if self.peek() == Some('\\') {
                    self.i += 1;
                    self.peek().unwrap_or('/')
                } else {
                    '/'
                };
                self.i += 1;
                let pat = self.delimited(delim)?;
                let icase = self.peek() == Some('I');
                if icase {
                    self.i += 1;
                }
                Ok(Some(Addr::Re(self.regex(&pat, icase)?)))
            }
            _ => Ok(None),
        }
    }

    /// The rest of the line (for a/i/c text and labels), without a leading backslash-newline.
    fn text_arg(&mut self) -> String {
        self.skip_blanks();
        if self.peek() == Some('\\') {
            self.i += 1;
            if self.peek() == Some('\n') {
                self.i += 1;
            }
        }
        let mut out = String::new();
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                '\n' => break,
                '\\' => {
                    if let Some(n) = self.peek() {
                        out.push(n);
                        self.i += 1;
                    }
                }
                c => out.push(c),
            }
        }
        out
    }

    fn label(&mut self) -> String {
        self.skip_blanks();
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '\n' || c == ';' {
                break;
            }
            out.push(c);
            self.i += 1;
        }
        out.trim_end().to_string()
    }

    fn parse(&mut self) -> Result<Vec<Line>, String> {
        let mut lines: Vec<Line> = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        loop {
            while matches!(self.peek(), Some(' ' | '\t' | '\n' | ';')) {
                self.i += 1;
            }
            let Some(_) = self.peek() else { break };
            let a1 = self.addr()?;
            let mut a2 = None;
            if a1.is_some() && self.peek() == Some(',') {
                self.i += 1;
                a2 = self.addr()?;
                if a2.is_none() {
                    return err("unexpected ','");
                }
            }
            self.skip_blanks();
            let mut negate = false;
            while self.peek() == Some('!') {
                negate = true;
                self.i += 1;
                self.skip_blanks();
            }
            let Some(c) = self.peek() else {
                return err("missing command");
            };
            self.i += 1;
            let mut label = String::new();
            let cmd = match c {
                's' => {
                    let delim = self.peek().ok_or("unterminated `s' command")?;
                    self.i += 1;
                    let pat = self.delimited(delim)?;
                    let repl = self.delimited(delim)?;
                    let (mut global, mut nth, mut print, mut icase) = (false, 1, false, false);
                    let mut digits = String::new();
                    while let Some(f) = self.peek() {
                        match f {
                            'g' => global = true,
                            'p' => print = true,
                            'i' | 'I' => icase = true,
                            d if d.is_ascii_digit() => digits.push(d),
                            _ => break,
                        }
                        self.i += 1;
                    }
                    if !digits.is_empty() {
                        nth = digits.parse().unwrap_or(usize::MAX).max(1);
                    }
                    Cmd::Subst {
                        re: self.regex(&pat, icase)?,
                        repl,
                        global,
                        // busybox lets `g` override a number.
                        nth: if global { 1 } else { nth },
                        print,
                    }
                }
                'y' => {
                    let delim = self.peek().ok_or("unterminated `y' command")?;
                    self.i += 1;
                    let from: Vec<char> = self
                        .delimited(delim)?
                        .replace("\\n", "\n")
                        .chars()
                        .collect();
                    let to: Vec<char> = self
                        .delimited(delim)?
                        .replace("\\n", "\n")
                        .chars()
                        .collect();
                    if from.len() != to.len() {
                        return err("strings for y command are different lengths");
                    }
                    Cmd::Translate(from, to)
                }
                'a' | 'i' | 'c' => Cmd::Text(c, self.text_arg()),
                'q' | 'Q' => {
                    self.skip_blanks();
                    let start = self.i;
                    while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        self.i += 1;
                    }
                    let code: String = self.s.get(start..self.i).unwrap_or(&[]).iter().collect();
                    Cmd::Quit(c, code.parse().unwrap_or(0))
                }
                'b' | 't' | 'T' => {
                    label = self.label();
                    Cmd::Branch(c, label.clone())
                }
                ':' => {
                    label = self.label();
                    if label.is_empty() {
                        return err("\":\" lacks a label");
                    }
                    Cmd::Label
                }
                '{' => {
                    open.push(lines.len());
                    Cmd::Open
                }
                '}' => {
                    let Some(at) = open.pop() else {
                        return err("unexpected '}'");
                    };
                    Cmd::Close(at)
                }
                'p' | 'd' | 'D' | 'P' | '=' | 'n' | 'N' | 'h' | 'H' | 'g' | 'G' | 'x' | 'l' => {
                    Cmd::Simple(c)
                }
                other => return err(format!("unsupported command {other}")),
            };
            lines.push(Line {
                a1,
                a2,
                negate,
                cmd,
                active: false,
                jump: 0,
                label,
            });
        }
        if !open.is_empty() {
            return err("unmatched '{'");
        }
        let closes: Vec<(usize, usize)> = lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match l.cmd {
                Cmd::Close(open) => Some((open, i)),
                _ => None,
            })
            .collect();
        for (open, close) in closes {
            if let Some(l) = lines.get_mut(open) {
                l.jump = close + 1;
            }
        }
        Ok(lines)
    }
}

/// The replacement text for one match.
fn expand_repl(repl: &str, text: &[char], caps: &[Option<(usize, usize)>]) -> String {
    let group = |n: usize| -> String {
        caps.get(n)
            .copied()
            .flatten()
            .map(|(a, b)| text.get(a..b).unwrap_or(&[]).iter().collect())
            .unwrap_or_default()
    };
    let mut out = String::new();
    let mut chars = repl.chars();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str(&group(0)),
            '\\' => match chars.next() {
                Some(d @ '0'..='9') => out.push_str(&group(d as usize - '0' as usize)),
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            },
            c => out.push(c),
        }
    }
    out
}

/// `s`: replaces the chosen matches; true when something was replaced.
fn substitute(space: &mut String, re: &Regex, repl: &str, global: bool, nth: usize) -> bool {
    let text: Vec<char> = space.chars().collect();
    let mut out = String::new();
    let mut pos = 0;
    let mut last_end = 0;
    let mut count = 0;
    let mut replaced = false;
    let mut prev_end = None;
    while pos <= text.len() {
        let Some(caps) = re.find_at(&text, pos) else {
            break;
        };
        let Some((s, e)) = caps.first().copied().flatten() else {
            break;
        };
        if s == e && prev_end == Some(s) {
            // No empty match right after the previous match.
            pos = s + 1;
            continue;
        }
        prev_end = Some(e);
        count += 1;
        if count >= nth {
            out.extend(text.get(last_end..s).unwrap_or(&[]));
            out.push_str(&expand_repl(repl, &text, &caps));
            last_end = e;
            replaced = true;
            if !global {
                break;
            }
        }
        if e == s {
            // An empty match: step over one character.
            pos = e + 1;
        } else {
            pos = e;
        }
    }
    if replaced {
        out.extend(text.get(last_end..).unwrap_or(&[]));
        *space = out;
    }
    replaced
}

/// The input read a line at a time (never split up front: it may be megabytes of short lines).
struct Lines {
    text: String,
    pos: usize,
    /// What `D` left to restart the cycle with.
    pushback: Option<String>,
    /// Lines read so far (the current line number).
    count: usize,
}

impl Lines {
    fn next_line(&mut self) -> Option<String> {
        if let Some(line) = self.pushback.take() {
            return Some(line);
        }
        let rest = self.text.get(self.pos..).filter(|r| !r.is_empty())?;
        let (line, used) = match rest.find('\n') {
            Some(i) => (rest.get(..i).unwrap_or(""), i + 1),
            None => (rest, rest.len()),
        };
        let line = line.to_string();
        self.pos += used;
        self.count += 1;
        Some(line)
    }

    fn at_end(&self) -> bool {
        self.pushback.is_none() && self.pos >= self.text.len()
    }
}

struct Run {
    src: Lines,
    out: String,
    quiet: bool,
    last_re: Option<Regex>,
}

impl Run {
    fn matches(&mut self, addr: &Addr, lineno: usize, space: &str) -> bool {
        match addr {
            Addr::Line(n) => *n == lineno,
            Addr::Last => self.src.at_end(),
            Addr::Re(re) => {
                if let Some(r) = re {
                    self.last_re = Some(r.clone());
                }
                self.last_re.as_ref().is_some_and(|r| r.is_match(space))
            }
        }
    }
}

fn selected(run: &mut Run, l: &mut Line, lineno: usize, space: &str) -> bool {
    let hit = match (&l.a1, &l.a2) {
        (None, _) => true,
        (Some(a1), None) => run.matches(a1, lineno, space),
        (Some(a1), Some(a2)) => {
            if l.active {
                let end = match a2 {
                    Addr::Line(n) => lineno >= *n,
                    other => run.matches(other, lineno, space),
                };
                if end {
                    l.active = false;
                }
                true
            } else if run.matches(a1, lineno, space) {
                // A range whose end line is already past covers one line.
                l.active = !matches!(a2, Addr::Line(n) if *n <= lineno);
                true
            } else {
                false
            }
        }
    };
    hit != l.negate
}

/// Runs the script over `input`; returns the output and the exit code (from `q`).
fn execute(
    k: &mut Kernel,
    prog: &mut [Line],
    input: String,
    quiet: bool,
    stdout: Option<&Proc>,
) -> (String, i32) {
    let mut run = Run {
        src: Lines {
            text: input,
            pos: 0,
            pushback: None,
            count: 0,
        },
        out: String::new(),
        quiet,
        last_re: None,
    };
    let mut hold = String::new();
    let mut code = 0;
    'cycle: while !run.src.at_end() {
        if !k.step() {
            break;
        }
        if let Some(p) = stdout.filter(|_| run.out.len() >= 64 * 1024) {
            k.out(p, &std::mem::take(&mut run.out));
        }
        let mut space = run.src.next_line().unwrap_or_default();
        let mut lineno = run.src.count;
        let mut append = String::new();
        let mut substituted = false;
        let mut pc = 0;
        let mut budget = 100usize;
        while let Some(line) = prog.get(pc).cloned() {
            budget = budget.saturating_sub(1);
            if budget == 0 && !k.step() {
                // A branch loop that never ends: the real sed spins forever.
                return (run.out, 0);
            }
            if budget == 0 {
                budget = 100;
            }
            let mut l = line;
            let sel = selected(&mut run, &mut l, lineno, &space);
            if let Some(slot) = prog.get_mut(pc) {
                slot.active = l.active;
            }
            pc += 1;
            if !sel {
                if matches!(l.cmd, Cmd::Open) {
                    pc = l.jump;
                }
                continue;
            }
            match &l.cmd {
                Cmd::Open | Cmd::Close(_) | Cmd::Label => {}
                Cmd::Subst {
                    re,
                    repl,
                    global,
                    nth,
                    print,
                } => {
                    if let Some(r) = re {
                        run.last_re = Some(r.clone());
                    }
                    let Some(r) = run.last_re.clone() else {
                        continue;
                    };
                    if substitute(&mut space, &r, repl, *global, *nth) {
                        substituted = true;
                        if *print {
                            run.out.push_str(&space);
                            run.out.push('\n');
                        }
                    }
                }
                Cmd::Translate(from, to) => {
                    space = space
                        .chars()
                        .map(|c| {
                            from.iter()
                                .position(|f| *f == c)
                                .and_then(|i| to.get(i).copied())
                                .unwrap_or(c)
                        })
                        .collect();
                }
                Cmd::Text('a', t) => {
                    append.push_str(t);
                    append.push('\n');
                }
                Cmd::Text('i', t) => {
                    run.out.push_str(t);
                    run.out.push('\n');
                }
                Cmd::Text(_, t) => {
                    // `c`: at the end of a range (or for a single line) print the text.
                    if !l.active {
                        run.out.push_str(t);
                        run.out.push('\n');
                    }
                    run.out.push_str(&append);
                    continue 'cycle;
                }
                Cmd::Quit(c, n) => {
                    if *c == 'q' && !run.quiet {
                        run.out.push_str(&space);
                        run.out.push('\n');
                    }
                    run.out.push_str(&append);
                    code = *n;
                    return (run.out, code);
                }
                Cmd::Branch(c, label) => {
                    let jump = match c {
                        'b' => true,
                        't' => std::mem::take(&mut substituted),
                        _ => !std::mem::take(&mut substituted),
                    };
                    if jump {
                        pc = if label.is_empty() {
                            prog.len()
                        } else {
                            prog.iter()
                                .position(|p| matches!(p.cmd, Cmd::Label) && p.label == *label)
                                .unwrap_or(prog.len())
                        };
                    }
                }
                Cmd::Simple(c) => match c {
                    'p' => {
                        run.out.push_str(&space);
                        run.out.push('\n');
                    }
                    'P' => {
                        run.out.push_str(space.split('\n').next().unwrap_or(""));
                        run.out.push('\n');
                    }
                    'd' => {
                        run.out.push_str(&append);
                        continue 'cycle;
                    }
                    'D' => {
                        if let Some((_, rest)) = space.split_once('\n') {
                            // Restart the cycle with what is left, reading no new line.
                            run.src.pushback = Some(rest.to_string());
                        }
                        run.out.push_str(&append);
                        continue 'cycle;
                    }
                    '=' => run.out.push_str(&format!("{lineno}\n")),
                    'n' | 'N' => {
                        if run.src.at_end() {
                            // No next line: the space is printed and sed ends.
                            break;
                        }
                        let next = run.src.next_line().unwrap_or_default();
                        if *c == 'n' {
                            if !run.quiet {
                                run.out.push_str(&space);
                                run.out.push('\n');
                            }
                            space = next;
                        } else {
                            space.push('\n');
                            space.push_str(&next);
                        }
                        run.out.push_str(&std::mem::take(&mut append));
                        lineno = run.src.count;
                    }
                    'h' => hold = space.clone(),
                    'H' => {
                        hold.push('\n');
                        hold.push_str(&space);
                    }
                    'g' => space = hold.clone(),
                    'G' => {
                        space.push('\n');
                        space.push_str(&hold);
                    }
                    'x' => std::mem::swap(&mut space, &mut hold),
                    _ => {
                        let shown: String = space
                            .chars()
                            .flat_map(|c| match c {
                                '\t' => vec!['\\', 't'],
                                '\\' => vec!['\\', '\\'],
                                c => vec![c],
                            })
                            .collect();
                        run.out.push_str(&format!("{shown}$\n"));
                    }
                },
            }
        }
        if !run.quiet {
            run.out.push_str(&space);
            run.out.push('\n');
        }
        run.out.push_str(&append);
    }
    (run.out, code)
}

pub fn sed(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    let mut script = String::new();
    let mut have_script = false;
    let (mut quiet, mut in_place, mut extended) = (false, false, false);
    let mut files = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        match a.as_str() {
            "-n" => quiet = true,
            "-E" | "-r" => extended = true,
            "-e" | "-f" => {
                let Some(v) = args.get(i) else {
                    k.err(
                        p,
                        &format!("sed: option requires an argument -- '{}'\n", &a[1..]),
                    );
                    return 1;
                };
                i += 1;
                let text = if a == "-f" {
                    match read(k, p, v) {
                        Ok(d) => String::from_utf8_lossy(&d).into_owned(),
                        Err(e) => {
                            k.err(p, &format!("sed: can't open '{v}': {e}\n"));
                            return 1;
                        }
                    }
                } else {
                    v.clone()
                };
                if have_script {
                    script.push('\n');
                }
                script.push_str(&text);
                have_script = true;
            }
            s if s.starts_with("-i") => in_place = true,
            s if s.starts_with('-')
                && s.len() > 1
                && s.chars().skip(1).all(|c| "nrEs".contains(c)) =>
            {
                quiet |= s.contains('n');
                extended |= s.contains('r') || s.contains('E');
            }
            _ if !have_script => {
                script = a.clone();
                have_script = true;
            }
            _ => files.push(a.clone()),
        }
    }
    if !have_script {
        k.err(
            p,
            "Usage: sed [-i[SFX]] [-nrE] [-f FILE]... [-e CMD]... [FILE]...\n",
        );
        return 1;
    }
    let chars: Vec<char> = script.chars().collect();
    let mut parser = Parser {
        s: &chars,
        i: 0,
        extended,
    };
    let mut prog = match parser.parse() {
        Ok(prog) => prog,
        Err(e) => {
            k.err(p, &format!("sed: {e}\n"));
            return 1;
        }
    };
    let mut status = 0;
    if in_place {
        for f in &files {
            match read(k, p, f) {
                Ok(d) => {
                    let text = String::from_utf8_lossy(&d).into_owned();
                    let (out, _) = execute(k, &mut prog, text, quiet, None);
                    let path = p.path(f);
                    let _ = k.ctx.fs.write_file(&path, out.as_bytes(), false);
                }
                Err(e) => {
                    k.err(p, &format!("sed: {f}: {e}\n"));
                    status = 1;
                }
            }
        }
        return status;
    }
    let mut input = String::new();
    if files.is_empty() {
        input = String::from_utf8_lossy(&p.stdin.take_all()).into_owned();
    }
    for f in &files {
        let data = if f == "-" {
            Ok(p.stdin.take_all())
        } else {
            read(k, p, f)
        };
        match data {
            Ok(d) => {
                input.push_str(&String::from_utf8_lossy(&d));
                if !input.is_empty() && !input.ends_with('\n') {
                    input.push('\n');
                }
            }
            Err(e) => {
                k.err(p, &format!("sed: {f}: {e}\n"));
                status = 1;
            }
        }
    }
    let (out, code) = execute(k, &mut prog, input, quiet, Some(p));
    k.out(p, &out);
    if code != 0 {
        code
    } else {
        status
    }
}
