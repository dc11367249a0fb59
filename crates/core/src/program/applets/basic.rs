//! Small applets: echo, printf, true/false, env, printenv, hostname, id, whoami, pwd, uname,
//! basename, dirname, seq, which, test, yes, nproc.

use super::{bad_option, parse_opts};
use crate::program::exec;
use crate::program::kernel::{Kernel, Proc};

pub const KERNEL_RELEASE: &str = "6.8.0-sim";
pub const KERNEL_VERSION: &str = "#1 SMP PREEMPT_DYNAMIC";

/// Interprets echo -e / printf %b escapes. Returns the text and whether `\c` stopped output.
pub fn unescape(s: &str, octal_needs_zero: bool) -> (String, bool) {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(&n) = chars.get(i) else {
            out.push('\\');
            break;
        };
        i += 1;
        match n {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'e' => out.push('\u{1b}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '\\' => out.push('\\'),
            'c' => return (out, true),
            'x' => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 2 {
                    match chars.get(i).and_then(|c| c.to_digit(16)) {
                        Some(d) => {
                            v = v * 16 + d;
                            i += 1;
                            n += 1;
                        }
                        None => break,
                    }
                }
                if n == 0 {
                    out.push_str("\\x");
                } else {
                    out.push(char::from_u32(v).unwrap_or('?'));
                }
            }
            '0'..='7' => {
                // echo: \0NNN (up to three digits after the 0); printf: \NNN.
                let mut v = n.to_digit(8).unwrap_or(0);
                let mut left = if octal_needs_zero && n == '0' { 3 } else { 2 };
                while left > 0 {
                    match chars.get(i).and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            i += 1;
                            left -= 1;
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v & 0xff).unwrap_or('?'));
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    (out, false)
}

pub fn echo(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let Some(flags) = a.strip_prefix('-') else {
            break;
        };
        if flags.is_empty() || !flags.chars().all(|c| matches!(c, 'n' | 'e' | 'E')) {
            break;
        }
        for c in flags.chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        i += 1;
    }
    let mut text = args.get(i..).unwrap_or(&[]).join(" ");
    if escapes {
        let (t, stop) = unescape(&text, true);
        text = t;
        if stop {
            newline = false;
        }
    }
    if newline {
        text.push('\n');
    }
    k.out(p, &text);
    0
}

pub fn printf(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    let Some(fmt) = args.first() else {
        k.err(p, "printf: not enough arguments\n");
        return 1;
    };
    let fmt: Vec<char> = fmt.chars().collect();
    let mut rest = args.get(1..).unwrap_or(&[]).iter();
    let mut out = String::new();
    let mut status = 0;
    let mut rounds = 0;
    loop {
        let mut consumed = false;
        let mut i = 0;
        while let Some(&c) = fmt.get(i) {
            i += 1;
            if c == '\\' {
                let mut esc = String::from('\\');
                if let Some(&n) = fmt.get(i) {
                    esc.push(n);
                    i += 1;
                    if n.is_digit(8) {
                        while esc.len() < 4 && fmt.get(i).is_some_and(|c| c.is_digit(8)) {
                            esc.push(fmt.get(i).copied().unwrap_or('0'));
                            i += 1;
                        }
                    }
                }
                let (t, stop) = unescape(&esc, false);
                out.push_str(&t);
                if stop {
                    k.out(p, &out);
                    return status;
                }
                continue;
            }
            if c != '%' {
                out.push(c);
                continue;
            }
            let mut spec = String::from('%');
            while let Some(&f) = fmt.get(i) {
                if "-+ #0123456789.".contains(f) {
                    spec.push(f);
                    i += 1;
                } else {
                    break;
                }
            }
            let Some(&conv) = fmt.get(i) else {
                out.push_str(&spec);
                break;
            };
            i += 1;
            if conv == '%' {
                out.push('%');
                continue;
            }
            let arg = rest.next();
            consumed |= arg.is_some();
            let arg = arg.map(String::as_str).unwrap_or("");
            let (left, zero, width, precision) = parse_spec(&spec);
            let body = match conv {
                's' => {
                    let s: String = match precision {
                        Some(p) => arg.chars().take(p).collect(),
                        None => arg.to_string(),
                    };
                    s
                }
                'b' => unescape(arg, true).0,
                'c' => arg.chars().next().map(String::from).unwrap_or_default(),
                'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                    let n = match parse_int(arg) {
                        Some(n) => n,
                        None => {
                            k.err(p, &format!("printf: invalid number '{arg}'\n"));
                            status = 1;
                            0
                        }
                    };
                    match conv {
                        'x' => format!("{n:x}"),
                        'X' => format!("{n:X}"),
                        'o' => format!("{n:o}"),
                        _ => n.to_string(),
                    }
                }
                'f' | 'g' | 'e' => {
                    let v: f64 = arg.trim().parse().unwrap_or(0.0);
                    format!("{:.*}", precision.unwrap_or(6), v)
                }
                other => format!("%{other}"),
            };
            out.push_str(&pad(&body, width, left, zero && conv != 's'));
        }
        rounds += 1;
        if !consumed || rest.len() == 0 || rounds > 10_000 {
            break;
        }
    }
    k.out(p, &out);
    status
}

fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    if t.is_empty() {
        return Some(0);
    }
    if let Some(c) = t.strip_prefix('\'').or_else(|| t.strip_prefix('"')) {
        return c.chars().next().map(|c| i64::from(u32::from(c)));
    }
    if let Some(h) = t.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).ok();
    }
    t.parse().ok()
}

fn parse_spec(spec: &str) -> (bool, bool, usize, Option<usize>) {
    let body = spec.trim_start_matches('%');
    let left = body.contains('-');
    let flags_end = body
        .find(|c: char| c.is_ascii_digit() && c != '0' || c == '.')
        .unwrap_or(body.len());
    let zero = body.get(..flags_end).unwrap_or("").contains('0');
    let rest = body.get(flags_end..).unwrap_or("");
    let (w, prec) = match rest.split_once('.') {
        Some((w, p)) => (w, Some(p.parse::<usize>().unwrap_or(0).min(4096))),
        None => (rest, None),
    };
    (left, zero, w.parse::<usize>().unwrap_or(0).min(4096), prec)
}

fn pad(body: &str, width: usize, left: bool, zero: bool) -> String {
    let len = body.chars().count();
    if len >= width {
        return body.to_string();
    }
    let fill = width - len;
    if left {
        format!("{body}{}", " ".repeat(fill))
    } else if zero {
        match body.strip_prefix('-') {
            Some(digits) => format!("-{}{digits}", "0".repeat(fill)),
            None => format!("{}{body}", "0".repeat(fill)),
        }
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

pub fn true_(_k: &mut Kernel, _p: &mut Proc) -> i32 {
    0
}

pub fn false_(_k: &mut Kernel, _p: &mut Proc) -> i32 {
    1
}

pub fn env(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    let mut env = p.env.clone();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a == "-i" || a == "-" {
            env.clear();
        } else if a == "-u" {
            i += 1;
            if let Some(name) = args.get(i) {
                env.retain(|(k, _)| k != name);
            }
        } else if let Some((n, v)) = a.split_once('=') {
            env.retain(|(k, _)| k != n);
            env.push((n.to_string(), v.to_string()));
        } else {
            break;
        }
        i += 1;
    }
    let rest = args.get(i..).unwrap_or(&[]).to_vec();
    if rest.is_empty() {
        let mut out = String::new();
        for (n, v) in &env {
            out.push_str(&format!("{n}={v}\n"));
        }
        k.out(p, &out);
        return 0;
    }
    let name = rest.first().cloned().unwrap_or_default();
    let child = Proc {
        argv: rest,
        env,
        ..p.clone()
    };
    match exec::spawn(k, child) {
        Ok(code) => code,
        Err(e) => {
            k.err(
                p,
                &format!("env: can't execute '{name}': No such file or directory\n"),
            );
            if e.exit_code() == 126 {
                126
            } else {
                127
            }
        }
    }
}

pub fn printenv(k: &mut Kernel, p: &mut Proc) -> i32 {
    let names = p.args().to_vec();
    if names.is_empty() {
        let mut out = String::new();
        for (n, v) in &p.env {
            out.push_str(&format!("{n}={v}\n"));
        }
        k.out(p, &out);
        return 0;
    }
    let mut status = 0;
    for n in names {
        match p.getenv(&n).map(str::to_string) {
            Some(v) => k.out(p, &format!("{v}\n")),
            None => status = 1,
        }
    }
    status
}

pub fn hostname(k: &mut Kernel, p: &mut Proc) -> i32 {
    let name = k.ctx.hostname.to_string();
    if p.args().iter().any(|a| a == "-i") {
        // The container's own address, as the network knows it.
        let ip = k
            .ctx
            .network
            .address(&name)
            .unwrap_or_else(|| "172.17.0.2".into());
        k.out(p, &format!("{ip}\n"));
        return 0;
    }
    k.out(p, &format!("{name}\n"));
    0
}

/// The user's name and uid, from `--user` and /etc/passwd.
pub fn user_ids(k: &Kernel, user: &str) -> (String, u32, u32) {
    if user.is_empty() || user == "root" || user == "0" {
        return ("root".into(), 0, 0);
    }
    let name_part = user.split(':').next().unwrap_or(user);
    let passwd = k
        .ctx
        .fs
        .read_file("/etc/passwd")
        .map(|d| String::from_utf8_lossy(d).into_owned())
        .unwrap_or_default();
    for line in passwd.lines() {
        let f: Vec<&str> = line.split(':').collect();
        if let (Some(n), Some(uid), Some(gid)) = (f.first(), f.get(2), f.get(3)) {
            if *n == name_part || *uid == name_part {
                return (
                    n.to_string(),
                    uid.parse().unwrap_or(0),
                    gid.parse().unwrap_or(0),
                );
            }
        }
    }
    match name_part.parse::<u32>() {
        Ok(uid) => (String::new(), uid, uid),
        Err(_) => (name_part.to_string(), 1000, 1000),
    }
}

pub fn id(k: &mut Kernel, p: &mut Proc) -> i32 {
    let (name, uid, gid) = user_ids(k, &p.user);
    let args = p.args().to_vec();
    let flag = |c: &str| args.iter().any(|a| a.starts_with('-') && a.contains(c));
    let text = if flag("u") {
        if flag("n") {
            name.clone()
        } else {
            uid.to_string()
        }
    } else if flag("g") {
        if flag("n") {
            name.clone()
        } else {
            gid.to_string()
        }
    } else {
        let show = |id: u32| {
            if name.is_empty() {
                id.to_string()
            } else {
                format!("{id}({name})")
            }
        };
        let mut groups = vec![show(gid)];
        let group_file = k
            .ctx
            .fs
            .read_file("/etc/group")
            .map(|d| String::from_utf8_lossy(d).into_owned())
            .unwrap_or_default();
        let group_name = |id: u32| {
            group_file.lines().find_map(|l| {
                let f: Vec<&str> = l.split(':').collect();
                (f.get(2) == Some(&id.to_string().as_str()))
                    .then(|| f.first().map(|s| s.to_string()))?
            })
        };
        let gshow = |id: u32| match group_name(id).or_else(|| (id == 0).then(|| "root".to_string()))
        {
            Some(n) => format!("{id}({n})"),
            None => id.to_string(),
        };
        if let Some(first) = groups.first_mut() {
            *first = gshow(gid);
        }
        for l in group_file.lines() {
            let f: Vec<&str> = l.split(':').collect();
            let (Some(gid_s), Some(members)) = (f.get(2), f.get(3)) else {
                continue;
            };
            let Ok(g) = gid_s.parse::<u32>() else {
                continue;
            };
            if g != gid && !name.is_empty() && members.split(',').any(|m| m == name) {
                groups.push(gshow(g));
            }
        }
        format!(
            "uid={} gid={} groups={}",
            show(uid),
            gshow(gid),
            groups.join(",")
        )
    };
    k.out(p, &format!("{text}\n"));
    0
}

pub fn whoami(k: &mut Kernel, p: &mut Proc) -> i32 {
    let (name, uid, _) = user_ids(k, &p.user);
    if name.is_empty() {
        k.err(p, &format!("whoami: unknown uid {uid}\n"));
        return 1;
    }
    k.out(p, &format!("{name}\n"));
    0
}

pub fn pwd(k: &mut Kernel, p: &mut Proc) -> i32 {
    let cwd = p.cwd.clone();
    k.out(p, &format!("{cwd}\n"));
    0
}

pub fn uname(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "asnrvmpio", "") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c),
    };
    let host = k.ctx.hostname.to_string();
    let all = opts.has('a');
    let mut parts: Vec<String> = Vec::new();
    if all || opts.has('s') || opts.flags.is_empty() {
        parts.push("Linux".into());
    }
    if all || opts.has('n') {
        parts.push(host);
    }
    if all || opts.has('r') {
        parts.push(KERNEL_RELEASE.into());
    }
    if all || opts.has('v') {
        parts.push(KERNEL_VERSION.into());
    }
    if all || opts.has('m') {
        parts.push("x86_64".into());
    }
    if opts.has('p') && !all {
        parts.push("unknown".into());
    }
    if opts.has('i') && !all {
        parts.push("unknown".into());
    }
    if all || opts.has('o') {
        parts.push("GNU/Linux".into());
    }
    k.out(p, &format!("{}\n", parts.join(" ")));
    0
}

