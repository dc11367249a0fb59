//! apt-get and apt (Debian, Ubuntu): `update` fills /var/lib/apt/lists with the indexes (about
//! 19 MB on bookworm, which is why Dockerfiles remove them in the same RUN), `install`,
//! `remove`/`purge`, `clean`, in apt's words.

use super::{catalogue, field, put_files, resolve, stanzas};
use crate::fs::Node;
use crate::output::human_size;
use crate::program::kernel::{Kernel, Proc};

const STATUS: &str = "/var/lib/dpkg/status";
const LISTS: &str = "/var/lib/apt/lists";

/// The index files `apt-get update` writes, with their sizes (lz4-compressed, as the Debian
/// images configure apt), per distribution.
fn indexes(ubuntu: bool) -> &'static [(&'static str, &'static str, u64)] {
    if ubuntu {
        &[
            (
                "http://archive.ubuntu.com/ubuntu noble InRelease",
                "archive.ubuntu.com_ubuntu_dists_noble_InRelease",
                256_000,
            ),
            (
                "http://archive.ubuntu.com/ubuntu noble/main amd64 Packages",
                "archive.ubuntu.com_ubuntu_dists_noble_main_binary-amd64_Packages.lz4",
                6_900_000,
            ),
            (
                "http://archive.ubuntu.com/ubuntu noble/universe amd64 Packages",
                "archive.ubuntu.com_ubuntu_dists_noble_universe_binary-amd64_Packages.lz4",
                32_200_000,
            ),
            (
                "http://security.ubuntu.com/ubuntu noble-security InRelease",
                "security.ubuntu.com_ubuntu_dists_noble-security_InRelease",
                126_000,
            ),
            (
                "http://security.ubuntu.com/ubuntu noble-security/main amd64 Packages",
                "security.ubuntu.com_ubuntu_dists_noble-security_main_binary-amd64_Packages.lz4",
                1_100_000,
            ),
        ]
    } else {
        &[
            ("http://deb.debian.org/debian bookworm InRelease", "deb.debian.org_debian_dists_bookworm_InRelease", 151_000),
            ("http://deb.debian.org/debian bookworm-updates InRelease", "deb.debian.org_debian_dists_bookworm-updates_InRelease", 55_400),
            ("http://deb.debian.org/debian-security bookworm-security InRelease", "deb.debian.org_debian-security_dists_bookworm-security_InRelease", 48_000),
            ("http://deb.debian.org/debian bookworm/main amd64 Packages", "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4", 18_800_000),
            ("http://deb.debian.org/debian bookworm-updates/main amd64 Packages", "deb.debian.org_debian_dists_bookworm-updates_main_binary-amd64_Packages.lz4", 27_000),
            ("http://deb.debian.org/debian-security bookworm-security/main amd64 Packages", "deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.lz4", 480_000),
        ]
    }
}

fn is_ubuntu(k: &Kernel) -> bool {
    k.ctx
        .fs
        .read_file("/etc/os-release")
        .is_ok_and(|d| String::from_utf8_lossy(d).contains("ID=ubuntu"))
}

fn installed(k: &Kernel) -> Vec<(String, String)> {
    stanzas(k, STATUS)
        .iter()
        .filter_map(|entry| {
            Some((
                field(entry, "Package: ")?,
                field(entry, "Version: ").unwrap_or_default(),
            ))
        })
        .collect()
}

fn write_status(k: &mut Kernel, packages: &[(String, String)]) {
    let text: String = packages
        .iter()
        .map(|(n, v)| format!("Package: {n}\nStatus: install ok installed\nVersion: {v}\n\n"))
        .collect();
    k.ctx.fs.put(STATUS, Node::file(text));
}

fn has_lists(k: &Kernel) -> bool {
    k.ctx.fs.list_dir(LISTS).is_ok_and(|entries| {
        entries
            .iter()
            .any(|(name, _)| name.ends_with("Packages.lz4"))
    })
}

const READING: &str = "Reading package lists...\n";
const BUILDING: &str = "Building dependency tree...\nReading state information...\n";

pub fn apt_get(k: &mut Kernel, p: &mut Proc) -> i32 {
    main(k, p, false)
}

