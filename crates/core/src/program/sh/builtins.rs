//! Shell builtins: what ash runs without looking at `$PATH` (so they work with /bin emptied).

use super::interp::{Flow, Io, Shell, Var};
use crate::fs::Node;
use crate::program::applets;
use crate::program::exec;
use crate::program::kernel::Kernel;

const BUILTINS: &[&str] = &[
    ":", ".", "[", "break", "cd", "command", "continue", "echo", "eval", "exec", "exit", "export",
    "false", "getopts", "hash", "kill", "let", "local", "printf", "pwd", "read", "readonly",
    "return", "set", "shift", "source", "test", "trap", "true", "type", "umask", "unset", "wait",
];

const SPECIAL: &[&str] = &[
    ":", ".", "break", "continue", "eval", "exec", "exit", "export", "readonly", "return", "set",
    "shift", "source", "trap", "unset", "local",
];

pub fn is_builtin(name: &str) -> bool {
    BUILTINS.contains(&name)
}

pub fn is_special(name: &str) -> bool {
    SPECIAL.contains(&name)
}

fn count_arg(
    sh: &mut Shell,
    k: &mut Kernel,
    io: &Io,
    name: &str,
    arg: Option<&String>,
) -> Option<u32> {
    match arg {
        None => Some(1),
        Some(a) => match a.parse::<u32>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                sh.error(k, io, &format!("{name}: Illegal number: {a}"));
                None
            }
        },
    }
}