pub fn basename(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    let Some(path) = args.first() else {
        k.err(p, "Usage: basename FILE [SUFFIX]\n");
        return 1;
    };
    let trimmed = path.trim_end_matches('/');
    let mut base = if trimmed.is_empty() && !path.is_empty() {
        "/".to_string()
    } else {
        trimmed.rsplit('/').next().unwrap_or("").to_string()
    };
    if let Some(suffix) = args.get(1) {
        if base.len() > suffix.len() && base.ends_with(suffix.as_str()) {
            base.truncate(base.len() - suffix.len());
        }
    }
    k.out(p, &format!("{base}\n"));
    0
}

pub fn dirname(k: &mut Kernel, p: &mut Proc) -> i32 {
    let Some(path) = p.args().first().cloned() else {
        k.err(p, "Usage: dirname FILENAME\n");
        return 1;
    };
    let trimmed = path.trim_end_matches('/');
    let dir = match trimmed.rfind('/') {
        None if path.starts_with('/') => "/".to_string(),
        None => ".".to_string(),
        Some(i) => {
            let d = trimmed.get(..i).unwrap_or("").trim_end_matches('/');
            if d.is_empty() {
                "/".to_string()
            } else {
                d.to_string()
            }
        }
    };
    k.out(p, &format!("{dir}\n"));
    0
}

