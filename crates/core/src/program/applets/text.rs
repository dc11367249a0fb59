//! Text applets: wc, head, tail, grep, cut, sort, uniq, tr, tee.

use super::files::read;
use super::{bad_option, parse_opts};
use crate::fs::FsError;
use crate::program::kernel::{Kernel, Proc, Target};
use crate::program::pattern::Regex;

/// The inputs of a filter: (name, data) for each operand, stdin for none or "-".
fn inputs(
    k: &mut Kernel,
    p: &Proc,
    operands: &[String],
    who: &str,
) -> (Vec<(String, Vec<u8>)>, bool) {
    let mut out = Vec::new();
    let mut failed = false;
    if operands.is_empty() {
        out.push(("-".to_string(), p.stdin.take_all()));
        return (out, failed);
    }
    for op in operands {
        if op == "-" {
            out.push((op.clone(), p.stdin.take_all()));
            continue;
        }
        match read(k, p, op) {
            Ok(d) => out.push((op.clone(), d)),
            Err(FsError::IsADirectory) => {
                k.err(p, &format!("{who}: read error: Is a directory\n"));
                failed = true;
            }
            Err(e) => {
                k.err(p, &format!("{who}: {op}: {e}\n"));
                failed = true;
            }
        }
    }
    (out, failed)
}

/// Lines with their terminators kept (the last one may lack it).
fn lines(data: &[u8]) -> Vec<&[u8]> {
    data.split_inclusive(|&b| b == b'\n').collect()
}

pub fn wc(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "lwcmL", "") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c),
    };
    let all = !(opts.has('l') || opts.has('w') || opts.has('c') || opts.has('m'));
    let cols = [
        all || opts.has('l'),
        all || opts.has('w'),
        all || opts.has('c') || opts.has('m'),
    ];
    let ncols = cols.iter().filter(|c| **c).count();
    let (ins, mut failed) = inputs(k, p, &opts.operands, "wc");
    if !opts.operands.is_empty() && failed {
        // Messages for missing files are worded "wc: NAME: ..."; already printed.
        failed = true;
    }
    // One count of at most one input is printed bare, as busybox does.
    let pad = !(opts.operands.len() <= 1 && ncols == 1);
    let mut totals = [0u64; 3];
    let mut out = String::new();
    let fmt = |counts: [u64; 3], name: Option<&str>| {
        let mut s = String::new();
        for (i, c) in counts.iter().enumerate() {
            if !cols.get(i).copied().unwrap_or(false) {
                continue;
            }
            if !s.is_empty() {
                s.push(' ');
            }
            if pad {
                s.push_str(&format!("{c:>9}"));
            } else {
                s.push_str(&c.to_string());
            }
        }
        if let Some(n) = name {
            s.push(' ');
            s.push_str(n);
        }
        s.push('\n');
        s
    };
    for (name, data) in &ins {
        let l = data.iter().filter(|&&b| b == b'\n').count() as u64;
        let w = data
            .split(|b| b.is_ascii_whitespace())
            .filter(|w| !w.is_empty())
            .count() as u64;
        let c = data.len() as u64;
        for (t, v) in totals.iter_mut().zip([l, w, c]) {
            *t += v;
        }
        let shown = if opts.operands.is_empty() {
            None
        } else {
            Some(name.as_str())
        };
        out.push_str(&fmt([l, w, c], shown));
    }
    if opts.operands.len() > 1 {
        out.push_str(&fmt(totals, Some("total")));
    }
    k.out(p, &out);
    i32::from(failed)
}

