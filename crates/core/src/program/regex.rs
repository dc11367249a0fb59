//! POSIX regular expressions with groups, as sed, awk and expr need them: basic (`\(..\)`,
//! `\{m,n\}`, `\1`) and extended (`(..)`, `{m,n}`, `+`, `?`, `|`) syntax, bracket expressions
//! with classes. Compiled to a small program run by a backtracking matcher with an explicit
//! stack (no recursion on the text) and a memo of failed states, so matching stays linear in
//! the text for patterns without back-references, whatever is typed.

#[derive(Clone, Debug)]
enum Inst {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Bol,
    Eol,
    Save(usize),
    Split(usize, usize),
    Jmp(usize),
    Backref(usize),
    Match,
}

#[derive(Clone, Debug)]
enum Node {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Bol,
    Eol,
    Group(Box<Node>, usize),
    Backref(usize),
    Repeat(Box<Node>, u32, Option<u32>),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
}

#[derive(Clone, Debug)]
pub struct Regex {
    prog: Vec<Inst>,
    groups: usize,
    icase: bool,
    backrefs: bool,
}

/// Where a match and its groups are, in char positions.
pub type Captures = Vec<Option<(usize, usize)>>;

/// Most matcher steps one search may take (only patterns with back-references get near).
const STEP_LIMIT: usize = 2_000_000;
/// Largest memo of failed states (bits); past it only the step limit bounds the work.
const MEMO_BITS: usize = 1 << 26;
/// Most pending alternatives one search keeps.
const STACK_LIMIT: usize = 1 << 20;
/// Deepest nesting of groups accepted.
const MAX_NESTING: usize = 100;

struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
    extended: bool,
    groups: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek2(&self) -> Option<char> {
        self.chars.get(self.pos + 1).copied()
    }

    fn at_alt(&self) -> bool {
        if self.extended {
            self.peek() == Some('|')
        } else {
            self.peek() == Some('\\') && self.peek2() == Some('|')
        }
    }

    fn at_close(&self) -> bool {
        if self.extended {
            self.peek() == Some(')') && self.depth > 0
        } else {
            self.peek() == Some('\\') && self.peek2() == Some(')')
        }
    }

    fn alt(&mut self) -> Result<Node, String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err("regular expression too big".into());
        }
        let mut branches = vec![self.concat()?];
        while self.at_alt() {
            self.pos += if self.extended { 1 } else { 2 };
            branches.push(self.concat()?);
        }
        self.depth -= 1;
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Concat(Vec::new()))
        } else {
            Node::Alt(branches)
        })
    }

    fn concat(&mut self) -> Result<Node, String> {
        let mut items: Vec<Node> = Vec::new();
        let start = self.pos;
        while self.peek().is_some() && !self.at_alt() && !self.at_close() {
            let c = self.peek().unwrap_or('\0');
            // `^` anchors only at the start of a branch in BREs; `$` only at its end.
            if c == '^' && (self.extended || self.pos == start) {
                self.pos += 1;
                items.push(Node::Bol);
                continue;
            }
            if c == '$' {
                let next = self.pos + 1;
                let at_end = next >= self.chars.len()
                    || (!self.extended
                        && self.chars.get(next) == Some(&'\\')
                        && matches!(self.chars.get(next + 1), Some(')' | '|')))
                    || (self.extended && matches!(self.chars.get(next), Some(')' | '|')));
                if self.extended || at_end {
                    self.pos += 1;
                    items.push(Node::Eol);
                    continue;
                }
            }
            let atom = self.atom(items.is_empty() || matches!(items.last(), Some(Node::Bol)))?;
            let atom = self.repeats(atom)?;
            items.push(atom);
        }
        Ok(Node::Concat(items))
    }

    fn repeats(&mut self, mut atom: Node) -> Result<Node, String> {
        loop {
            let (min, max, used) = match (self.peek(), self.peek2(), self.extended) {
                (Some('*'), _, _) => (0, None, 1),
                (Some('+'), _, true) | (Some('\\'), Some('+'), false) => {
                    (1, None, if self.extended { 1 } else { 2 })
                }
                (Some('?'), _, true) | (Some('\\'), Some('?'), false) => {
                    (0, Some(1), if self.extended { 1 } else { 2 })
                }
                (Some('{'), _, true) | (Some('\\'), Some('{'), false) => {
                    self.pos += if self.extended { 1 } else { 2 };
                    let (min, max) = self.bounds()?;
                    atom = Node::Repeat(Box::new(atom), min, max);
                    continue;
                }
                _ => return Ok(atom),
            };
            self.pos += used;
            atom = Node::Repeat(Box::new(atom), min, max);
        }
    }

    fn bounds(&mut self) -> Result<(u32, Option<u32>), String> {
        let mut text = String::new();
        loop {
            match self.peek() {
                Some('}') if self.extended => {
                    self.pos += 1;
                    break;
                }
                Some('\\') if !self.extended && self.peek2() == Some('}') => {
                    self.pos += 2;
                    break;
                }
                Some(c) if c.is_ascii_digit() || c == ',' => {
                    text.push(c);
                    self.pos += 1;
                }
                _ => return Err("invalid repetition count(s)".into()),
            }
        }
        let num = |s: &str| s.parse::<u32>().map(|n| n.min(255));
        let bad = |_| "invalid repetition count(s)".to_string();
        match text.split_once(',') {
            None => {
                let n = num(&text).map_err(bad)?;
                Ok((n, Some(n)))
            }
            Some((a, "")) => Ok((num(a).map_err(bad)?, None)),
            Some((a, b)) => {
                let lo = if a.is_empty() {
                    0
                } else {
                    num(a).map_err(bad)?
                };
                Ok((lo, Some(num(b).map_err(bad)?)))
            }
        }
    }

    fn atom(&mut self, first: bool) -> Result<Node, String> {
        let c = self.peek().unwrap_or('\0');
        self.pos += 1;
        match c {
            '.' => Ok(Node::Any),
            '[' => self.bracket(),
            '*' if first => Ok(Node::Char('*')),
            '(' if self.extended => self.group(),
            '\\' => {
                let Some(n) = self.peek() else {
                    return Err("trailing backslash (\\)".into());
                };
                self.pos += 1;
                match n {
                    '(' if !self.extended => self.group(),
                    '1'..='9' => Ok(Node::Backref(n as usize - '0' as usize)),
                    'n' => Ok(Node::Char('\n')),
                    't' => Ok(Node::Char('\t')),
                    'w' => Ok(Node::Class(word_class(), false)),
                    'W' => Ok(Node::Class(word_class(), true)),
                    's' => Ok(Node::Class(vec![(' ', ' '), ('\t', '\r')], false)),
                    other => Ok(Node::Char(other)),
                }
            }
            other => Ok(Node::Char(other)),
        }
    }

    fn group(&mut self) -> Result<Node, String> {
        self.groups += 1;
        let index = self.groups;
        let inner = self.alt()?;
        if self.extended && self.peek() == Some(')') {
            self.pos += 1;
        } else if !self.extended && self.peek() == Some('\\') && self.peek2() == Some(')') {
            self.pos += 2;
        } else {
            return Err("unmatched ( or \\(".into());
        }
        Ok(Node::Group(Box::new(inner), index))
    }

    fn bracket(&mut self) -> Result<Node, String> {
        let mut negated = false;
        if self.peek() == Some('^') {
            negated = true;
            self.pos += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err("unmatched [, [^, [:, [., or [=".into());
            };
            self.pos += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            if c == '[' && self.peek() == Some(':') {
                let rest: String = self
                    .chars
                    .get(self.pos + 1..)
                    .unwrap_or(&[])
                    .iter()
                    .collect();
                let Some(end) = rest.find(":]") else {
                    return Err("unmatched [, [^, [:, [., or [=".into());
                };
                let name = rest.get(..end).unwrap_or("");
                ranges.extend(named_class(name).ok_or("invalid character class")?);
                self.pos += end + 3;
                continue;
            }
            if self.peek() == Some('-') && self.peek2().is_some_and(|n| n != ']') {
                let hi = self.peek2().unwrap_or(c);
                self.pos += 2;
                ranges.push((c, hi));
            } else {
                ranges.push((c, c));
            }
        }
        Ok(Node::Class(ranges, negated))
    }
}

fn word_class() -> Vec<(char, char)> {
    vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')]
}

