//! What `sim --real` needs from the machine, checked before anything runs: root, overlayfs,
//! the six namespaces. A missing piece is named, never worked around.

use std::path::Path;

/// Each missing requirement, in words for the user (empty when all are there).
pub fn missing() -> Vec<String> {
    let mut missing = Vec::new();
    if !nix::unistd::geteuid().is_root() {
        missing.push(
            "root: sim --real mounts overlayfs, creates namespaces and cgroups (run it as root, e.g. with sudo)".to_string(),
        );
    }
    let filesystems = std::fs::read_to_string("/proc/filesystems").unwrap_or_default();
    if !filesystems
        .lines()
        .any(|l| l.trim_end().ends_with("\toverlay") || l.trim() == "nodev\toverlay")
    {
        missing.push(
            "overlayfs: no `overlay` in /proc/filesystems (load it with `modprobe overlay`)"
                .to_string(),
        );
    }
    let absent: Vec<&str> = ["pid", "mnt", "uts", "ipc", "net", "cgroup"]
        .into_iter()
        .filter(|ns| !Path::new("/proc/self/ns").join(ns).exists())
        .collect();
    if !absent.is_empty() {
        missing.push(format!(
            "namespaces: this kernel has no {} namespace{} (/proc/self/ns)",
            absent.join(", "),
            if absent.len() == 1 { "" } else { "s" }
        ));
    }
    missing
}

/// One message naming everything missing, or `None` when the machine can run containers.
pub fn preflight() -> Option<String> {
    let missing = missing();
    if missing.is_empty() {
        return None;
    }
    let mut text = "sim --real cannot run containers on this machine; missing:".to_string();
    for item in missing {
        text.push_str("\n  - ");
        text.push_str(&item);
    }
    Some(text)
}