/// `-n N`, `-N`, `-n +N` (tail), `-c N`.
fn count_opts(args: &[String]) -> (Vec<String>, Option<String>, Option<String>, bool) {
    let mut rest = Vec::new();
    let mut n = None;
    let mut c = None;
    let mut follow = false;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        match a.as_str() {
            "-n" => {
                n = args.get(i).cloned();
                i += 1;
            }
            "-c" => {
                c = args.get(i).cloned();
                i += 1;
            }
            "-f" | "-F" => follow = true,
            "-q" | "-v" => {}
            s if s.starts_with("-n") => n = s.get(2..).map(str::to_string),
            s if s.starts_with("-c") => c = s.get(2..).map(str::to_string),
            s if s.len() > 1
                && s.starts_with('-')
                && s.get(1..)
                    .is_some_and(|d| d.chars().all(|c| c.is_ascii_digit())) =>
            {
                n = s.get(1..).map(str::to_string)
            }
            _ => rest.push(a.clone()),
        }
    }
    (rest, n, c, follow)
}

fn head_tail(k: &mut Kernel, p: &mut Proc, tail: bool) -> i32 {
    let who = if tail { "tail" } else { "head" };
    let (files, n, c, follow) = count_opts(p.args());
    let parse = |v: &Option<String>| -> Result<Option<(bool, usize)>, String> {
        match v {
            None => Ok(None),
            Some(s) => {
                // tail: `+N` counts from the start; head: `-N` means all but the last N.
                let plus = if tail {
                    s.starts_with('+')
                } else {
                    s.starts_with('-')
                };
                s.trim_start_matches(['+', '-'])
                    .parse::<usize>()
                    .map(|x| Some((plus, x)))
                    .map_err(|_| format!("{who}: invalid number '{s}'\n"))
            }
        }
    };
    let (n, c) = match (parse(&n), parse(&c)) {
        (Ok(n), Ok(c)) => (n, c),
        (Err(e), _) | (_, Err(e)) => {
            k.err(p, &e);
            return 1;
        }
    };
    let from_stdin = files.is_empty() || files == ["-"];
    let all_but = !tail && (plus_minus_all_but(&n) || plus_minus_all_but(&c));
    let (ins, failed) = if !tail && from_stdin && !all_but {
        // head reads only what it prints, so an endless writer before it is no problem.
        let data = match (c, n) {
            (Some((_, count)), _) => p.stdin.take_bytes(count),
            (None, n) => p.stdin.take_lines(n.map_or(10, |(_, count)| count)),
        };
        (vec![("-".to_string(), data)], false)
    } else {
        inputs(k, p, &files, who)
    };
    let many = ins.len() > 1;
    let mut out: Vec<u8> = Vec::new();
    for (i, (name, data)) in ins.iter().enumerate() {
        if many {
            if i > 0 {
                out.push(b'\n');
            }
            out.extend_from_slice(format!("==> {name} <==\n").as_bytes());
        }
        if let Some((plus, count)) = c {
            let slice = if tail {
                if plus {
                    data.get(count.saturating_sub(1)..).unwrap_or(&[])
                } else {
                    data.get(data.len().saturating_sub(count)..).unwrap_or(&[])
                }
            } else if plus {
                data.get(..data.len().saturating_sub(count)).unwrap_or(&[])
            } else {
                data.get(..count.min(data.len())).unwrap_or(&[])
            };
            out.extend_from_slice(slice);
            continue;
        }
        let (plus, count) = n.unwrap_or((false, 10));
        let ls = lines(data);
        let chosen: &[&[u8]] = if tail {
            if plus {
                ls.get(count.saturating_sub(1)..).unwrap_or(&[])
            } else {
                ls.get(ls.len().saturating_sub(count)..).unwrap_or(&[])
            }
        } else if plus_minus_all_but(&n) {
            // `head -n -N`: all but the last N lines.
            ls.get(..ls.len().saturating_sub(count)).unwrap_or(&[])
        } else {
            ls.get(..count.min(ls.len())).unwrap_or(&[])
        };
        for l in chosen {
            out.extend_from_slice(l);
        }
    }
    k.out_bytes(p, &out);
    if tail && follow {
        // `tail -f` waits for more forever: the classic way to keep a container up.
        k.run_forever();
    }
    i32::from(failed)
}

