//! Package managers and their catalogue: `apk` (alpine), `apt-get`/`apt` (debian, ubuntu),
//! `pip` (python images) and `npm` (node images).
//!
//! The catalogue (crates/core/data/packages.json) holds the packages tutorials install with
//! their real versions, installed sizes and dependencies. Installing one writes its files
//! into the container (the first file carries the package's size), so `docker history` shows
//! a `RUN apk add curl` layer of the real size and the binaries the simulator runs (curl,
//! python, node, nginx) become runnable; others are files that say they are not simulated.

pub mod apk;
pub mod apt;
pub mod npm;
pub mod pip;

use crate::fs::{FsTree, Node};
use crate::program::binary_file;
use crate::program::kernel::Kernel;
use serde::Deserialize;
use std::collections::BTreeMap;

const CATALOGUE_JSON: &str = include_str!("../../../data/packages.json");

/// The packages the alpine base lists as installed (/lib/apk/db/installed).
pub const APK_BASE: &str = "P:alpine-baselayout\nV:3.6.5-r0\nI:8192\n\nP:alpine-baselayout-data\nV:3.6.5-r0\nI:28672\n\nP:alpine-keys\nV:2.4-r1\nI:163840\n\nP:apk-tools\nV:2.14.4-r1\nI:282624\n\nP:busybox\nV:1.36.1-r29\nI:954368\n\nP:busybox-binsh\nV:1.36.1-r29\nI:4096\n\nP:ca-certificates-bundle\nV:20240705-r0\nI:233472\n\nP:libcrypto3\nV:3.3.2-r1\nI:4587520\n\nP:libssl3\nV:3.3.2-r1\nI:831488\n\nP:musl\nV:1.2.5-r0\nI:663552\n\nP:musl-utils\nV:1.2.5-r0\nI:155648\n\nP:scanelf\nV:1.3.7-r2\nI:86016\n\nP:ssl_client\nV:1.36.1-r29\nI:16384\n\nP:zlib\nV:1.3.1-r1\nI:106496\n\n";

/// The packages the Debian and Ubuntu bases list as installed (/var/lib/dpkg/status).
pub const DPKG_BASE: &str = "Package: base-files\nStatus: install ok installed\nVersion: 12.4+deb12u7\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b7\n\nPackage: apt\nStatus: install ok installed\nVersion: 2.6.1\n\nPackage: libc6\nStatus: install ok installed\nVersion: 2.36-9+deb12u8\n\n";

#[derive(Deserialize, Clone)]
pub struct Package {
    pub v: String,
    pub size: String,
    #[serde(default)]
    pub deps: Vec<String>,
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// npm: how many packages the whole dependency tree adds.
    #[serde(default)]
    pub count: u32,
}

impl Package {
    pub fn bytes(&self) -> u64 {
        crate::registry::parse_size(&self.size)
    }
}

#[derive(Deserialize)]
pub struct Catalogue {
    pub apk: BTreeMap<String, Package>,
    pub deb: BTreeMap<String, Package>,
    pub pip: BTreeMap<String, Package>,
    pub npm: BTreeMap<String, Package>,
}

/// The catalogue, parsed once. A malformed data file gives an empty catalogue (a test
/// catches it), never a panic.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
    CATALOGUE.get_or_init(|| {
        serde_json::from_str(CATALOGUE_JSON).unwrap_or(Catalogue {
            apk: BTreeMap::new(),
            deb: BTreeMap::new(),
            pip: BTreeMap::new(),
            npm: BTreeMap::new(),
        })
    })
}

/// `names` and their dependencies, dependencies first, each once, skipping `installed`.
/// `Err` names the first package the catalogue does not have.
pub fn resolve(
    table: &BTreeMap<String, Package>,
    names: &[String],
    installed: &dyn Fn(&str) -> bool,
) -> Result<Vec<String>, String> {
    fn visit(
        table: &BTreeMap<String, Package>,
        name: &str,
        installed: &dyn Fn(&str) -> bool,
        out: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), String> {
        if out.iter().any(|n| n == name) || installed(name) || depth > 32 {
            return Ok(());
        }
        let package = table.get(name).ok_or_else(|| name.to_string())?;
        for dep in &package.deps {
            visit(table, dep, installed, out, depth + 1)?;
        }
        out.push(name.to_string());
        Ok(())
    }
    let mut out = Vec::new();
    for name in names {
        visit(table, name, installed, &mut out, 0)?;
    }
    Ok(out)
}

/// A file from its catalogue spec (as in images.json): `dir`, `link:T`, `file:TEXT`,
/// `bin:PROGRAM`, `data`.
pub fn node(spec: &str) -> Node {
    let (kind, rest) = spec.split_once(':').unwrap_or((spec, ""));
    match kind {
        "dir" => Node::dir(),
        "link" => Node::symlink(rest),
        "file" => Node::file(rest),
        "bin" => Node::executable(binary_file(rest)),
        _ => Node::file(Vec::new()),
    }
}

/// Writes a package's files under `root` (paths in the catalogue are absolute, or relative to
/// `root` for pip's `bin/...`), the first regular file carrying the package's size, and
/// returns the paths written.
pub fn put_files(fs: &mut FsTree, package: &Package, fallback: &str) -> Vec<String> {
    let mut written = Vec::new();
    let mut carried = false;
    let mut entries: Vec<(String, Node)> = package
        .files
        .iter()
        .map(|(path, spec)| (path.clone(), node(spec)))
        .collect();
    if entries.iter().all(|(_, n)| !matches!(n, Node::File { .. })) {
        entries.insert(0, (fallback.to_string(), Node::file(Vec::new())));
    }
    for (path, mut node) in entries {
        if !carried && matches!(node, Node::File { .. }) {
            node = node.sized(package.bytes());
            carried = true;
        }
        let _ = fs.mkdir(crate::fs::parent(&path), true);
        fs.put(&path, node);
        written.push(path);
    }
    written
}

/// Sizes as apk and pip print them.
pub fn kib(bytes: u64) -> String {
    format!("{} KiB", bytes.div_ceil(1024))
}

#[cfg(test)]
mod tests;

/// The stanzas of a package database in the container (apk's `installed`, dpkg's `status`):
/// blank-line separated groups of `Key: value` lines; none if the file is missing.
fn stanzas(k: &Kernel, path: &str) -> Vec<String> {
    let text = k
        .ctx
        .fs
        .read_file(path)
        .map(|d| String::from_utf8_lossy(d).into_owned())
        .unwrap_or_default();
    text.split("\n\n")
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// The value of the first line of `stanza` that starts with `key` (`P:`, `Package: `).
fn field(stanza: &str, key: &str) -> Option<String> {
    stanza
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .map(str::to_string)
}
