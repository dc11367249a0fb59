//! `tar`: create (`c`), list (`t`) and extract (`x`) archives, plain or gzip-compressed, with `-f FILE`
//! (`-` for stdin/stdout), `-C DIR`, `-v`, `-O` and `-z` (gzip).

use super::files::read;
use crate::fs::Node;
use crate::program::kernel::{Kernel, Proc};
use std::io::Read;

struct Opts {
    mode: char,
    file: Option<String>,
    dir: Option<String>,
    verbose: bool,
    to_stdout: bool,
    compress: bool,
    operands: Vec<String>,
}

fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        mode: ' ',
        file: None,
        dir: None,
        verbose: false,
        to_stdout: false,
        compress: false,
        operands: Vec::new(),
    };
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        // The first word may be a bundle of letters without a dash (`tar cvf x.tar`).
        let letters = if i == 1 && !a.starts_with('-') {
            a.as_str()
        } else if let Some(l) = a.strip_prefix('-').filter(|l| !l.starts_with('-')) {
            l
        } else {
            o.operands.push(a.clone());
            continue;
        };
        for c in letters.chars() {
            match c {
                'c' | 'x' | 't' => o.mode = c,
                'v' => o.verbose = true,
                'O' => o.to_stdout = true,
                'z' | 'j' | 'J' | 'Z' | 'a' => o.compress = true,
                'f' | 'C' => {
                    let v = args.get(i).cloned().ok_or("option requires an argument")?;
                    i += 1;
                    if c == 'f' {
                        o.file = Some(v);
                    } else {
                        o.dir = Some(v);
                    }
                }
                'm' | 'o' | 'k' | 'h' | 'p' => {}
                other => return Err(format!("invalid option -- '{other}'")),
            }
        }
    }
    Ok(o)
}

fn header(node: &Node) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    h.set_mtime(0);
    h.set_uid(0);
    h.set_gid(0);
    let _ = h.set_username("root");
    let _ = h.set_groupname("root");
    match node {
        Node::File { data, mode, .. } => {
            h.set_entry_type(tar::EntryType::Regular);
            h.set_mode(*mode);
            h.set_size(data.len() as u64);
        }
        Node::Dir { mode } => {
            h.set_entry_type(tar::EntryType::Directory);
            h.set_mode(*mode);
            h.set_size(0);
        }
        Node::Symlink { .. } => {
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_mode(0o777);
            h.set_size(0);
        }
    }
    h
}

/// Adds `name` (found at `path`) and, for a directory, everything under it.
fn add(
    k: &mut Kernel,
    b: &mut tar::Builder<Vec<u8>>,
    path: &str,
    name: &str,
    names: &mut Vec<String>,
) -> std::io::Result<()> {
    let Ok(node) = k.ctx.fs.lstat(path).cloned() else {
        return Ok(());
    };
    let mut h = header(&node);
    match &node {
        Node::File { data, .. } => {
            names.push(name.to_string());
            b.append_data(&mut h, name, data.as_slice())?;
        }
        Node::Symlink { target } => {
            names.push(name.to_string());
            b.append_link(&mut h, name, target)?;
        }
        Node::Dir { .. } => {
            let dir_name = format!("{}/", name.trim_end_matches('/'));
            names.push(dir_name.clone());
            b.append_data(&mut h, &dir_name, std::io::empty())?;
            let children = k.ctx.fs.list_dir(path).unwrap_or_default();
            for (child, _) in children {
                let child_path = crate::fs::normalize(path, &child);
                add(k, b, &child_path, &format!("{dir_name}{child}"), names)?;
            }
        }
    }
    Ok(())
}