/// Whether a head count was given as `-N` (all but the last N).
fn plus_minus_all_but(n: &Option<(bool, usize)>) -> bool {
    matches!(n, Some((true, _)))
}

pub fn head(k: &mut Kernel, p: &mut Proc) -> i32 {
    head_tail(k, p, false)
}

pub fn tail(k: &mut Kernel, p: &mut Proc) -> i32 {
    head_tail(k, p, true)
}

pub fn grep(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "ivncqlLEFHhswxorR", "em") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c) + 1,
    };
    let mut operands = opts.operands.clone();
    let patterns: Vec<String> = {
        let es: Vec<String> = opts
            .flags
            .iter()
            .filter(|(f, _)| *f == 'e')
            .filter_map(|(_, v)| v.clone())
            .collect();
        if es.is_empty() {
            if operands.is_empty() {
                k.err(p, "Usage: grep [-HhnlLoqvsrRiwFEz] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n");
                return 2;
            }
            vec![operands.remove(0)]
        } else {
            es
        }
    };
    let icase = opts.has('i');
    let fixed = opts.has('F');
    let regexes: Vec<Regex> = patterns
        .iter()
        .flat_map(|pat| pat.split('\n').map(str::to_string).collect::<Vec<_>>())
        .map(|pat| {
            if fixed {
                let escaped: String = pat
                    .chars()
                    .flat_map(|c| {
                        if "\\.[]*^$+?|(){}".contains(c) {
                            vec!['\\', c]
                        } else {
                            vec![c]
                        }
                    })
                    .collect();
                Regex::new(&escaped, false, icase)
            } else {
                Regex::new(&pat, opts.has('E') || p.name() == "egrep", icase)
            }
        })
        .collect();
    let whole_line = opts.has('x');
    let whole_word = opts.has('w');
    let matches = |line: &str| -> bool {
        if whole_line {
            let raw: Vec<&String> = patterns.iter().collect();
            if fixed {
                return raw.iter().any(|p| {
                    if icase {
                        p.to_lowercase() == line.to_lowercase()
                    } else {
                        p.as_str() == line
                    }
                });
            }
        }
        let hit = regexes.iter().any(|r| r.is_match(line));
        if hit && whole_word && fixed {
            return patterns.iter().any(|pat| {
                line.split(|c: char| !c.is_alphanumeric() && c != '_')
                    .any(|w| {
                        if icase {
                            w.to_lowercase() == pat.to_lowercase()
                        } else {
                            w == pat
                        }
                    })
            });
        }
        hit
    };
    let (ins, failed) = if opts.has('s') {
        let mut sink = p.clone();
        sink.err = Target::Null;
        inputs(k, &sink, &operands, "grep")
    } else {
        inputs(k, p, &operands, "grep")
    };
    let many = (operands.len() > 1 || opts.has('H')) && !opts.has('h');
    let finders: Vec<crate::program::regex::Regex> = if opts.has('o') {
        patterns
            .iter()
            .filter_map(|pat| {
                let (pat, ext) = if fixed {
                    let escaped: String = pat
                        .chars()
                        .flat_map(|c| {
                            if "\\.[]*^$+?|(){}".contains(c) {
                                vec!['\\', c]
                            } else {
                                vec![c]
                            }
                        })
                        .collect();
                    (escaped, true)
                } else {
                    (pat.clone(), opts.has('E') || p.name() == "egrep")
                };
                crate::program::regex::Regex::new(&pat, ext, icase).ok()
            })
            .collect()
    } else {
        Vec::new()
    };
    let max: Option<usize> = opts.value('m').and_then(|v| v.parse().ok());
    let mut out = String::new();
    let mut any = false;
    for (name, data) in &ins {
        let shown = if name == "-" {
            "(standard input)"
        } else {
            name
        };
        let text = String::from_utf8_lossy(data);
        let mut count = 0usize;
        for (i, line) in text.lines().enumerate() {
            if max.is_some_and(|m| count >= m) {
                break;
            }
            if matches(line) == opts.has('v') {
                continue;
            }
            count += 1;
            any = true;
            if opts.has('q') {
                return 0;
            }
            if opts.has('c') || opts.has('l') || opts.has('L') {
                continue;
            }
            let prefix = format!(
                "{}{}",
                if many {
                    format!("{shown}:")
                } else {
                    String::new()
                },
                if opts.has('n') {
                    format!("{}:", i + 1)
                } else {
                    String::new()
                }
            );
            if opts.has('o') && !opts.has('v') {
                // Each match on its own line.
                for m in only_matching(&finders, line) {
                    out.push_str(&prefix);
                    out.push_str(&m);
                    out.push('\n');
                }
                continue;
            }
            out.push_str(&prefix);
            out.push_str(line);
            out.push('\n');
        }
        if opts.has('c') {
            if many {
                out.push_str(&format!("{shown}:"));
            }
            out.push_str(&format!("{count}\n"));
        } else if (opts.has('l') && count > 0) || (opts.has('L') && count == 0) {
            out.push_str(&format!("{shown}\n"));
        }
    }
    k.out(p, &out);
    if failed && !opts.has('q') {
        2
    } else if any {
        0
    } else {
        1
    }
}