pub fn run(sh: &mut Shell, k: &mut Kernel, argv: &[String], io: &Io, line: u32) -> i32 {
    let name = argv.first().map(String::as_str).unwrap_or("");
    let args = argv.get(1..).unwrap_or(&[]);
    match name {
        ":" | "true" | "hash" | "wait" => 0,
        "trap" => super::traps::trap(sh, k, args, io, line),
        "kill" => super::traps::kill(sh, k, argv, io),
        "getopts" => super::traps::getopts(sh, k, args, io),
        "false" => 1,
        "echo" | "printf" => {
            let mut p = sh.proc_for(argv.to_vec(), Vec::new(), io);
            if name == "echo" {
                applets::echo(k, &mut p)
            } else {
                applets::printf(k, &mut p)
            }
        }
        "test" | "[" => {
            let mut targs = args.to_vec();
            if name == "[" {
                if targs.last().map(String::as_str) != Some("]") {
                    sh.error(k, io, "missing ]");
                    return 2;
                }
                targs.pop();
            }
            match super::test::test(k.ctx.fs, &sh.cwd, &targs) {
                Ok(true) => 0,
                Ok(false) => 1,
                Err(e) => {
                    sh.error(k, io, &e);
                    2
                }
            }
        }
        "pwd" => {
            let text = format!("{}\n", sh.cwd);
            k.write(&io.out, text.as_bytes());
            0
        }
        "cd" => cd(sh, k, args, io, line),
        "exit" => {
            let code = match args.first() {
                None => sh.status,
                Some(a) => match a.parse::<i64>() {
                    Ok(n) => (n & 0xff) as i32,
                    Err(_) => {
                        sh.error(k, io, &format!("exit: line {line}: Illegal number: {a}"));
                        2
                    }
                },
            };
            sh.status = code;
            sh.flow = Flow::Exit;
            code
        }
        "return" => {
            let code = match args.first().map(|a| a.parse::<i64>()) {
                None => sh.status,
                Some(Ok(n)) => (n & 0xff) as i32,
                Some(Err(_)) => 2,
            };
            sh.status = code;
            sh.flow = Flow::Return;
            code
        }
        "break" | "continue" => {
            let Some(n) = count_arg(sh, k, io, name, args.first()) else {
                return 2;
            };
            if sh.loop_depth == 0 {
                return 0;
            }
            let n = n.min(sh.loop_depth);
            sh.flow = if name == "break" {
                Flow::Break(n)
            } else {
                Flow::Continue(n)
            };
            0
        }
        "shift" => {
            let n = match args.first().map(|a| (a, a.parse::<usize>())) {
                None => 1,
                Some((_, Ok(n))) => n,
                // ash raises both errors: a non-interactive shell stops there.
                Some((a, Err(_))) => {
                    let msg = format!("shift: line {line}: Illegal number: {a}");
                    return sh.fatal(k, io, &msg, 2);
                }
            };
            if n > sh.positional.len() {
                let msg = format!("shift: line {line}: can't shift that many");
                return sh.fatal(k, io, &msg, 2);
            }
            sh.positional.drain(..n);
            0
        }
        "export" | "readonly" | "local" => declare(sh, k, name, args, io),
        "unset" => {
            let functions = args.first().map(String::as_str) == Some("-f");
            for a in args.iter().filter(|a| !a.starts_with('-')) {
                if functions {
                    sh.functions.remove(a);
                } else {
                    sh.vars.remove(a);
                }
            }
            0
        }
        "set" => set(sh, k, args, io),
        "read" => read(sh, args, io),
        "eval" => {
            let src = args.join(" ");
            sh.run_source(k, &src, line, io)
        }
        "." | "source" => {
            let Some(file) = args.first() else {
                sh.error(k, io, ".: line 0: .: Not enough arguments");
                return 2;
            };
            let path = if file.contains('/') {
                Some(crate::fs::normalize(&sh.cwd, file))
            } else {
                let path_var = sh.get_var("PATH").unwrap_or_default();
                path_var
                    .split(':')
                    .map(|d| crate::fs::normalize(&sh.cwd, &format!("{d}/{file}")))
                    .find(|p| matches!(k.ctx.fs.stat(p), Ok(Node::File { .. })))
            };
            let data = path.and_then(|p| k.ctx.fs.read_file(&p).ok().map(<[u8]>::to_vec));
            match data {
                Some(d) => {
                    let src = String::from_utf8_lossy(&d).into_owned();
                    sh.run_source(k, &src, 1, io)
                }
                None => sh.fatal(
                    k,
                    io,
                    &format!(".: line {line}: can't open '{file}': No such file or directory"),
                    2,
                ),
            }
        }
        "exec" => {
            if args.is_empty() {
                return 0;
            }
            let env = sh.exported_env();
            let code = sh.run_external(k, args.to_vec(), env, io);
            sh.status = code;
            sh.flow = Flow::Exit;
            code
        }
        "command" => {
            let verbose = matches!(args.first().map(String::as_str), Some("-v" | "-V"));
            if verbose {
                return which(sh, k, args.get(1..).unwrap_or(&[]), io, false);
            }
            let rest = args.to_vec();
            if rest.is_empty() {
                return 0;
            }
            if rest.first().is_some_and(|n| is_builtin(n)) {
                return run(sh, k, &rest, io, line);
            }
            let env = sh.exported_env();
            sh.run_external(k, rest, env, io)
        }
        "type" => which(sh, k, args, io, true),
        "let" => {
            // Each argument is an arithmetic expression; true when the last is not zero.
            let mut last = 0;
            for a in args {
                match sh.arith(a) {
                    Ok(v) => last = v,
                    Err(e) => {
                        sh.error(k, io, &format!("let: {e}"));
                        return 1;
                    }
                }
            }
            if args.is_empty() {
                sh.error(k, io, "let: expression expected");
                return 1;
            }
            i32::from(last == 0)
        }
        "umask" => {
            if args.is_empty() {
                k.write(&io.out, b"0022\n");
            }
            0
        }
        _ => 127,
    }
}

fn cd(sh: &mut Shell, k: &mut Kernel, args: &[String], io: &Io, line: u32) -> i32 {
    let target = match args.first().map(String::as_str) {
        None => sh.get_var("HOME").unwrap_or_else(|| "/".into()),
        Some("-") => {
            let old = sh.get_var("OLDPWD").unwrap_or_else(|| sh.cwd.clone());
            k.write(&io.out, format!("{old}\n").as_bytes());
            old
        }
        Some(d) => d.to_string(),
    };
    let path = crate::fs::normalize(&sh.cwd, &target);
    match k.ctx.fs.stat(&path) {
        Ok(Node::Dir { .. }) => {
            let old = std::mem::replace(&mut sh.cwd, path.clone());
            sh.set_var("OLDPWD", &old);
            sh.set_var("PWD", &path);
            0
        }
        Ok(_) => {
            sh.error(
                k,
                io,
                &format!("cd: line {line}: can't cd to {target}: Not a directory"),
            );
            2
        }
        Err(e) => {
            sh.error(
                k,
                io,
                &format!("cd: line {line}: can't cd to {target}: {e}"),
            );
            2
        }
    }
}

