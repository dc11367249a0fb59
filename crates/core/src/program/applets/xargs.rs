//! `xargs`: builds command lines from standard input and runs them.

use super::parse_opts;
use crate::program::exec::{self, ExecError};
use crate::program::kernel::{Input, Kernel, Proc};

/// Whitespace-separated items, with quotes and backslashes as xargs reads them.
fn items(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), '\n') => return Err("unmatched quote".into()),
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                has = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                    has = true;
                }
            }
            (None, c) if c.is_whitespace() => {
                if has || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            (None, c) => cur.push(c),
        }
    }
    if quote.is_some() {
        return Err("unmatched quote".into());
    }
    if has || !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

pub fn xargs(k: &mut Kernel, p: &mut Proc) -> i32 {
    // Options end at the command's name.
    let args = p.args().to_vec();
    let mut split = args.len();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if !a.starts_with('-') || a == "-" {
            split = i;
            break;
        }
        if a == "--" {
            split = i + 1;
            break;
        }
        i += if matches!(a.as_str(), "-n" | "-I" | "-d" | "-P" | "-s" | "-L") {
            2
        } else {
            1
        };
        split = i.min(args.len());
    }
    let opts = match parse_opts(args.get(..split).unwrap_or(&[]), "0trpxe", "nIdPsL") {
        Ok(o) => o,
        Err(c) => return super::bad_option(k, p, c),
    };
    let mut command: Vec<String> = args.get(split..).unwrap_or(&[]).to_vec();
    if command.is_empty() {
        command.push("echo".into());
    }
    let input = String::from_utf8_lossy(&p.stdin.take_all()).into_owned();
    let replace = opts.value('I').map(str::to_string);
    let list: Vec<String> = if opts.has('0') {
        input
            .split('\0')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    } else if replace.is_some() {
        input
            .lines()
            .map(|l| l.trim_start().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    } else if let Some(d) = opts.value('d') {
        let d = if d == "\\n" { "\n" } else { d };
        input
            .split(d)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    } else {
        match items(&input) {
            Ok(v) => v,
            Err(e) => {
                k.err(p, &format!("xargs: {e}\n"));
                return 1;
            }
        }
    };
    let per = match opts.value('n').or(opts.value('L')).map(str::parse::<usize>) {
        None => usize::MAX,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            k.err(p, "xargs: invalid number\n");
            return 1;
        }
    };
    let batches: Vec<Vec<String>> = if let Some(r) = &replace {
        list.iter()
            .map(|item| {
                command
                    .iter()
                    .map(|c| c.replace(r.as_str(), item))
                    .collect()
            })
            .collect()
    } else if list.is_empty() {
        if opts.has('r') {
            Vec::new()
        } else {
            vec![command.clone()]
        }
    } else {
        list.chunks(per)
            .map(|chunk| {
                command
                    .iter()
                    .cloned()
                    .chain(chunk.iter().cloned())
                    .collect()
            })
            .collect()
    };
    let mut status = 0;
    for argv in batches {
        if !k.step() {
            break;
        }
        if opts.has('t') {
            k.err(p, &format!("{}\n", argv.join(" ")));
        }
        let name = argv.first().cloned().unwrap_or_default();
        let child = Proc {
            argv,
            stdin: Input::new(Vec::new()),
            ..p.clone()
        };
        match exec::spawn(k, child) {
            Ok(255) => {
                k.err(
                    p,
                    &format!("xargs: {name}: exited with status 255; aborting\n"),
                );
                return 124;
            }
            Ok(0) => {}
            Ok(c) if c > 128 => return 125,
            Ok(_) => status = 123,
            Err(ExecError::NotFound | ExecError::NoSuchFile) => {
                k.err(p, &format!("xargs: {name}: No such file or directory\n"));
                return 127;
            }
            Err(_) => {
                k.err(p, &format!("xargs: {name}: Permission denied\n"));
                return 126;
            }
        }
    }
    status
}