pub fn seq(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut args = p.args().to_vec();
    let mut sep = "\n".to_string();
    let mut width = false;
    while let Some(a) = args.first().cloned() {
        if a == "-w" {
            width = true;
            args.remove(0);
        } else if a == "-s" && args.len() > 1 {
            sep = args.get(1).cloned().unwrap_or_default();
            args.drain(..2);
        } else if let Some(s) = a.strip_prefix("-s").filter(|s| !s.is_empty()) {
            sep = s.to_string();
            args.remove(0);
        } else {
            break;
        }
    }
    let nums: Vec<f64> = match args
        .iter()
        .map(|a| a.parse::<f64>())
        .collect::<Result<_, _>>()
    {
        Ok(v) => v,
        Err(_) => {
            let bad = args
                .iter()
                .find(|a| a.parse::<f64>().is_err())
                .cloned()
                .unwrap_or_default();
            k.err(p, &format!("seq: invalid number '{bad}'\n"));
            return 1;
        }
    };
    let (first, step, last) = match nums.as_slice() {
        [l] => (1.0, 1.0, *l),
        [f, l] => (*f, 1.0, *l),
        [f, s, l] => (*f, *s, *l),
        _ => {
            k.err(p, "Usage: seq [-w] [-s SEP] [FIRST [INC]] LAST\n");
            return 1;
        }
    };
    if step == 0.0 || !step.is_finite() || !first.is_finite() || !last.is_finite() {
        return 0;
    }
    let decimals = args
        .iter()
        .map(|a| a.split_once('.').map(|(_, d)| d.len()).unwrap_or(0))
        .max()
        .unwrap_or(0)
        .min(20);
    let fmt = |v: f64| format!("{v:.decimals$}");
    let wide = if width {
        fmt(first).len().max(fmt(last).len())
    } else {
        0
    };
    let mut out = String::new();
    let mut i: u64 = 0;
    // Written in chunks as it goes: a reader that has enough, a full pipe or a full terminal
    // stops it, as they would stop the real one.
    loop {
        let v = first + step * i as f64;
        if (step > 0.0 && v > last + 1e-9) || (step < 0.0 && v < last - 1e-9) {
            break;
        }
        if i > 0 {
            out.push_str(&sep);
        }
        let s = if decimals == 0 && v.abs() < 9.0e15 {
            (v as i64).to_string()
        } else {
            fmt(v)
        };
        out.push_str(&format!("{s:0>wide$}"));
        i += 1;
        if out.len() >= 64 * 1024 {
            // Formatting a number costs about as much as copying 32 bytes.
            k.work(32 * 64 * 1024 / 8);
            k.out(p, &out);
            out.clear();
            if k.halted() {
                return 0;
            }
        }
    }
    if i > 0 {
        out.push('\n');
    }
    k.out(p, &out);
    0
}