pub fn tar(k: &mut Kernel, p: &mut Proc) -> i32 {
    let o = match parse(p.args()) {
        Ok(o) => o,
        Err(e) => {
            k.err(p, &format!("tar: {e}\n"));
            return 1;
        }
    };
    if o.mode == ' ' {
        k.err(p, "tar: must specify one of -c, -x, -t\n");
        return 1;
    }
    let base = o
        .dir
        .as_deref()
        .map_or_else(|| p.cwd.clone(), |d| p.path(d));
    let archive = o.file.clone().unwrap_or_else(|| "-".into());
    if o.mode == 'c' {
        let mut b = tar::Builder::new(Vec::new());
        let mut names = Vec::new();
        let mut status = 0;
        for op in &o.operands {
            let path = crate::fs::normalize(&base, op);
            if k.ctx.fs.lstat(&path).is_err() {
                k.err(p, &format!("tar: {op}: No such file or directory\n"));
                status = 1;
                continue;
            }
            if add(k, &mut b, &path, op.trim_start_matches('/'), &mut names).is_err() {
                status = 1;
            }
        }
        let data = b.into_inner().unwrap_or_default();
        let data = if o.compress {
            crate::program::deflate::gzip(&data, None)
        } else {
            data
        };
        if o.verbose {
            let list: String = names.iter().map(|n| format!("{n}\n")).collect();
            if archive == "-" {
                k.err(p, &list);
            } else {
                k.out(p, &list);
            }
        }
        if archive == "-" {
            k.out_bytes(p, &data);
        } else if let Err(e) = k.ctx.fs.write_file(&p.path(&archive), &data, false) {
            k.err(p, &format!("tar: can't open '{archive}': {e}\n"));
            return 1;
        }
        if status != 0 {
            k.err(p, "tar: error exit delayed from previous errors\n");
        }
        return status;
    }
    let data = if archive == "-" {
        p.stdin.take_all()
    } else {
        match read(k, p, &archive) {
            Ok(d) => d,
            Err(e) => {
                k.err(p, &format!("tar: can't open '{archive}': {e}\n"));
                return 1;
            }
        }
    };
    // `z`: the archive is gzip-compressed (without it busybox reads it raw and fails).
    let data = if o.compress {
        match crate::program::deflate::gunzip(&data, crate::program::kernel::HELD_CAP as usize) {
            Ok(d) => d,
            Err(e) => {
                k.err(p, &format!("tar: {e}\n"));
                return 1;
            }
        }
    } else {
        data
    };
    let mut listing = String::new();
    let mut ar = tar::Archive::new(data.as_slice());
    let Ok(entries) = ar.entries() else {
        k.err(p, "tar: invalid tar magic\n");
        return 1;
    };
    for entry in entries {
        let Ok(mut entry) = entry else {
            k.err(p, "tar: short read\n");
            return 1;
        };
        let name = entry
            .path()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let kind = entry.header().entry_type();
        let shown = if kind.is_dir() && !name.ends_with('/') {
            format!("{name}/")
        } else {
            name.clone()
        };
        let wanted = o.operands.is_empty()
            || o.operands
                .iter()
                .any(|w| shown.trim_end_matches('/') == w.trim_end_matches('/'));
        if !wanted {
            continue;
        }
        if o.mode == 't' || o.verbose {
            listing.push_str(&shown);
            listing.push('\n');
        }
        if o.mode != 'x' {
            continue;
        }
        let mut content = Vec::new();
        let _ = entry.read_to_end(&mut content);
        if o.to_stdout {
            if kind.is_file() {
                k.out_bytes(p, &content);
            }
            continue;
        }
        let dest = crate::fs::normalize(&base, &name);
        let mode = entry.header().mode().unwrap_or(0o644);
        if kind.is_dir() {
            let _ = k.ctx.fs.mkdir(&dest, true);
        } else if kind.is_symlink() {
            let target = entry
                .link_name()
                .ok()
                .flatten()
                .map(|t| t.to_string_lossy().into_owned())
                .unwrap_or_default();
            let _ = k.ctx.fs.mkdir(crate::fs::parent(&dest), true);
            let _ = k.ctx.fs.remove(&dest, false);
            let _ = k.ctx.fs.symlink(&target, &dest);
        } else {
            let _ = k.ctx.fs.mkdir(crate::fs::parent(&dest), true);
            k.ctx.fs.put(
                &dest,
                Node::File {
                    data: content,
                    mode,
                    filler: 0,
                },
            );
        }
    }
    k.out(p, &listing);
    0
}