fn named_class(name: &str) -> Option<Vec<(char, char)>> {
    Some(match name {
        "alpha" => vec![('a', 'z'), ('A', 'Z')],
        "digit" => vec![('0', '9')],
        "alnum" => vec![('a', 'z'), ('A', 'Z'), ('0', '9')],
        "upper" => vec![('A', 'Z')],
        "lower" => vec![('a', 'z')],
        "space" => vec![(' ', ' '), ('\t', '\r')],
        "blank" => vec![(' ', ' '), ('\t', '\t')],
        "punct" => vec![('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        "xdigit" => vec![('0', '9'), ('a', 'f'), ('A', 'F')],
        "print" => vec![(' ', '~')],
        "graph" => vec![('!', '~')],
        "cntrl" => vec![('\0', '\x1f'), ('\x7f', '\x7f')],
        _ => return None,
    })
}

struct Compiler {
    prog: Vec<Inst>,
}

impl Compiler {
    fn emit(&mut self, i: Inst) -> usize {
        self.prog.push(i);
        self.prog.len() - 1
    }

    fn patch(&mut self, at: usize, inst: Inst) {
        if let Some(slot) = self.prog.get_mut(at) {
            *slot = inst;
        }
    }

    fn node(&mut self, n: &Node) -> Result<(), String> {
        if self.prog.len() > 100_000 {
            return Err("regular expression too big".into());
        }
        match n {
            Node::Char(c) => {
                self.emit(Inst::Char(*c));
            }
            Node::Any => {
                self.emit(Inst::Any);
            }
            Node::Class(r, neg) => {
                self.emit(Inst::Class(r.clone(), *neg));
            }
            Node::Bol => {
                self.emit(Inst::Bol);
            }
            Node::Eol => {
                self.emit(Inst::Eol);
            }
            Node::Backref(i) => {
                self.emit(Inst::Backref(*i));
            }
            Node::Group(inner, i) => {
                self.emit(Inst::Save(2 * i));
                self.node(inner)?;
                self.emit(Inst::Save(2 * i + 1));
            }
            Node::Concat(items) => {
                for it in items {
                    self.node(it)?;
                }
            }
            Node::Alt(branches) => {
                let mut jumps = Vec::new();
                for (i, b) in branches.iter().enumerate() {
                    if i + 1 < branches.len() {
                        let split = self.emit(Inst::Split(0, 0));
                        self.node(b)?;
                        jumps.push(self.emit(Inst::Jmp(0)));
                        let next = self.prog.len();
                        self.patch(split, Inst::Split(split + 1, next));
                    } else {
                        self.node(b)?;
                    }
                }
                let end = self.prog.len();
                for j in jumps {
                    self.patch(j, Inst::Jmp(end));
                }
            }
            Node::Repeat(inner, min, max) => {
                for _ in 0..*min {
                    self.node(inner)?;
                }
                match max {
                    None => {
                        let split = self.emit(Inst::Split(0, 0));
                        self.node(inner)?;
                        self.emit(Inst::Jmp(split));
                        let end = self.prog.len();
                        self.patch(split, Inst::Split(split + 1, end));
                    }
                    Some(max) => {
                        let mut splits = Vec::new();
                        for _ in *min..*max {
                            splits.push(self.emit(Inst::Split(0, 0)));
                            self.node(inner)?;
                        }
                        let end = self.prog.len();
                        for s in splits {
                            self.patch(s, Inst::Split(s + 1, end));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

impl Regex {
    /// Compiles `pat` (basic syntax, or extended with `extended`). The error is regcomp's
    /// wording.
    pub fn new(pat: &str, extended: bool, icase: bool) -> Result<Regex, String> {
        let chars: Vec<char> = pat.chars().collect();
        let mut p = Parser {
            chars: &chars,
            pos: 0,
            extended,
            groups: 0,
            depth: 0,
        };
        let tree = p.alt()?;
        if p.pos < chars.len() {
            return Err("unmatched ) or \\)".into());
        }
        let mut c = Compiler { prog: Vec::new() };
        c.emit(Inst::Save(0));
        c.node(&tree)?;
        c.emit(Inst::Save(1));
        c.emit(Inst::Match);
        let backrefs = c.prog.iter().any(|i| matches!(i, Inst::Backref(_)));
        Ok(Regex {
            prog: c.prog,
            groups: p.groups,
            icase,
            backrefs,
        })
    }

    /// Number of `(...)` groups.
    pub fn groups(&self) -> usize {
        self.groups
    }

    pub fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        self.find_at(&chars, 0).is_some()
    }

    /// The leftmost match starting at or after `from`: group 0 is the whole match.
    pub fn find_at(&self, text: &[char], from: usize) -> Option<Captures> {
        let mut failed = self.memo(text);
        let mut steps = 0usize;
        for start in from..=text.len() {
            if let Some(caps) = self.run(text, start, &mut failed, &mut steps) {
                return Some(caps);
            }
            if steps > STEP_LIMIT {
                return None;
            }
        }
        None
    }

    /// Matches only at `start` (expr's `:` anchors there).
    pub fn match_at(&self, text: &[char], start: usize) -> Option<Captures> {
        let mut failed = self.memo(text);
        self.run(text, start, &mut failed, &mut 0)
    }

    /// The memo of failed (instruction, position) states: sound only without back-references.
    fn memo(&self, text: &[char]) -> Vec<u64> {
        let bits = self.prog.len().saturating_mul(text.len() + 1);
        if self.backrefs || bits > MEMO_BITS {
            Vec::new()
        } else {
            vec![0u64; bits.div_ceil(64)]
        }
    }

    fn eq(&self, a: char, b: char) -> bool {
        a == b || (self.icase && a.to_lowercase().eq(b.to_lowercase()))
    }

    fn run(
        &self,
        text: &[char],
        start: usize,
        failed: &mut [u64],
        steps: &mut usize,
    ) -> Option<Captures> {
        let width = text.len() + 1;
        let slots = 2 * (self.groups + 1);
        let mut stack: Vec<(usize, usize, Vec<Option<usize>>)> =
            vec![(0, start, vec![None; slots])];
        while let Some((mut pc, mut pos, mut caps)) = stack.pop() {
            loop {
                *steps += 1;
                if *steps > STEP_LIMIT {
                    return None;
                }
                if !failed.is_empty() {
                    let bit = pc * width + pos;
                    let (word, mask) = (bit / 64, 1u64 << (bit % 64));
                    match failed.get_mut(word) {
                        Some(w) if *w & mask != 0 => break,
                        Some(w) => *w |= mask,
                        None => break,
                    }
                }
                let here = text.get(pos).copied();
                match self.prog.get(pc) {
                    Some(Inst::Char(c)) => match here {
                        Some(t) if self.eq(*c, t) => {
                            pc += 1;
                            pos += 1;
                        }
                        _ => break,
                    },
                    Some(Inst::Any) => {
                        if here.is_none() {
                            break;
                        }
                        pc += 1;
                        pos += 1;
                    }
                    Some(Inst::Class(ranges, negated)) => {
                        let Some(t) = here else { break };
                        let inside =
                            |ch: char| ranges.iter().any(|(lo, hi)| *lo <= ch && ch <= *hi);
                        let hit = inside(t)
                            || (self.icase
                                && (inside(t.to_ascii_lowercase())
                                    || inside(t.to_ascii_uppercase())));
                        if hit == *negated {
                            break;
                        }
                        pc += 1;
                        pos += 1;
                    }
                    Some(Inst::Bol) => {
                        if pos != 0 {
                            break;
                        }
                        pc += 1;
                    }
                    Some(Inst::Eol) => {
                        if pos != text.len() {
                            break;
                        }
                        pc += 1;
                    }
                    Some(Inst::Save(n)) => {
                        if let Some(slot) = caps.get_mut(*n) {
                            *slot = Some(pos);
                        }
                        pc += 1;
                    }
                    Some(Inst::Split(a, b)) => {
                        if stack.len() >= STACK_LIMIT {
                            return None;
                        }
                        stack.push((*b, pos, caps.clone()));
                        pc = *a;
                    }
                    Some(Inst::Jmp(a)) => pc = *a,
                    Some(Inst::Backref(n)) => {
                        let (Some(Some(s)), Some(Some(e))) =
                            (caps.get(2 * n).copied(), caps.get(2 * n + 1).copied())
                        else {
                            break;
                        };
                        let want = text.get(s..e).unwrap_or(&[]);
                        let have = text.get(pos..pos + want.len());
                        if have.is_some_and(|h| h.iter().zip(want).all(|(a, b)| self.eq(*a, *b))) {
                            pos += want.len();
                            pc += 1;
                        } else {
                            break;
                        }
                    }
                    Some(Inst::Match) => {
                        return Some(
                            caps.chunks(2)
                                .map(|pair| match pair {
                                    [Some(s), Some(e)] => Some((*s, *e)),
                                    _ => None,
                                })
                                .collect(),
                        );
                    }
                    None => break,
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(pat: &str, ext: bool, text: &str) -> Option<(usize, usize)> {
        let chars: Vec<char> = text.chars().collect();
        Regex::new(pat, ext, false)
            .ok()?
            .find_at(&chars, 0)
            .and_then(|c| c.first().copied().flatten())
    }

    #[test]
    fn basic_and_extended() {
        assert_eq!(find("b*c", false, "abbbc"), Some((1, 5)));
        assert_eq!(find("^a.c$", false, "abc"), Some((0, 3)));
        assert_eq!(find("x\\{2,3\\}", false, "axxxxb"), Some((1, 4)));
        assert_eq!(find("(ab)+", true, "zababx"), Some((1, 5)));
        assert_eq!(find("cat|dog", true, "hotdog"), Some((3, 6)));
        assert_eq!(find("[[:digit:]]+", true, "ab12c"), Some((2, 4)));
        assert_eq!(find("[^a-c]", false, "abcd"), Some((3, 4)));
        assert_eq!(find("\\(a\\)\\1", false, "baab"), Some((1, 3)));
        assert_eq!(find("a+", false, "aa+"), Some((1, 3)));
        assert_eq!(find("q", false, "abc"), None);
        assert!(Regex::new("a\\{1", false, false).is_err());
        assert!(Regex::new("(a", true, false).is_err());
    }

    #[test]
    fn hostile_patterns_stay_cheap() {
        let text = "a".repeat(5000);
        assert_eq!(find("(a*)*b", true, &text), None);
        assert!(Regex::new(&"(".repeat(10_000), true, false).is_err());
        assert_eq!(find("(a|aa)*$", true, &text), Some((0, 5000)));
    }
}
