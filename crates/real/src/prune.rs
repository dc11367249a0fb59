//! Leftovers of a `sim --real` that was killed: mounts under its state directory, its cgroups
//! (and the processes in them), container directories the World no longer knows, build
//! sandboxes and half-written layers. Found, removed, and reported line by line.

use crate::cgroup::{remove_dirs, Layout};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The cgroup name prefix of one state directory: sessions on other state directories (tests
/// in parallel) never see each other's groups.
pub fn group_prefix(root: &Path) -> String {
    let canonical = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let digest = Sha256::digest(canonical.as_os_str().as_encoded_bytes());
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("{hex}-")
}

/// Mount points under `dir`, deepest first (from /proc/self/mountinfo).
pub fn mounts_under(dir: &Path) -> Vec<PathBuf> {
    let dir = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let text = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let mut out: Vec<PathBuf> = text
        .lines()
        .filter_map(|line| line.split(' ').nth(4))
        .map(unescape)
        .map(PathBuf::from)
        .filter(|p| p.starts_with(&dir))
        .collect();
    out.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    out.dedup();
    out
}

/// mountinfo writes space, tab, newline and backslash as octal escapes.
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 3 < bytes.len() {
            if let Some(n) = std::str::from_utf8(&bytes[i + 1..i + 4])
                .ok()
                .and_then(|digits| u8::from_str_radix(digits, 8).ok())
            {
                out.push(n);
                i += 4;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// This state directory's cgroups that exist now.
pub fn groups_of(root: &Path) -> Vec<PathBuf> {
    let prefix = group_prefix(root);
    Layout::detect()
        .existing_groups()
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
        })
        .collect()
}

/// Removes the bridge when no container (of any session) is on it: `system prune` and
/// `reset` only, so a session's own clean-up never pulls it from under another's start.
pub fn bridge() -> Vec<String> {
    if crate::net::remove_bridge_if_unused() {
        vec![format!("removed bridge {}", crate::net::BRIDGE)]
    } else {
        Vec::new()
    }
}

/// Removes what a killed run left under `root` (`<state>/real`); `containers` are the IDs the
/// World still has (their directories stay), `running` those whose main process still runs
/// under its supervisor (their cgroups and logs stay). Returns one line per thing removed.
pub fn prune(
    root: &Path,
    containers: &BTreeSet<String>,
    running: &BTreeSet<String>,
) -> Vec<String> {
    let mut report = Vec::new();
    let prefix = group_prefix(root);
    for mount in mounts_under(root) {
        match nix::mount::umount2(&mount, nix::mount::MntFlags::MNT_DETACH) {
            Ok(()) => report.push(format!("unmounted {}", mount.display())),
            Err(e) => report.push(format!("could not unmount {}: {e}", mount.display())),
        }
    }
    for group in groups_of(root) {
        let name = group
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if running.contains(name.strip_prefix(&prefix).unwrap_or("")) {
            continue;
        }
        let pids = fs::read_to_string(group.join("cgroup.procs"))
            .map(|t| t.lines().count())
            .unwrap_or(0);
        let what = match pids {
            0 => String::new(),
            1 => " and killed its 1 process".to_string(),
            n => format!(" and killed its {n} processes"),
        };
        match remove_dirs(std::slice::from_ref(&group)) {
            Ok(()) => report.push(format!("removed cgroup {}{what}", group.display())),
            Err(e) => report.push(format!("could not remove cgroup {}: {e}", group.display())),
        }
    }
    // Networks of containers not running now (a start makes them again).
    for id in crate::net::namespaces_of(&prefix) {
        if running.contains(&id) {
            continue;
        }
        let names = crate::net::Names::of(&prefix, &id);
        if crate::net::detach(&names) {
            report.push(format!(
                "removed network namespace {} and veth {}",
                names.netns, names.veth
            ));
        }
    }
    let mut dirs = Vec::new();
    if let Ok(entries) = fs::read_dir(root.join("containers")) {
        for entry in entries.flatten() {
            let id = entry.file_name().to_string_lossy().into_owned();
            if !containers.contains(&id) {
                dirs.push(entry.path());
            }
        }
    }
    if let Ok(entries) = fs::read_dir(root.join("sandboxes")) {
        dirs.extend(entries.flatten().map(|e| e.path()));
    }
    // Removed directories a killed run did not get to delete (batches an `rm` may still be
    // deleting are removed here too: nothing else uses them).
    if let Ok(entries) = fs::read_dir(root) {
        dirs.extend(entries.flatten().map(|e| e.path()).filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("trash"))
        }));
    }
    if let Ok(entries) = fs::read_dir(root.join("layers")) {
        dirs.extend(
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().contains(".extracting-")),
        );
    }
    // Logs of supervised processes whose supervisor is gone (the live ones are followed).
    if let Ok(entries) = fs::read_dir(root.join("procs")) {
        for entry in entries.flatten() {
            let supervisor =
                fs::read_to_string(entry.path().join("supervisor")).unwrap_or_default();
            let alive = !supervisor.trim().is_empty()
                && Path::new("/proc").join(supervisor.trim()).exists();
            if !alive {
                dirs.push(entry.path());
            }
        }
    }
    dirs.sort();
    for dir in dirs {
        match fs::remove_dir_all(&dir) {
            Ok(()) => report.push(format!("removed directory {}", dir.display())),
            Err(e) => report.push(format!("could not remove {}: {e}", dir.display())),
        }
    }
    report
}
