//! `awk`: patterns and actions over records and fields, with BEGIN/END, printf, arithmetic,
//! associative arrays, user functions and the usual builtins (busybox's dialect and words).

mod builtins;
mod run;
mod syntax;
mod value;

use super::files::read;
use crate::program::kernel::{Kernel, Proc};
use run::Awk;
use value::{input_val, Val};

pub fn awk(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    let mut program: Option<String> = None;
    let mut assigns: Vec<(String, String)> = Vec::new();
    let mut fs: Option<String> = None;
    let mut files = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        if program.is_some() {
            files.push(a.clone());
            continue;
        }
        let mut value = |flag: &str| -> Option<String> {
            match a.strip_prefix(flag) {
                Some("") => {
                    i += 1;
                    args.get(i - 1).cloned()
                }
                Some(rest) => Some(rest.to_string()),
                None => None,
            }
        };
        if let Some(v) = value("-F") {
            fs = Some(if v == "t" {
                "\t".into()
            } else {
                v.replace("\\t", "\t")
            });
        } else if let Some(v) = value("-v") {
            match v.split_once('=') {
                Some((n, val)) => assigns.push((n.to_string(), val.to_string())),
                None => {
                    k.err(p, &format!("awk: unexpected token: {v}\n"));
                    return 1;
                }
            }
        } else if let Some(v) = value("-f") {
            match read(k, p, &v) {
                Ok(d) => program = Some(String::from_utf8_lossy(&d).into_owned()),
                Err(e) => {
                    k.err(p, &format!("awk: can't open '{v}': {e}\n"));
                    return 1;
                }
            }
        } else if a == "--" {
            continue;
        } else {
            program = Some(a.clone());
        }
    }
    let Some(src) = program else {
        k.err(p, "Usage: awk [OPTIONS] [AWK_PROGRAM] [FILE]...\n");
        return 1;
    };
    let prog = match syntax::parse(&src) {
        Ok(prog) => prog,
        Err(e) => {
            k.err(p, &format!("awk: cmd. line:1: {e}\n"));
            return 1;
        }
    };
    let proc = p.clone();
    let mut inputs = Vec::new();
    let mut status = 0;
    if files.is_empty() {
        inputs.push((
            String::new(),
            String::from_utf8_lossy(&p.stdin.take_all()).into_owned(),
        ));
    }
    let mut vars_after = Vec::new();
    for f in &files {
        // `name=value` operands assign before the next file is read.
        if let Some((n, v)) = f.split_once('=') {
            if !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_') {
                vars_after.push((n.to_string(), v.to_string()));
                continue;
            }
        }
        let data = if f == "-" {
            Ok(p.stdin.take_all())
        } else {
            read(k, p, f)
        };
        match data {
            Ok(d) => inputs.push((f.clone(), String::from_utf8_lossy(&d).into_owned())),
            Err(e) => {
                k.err(p, &format!("awk: {f}: {e}\n"));
                status = 1;
            }
        }
    }
    let mut awk = Awk::new(k, proc, prog);
    if let Some(fs) = fs {
        awk.set_global("FS", Val::Str(fs));
    }
    for (n, v) in assigns.into_iter().chain(vars_after) {
        awk.set_global(&n, input_val(&v));
    }
    match awk.run(inputs) {
        Ok(code) if status == 0 => code,
        Ok(_) => status,
        Err(e) => {
            let p = awk.p.clone();
            awk.k.err(&p, &format!("awk: cmd. line:1: {e}\n"));
            1
        }
    }
}