/// `apt`: the same operations, with its warning about scripts.
pub fn apt(k: &mut Kernel, p: &mut Proc) -> i32 {
    k.err(
        p,
        "\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n",
    );
    main(k, p, true)
}

fn main(k: &mut Kernel, p: &mut Proc, friendly: bool) -> i32 {
    let args = p.args().to_vec();
    let yes = args
        .iter()
        .any(|a| matches!(a.as_str(), "-y" | "--yes" | "--assume-yes" | "-qy" | "-yq"));
    let words: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    let Some(command) = words.first().cloned() else {
        k.out(p, "apt 2.6.1 (amd64)\nUsage: apt-get [options] command\n");
        return 1;
    };
    let root = p.user.is_empty() || p.user == "root" || p.user == "0";
    if !root && command != "--version" {
        k.err(p, "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n");
        return 100;
    }
    let names: Vec<String> = words
        .get(1..)
        .unwrap_or(&[])
        .iter()
        .map(|n| n.split('=').next().unwrap_or(n).to_string())
        .collect();
    match command.as_str() {
        "update" => {
            let mut out = String::new();
            let mut fetched = 0;
            let _ = k.ctx.fs.mkdir(&format!("{LISTS}/partial"), true);
            for (i, (what, file, size)) in indexes(is_ubuntu(k)).iter().enumerate() {
                out.push_str(&format!(
                    "Get:{} {what} [{}]\n",
                    i + 1,
                    human_size(*size / 2)
                        .replace("MB", " MB")
                        .replace("kB", " kB")
                ));
                fetched += size / 2;
                k.ctx.fs.put(
                    &format!("{LISTS}/{file}"),
                    Node::file(Vec::new()).sized(*size),
                );
            }
            out.push_str(&format!(
                "Fetched {} in 1s\n{READING}",
                human_size(fetched)
                    .replace("MB", " MB")
                    .replace("kB", " kB")
            ));
            if friendly {
                out.push_str(&format!("{BUILDING}All packages are up to date.\n"));
            }
            k.out(p, &out);
            k.advance(2000);
            0
        }
        "install" => install(k, p, &names, yes),
        "remove" | "purge" | "autoremove" => remove(k, p, &names),
        "clean" | "autoclean" => {
            for dir in ["/var/cache/apt/archives"] {
                let debs: Vec<String> = k
                    .ctx
                    .fs
                    .list_dir(dir)
                    .map(|e| {
                        e.into_iter()
                            .filter(|(n, _)| n.ends_with(".deb"))
                            .map(|(n, _)| format!("{dir}/{n}"))
                            .collect()
                    })
                    .unwrap_or_default();
                for path in debs {
                    let _ = k.ctx.fs.remove(&path, false);
                }
            }
            for cache in [
                "/var/cache/apt/pkgcache.bin",
                "/var/cache/apt/srcpkgcache.bin",
            ] {
                let _ = k.ctx.fs.remove(cache, false);
            }
            0
        }
        "--version" => {
            k.out(p, "apt 2.6.1 (amd64)\n");
            0
        }
        other => {
            k.err(p, &format!("E: Invalid operation {other}\n"));
            100
        }
    }
}