pub fn which(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut status = 0;
    let mut out = String::new();
    for name in p.args().iter().filter(|a| !a.starts_with('-')) {
        match exec::locate_from(k.ctx.fs, &p.cwd, name, &p.env) {
            Ok(path) => {
                out.push_str(&path);
                out.push('\n');
            }
            Err(_) => status = 1,
        }
    }
    k.out(p, &out);
    status
}

pub fn test(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut args = p.args().to_vec();
    if p.name() == "[" {
        if args.last().map(String::as_str) != Some("]") {
            k.err(p, "[: missing ]\n");
            return 2;
        }
        args.pop();
    }
    match crate::program::sh::test::test(k.ctx.fs, &p.cwd, &args) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(e) => {
            k.err(p, &format!("{}: {e}\n", p.name()));
            2
        }
    }
}

/// `yes` prints until the pipe closes; here, until the step budget runs out.
pub fn yes(k: &mut Kernel, p: &mut Proc) -> i32 {
    let word = if p.args().is_empty() {
        "y".to_string()
    } else {
        p.args().join(" ")
    };
    let line = format!("{word}\n");
    // Writes until something stops it: a reader that has enough, a full pipe or terminal,
    // the memory limit, or the end of the time it may run.
    let chunk = line.repeat((8192 / line.len()).max(1));
    while !k.halted() {
        k.out(p, &chunk);
    }
    0
}

pub fn nproc(k: &mut Kernel, p: &mut Proc) -> i32 {
    k.out(p, "2\n");
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(unescape("a\\tb\\n", true), ("a\tb\n".into(), false));
        assert_eq!(unescape("a\\cb", true), ("a".into(), true));
        assert_eq!(unescape("\\x41\\0101", true), ("AA".into(), false));
        assert_eq!(unescape("\\101", false), ("A".into(), false));
        assert_eq!(unescape("\\", true), ("\\".into(), false));
    }

    #[test]
    fn printf_spec() {
        assert_eq!(parse_spec("%-3"), (true, false, 3, None));
        assert_eq!(parse_spec("%05.2"), (false, true, 5, Some(2)));
        assert_eq!(pad("42", 5, false, true), "00042");
    }
}
