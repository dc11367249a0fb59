//! Small tools of the stock images: `exec "$@"` entrypoints, and the honest stand-in for
//! programs whose work the simulator does not do (git, gcc, gosu, ...).

use crate::program::exec;
use crate::program::kernel::{Kernel, Proc};

/// `exec "$@"`: tini and the temurin image's entrypoint run their arguments.
pub fn exec_args(k: &mut Kernel, p: &mut Proc) -> i32 {
    let argv: Vec<String> = p
        .args()
        .iter()
        .skip_while(|a| *a == "--")
        .cloned()
        .collect();
    if argv.is_empty() {
        return 0;
    }
    let name = argv.first().cloned().unwrap_or_default();
    let child = Proc { argv, ..p.clone() };
    match exec::spawn(k, child) {
        Ok(code) => code,
        Err(e) => {
            k.err(
                p,
                &format!("[FATAL tini (1)] exec {name} failed: No such file or directory\n"),
            );
            e.exit_code()
        }
    }
}

pub fn git(k: &mut Kernel, p: &mut Proc) -> i32 {
    if p.args().first().is_some_and(|a| a == "--version") {
        k.out(p, "git version 2.39.5\n");
        return 0;
    }
    inert(k, p)
}

pub fn gcc(k: &mut Kernel, p: &mut Proc) -> i32 {
    if p.args().first().is_some_and(|a| a == "--version") {
        k.out(p, "gcc (Debian 12.2.0-14) 12.2.0\n");
        return 0;
    }
    inert(k, p)
}

/// A program whose work the simulator does not do: it says so and fails, so a build that
/// depends on its result stops there instead of going on with nothing.
pub fn inert(k: &mut Kernel, p: &mut Proc) -> i32 {
    let name = p.name().to_string();
    k.err(
        p,
        &format!("[simulator] {name}: this program is installed but not simulated\n"),
    );
    1
}
