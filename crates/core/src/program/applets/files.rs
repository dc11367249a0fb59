//! File applets: cat, ls, mkdir, rmdir, touch, rm, cp, mv, ln, stat, chmod, du, find.

use super::{bad_option, parse_opts};
use crate::fs::{file_name, FsError, Node};
use crate::program::calendar::DateTime;
use crate::program::kernel::{Kernel, Proc};

/// Files every container has that the filesystem model does not store.
pub fn virtual_file(k: &Kernel, path: &str) -> Option<Vec<u8>> {
    match path {
        "/dev/null" => Some(Vec::new()),
        "/sys/fs/cgroup/memory.max" => Some(
            match k.ctx.memory_limit {
                Some(l) => format!("{l}\n"),
                None => "max\n".to_string(),
            }
            .into_bytes(),
        ),
        "/sys/fs/cgroup/memory.current" => Some(format!("{}\n", k.mem).into_bytes()),
        "/proc/sys/kernel/hostname" => Some(format!("{}\n", k.ctx.hostname).into_bytes()),
        _ => None,
    }
}

/// Reads a file for a program: virtual files, then the filesystem.
pub fn read(k: &Kernel, p: &Proc, arg: &str) -> Result<Vec<u8>, FsError> {
    let path = p.path(arg);
    if let Some(v) = virtual_file(k, &path) {
        return Ok(v);
    }
    k.ctx.fs.read_file(&path).map(<[u8]>::to_vec)
}

pub fn cat(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut files: Vec<String> = p
        .args()
        .iter()
        .filter(|a| !(a.starts_with('-') && a.len() > 1))
        .cloned()
        .collect();
    if files.is_empty() {
        files.push("-".into());
    }
    let number = p.args().iter().any(|a| a == "-n");
    let mut line_no = 0usize;
    // `-n` numbers lines across all the files, as busybox does.
    let mut emit = |k: &mut Kernel, p: &Proc, data: &[u8]| {
        if !number {
            k.out_bytes(p, data);
            return;
        }
        let mut out = Vec::new();
        for line in data.split_inclusive(|&b| b == b'\n') {
            line_no += 1;
            out.extend_from_slice(format!("{line_no:6}\t").as_bytes());
            out.extend_from_slice(line);
        }
        k.out_bytes(p, &out);
    };
    let mut status = 0;
    for f in files {
        if f == "-" {
            let data = p.stdin.take_all();
            emit(k, p, &data);
            continue;
        }
        match read(k, p, &f) {
            Ok(data) => emit(k, p, &data),
            Err(FsError::IsADirectory) => {
                k.err(p, "cat: read error: Is a directory\n");
                status = 1;
            }
            Err(e) => {
                k.err(p, &format!("cat: can't open '{f}': {e}\n"));
                status = 1;
            }
        }
    }
    status
}