/// The non-empty matches of any of `res` in `line`, left to right (`grep -o`).
fn only_matching(res: &[crate::program::regex::Regex], line: &str) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < chars.len() {
        let best = res
            .iter()
            .filter_map(|r| {
                r.find_at(&chars, pos)
                    .and_then(|c| c.first().copied().flatten())
            })
            .min_by_key(|(s, e)| (*s, usize::MAX - e));
        match best {
            Some((s, e)) if e > s => {
                out.push(chars.get(s..e).unwrap_or(&[]).iter().collect());
                pos = e;
            }
            Some((s, _)) => pos = s + 1,
            None => break,
        }
    }
    out
}

/// A cut/field list like `1,3-5,7-`.
fn parse_list(spec: &str) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    for part in spec.split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (
                if a.is_empty() { 1 } else { a.parse().ok()? },
                if b.is_empty() {
                    usize::MAX
                } else {
                    b.parse().ok()?
                },
            ),
            None => {
                let v = part.parse().ok()?;
                (v, v)
            }
        };
        if a == 0 || a > b {
            return None;
        }
        out.push((a, b));
    }
    Some(out)
}

pub fn cut(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "s", "dfcb") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c),
    };
    let delim = opts
        .value('d')
        .and_then(|d| d.chars().next())
        .unwrap_or('\t');
    let (spec, by_field) = match (opts.value('f'), opts.value('c').or(opts.value('b'))) {
        (Some(f), _) => (f.to_string(), true),
        (None, Some(c)) => (c.to_string(), false),
        _ => {
            k.err(p, "cut: expected a list of bytes, characters, or fields\n");
            return 1;
        }
    };
    let Some(ranges) = parse_list(&spec) else {
        k.err(p, &format!("cut: invalid range '{spec}'\n"));
        return 1;
    };
    let within = |i: usize| ranges.iter().any(|&(a, b)| a <= i && i <= b);
    let (ins, failed) = inputs(k, p, &opts.operands, "cut");
    let mut out = String::new();
    for (_, data) in &ins {
        for line in String::from_utf8_lossy(data).lines() {
            if by_field {
                if !line.contains(delim) {
                    if !opts.has('s') {
                        out.push_str(line);
                        out.push('\n');
                    }
                    continue;
                }
                let fields: Vec<&str> = line
                    .split(delim)
                    .enumerate()
                    .filter(|(i, _)| within(i + 1))
                    .map(|(_, f)| f)
                    .collect();
                out.push_str(&fields.join(&delim.to_string()));
            } else {
                let s: String = line
                    .chars()
                    .enumerate()
                    .filter(|(i, _)| within(i + 1))
                    .map(|(_, c)| c)
                    .collect();
                out.push_str(&s);
            }
            out.push('\n');
        }
    }
    k.out(p, &out);
    i32::from(failed)
}

