//! Patterns: pathname expansion with shell globs (matched by [`crate::glob`]), and a basic
//! regular expression subset for `grep`.

use crate::fs::{FsTree, Node};
use crate::glob::{named_class, Dialect, Glob};

// The shell's matcher is the core's one (crate::glob); callers in world/ reach it through here.
pub use crate::glob::fnmatch;

/// Does the pattern contain unescaped glob characters?
pub fn has_glob(pat: &str) -> bool {
    let mut escaped = false;
    for c in pat.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if matches!(c, '*' | '?' | '[') {
            return true;
        }
    }
    false
}

/// Removes pattern escapes.
pub fn unescape(pat: &str) -> String {
    let mut out = String::new();
    let mut escaped = false;
    for c in pat.chars() {
        if escaped || c != '\\' {
            out.push(c);
            escaped = false;
        } else {
            escaped = true;
        }
    }
    out
}

/// Pathname expansion: the sorted paths matching `pat` (relative patterns relative to `cwd`,
/// and answered relative). Empty when nothing matches.
pub fn glob(fs: &FsTree, cwd: &str, pat: &str) -> Vec<String> {
    let absolute = pat.starts_with('/');
    let comps: Vec<&str> = pat.split('/').filter(|c| !c.is_empty()).collect();
    // (shown path, real path)
    let mut current: Vec<(String, String)> = vec![(
        if absolute { "/".into() } else { String::new() },
        if absolute {
            "/".into()
        } else {
            cwd.to_string()
        },
    )];
    for (i, comp) in comps.iter().enumerate() {
        let last = i + 1 == comps.len();
        let mut next = Vec::new();
        for (shown, real) in &current {
            let join = |name: &str| {
                let s = if shown.is_empty() || shown.ends_with('/') {
                    format!("{shown}{name}")
                } else {
                    format!("{shown}/{name}")
                };
                (s, crate::fs::normalize(real, name))
            };
            if has_glob(comp) {
                let Ok(entries) = fs.list_dir(real) else {
                    continue;
                };
                // Compiled once for the whole directory (the shell dialect never fails).
                let Ok(matcher) = Glob::new(comp, Dialect::Shell) else {
                    continue;
                };
                for (name, node) in entries {
                    if name.starts_with('.') && !comp.starts_with('.') {
                        continue;
                    }
                    if !matcher.matches(&name) {
                        continue;
                    }
                    let is_dir = matches!(node, Node::Dir { .. })
                        || fs
                            .stat(&crate::fs::normalize(real, &name))
                            .is_ok_and(Node::is_dir);
                    if last || is_dir {
                        next.push(join(&name));
                    }
                }
            } else {
                let name = unescape(comp);
                let (s, r) = join(&name);
                if fs.lstat(&r).is_ok() {
                    next.push((s, r));
                }
            }
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    if comps.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<String> = current.into_iter().map(|(s, _)| s).collect();
    if pat.ends_with('/') {
        for s in &mut out {
            s.push('/');
        }
    }
    crate::order::sort(&mut out);
    out
}

/// A compiled basic regular expression (grep's default syntax, or `-E` extended): literals,
/// `.`, `[...]`, `*`, `+`/`?` (extended, or `\+`/`\?`), `^`, `$`, and alternation with `|`.
#[derive(Clone, Debug)]
pub struct Regex {
    alts: Vec<Vec<Atom>>,
    anchored_start: Vec<bool>,
    anchored_end: Vec<bool>,
    icase: bool,
}

#[derive(Clone, Debug)]
enum Item {
    Any,
    Char(char),
    Class(Vec<(char, char)>, bool),
}

#[derive(Clone, Debug)]
struct Atom {
    item: Item,
    min: usize,
    max: Option<usize>,
}

impl Regex {
    pub fn new(pat: &str, extended: bool, icase: bool) -> Regex {
        let mut alts = Vec::new();
        let mut starts = Vec::new();
        let mut ends = Vec::new();
        let branches: Vec<String> = split_alternation(pat, extended);
        for branch in branches {
            let mut chars: Vec<char> = branch.chars().collect();
            let start = chars.first() == Some(&'^');
            if start {
                chars.remove(0);
            }
            let end = chars.last() == Some(&'$')
                && !(chars.len() >= 2 && chars.get(chars.len() - 2) == Some(&'\\'));
            if end {
                chars.pop();
            }
            alts.push(compile(&chars, extended, icase));
            starts.push(start);
            ends.push(end);
        }
        Regex {
            alts,
            anchored_start: starts,
            anchored_end: ends,
            icase,
        }
    }

    pub fn is_match(&self, line: &str) -> bool {
        let text: Vec<char> = if self.icase {
            line.chars().flat_map(char::to_lowercase).collect()
        } else {
            line.chars().collect()
        };
        for (i, atoms) in self.alts.iter().enumerate() {
            let start = self.anchored_start.get(i).copied().unwrap_or(false);
            let end = self.anchored_end.get(i).copied().unwrap_or(false);
            let last_start = if start { 0 } else { text.len() };
            for s in 0..=last_start {
                if match_here(atoms, &text, s, end, 0) {
                    return true;
                }
            }
        }
        false
    }
}

fn split_alternation(pat: &str, extended: bool) -> Vec<String> {
    let mut out = vec![String::new()];
    let chars: Vec<char> = pat.chars().collect();
    let mut i = 0;
    let mut in_class = false;
    while let Some(&c) = chars.get(i) {
        let cur = out.last_mut();
        let Some(cur) = cur else { break };
        if in_class {
            cur.push(c);
            if c == ']' {
                in_class = false;
            }
        } else if c == '[' {
            in_class = true;
            cur.push(c);
            // A ']' right after '[' or '[^' is literal.
            if let Some(&n) = chars.get(i + 1) {
                if n == '^' {
                    cur.push(n);
                    i += 1;
                }
            }
            if chars.get(i + 1) == Some(&']') {
                cur.push(']');
                i += 1;
            }
        } else if extended && c == '|' {
            out.push(String::new());
        } else if !extended && c == '\\' && chars.get(i + 1) == Some(&'|') {
            out.push(String::new());
            i += 1;
        } else if c == '\\' {
            cur.push(c);
            if let Some(&n) = chars.get(i + 1) {
                cur.push(n);
                i += 1;
            }
        } else if extended && (c == '(' || c == ')') {
            // Groups are flattened: enough for `(a|b)` at the edges, the common lesson case.
        } else {
            cur.push(c);
        }
        i += 1;
    }
    out
}

fn compile(chars: &[char], extended: bool, icase: bool) -> Vec<Atom> {
    let lower = |c: char| {
        if icase {
            c.to_lowercase().next().unwrap_or(c)
        } else {
            c
        }
    };
    let mut atoms: Vec<Atom> = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        let quant = |a: &mut Vec<Atom>, min: usize, max: Option<usize>| -> bool {
            match a.last_mut() {
                Some(last) if last.min == 1 && last.max == Some(1) => {
                    last.min = min;
                    last.max = max;
                    true
                }
                _ => false,
            }
        };
        let item = match c {
            '.' => Item::Any,
            '*' if !atoms.is_empty() => {
                if quant(&mut atoms, 0, None) {
                    continue;
                }
                Item::Char('*')
            }
            '+' if extended => {
                if quant(&mut atoms, 1, None) {
                    continue;
                }
                Item::Char('+')
            }
            '?' if extended => {
                if quant(&mut atoms, 0, Some(1)) {
                    continue;
                }
                Item::Char('?')
            }
            '\\' => {
                let Some(&n) = chars.get(i) else {
                    atoms.push(Atom {
                        item: Item::Char('\\'),
                        min: 1,
                        max: Some(1),
                    });
                    continue;
                };
                i += 1;
                match n {
                    '+' if !extended && quant(&mut atoms, 1, None) => continue,
                    '?' if !extended && quant(&mut atoms, 0, Some(1)) => continue,
                    'd' => Item::Class(vec![('0', '9')], false),
                    'w' => Item::Class(vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')], false),
                    's' => Item::Class(vec![(' ', ' '), ('\t', '\t')], false),
                    other => Item::Char(lower(other)),
                }
            }
            '[' => {
                let mut negate = false;
                if chars.get(i) == Some(&'^') {
                    negate = true;
                    i += 1;
                }
                let mut ranges = Vec::new();
                let mut first = true;
                while let Some(&ch) = chars.get(i) {
                    if ch == ']' && !first {
                        i += 1;
                        break;
                    }
                    first = false;
                    if ch == '[' && chars.get(i + 1) == Some(&':') {
                        // [:class:]
                        let rest: String = chars.get(i + 2..).unwrap_or(&[]).iter().collect();
                        if let Some(end) = rest.find(":]") {
                            let name = rest.get(..end).unwrap_or("");
                            ranges.extend(named_class(name));
                            i += 2 + end + 2;
                            continue;
                        }
                    }
                    if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|&e| e != ']')
                    {
                        let hi = chars.get(i + 2).copied().unwrap_or(ch);
                        ranges.push((lower(ch), lower(hi)));
                        i += 3;
                    } else {
                        ranges.push((lower(ch), lower(ch)));
                        i += 1;
                    }
                }
                Item::Class(ranges, negate)
            }
            other => Item::Char(lower(other)),
        };
        atoms.push(Atom {
            item,
            min: 1,
            max: Some(1),
        });
    }
    atoms
}

fn item_matches(item: &Item, c: char) -> bool {
    match item {
        Item::Any => true,
        Item::Char(x) => *x == c,
        Item::Class(ranges, negate) => ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negate,
    }
}

/// Backtracking matcher; `depth` bounds recursion on pathological patterns.
fn match_here(atoms: &[Atom], text: &[char], pos: usize, end: bool, depth: usize) -> bool {
    if depth > 10_000 {
        return false;
    }
    let Some((atom, rest)) = atoms.split_first() else {
        return !end || pos == text.len();
    };
    let mut count = 0;
    let mut p = pos;
    // Greedy: take as many as allowed, then back off.
    let mut positions = vec![p];
    while atom.max.is_none_or(|m| count < m) {
        match text.get(p) {
            Some(&c) if item_matches(&atom.item, c) => {
                p += 1;
                count += 1;
                positions.push(p);
            }
            _ => break,
        }
    }
    for (n, &at) in positions.iter().enumerate().rev() {
        if n < atom.min {
            break;
        }
        if match_here(rest, text, at, end, depth + 1) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_lists_sorted_matches() {
        let mut fs = FsTree::new();
        fs.put("/app/b.txt", Node::file(""));
        fs.put("/app/a.txt", Node::file(""));
        fs.put("/app/.h.txt", Node::file(""));
        fs.put("/app/c.md", Node::file(""));
        assert_eq!(glob(&fs, "/app", "*.txt"), ["a.txt", "b.txt"]);
        assert_eq!(glob(&fs, "/", "/app/*.md"), ["/app/c.md"]);
        assert!(glob(&fs, "/", "/nope/*").is_empty());
    }

    #[test]
    fn regex_subset() {
        assert!(Regex::new("ro*t", false, false).is_match("rt"));
        assert!(Regex::new("^root:", false, false).is_match("root:x"));
        assert!(!Regex::new("^root$", false, false).is_match("root:x"));
        assert!(Regex::new("ERROR", false, true).is_match("an error here"));
        assert!(Regex::new("a|b", true, false).is_match("xb"));
        assert!(Regex::new("[0-9]+", true, false).is_match("v12"));
        assert!(!Regex::new("[0-9]+", true, false).is_match("v"));
        assert!(Regex::new("a.c", false, false).is_match("abc"));
    }
}