pub fn mode_string(node: &Node) -> String {
    let (kind, mode) = match node {
        Node::File { mode, .. } => ('-', *mode),
        Node::Dir { mode } => ('d', *mode),
        Node::Symlink { .. } => ('l', 0o777),
    };
    let mut s = String::from(kind);
    for shift in [6u32, 3, 0] {
        let bits = (mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    s
}

fn display_size(node: &Node) -> u64 {
    match node {
        Node::Dir { .. } => 4096,
        other => other.size(),
    }
}

fn blocks_k(node: &Node) -> u64 {
    match node {
        Node::Dir { .. } => 4,
        Node::Symlink { .. } => 0,
        Node::File { .. } => node.size().div_ceil(4096) * 4,
    }
}

fn human_size(n: u64) -> String {
    if n < 1024 {
        return n.to_string();
    }
    let mut v = n as f64;
    let mut unit = 'B';
    for u in ['K', 'M', 'G', 'T'] {
        if v < 1024.0 {
            break;
        }
        v /= 1024.0;
        unit = u;
    }
    format!("{v:.1}{unit}")
}

struct LsOpts {
    all: bool,
    almost: bool,
    long: bool,
    recursive: bool,
    dir_itself: bool,
    human: bool,
    reverse: bool,
    classify: bool,
    date: String,
}

pub fn ls(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "laAR1dhrFtSCei", "") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c),
    };
    let date = DateTime::from_unix(super::sys::now(k)).strftime("%b %e %H:%M");
    let o = LsOpts {
        all: opts.has('a'),
        almost: opts.has('A'),
        long: opts.has('l'),
        recursive: opts.has('R'),
        dir_itself: opts.has('d'),
        human: opts.has('h'),
        reverse: opts.has('r'),
        classify: opts.has('F'),
        date,
    };
    let mut operands = opts.operands.clone();
    let implicit = operands.is_empty();
    if implicit {
        operands.push(".".into());
    }
    let mut status = 0;
    let mut files: Vec<(String, Node)> = Vec::new();
    let mut dirs: Vec<String> = Vec::new();
    for op in &operands {
        let path = p.path(op);
        match k.ctx.fs.lstat(&path).cloned() {
            Err(e) => {
                k.err(p, &format!("ls: {op}: {e}\n"));
                status = 1;
            }
            Ok(node) => {
                let target_is_dir = k.ctx.fs.stat(&path).is_ok_and(Node::is_dir);
                let follow = target_is_dir
                    && !(o.long && matches!(node, Node::Symlink { .. }) && !op.ends_with('/'));
                if target_is_dir && !o.dir_itself && (follow || !o.long) {
                    dirs.push(op.clone());
                } else {
                    files.push((op.clone(), node));
                }
            }
        }
    }
    let mut out = String::new();
    if !files.is_empty() {
        let cwd = p.cwd.clone();
        for (name, node) in &files {
            out.push_str(&entry_line(k, &o, &cwd, name, &p.path(name), node));
        }
    }
    let show_headers = o.recursive || operands.len() > 1;
    let mut first = files.is_empty();
    let mut queue: Vec<String> = dirs;
    if o.reverse {
        queue.reverse();
    }
    let mut visited = 0usize;
    while !queue.is_empty() {
        let dir = queue.remove(0);
        visited += 1;
        if visited > 10_000 {
            break;
        }
        if !first {
            out.push('\n');
        }
        first = false;
        if show_headers {
            out.push_str(&format!("{dir}:\n"));
        }
        let real = p.path(&dir);
        let mut entries: Vec<(String, Node)> = match k.ctx.fs.list_dir(&real) {
            Ok(e) => e,
            Err(e) => {
                k.err(p, &format!("ls: {dir}: {e}\n"));
                status = 1;
                continue;
            }
        };
        entries.retain(|(n, _)| o.all || o.almost || !n.starts_with('.'));
        if o.all {
            entries.insert(0, ("..".into(), Node::dir()));
            entries.insert(0, (".".into(), Node::dir()));
        }
        if o.reverse {
            entries.reverse();
        }
        if o.long {
            let total: u64 = entries.iter().map(|(_, n)| blocks_k(n)).sum();
            out.push_str(&format!("total {total}\n"));
        }
        let mut subdirs = Vec::new();
        for (name, node) in &entries {
            let full = crate::fs::normalize(&real, name);
            out.push_str(&entry_line(k, &o, &real, name, &full, node));
            if o.recursive && node.is_dir() && name != "." && name != ".." {
                let shown = if dir.ends_with('/') {
                    format!("{dir}{name}")
                } else {
                    format!("{dir}/{name}")
                };
                subdirs.push(shown);
            }
        }
        // Depth first, as ls -R prints.
        for (i, s) in subdirs.into_iter().enumerate() {
            queue.insert(i, s);
        }
    }
    k.out(p, &out);
    status
}

fn entry_line(k: &Kernel, o: &LsOpts, _dir: &str, name: &str, full: &str, node: &Node) -> String {
    let suffix = if o.classify {
        match node {
            Node::Dir { .. } => "/",
            Node::Symlink { .. } => "@",
            Node::File { mode, .. } if mode & 0o111 != 0 => "*",
            _ => "",
        }
    } else {
        ""
    };
    if !o.long {
        return format!("{name}{suffix}\n");
    }
    let links = match node {
        Node::Dir { .. } => {
            2 + k
                .ctx
                .fs
                .list_dir(full)
                .map(|e| e.iter().filter(|(_, n)| n.is_dir()).count())
                .unwrap_or(0)
        }
        _ => 1,
    };
    let size = if o.human {
        human_size(display_size(node))
    } else {
        display_size(node).to_string()
    };
    let link = match node {
        Node::Symlink { target } => format!(" -> {target}"),
        _ => String::new(),
    };
    format!(
        "{} {links:>4} {:<8} {:<8} {size:>9} {} {name}{suffix}{link}\n",
        mode_string(node),
        "root",
        "root",
        o.date
    )
}