fn leading_number(s: &str) -> f64 {
    let t = s.trim_start();
    let end = t
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-')))
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    t.get(..end).and_then(|n| n.parse().ok()).unwrap_or(0.0)
}

pub fn sort(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "rnufbs", "kt") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c),
    };
    let (ins, failed) = inputs(k, p, &opts.operands, "sort");
    let mut all: Vec<String> = Vec::new();
    for (_, data) in &ins {
        all.extend(String::from_utf8_lossy(data).lines().map(str::to_string));
    }
    let sep = opts.value('t').and_then(|t| t.chars().next());
    let key_field: Option<usize> = opts.value('k').and_then(|k| {
        k.split([',', '.'])
            .next()
            .and_then(|n| n.trim_end_matches(|c: char| c.is_alphabetic()).parse().ok())
    });
    let key = |line: &str| -> String {
        match key_field {
            None => line.to_string(),
            Some(n) => {
                let fields: Vec<&str> = match sep {
                    Some(c) => line.split(c).collect(),
                    None => line.split_whitespace().collect(),
                };
                fields.get(n.saturating_sub(1)..).unwrap_or(&[]).join(" ")
            }
        }
    };
    let numeric = opts.has('n');
    let fold = opts.has('f');
    crate::order::sort_by(&mut all, &|a, b| {
        let (ka, kb) = (key(a), key(b));
        let ord = if numeric {
            leading_number(&ka)
                .partial_cmp(&leading_number(&kb))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.cmp(b))
        } else if fold {
            ka.to_lowercase()
                .cmp(&kb.to_lowercase())
                .then_with(|| a.cmp(b))
        } else {
            ka.cmp(&kb)
        };
        if opts.has('r') {
            ord.reverse()
        } else {
            ord
        }
    });
    if opts.has('u') {
        all.dedup();
    }
    let mut out = String::new();
    for l in all {
        out.push_str(&l);
        out.push('\n');
    }
    k.out(p, &out);
    i32::from(failed)
}

pub fn uniq(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "cdui", "") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c),
    };
    let (ins, failed) = inputs(k, p, opts.operands.get(..1).unwrap_or(&[]), "uniq");
    let mut groups: Vec<(String, usize)> = Vec::new();
    for (_, data) in &ins {
        for line in String::from_utf8_lossy(data).lines() {
            let same = match groups.last() {
                Some((prev, _)) if opts.has('i') => prev.to_lowercase() == line.to_lowercase(),
                Some((prev, _)) => prev == line,
                None => false,
            };
            match groups.last_mut() {
                Some((_, n)) if same => *n += 1,
                _ => groups.push((line.to_string(), 1)),
            }
        }
    }
    let mut out = String::new();
    for (line, n) in groups {
        if (opts.has('d') && n < 2) || (opts.has('u') && n > 1) {
            continue;
        }
        if opts.has('c') {
            out.push_str(&format!("{n:>7} {line}\n"));
        } else {
            out.push_str(&line);
            out.push('\n');
        }
    }
    k.out(p, &out);
    i32::from(failed)
}