fn install(k: &mut Kernel, p: &Proc, names: &[String], yes: bool) -> i32 {
    let table = &catalogue().deb;
    let mut out = format!("{READING}{BUILDING}");
    let have = installed(k);
    // Without an index apt knows no package at all: the classic missing `apt-get update`.
    let unknown: Vec<&String> = names
        .iter()
        .filter(|n| {
            !has_lists(k) || (!table.contains_key(*n) && !have.iter().any(|(h, _)| h == *n))
        })
        .collect();
    if let Some(first) = unknown.first() {
        k.out(p, &out);
        k.err(p, &format!("E: Unable to locate package {first}\n"));
        return 100;
    }
    let order = match resolve(table, names, &|n| have.iter().any(|(h, _)| h == n)) {
        Ok(o) => o,
        Err(missing) => {
            k.err(p, &format!("E: Unable to locate package {missing}\n"));
            return 100;
        }
    };
    for n in names.iter().filter(|n| !order.contains(n)) {
        let version = have
            .iter()
            .find(|(h, _)| h == n)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        out.push_str(&format!("{n} is already the newest version ({version}).\n"));
    }
    let extra: Vec<&String> = order.iter().filter(|n| !names.contains(n)).collect();
    let mut listed: Vec<&String> = order.iter().collect();
    crate::order::sort(&mut listed);
    if !extra.is_empty() {
        let mut extra_sorted = extra.clone();
        crate::order::sort(&mut extra_sorted);
        out.push_str(&format!(
            "The following additional packages will be installed:\n  {}\n",
            join(&extra_sorted)
        ));
    }
    if !order.is_empty() {
        out.push_str(&format!(
            "The following NEW packages will be installed:\n  {}\n",
            join(&listed)
        ));
    }
    let bytes: u64 = order
        .iter()
        .filter_map(|n| table.get(n))
        .map(|p| p.bytes())
        .sum();
    let download = bytes / 3;
    out.push_str(&format!(
        "0 upgraded, {} newly installed, 0 to remove and 0 not upgraded.\n",
        order.len()
    ));
    if order.is_empty() {
        k.out(p, &out);
        return 0;
    }
    out.push_str(&format!("Need to get {} of archives.\nAfter this operation, {} of additional disk space will be used.\n", spaced(download), spaced(bytes)));
    if !extra.is_empty() && !yes {
        // No terminal to answer the question: apt reads end-of-file and gives up.
        out.push_str("Do you want to continue? [Y/n] Abort.\n");
        k.out(p, &out);
        return 1;
    }
    let ubuntu = is_ubuntu(k);
    let (mirror, dist) = if ubuntu {
        ("http://archive.ubuntu.com/ubuntu", "noble/main")
    } else {
        ("http://deb.debian.org/debian", "bookworm/main")
    };
    for (i, name) in order.iter().enumerate() {
        if let Some(package) = table.get(name) {
            out.push_str(&format!(
                "Get:{} {mirror} {dist} amd64 {name} amd64 {} [{}]\n",
                i + 1,
                package.v,
                spaced(package.bytes() / 3)
            ));
        }
    }
    out.push_str(&format!("Fetched {} in 1s\ndebconf: delaying package configuration, since apt-utils is not installed\n", spaced(download)));
    let mut status = have.clone();
    for name in &order {
        let Some(package) = table.get(name) else {
            continue;
        };
        out.push_str(&format!("Selecting previously unselected package {name}.\nPreparing to unpack .../{name}_{}_amd64.deb ...\nUnpacking {name} ({}) ...\n", package.v, package.v));
        put_files(
            k.ctx.fs,
            package,
            &format!("/usr/share/doc/{name}/copyright"),
        );
        status.push((name.clone(), package.v.clone()));
    }
    for name in &order {
        if let Some(package) = table.get(name) {
            out.push_str(&format!("Setting up {name} ({}) ...\n", package.v));
        }
    }
    write_status(k, &status);
    k.out(p, &out);
    k.advance(1000 + 300 * order.len() as u64);
    0
}

fn remove(k: &mut Kernel, p: &Proc, names: &[String]) -> i32 {
    let table = &catalogue().deb;
    let mut status = installed(k);
    let mut out = format!("{READING}{BUILDING}");
    for n in names {
        if !status.iter().any(|(s, _)| s == n) {
            out.push_str(&format!("Package '{n}' is not installed, so not removed\n"));
        }
    }
    let gone: Vec<(String, String)> = status
        .iter()
        .filter(|(s, _)| names.contains(s))
        .cloned()
        .collect();
    if !gone.is_empty() {
        let list: Vec<&String> = gone.iter().map(|(n, _)| n).collect();
        out.push_str(&format!(
            "The following packages will be REMOVED:\n  {}\n",
            join(&list)
        ));
    }
    out.push_str(&format!(
        "0 upgraded, 0 newly installed, {} to remove and 0 not upgraded.\n",
        gone.len()
    ));
    for (name, version) in &gone {
        out.push_str(&format!("Removing {name} ({version}) ...\n"));
        if let Some(package) = table.get(name) {
            for path in package.files.keys() {
                let _ = k.ctx.fs.remove(path, false);
            }
        }
    }
    status.retain(|(s, _)| !names.contains(s));
    write_status(k, &status);
    k.out(p, &out);
    0
}

fn join(names: &[&String]) -> String {
    names
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// apt's sizes: "4012 kB", "10.5 MB".
fn spaced(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{} kB", bytes.div_ceil(1000))
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}