pub fn mkdir(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "pv", "m") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c),
    };
    let mut status = 0;
    for d in &opts.operands {
        let path = p.path(d);
        if let Err(e) = k.ctx.fs.mkdir(&path, opts.has('p')) {
            k.err(p, &format!("mkdir: can't create directory '{d}': {e}\n"));
            status = 1;
        }
    }
    if opts.operands.is_empty() {
        k.err(p, "Usage: mkdir [-m MODE] [-p] DIRECTORY...\n");
        return 1;
    }
    status
}

pub fn rmdir(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut status = 0;
    for d in p.args().to_vec().iter().filter(|a| !a.starts_with('-')) {
        let path = p.path(d);
        let result = match k.ctx.fs.lstat(&path) {
            Ok(Node::Dir { .. }) => k.ctx.fs.remove(&path, false),
            Ok(_) => Err(FsError::NotADirectory),
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            k.err(p, &format!("rmdir: '{d}': {e}\n"));
            status = 1;
        }
    }
    status
}

pub fn touch(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "cam", "dtr") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c),
    };
    let mut status = 0;
    for f in &opts.operands {
        let path = p.path(f);
        if k.ctx.fs.exists(&path) || opts.has('c') {
            continue;
        }
        if let Err(e) = k.ctx.fs.write_file(&path, b"", true) {
            k.err(p, &format!("touch: {f}: {e}\n"));
            status = 1;
        }
    }
    status
}

pub fn rm(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "rRfiv", "") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c),
    };
    let recursive = opts.has('r') || opts.has('R');
    let force = opts.has('f');
    let mut status = 0;
    for f in &opts.operands {
        let path = p.path(f);
        match k.ctx.fs.lstat(&path) {
            Err(e) => {
                if !force {
                    k.err(p, &format!("rm: can't remove '{f}': {e}\n"));
                    status = 1;
                }
            }
            Ok(Node::Dir { .. }) if !recursive => {
                k.err(p, &format!("rm: '{f}' is a directory\n"));
                status = 1;
            }
            Ok(_) => {
                if let Err(e) = k.ctx.fs.remove(&path, recursive) {
                    k.err(p, &format!("rm: can't remove '{f}': {e}\n"));
                    status = 1;
                }
            }
        }
    }
    if opts.operands.is_empty() && !force {
        k.err(p, "Usage: rm [-irf] FILE...\n");
        return 1;
    }
    status
}

/// Where `src` goes when copied or moved to `dst` (into it when it is a directory).
fn destination(k: &Kernel, p: &Proc, src: &str, dst: &str, many: bool) -> Result<String, String> {
    let dpath = p.path(dst);
    if k.ctx.fs.stat(&dpath).is_ok_and(Node::is_dir) {
        let base = file_name(&p.path(src)).to_string();
        return Ok(crate::fs::normalize(&dpath, &base));
    }
    if many {
        return Err(format!("'{dst}' is not a directory"));
    }
    Ok(dpath)
}

pub fn cp(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "rRapfdivPLH", "") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c),
    };
    let recursive = opts.has('r') || opts.has('R') || opts.has('a');
    let Some((dst, srcs)) = opts.operands.split_last() else {
        k.err(p, "Usage: cp [-arPLHpfinlsTu] SOURCE DEST\n");
        return 1;
    };
    if srcs.is_empty() {
        k.err(p, "Usage: cp [-arPLHpfinlsTu] SOURCE DEST\n");
        return 1;
    }
    let mut status = 0;
    for s in srcs {
        let spath = p.path(s);
        let node = match k.ctx.fs.stat(&spath) {
            Ok(n) => n.clone(),
            Err(e) => {
                k.err(p, &format!("cp: can't stat '{s}': {e}\n"));
                status = 1;
                continue;
            }
        };
        if node.is_dir() && !recursive {
            k.err(p, &format!("cp: omitting directory '{s}'\n"));
            status = 1;
            continue;
        }
        let target = match destination(k, p, s, dst, srcs.len() > 1) {
            Ok(t) => t,
            Err(msg) => {
                k.err(p, &format!("cp: {msg}\n"));
                status = 1;
                continue;
            }
        };
        if let Err(e) = k.ctx.fs.copy(&spath, &target) {
            let msg = match e {
                FsError::Invalid => format!("cp: can't copy a directory '{s}' into itself\n"),
                other => format!("cp: can't create '{dst}': {other}\n"),
            };
            k.err(p, &msg);
            status = 1;
        }
    }
    status
}

