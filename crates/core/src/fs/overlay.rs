//! How a container's files are put together from parts, shared by the model (which draws and
//! inspects them) and the simulated host (which runs programs in them): the runtime files that
//! name the container, mounts laid over the root filesystem, and mount contents taken back out.

use super::{FsTree, Node};
use crate::{Mount, MountKind};

/// The files the runtime puts into every container (docker bind-mounts these; they never show
/// in `docker diff`).
pub fn runtime_files(hostname: &str, ip: &str) -> [(String, Node); 3] {
    [
        (
            "/etc/hostname".to_string(),
            Node::file(format!("{hostname}\n")),
        ),
        (
            "/etc/hosts".to_string(),
            Node::file(format!(
                "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n{ip}\t{hostname}\n"
            )),
        ),
        (
            "/etc/resolv.conf".to_string(),
            Node::file("nameserver 127.0.0.11\noptions ndots:0\n"),
        ),
    ]
}

/// Adds the runtime files and an empty directory at each mount point to an image's files.
/// `resolv_conf` replaces docker's resolver file (a pod's points at the cluster DNS).
pub fn container_lower(
    mut fs: FsTree,
    hostname: &str,
    ip: &str,
    resolv_conf: Option<&str>,
    mount_points: &[String],
) -> FsTree {
    for (path, node) in runtime_files(hostname, ip) {
        fs.put(&path, node);
    }
    if let Some(text) = resolv_conf {
        fs.put("/etc/resolv.conf", Node::file(text.to_string()));
    }
    for target in mount_points {
        fs.remove_subtree(target);
        fs.put(target, Node::dir());
    }
    fs
}

/// Copies the subtree at `from_dir` of `from` to `to_dir` in `to`.
pub fn graft(from: &FsTree, from_dir: &str, to: &mut FsTree, to_dir: &str) {
    for (path, node) in from.descendants(from_dir) {
        let relative = &path[if from_dir == "/" { 0 } else { from_dir.len() }..];
        to.put(&format!("{to_dir}{relative}"), node.clone());
    }
}

/// Lays each mount's files over `fs` at its path. `source` finds a mount's files: the tree and
/// the directory in it (a volume's root, or a bind's host path).
pub fn overlay_mounts<'a>(
    fs: &mut FsTree,
    mounts: &[Mount],
    source: impl Fn(MountKind, &str) -> Option<(&'a FsTree, String)>,
) {
    for m in mounts {
        fs.remove_subtree(&m.target);
        fs.put(&m.target, Node::dir());
        if let Some((tree, dir)) = source(m.kind, &m.source) {
            graft(tree, &dir, fs, &m.target);
        }
    }
}

/// Takes mount contents back out of a filesystem processes left behind, deepest mounts first
/// so a mount inside another keeps its own files. Returns each writable mount with its files
/// now; read-only mounts are dropped unchanged. `fs` keeps empty mount points.
pub fn split_mounts(fs: &mut FsTree, mounts: &[Mount]) -> Vec<(Mount, FsTree)> {
    let mut ordered = mounts.to_vec();
    crate::order::sort_by_key(&mut ordered, |m| std::cmp::Reverse(m.target.len()));
    let mut out = Vec::new();
    for m in ordered {
        let mut content = FsTree::new();
        if !m.read_only {
            graft(fs, &m.target, &mut content, "");
        }
        fs.remove_subtree(&m.target);
        fs.put(&m.target, Node::dir());
        if !m.read_only {
            out.push((m, content));
        }
    }
    out
}

/// Replaces the directory `dir` of `host` by `content`.
pub fn replace_dir(host: &mut FsTree, dir: &str, content: &FsTree) {
    let old: Vec<String> = host.descendants(dir).map(|(p, _)| p.clone()).collect();
    for p in old {
        host.remove_subtree(&p);
    }
    host.put(dir, Node::dir());
    graft(content, "/", host, dir);
}
