//! `gzip`, `gunzip` and `zcat`: files replaced by their compressed form and back, or through
//! standard input and output (`-c`).

use super::files::read;
use crate::program::deflate;
use crate::program::kernel::{Kernel, Proc, HELD_CAP};

pub fn gzip(k: &mut Kernel, p: &mut Proc) -> i32 {
    let name = p.name().to_string();
    let flags: String = p
        .args()
        .iter()
        .filter(|a| a.starts_with('-') && a.len() > 1)
        .flat_map(|a| a.chars().skip(1))
        .collect();
    let decompress = name != "gzip" || flags.contains('d');
    let to_stdout = name == "zcat" || flags.contains('c');
    let keep = flags.contains('k');
    let who = if decompress && name == "gzip" {
        "gzip"
    } else {
        name.as_str()
    };
    let files: Vec<String> = p
        .args()
        .iter()
        .filter(|a| !(a.starts_with('-') && a.len() > 1))
        .cloned()
        .collect();
    let convert = |data: &[u8], file: Option<&str>| -> Result<Vec<u8>, String> {
        if decompress {
            deflate::gunzip(data, HELD_CAP as usize)
        } else {
            Ok(deflate::gzip(data, file))
        }
    };
    if files.is_empty() || files == ["-"] {
        let data = p.stdin.take_all();
        k.work(data.len() as u64 * 4);
        return match convert(&data, None) {
            Ok(out) => {
                k.out_bytes(p, &out);
                0
            }
            Err(e) => {
                k.err(p, &format!("{who}: {e}\n"));
                1
            }
        };
    }
    let mut status = 0;
    for f in files {
        let data = match read(k, p, &f) {
            Ok(d) => d,
            Err(e) => {
                k.err(p, &format!("{who}: {f}: {e}\n"));
                status = 1;
                continue;
            }
        };
        k.work(data.len() as u64 * 4);
        let base = crate::fs::file_name(&f).to_string();
        let out = match convert(&data, Some(&base)) {
            Ok(o) => o,
            Err(e) => {
                k.err(p, &format!("{who}: {e}\n"));
                status = 1;
                continue;
            }
        };
        if to_stdout {
            k.out_bytes(p, &out);
            continue;
        }
        let target = if decompress {
            match f.strip_suffix(".gz").or_else(|| f.strip_suffix(".tgz")) {
                Some(stem) if f.ends_with(".tgz") => format!("{stem}.tar"),
                Some(stem) => stem.to_string(),
                None => {
                    k.err(p, &format!("{who}: {f}: unknown suffix - ignored\n"));
                    status = 1;
                    continue;
                }
            }
        } else {
            format!("{f}.gz")
        };
        let mode = match k.ctx.fs.stat(&p.path(&f)) {
            Ok(crate::fs::Node::File { mode, .. }) => *mode,
            _ => 0o644,
        };
        let target_path = p.path(&target);
        if k.ctx.fs.exists(&target_path) {
            k.err(p, &format!("{who}: can't open '{target}': File exists\n"));
            status = 1;
            continue;
        }
        k.ctx.fs.put(
            &target_path,
            crate::fs::Node::File {
                data: out,
                mode,
                filler: 0,
            },
        );
        if !keep {
            let _ = k.ctx.fs.remove(&p.path(&f), false);
        }
    }
    status
}