pub fn mv(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "finvT", "") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c),
    };
    let Some((dst, srcs)) = opts.operands.split_last() else {
        k.err(p, "Usage: mv [-fin] SOURCE DEST\n");
        return 1;
    };
    if srcs.is_empty() {
        k.err(p, "Usage: mv [-fin] SOURCE DEST\n");
        return 1;
    }
    let mut status = 0;
    for s in srcs {
        let spath = p.path(s);
        if k.ctx.fs.lstat(&spath).is_err() {
            k.err(
                p,
                &format!("mv: can't rename '{s}': No such file or directory\n"),
            );
            status = 1;
            continue;
        }
        let target = match destination(k, p, s, dst, srcs.len() > 1) {
            Ok(t) => t,
            Err(msg) => {
                k.err(p, &format!("mv: {msg}\n"));
                status = 1;
                continue;
            }
        };
        if target == spath {
            continue;
        }
        if let Err(e) = k.ctx.fs.rename(&spath, &target) {
            k.err(p, &format!("mv: can't rename '{s}': {e}\n"));
            status = 1;
        }
    }
    status
}

pub fn ln(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "sfnv", "") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c),
    };
    let (target, link) = match opts.operands.as_slice() {
        [t] => (t.clone(), file_name(t).to_string()),
        [t, l] => (t.clone(), l.clone()),
        _ => {
            k.err(p, "Usage: ln [-sfnbtv] [-S SUF] TARGET... LINK|DIR\n");
            return 1;
        }
    };
    let mut lpath = p.path(&link);
    if k.ctx.fs.stat(&lpath).is_ok_and(Node::is_dir) && !opts.has('n') {
        lpath = crate::fs::normalize(&lpath, file_name(&target));
    }
    if opts.has('f') {
        let _ = k.ctx.fs.remove(&lpath, false);
    }
    let result = if opts.has('s') {
        k.ctx.fs.symlink(&target, &lpath)
    } else {
        let tpath = p.path(&target);
        match k.ctx.fs.stat(&tpath) {
            Ok(Node::Dir { .. }) => Err(FsError::IsADirectory),
            Ok(_) if k.ctx.fs.lstat(&lpath).is_ok() => Err(FsError::Exists),
            Ok(_) => k.ctx.fs.copy(&tpath, &lpath),
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            k.err(p, &format!("ln: {link}: {e}\n"));
            1
        }
    }
}