/// Expands a tr set: ranges, escapes and `[:class:]`.
fn tr_set(spec: &str) -> Vec<char> {
    let mut chars: Vec<char> = Vec::new();
    let src: Vec<char> = spec.chars().collect();
    let mut i = 0;
    while let Some(&c) = src.get(i) {
        if c == '[' && src.get(i + 1) == Some(&':') {
            let rest: String = src.get(i + 2..).unwrap_or(&[]).iter().collect();
            if let Some(end) = rest.find(":]") {
                let class = rest.get(..end).unwrap_or("");
                let range: Vec<char> = match class {
                    "upper" => ('A'..='Z').collect(),
                    "lower" => ('a'..='z').collect(),
                    "digit" => ('0'..='9').collect(),
                    "alpha" => ('A'..='Z').chain('a'..='z').collect(),
                    "alnum" => ('0'..='9').chain('A'..='Z').chain('a'..='z').collect(),
                    "space" => vec![' ', '\t', '\n', '\r', '\u{b}', '\u{c}'],
                    "blank" => vec![' ', '\t'],
                    "punct" => "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".chars().collect(),
                    _ => Vec::new(),
                };
                chars.extend(range);
                i += 2 + end + 2;
                continue;
            }
        }
        let (ch, used) = if c == '\\' {
            match src.get(i + 1) {
                Some('n') => ('\n', 2),
                Some('t') => ('\t', 2),
                Some('r') => ('\r', 2),
                Some('\\') => ('\\', 2),
                Some(&o) => (o, 2),
                None => ('\\', 1),
            }
        } else {
            (c, 1)
        };
        if src.get(i + used) == Some(&'-') {
            if let Some(&hi) = src.get(i + used + 1) {
                if hi >= ch {
                    chars.extend((ch..=hi).take(0x11_0000));
                    i += used + 2;
                    continue;
                }
            }
        }
        chars.push(ch);
        i += used;
    }
    chars
}

pub fn tr(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "dscC", "") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c),
    };
    let set1 = tr_set(opts.operands.first().map(String::as_str).unwrap_or(""));
    let set2 = tr_set(opts.operands.get(1).map(String::as_str).unwrap_or(""));
    if opts.operands.is_empty() || (!opts.has('d') && !opts.has('s') && set2.is_empty()) {
        k.err(p, "Usage: tr [-cds] STRING1 [STRING2]\n");
        return 1;
    }
    let input = String::from_utf8_lossy(&p.stdin.take_all()).into_owned();
    let mut out = String::new();
    let squeeze_set: &[char] = if opts.has('d') || set2.is_empty() {
        &set1
    } else {
        &set2
    };
    for c in input.chars() {
        let c2 = if opts.has('d') {
            if set1.contains(&c) {
                continue;
            }
            c
        } else {
            match set1.iter().position(|&x| x == c) {
                Some(i) if !set2.is_empty() => set2.get(i).or(set2.last()).copied().unwrap_or(c),
                _ => c,
            }
        };
        if opts.has('s') && squeeze_set.contains(&c2) && out.ends_with(c2) {
            continue;
        }
        out.push(c2);
    }
    k.out(p, &out);
    0
}

pub fn tee(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "ai", "") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c),
    };
    let data = p.stdin.take_all();
    let mut status = 0;
    for f in &opts.operands {
        let path = p.path(f);
        if let Err(e) = k.ctx.fs.write_file(&path, &data, opts.has('a')) {
            k.err(p, &format!("tee: {f}: {e}\n"));
            status = 1;
        }
    }
    k.out_bytes(p, &data);
    status
}

/// `tac`: the lines of the inputs, last first.
pub fn tac(k: &mut Kernel, p: &mut Proc) -> i32 {
    let operands: Vec<String> = p.args().to_vec();
    let (ins, failed) = inputs(k, p, &operands, "tac");
    let mut out = Vec::new();
    for (_, data) in &ins {
        let mut lines: Vec<&[u8]> = data.split_inclusive(|&b| b == b'\n').collect();
        lines.reverse();
        for l in lines {
            out.extend_from_slice(l);
            if !l.ends_with(b"\n") {
                out.push(b'\n');
            }
        }
    }
    k.out_bytes(p, &out);
    i32::from(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(
            parse_list("1,3-4,6-"),
            Some(vec![(1, 1), (3, 4), (6, usize::MAX)])
        );
        assert_eq!(parse_list("0"), None);
        assert_eq!(parse_list("x"), None);
        assert_eq!(tr_set("a-c"), vec!['a', 'b', 'c']);
        assert_eq!(tr_set("[:digit:]").len(), 10);
        assert_eq!(leading_number("12abc"), 12.0);
    }
}