fn quote(v: &str) -> String {
    format!("'{}'", v.replace('\'', "'\"'\"'"))
}

fn declare(sh: &mut Shell, k: &mut Kernel, name: &str, args: &[String], io: &Io) -> i32 {
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if names.is_empty() && name != "local" {
        let mut out = String::new();
        for (n, v) in &sh.vars {
            if name == "export" && !v.exported {
                continue;
            }
            out.push_str(&format!("{name} {n}={}\n", quote(&v.value)));
        }
        k.write(&io.out, out.as_bytes());
        return 0;
    }
    for a in names {
        let (n, value) = match a.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (a.clone(), None),
        };
        if name == "local" {
            let old = sh.vars.get(&n).cloned();
            if let Some(frame) = sh.frames.last_mut() {
                frame.push((n.clone(), old));
            }
        }
        let exported = name == "export";
        let entry = sh.vars.entry(n).or_insert(Var {
            value: String::new(),
            exported: false,
        });
        if let Some(v) = value {
            entry.value = v;
        }
        if exported {
            entry.exported = true;
        }
    }
    0
}

fn set(sh: &mut Shell, k: &mut Kernel, args: &[String], io: &Io) -> i32 {
    if args.is_empty() {
        let mut out = String::new();
        for (n, v) in &sh.vars {
            out.push_str(&format!("{n}={}\n", quote(&v.value)));
        }
        k.write(&io.out, out.as_bytes());
        return 0;
    }
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a == "--" {
            sh.positional = args.get(i + 1..).unwrap_or(&[]).to_vec();
            return 0;
        }
        if a == "-o" || a == "+o" {
            i += 2;
            continue;
        }
        let on = a.starts_with('-');
        if !(on || a.starts_with('+')) {
            sh.positional = args.get(i..).unwrap_or(&[]).to_vec();
            return 0;
        }
        for c in a.chars().skip(1) {
            match c {
                'e' => sh.errexit = on,
                'x' => sh.xtrace = on,
                _ => {}
            }
        }
        i += 1;
    }
    0
}

fn read(sh: &mut Shell, args: &[String], io: &Io) -> i32 {
    let raw = args.iter().any(|a| a == "-r");
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let Some(line) = io.stdin.read_line() else {
        for n in &names {
            sh.set_var(n, "");
        }
        return 1;
    };
    let mut line = String::from_utf8_lossy(&line).into_owned();
    if !raw {
        line = line.replace('\\', "");
    }
    let ifs = sh.get_var("IFS").unwrap_or_else(|| " \t\n".into());
    if names.is_empty() {
        sh.set_var("REPLY", &line);
        return 0;
    }
    let mut rest = line.trim_start_matches(|c| ifs.contains(c));
    for (i, n) in names.iter().enumerate() {
        if i + 1 == names.len() {
            sh.set_var(n, rest.trim_end_matches(|c| ifs.contains(c)));
        } else {
            let end = rest.find(|c| ifs.contains(c)).unwrap_or(rest.len());
            sh.set_var(n, rest.get(..end).unwrap_or(""));
            rest = rest
                .get(end..)
                .unwrap_or("")
                .trim_start_matches(|c| ifs.contains(c));
        }
    }
    0
}

/// `type NAME` / `command -v NAME`.
fn which(sh: &mut Shell, k: &mut Kernel, names: &[String], io: &Io, verbose: bool) -> i32 {
    let mut status = 0;
    let env = sh.exported_env();
    let mut env_with_path = env;
    if let Some(p) = sh.get_var("PATH") {
        env_with_path.push(("PATH".into(), p));
    }
    for n in names {
        let line = if sh.functions.contains_key(n) {
            if verbose {
                format!("{n} is a function\n")
            } else {
                format!("{n}\n")
            }
        } else if is_builtin(n) {
            if verbose {
                format!("{n} is a shell builtin\n")
            } else {
                format!("{n}\n")
            }
        } else {
            match exec::locate_from(k.ctx.fs, &sh.cwd, n, &env_with_path) {
                Ok(path) if verbose => format!("{n} is {path}\n"),
                Ok(path) => format!("{path}\n"),
                Err(_) => {
                    status = 127;
                    if verbose {
                        format!("{n}: not found\n")
                    } else {
                        String::new()
                    }
                }
            }
        };
        k.write(&io.out, line.as_bytes());
    }
    status
}