pub fn stat(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut status = 0;
    let when =
        DateTime::from_unix(super::sys::now(k)).strftime("%Y-%m-%d %H:%M:%S.000000000 +0000");
    let args = p.args().to_vec();
    // `-c FORMAT` (or `--format=FORMAT`): only the fields asked for.
    let format = args
        .iter()
        .position(|a| a == "-c")
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix("--format=").map(str::to_string))
        });
    let skip = args.iter().position(|a| a == "-c").map(|i| i + 1);
    let files: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with('-') && Some(*i) != skip)
        .map(|(_, a)| a)
        .collect();
    for f in files {
        let path = p.path(f);
        let node = match k.ctx.fs.lstat(&path) {
            Ok(n) => n.clone(),
            Err(e) => {
                k.err(p, &format!("stat: can't stat '{f}': {e}\n"));
                status = 1;
                continue;
            }
        };
        let kind = match node {
            Node::File { ref data, .. } if data.is_empty() => "regular empty file",
            Node::File { .. } => "regular file",
            Node::Dir { .. } => "directory",
            Node::Symlink { .. } => "symbolic link",
        };
        let mode = match node {
            Node::File { mode, .. } | Node::Dir { mode } => mode,
            Node::Symlink { .. } => 0o777,
        };
        if let Some(fmt) = &format {
            let mut out = String::new();
            let mut chars = fmt.chars();
            while let Some(c) = chars.next() {
                if c != '%' {
                    out.push(c);
                    continue;
                }
                match chars.next() {
                    Some('s') => out.push_str(&display_size(&node).to_string()),
                    Some('n') => out.push_str(f),
                    Some('a') => out.push_str(&format!("{mode:o}")),
                    Some('A') => out.push_str(&mode_string(&node)),
                    Some('F') => out.push_str(kind),
                    Some('U' | 'G') => out.push_str("root"),
                    Some('u' | 'g') => out.push('0'),
                    Some('h') => out.push('1'),
                    Some('b') => out.push_str(&(blocks_k(&node) * 2).to_string()),
                    Some('%') => out.push('%'),
                    Some(other) => {
                        out.push('?');
                        let _ = other;
                    }
                    None => out.push('%'),
                }
            }
            out.push('\n');
            k.out(p, &out);
            continue;
        }
        let name = match &node {
            Node::Symlink { target } => format!("'{f}' -> '{target}'"),
            _ => f.clone(),
        };
        let out = format!(
            "  File: {name}\n  Size: {:<10}\tBlocks: {:<10} IO Block: 4096   {kind}\nDevice: 30h/48d\tInode: 1          Links: 1\nAccess: ({mode:04o}/{})  Uid: (    0/    root)   Gid: (    0/    root)\nAccess: {when}\nModify: {when}\nChange: {when}\n",
            display_size(&node),
            blocks_k(&node) * 2,
            mode_string(&node),
        );
        k.out(p, &out);
    }
    status
}

/// Applies a chmod mode (octal or symbolic like `u+x,go-w`) to `old`.
fn apply_mode(spec: &str, old: u32, is_dir: bool) -> Option<u32> {
    if !spec.is_empty() && spec.chars().all(|c| c.is_digit(8)) {
        return u32::from_str_radix(spec, 8).ok().filter(|m| *m <= 0o7777);
    }
    let mut mode = old;
    for clause in spec.split(',') {
        let who_end = clause.find(['+', '-', '=']).unwrap_or(clause.len());
        let who = clause.get(..who_end)?;
        let mut mask = 0u32;
        for c in who.chars() {
            mask |= match c {
                'u' => 0o700,
                'g' => 0o070,
                'o' => 0o007,
                'a' => 0o777,
                _ => return None,
            };
        }
        if who.is_empty() {
            mask = 0o777;
        }
        let rest = clause.get(who_end..)?;
        let mut chars = rest.chars();
        let op = chars.next()?;
        let mut bits = 0u32;
        for c in chars {
            bits |= match c {
                'r' => 0o444,
                'w' => 0o222,
                'x' => 0o111,
                'X' if is_dir || old & 0o111 != 0 => 0o111,
                'X' => 0,
                's' | 't' => 0,
                _ => return None,
            };
        }
        let bits = bits & mask;
        mode = match op {
            '+' => mode | bits,
            '-' => mode & !bits,
            '=' => (mode & !mask) | bits,
            _ => return None,
        };
    }
    Some(mode)
}

pub fn chmod(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args: Vec<String> = p.args().iter().filter(|a| *a != "-R").cloned().collect();
    let Some((spec, files)) = args.split_first() else {
        k.err(p, "Usage: chmod [-Rcvf] MODE[,MODE]... FILE...\n");
        return 1;
    };
    let mut status = 0;
    for f in files {
        let Ok(real) = k.ctx.fs.resolve(&p.path(f), true) else {
            k.err(p, &format!("chmod: {f}: No such file or directory\n"));
            status = 1;
            continue;
        };
        let new = match k.ctx.fs.get(&real).cloned() {
            Some(file @ Node::File { mode, .. }) => {
                apply_mode(spec, mode, false).map(|m| file.with_mode(m))
            }
            Some(Node::Dir { mode }) => apply_mode(spec, mode, true).map(|m| Node::Dir { mode: m }),
            _ => {
                k.err(p, &format!("chmod: {f}: No such file or directory\n"));
                status = 1;
                continue;
            }
        };
        match new {
            Some(node) => k.ctx.fs.put(&real, node),
            None => {
                k.err(p, &format!("chmod: invalid mode '{spec}'\n"));
                return 1;
            }
        }
    }
    status
}

