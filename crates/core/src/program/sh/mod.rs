//! `sh`: a subset of busybox ash. Lexer → parser (AST) → interpreter, with expansions,
//! builtins and `test` in their own files.

mod arith;
mod builtins;
mod expand;
mod interp;
mod lexer;
mod memory;
mod parser;
pub mod test;
mod traps;

pub(crate) use parser::List;

use super::kernel::{Kernel, Proc, MIB};
use interp::{Io, Shell};

/// Memory the shell itself holds on top of the busybox binary.
const SHELL_MEMORY: u64 = MIB / 2;

/// `sh [-ex] -c SCRIPT [ARG0 ARGS...]`, `sh [-ex] FILE ARGS...`, or `sh` reading its script
/// from standard input.
pub fn main(k: &mut Kernel, p: &mut Proc) -> i32 {
    if !k.alloc(SHELL_MEMORY) {
        return 137;
    }
    let code = main_inner(k, p);
    k.free(SHELL_MEMORY);
    code
}

fn main_inner(k: &mut Kernel, p: &mut Proc) -> i32 {
    let pid = if k.depth <= 1 {
        k.pid()
    } else {
        let pid = k.next_pid;
        k.next_pid = k.next_pid.saturating_add(1);
        pid
    };
    let mut sh = Shell::new(p, pid);
    // $RANDOM differs between containers and runs, yet the same seed replays it: mix in the
    // logical clock and the hostname.
    let mut seed = k.ctx.now_unix ^ u64::from(pid).rotate_left(32);
    for b in k.ctx.hostname.bytes() {
        seed = seed
            .wrapping_mul(0x100_0000_01b3)
            .wrapping_add(u64::from(b));
    }
    sh.random.set(seed | 1);
    let io = Io {
        stdin: p.stdin.clone(),
        out: p.out.clone(),
        err: p.err.clone(),
    };
    let args = p.args().to_vec();
    let mut i = 0;
    let mut command = false;
    while let Some(a) = args.get(i) {
        if a == "--" {
            i += 1;
            break;
        }
        let on = a.starts_with('-');
        if !(on || a.starts_with('+')) || a.len() < 2 {
            break;
        }
        if a == "-o" || a == "+o" {
            i += 2;
            continue;
        }
        for c in a.chars().skip(1) {
            match c {
                'c' => command = true,
                'e' => sh.errexit = on,
                'x' => sh.xtrace = on,
                's' | 'u' | 'i' | 'l' | 'v' | 'f' => {}
                other => {
                    let msg = format!("sh: -{other}: invalid option\n");
                    k.write(&io.err, msg.as_bytes());
                    return 2;
                }
            }
        }
        i += 1;
    }
    let rest = args.get(i..).unwrap_or(&[]);
    let (src, first_line) = if command {
        let Some(script) = rest.first() else {
            k.write(&io.err, b"sh: -c requires an argument\n");
            return 2;
        };
        if let Some(a0) = rest.get(1) {
            sh.arg0 = a0.clone();
        }
        sh.positional = rest.get(2..).unwrap_or(&[]).to_vec();
        (script.clone(), 0)
    } else if let Some(file) = rest.first() {
        let path = crate::fs::normalize(&p.cwd, file);
        match k.ctx.fs.read_file(&path) {
            Ok(data) => {
                sh.arg0 = file.clone();
                sh.positional = rest.get(1..).unwrap_or(&[]).to_vec();
                (String::from_utf8_lossy(data).into_owned(), 1)
            }
            Err(e) => {
                let msg = format!("sh: can't open '{file}': {e}\n");
                k.write(&io.err, msg.as_bytes());
                return 2;
            }
        }
    } else {
        let data = io.stdin.take_all();
        (String::from_utf8_lossy(&data).into_owned(), 1)
    };
    sh.run_source(k, &src, first_line, &io);
    let code = sh.run_exit_trap(k, &io);
    sh.release(k);
    code
}

#[cfg(test)]
mod tests;
