//! `readlink` and `realpath`: where a symbolic link points, and a path with every link,
//! `.` and `..` resolved.

use super::parse_opts;
use crate::fs::{FsError, Node};
use crate::program::kernel::{Kernel, Proc};

/// The canonical form of `path`: links followed; a dangling link gives where it points.
fn canonical(k: &Kernel, path: &str) -> Option<String> {
    if k.ctx.fs.stat(path).is_ok() {
        return k.ctx.fs.resolve(path, true).ok();
    }
    let dir = k.ctx.fs.resolve(crate::fs::parent(path), true).ok()?;
    let joined = crate::fs::normalize(&dir, crate::fs::file_name(path));
    match k.ctx.fs.lstat(&joined) {
        Ok(Node::Symlink { target }) => Some(crate::fs::normalize(&dir, target)),
        _ => None,
    }
}

pub fn readlink(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "fnvsqe", "") {
        Ok(o) => o,
        Err(c) => return super::bad_option(k, p, c),
    };
    let Some(arg) = opts.operands.first() else {
        k.err(p, "Usage: readlink [-fnv] FILE\n");
        return 1;
    };
    let path = p.path(arg);
    let found = if opts.has('f') || opts.has('e') {
        canonical(k, &path)
    } else {
        match k.ctx.fs.lstat(&path) {
            Ok(Node::Symlink { target }) => Some(target.clone()),
            _ => None,
        }
    };
    match found {
        Some(t) => {
            let end = if opts.has('n') { "" } else { "\n" };
            k.out(p, &format!("{t}{end}"));
            0
        }
        None => 1,
    }
}

pub fn realpath(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut status = 0;
    for arg in p.args().to_vec() {
        let path = p.path(&arg);
        match canonical(k, &path) {
            Some(real) => k.out(p, &format!("{real}\n")),
            _ => {
                let why = FsError::NotFound;
                k.err(p, &format!("realpath: {arg}: {why}\n"));
                status = 1;
            }
        }
    }
    status
}