pub fn du(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "shacklm", "d") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c),
    };
    let mut operands = opts.operands.clone();
    if operands.is_empty() {
        operands.push(".".into());
    }
    let mut out = String::new();
    let mut status = 0;
    for op in operands {
        let path = p.path(&op);
        let Ok(real) = k.ctx.fs.resolve(&path, true) else {
            k.err(p, &format!("du: {op}: No such file or directory\n"));
            status = 1;
            continue;
        };
        let Some(node) = k.ctx.fs.get(&real) else {
            k.err(p, &format!("du: {op}: No such file or directory\n"));
            status = 1;
            continue;
        };
        let mut total = blocks_k(node);
        for (_, n) in k.ctx.fs.descendants(&real) {
            total += blocks_k(n);
        }
        let shown = if opts.has('h') {
            human_size(total * 1024)
        } else {
            total.to_string()
        };
        out.push_str(&format!("{shown}\t{op}\n"));
    }
    k.out(p, &out);
    status
}

pub fn find(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    let split = args
        .iter()
        .position(|a| a.starts_with('-'))
        .unwrap_or(args.len());
    let mut roots: Vec<String> = args.get(..split).unwrap_or(&[]).to_vec();
    if roots.is_empty() {
        roots.push(".".into());
    }
    let mut name: Option<String> = None;
    let mut kind: Option<String> = None;
    let mut rest = args.get(split..).unwrap_or(&[]).iter();
    while let Some(a) = rest.next() {
        match a.as_str() {
            "-name" => name = rest.next().cloned(),
            "-type" => kind = rest.next().cloned(),
            "-print" => {}
            other => {
                k.err(p, &format!("find: unrecognized: {other}\n"));
                return 1;
            }
        }
    }
    let mut out = String::new();
    let mut status = 0;
    for root in roots {
        let rpath = p.path(&root);
        let Ok(real) = k.ctx.fs.resolve(&rpath, true) else {
            k.err(p, &format!("find: {root}: No such file or directory\n"));
            status = 1;
            continue;
        };
        let Some(rnode) = k.ctx.fs.get(&real).cloned() else {
            k.err(p, &format!("find: {root}: No such file or directory\n"));
            status = 1;
            continue;
        };
        let mut entries: Vec<(String, Node)> = vec![(root.clone(), rnode)];
        let base = root.trim_end_matches('/').to_string();
        for (path, node) in k.ctx.fs.descendants(&real) {
            let rel = path.get(real.len()..).unwrap_or("");
            let rel = if real == "/" {
                format!("/{}", rel.trim_start_matches('/'))
            } else {
                rel.to_string()
            };
            entries.push((format!("{base}{rel}"), node.clone()));
        }
        for (shown, node) in entries {
            if let Some(n) = &name {
                if !crate::glob::fnmatch(n, file_name(&shown)) {
                    continue;
                }
            }
            if let Some(t) = &kind {
                let ok = match t.as_str() {
                    "f" => matches!(node, Node::File { .. }),
                    "d" => matches!(node, Node::Dir { .. }),
                    "l" => matches!(node, Node::Symlink { .. }),
                    _ => false,
                };
                if !ok {
                    continue;
                }
            }
            out.push_str(&shown);
            out.push('\n');
        }
    }
    k.out(p, &out);
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        assert_eq!(mode_string(&Node::file("")), "-rw-r--r--");
        assert_eq!(mode_string(&Node::dir()), "drwxr-xr-x");
        assert_eq!(mode_string(&Node::symlink("x")), "lrwxrwxrwx");
        assert_eq!(apply_mode("+x", 0o644, false), Some(0o755));
        assert_eq!(apply_mode("go-r", 0o644, false), Some(0o600));
        assert_eq!(apply_mode("u=rwx", 0o644, false), Some(0o744));
        assert_eq!(apply_mode("755", 0, false), Some(0o755));
        assert_eq!(apply_mode("z+q", 0, false), None);
        assert_eq!(apply_mode("99999", 0, false), None);
        assert_eq!(human_size(2048), "2.0K");
    }
}
