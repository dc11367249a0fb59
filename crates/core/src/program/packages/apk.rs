//! apk, alpine's package manager: `update`, `add` (with `--no-cache`, `--update`), `del`,
//! `info`, in apk-tools' words.

use super::{catalogue, field, kib, put_files, resolve, stanzas};
use crate::fs::Node;
use crate::program::calendar::DateTime;
use crate::program::kernel::{Kernel, Proc};

const DB: &str = "/lib/apk/db/installed";
const WORLD: &str = "/etc/apk/world";
const CACHE: &str = "/var/cache/apk";
const MIRROR: &str = "https://dl-cdn.alpinelinux.org/alpine/v3.20";
/// The two indexes `apk update` keeps: main and community, at their real sizes.
const INDEXES: [(&str, &str, u64); 2] = [
    ("main", "APKINDEX.3e4ac0a7.tar.gz", 520_300),
    ("community", "APKINDEX.56c1f1ad.tar.gz", 1_400_100),
];

/// One installed package: (name, version, installed bytes, dependencies of a virtual
/// package as `apk add --virtual NAME` records them).
type Entry = (String, String, u64, Vec<String>);

/// Every installed package, in database order.
fn installed(k: &Kernel) -> Vec<Entry> {
    stanzas(k, DB)
        .iter()
        .filter_map(|entry| {
            Some((
                field(entry, "P:")?,
                field(entry, "V:").unwrap_or_default(),
                field(entry, "I:").and_then(|s| s.parse().ok()).unwrap_or(0),
                field(entry, "D:")
                    .map(|d| d.split_whitespace().map(str::to_string).collect())
                    .unwrap_or_default(),
            ))
        })
        .collect()
}

fn write_db(k: &mut Kernel, packages: &[Entry]) {
    let mut text = String::new();
    for (name, version, size, deps) in packages {
        text.push_str(&format!("P:{name}\nV:{version}\nI:{size}\n"));
        if !deps.is_empty() {
            text.push_str(&format!("D:{}\n", deps.join(" ")));
        }
        text.push('\n');
    }
    k.ctx.fs.put(DB, Node::file(text));
}

fn world(k: &Kernel) -> Vec<String> {
    k.ctx
        .fs
        .read_file(WORLD)
        .map(|d| {
            String::from_utf8_lossy(d)
                .split_whitespace()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn ok_line(packages: &[Entry]) -> String {
    let bytes: u64 = packages.iter().map(|p| p.2).sum();
    format!(
        "OK: {} MiB in {} packages\n",
        bytes.div_ceil(1024 * 1024),
        packages.len()
    )
}

fn has_index(k: &Kernel) -> bool {
    k.ctx.fs.exists(&format!("{CACHE}/{}", INDEXES[0].1))
}

fn fetch_lines() -> String {
    INDEXES
        .iter()
        .map(|(repo, _, _)| format!("fetch {MIRROR}/{repo}/x86_64/APKINDEX.tar.gz\n"))
        .collect()
}

fn store_index(k: &mut Kernel) {
    let _ = k.ctx.fs.mkdir(CACHE, true);
    for (_, file, size) in INDEXES {
        k.ctx.fs.put(
            &format!("{CACHE}/{file}"),
            Node::file(Vec::new()).sized(size),
        );
    }
}

fn not_root(k: &mut Kernel, p: &Proc) -> bool {
    if !p.user.is_empty() && p.user != "root" && p.user != "0" {
        k.err(p, "ERROR: Unable to lock database: Permission denied\nERROR: Failed to open apk database: Permission denied\n");
        return true;
    }
    false
}

pub fn main(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    let no_cache = args.iter().any(|a| a == "--no-cache");
    let update = args
        .iter()
        .any(|a| a == "--update" || a == "-U" || a == "--update-cache");
    // `--virtual NAME` (or `-t NAME`) groups what is added under one name to delete later.
    let mut words: Vec<String> = Vec::new();
    let mut virtual_name: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--virtual" || a == "-t" {
            virtual_name = it.next().cloned();
        } else if !a.starts_with('-') {
            words.push(a.clone());
        }
    }
    let Some(command) = words.first().cloned() else {
        k.out(p, "apk-tools 2.14.4, compiled for x86_64.\n\nusage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]\n");
        return 1;
    };
    let names: Vec<String> = words
        .get(1..)
        .unwrap_or(&[])
        .iter()
        .map(|n| {
            n.split(['=', '<', '>', '~'])
                .next()
                .unwrap_or(n)
                .to_string()
        })
        .collect();
    match command.as_str() {
        "update" => {
            if not_root(k, p) {
                return 99;
            }
            k.out(p, &fetch_lines());
            store_index(k);
            k.out(p, &format!("v3.20.3-178-g6b3b8b2c5f4 [{MIRROR}/main]\nv3.20.3-179-g2f0c2d9a8a1 [{MIRROR}/community]\nOK: 24163 distinct packages available\n"));
            k.advance(1000);
            0
        }
        "add" => {
            if not_root(k, p) {
                return 99;
            }
            if no_cache || update {
                k.out(p, &fetch_lines());
                if update && !no_cache {
                    store_index(k);
                }
            } else if !has_index(k) {
                // The image ships without an index: the classic first error.
                let mut msg = String::from("ERROR: unable to select packages:\n");
                for n in &names {
                    msg.push_str(&format!(
                        "  {n} (no such package):\n    required by: world[{n}]\n"
                    ));
                }
                k.err(p, &msg);
                return names.len().min(255) as i32;
            }
            add(k, p, &names, virtual_name.as_deref())
        }
        "del" => del(k, p, &names),
        "info" => {
            let packages = installed(k);
            if names.is_empty() {
                let list: String = packages
                    .iter()
                    .map(|(n, _, _, _)| format!("{n}\n"))
                    .collect();
                k.out(p, &list);
                return 0;
            }
            for n in &names {
                if let Some((name, version, size, _)) = packages.iter().find(|(pn, ..)| pn == n) {
                    k.out(
                        p,
                        &format!("{name}-{version} installed size:\n{}\n\n", kib(*size)),
                    );
                }
            }
            0
        }
        "--version" | "version" => {
            k.out(p, "apk-tools 2.14.4, compiled for x86_64.\n");
            0
        }
        other => {
            k.err(p, &format!("apk: unknown command '{other}'\n"));
            1
        }
    }
}

fn add(k: &mut Kernel, p: &Proc, names: &[String], virtual_name: Option<&str>) -> i32 {
    let table = &catalogue().apk;
    let mut packages = installed(k);
    let have: Vec<String> = packages.iter().map(|(n, ..)| n.clone()).collect();
    let unknown: Vec<&String> = names
        .iter()
        .filter(|n| !table.contains_key(*n) && !have.contains(n))
        .collect();
    if !unknown.is_empty() {
        let mut msg = String::from("ERROR: unable to select packages:\n");
        for n in &unknown {
            msg.push_str(&format!(
                "  {n} (no such package):\n    required by: world[{n}]\n"
            ));
        }
        k.err(p, &msg);
        return unknown.len().min(255) as i32;
    }
    let order = match resolve(table, names, &|n| have.iter().any(|h| h == n)) {
        Ok(o) => o,
        Err(missing) => {
            k.err(
                p,
                &format!("ERROR: unable to select packages:\n  {missing} (no such package)\n"),
            );
            return 1;
        }
    };
    let total = order.len() + usize::from(virtual_name.is_some());
    let mut out = String::new();
    for (i, name) in order.iter().enumerate() {
        let Some(package) = table.get(name) else {
            continue;
        };
        out.push_str(&format!(
            "({}/{total}) Installing {name} ({})\n",
            i + 1,
            package.v
        ));
        put_files(
            k.ctx.fs,
            package,
            &format!("/usr/share/licenses/{name}/LICENSE"),
        );
        packages.push((name.clone(), package.v.clone(), package.bytes(), Vec::new()));
    }
    // A virtual package stands for the group, so `apk del NAME` removes it all.
    let date = DateTime::from_unix(k.ctx.now_unix).strftime("%Y%m%d.%H%M%S");
    if let Some(group) = virtual_name {
        out.push_str(&format!("({total}/{total}) Installing {group} ({date})\n"));
        packages.retain(|(n, ..)| n != group);
        packages.push((group.to_string(), date, 0, names.to_vec()));
    }
    if total > 0 {
        out.push_str("Executing busybox-1.36.1-r29.trigger\n");
    }
    write_db(k, &packages);
    let mut w = world(k);
    let added = match virtual_name {
        Some(group) => vec![group.to_string()],
        None => names.to_vec(),
    };
    for n in added {
        if !w.contains(&n) {
            w.push(n);
        }
    }
    crate::order::sort(&mut w);
    k.ctx.fs.put(WORLD, Node::file(w.join("\n") + "\n"));
    out.push_str(&ok_line(&packages));
    k.out(p, &out);
    k.advance(500 * total as u64);
    0
}

fn del(k: &mut Kernel, p: &Proc, names: &[String]) -> i32 {
    if not_root(k, p) {
        return 99;
    }
    let table = &catalogue().apk;
    let mut packages = installed(k);
    let mut w = world(k);
    w.retain(|n| !names.contains(n));
    // What the remaining world still needs (a virtual package needs its group); everything
    // else that was added goes.
    let roots: Vec<String> = w
        .iter()
        .flat_map(|n| match packages.iter().find(|(pn, ..)| pn == n) {
            Some((_, _, _, deps)) if !deps.is_empty() => deps.clone(),
            _ => vec![n.clone()],
        })
        .collect();
    let needed = resolve(table, &roots, &|_| false).unwrap_or_default();
    let removable: Vec<Entry> = packages
        .iter()
        .filter(|(n, _, _, deps)| {
            let added = table.contains_key(n) || !deps.is_empty();
            added
                && !needed.contains(n)
                && !w.contains(n)
                && !super::APK_BASE.contains(&format!("P:{n}\n"))
        })
        .cloned()
        .collect();
    let mut out = String::new();
    let total = removable.len();
    for (i, (name, version, ..)) in removable.iter().rev().enumerate() {
        out.push_str(&format!("({}/{total}) Purging {name} ({version})\n", i + 1));
        if let Some(package) = table.get(name) {
            for path in package.files.keys() {
                let _ = k.ctx.fs.remove(path, false);
            }
            let _ = k
                .ctx
                .fs
                .remove(&format!("/usr/share/licenses/{name}/LICENSE"), false);
        }
    }
    packages.retain(|(n, ..)| !removable.iter().any(|r| &r.0 == n));
    write_db(k, &packages);
    k.ctx.fs.put(WORLD, Node::file(w.join("\n") + "\n"));
    out.push_str(&ok_line(&packages));
    k.out(p, &out);
    0
}
