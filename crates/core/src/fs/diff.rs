//! A layer's content: the changes it makes to the filesystem below it.
//!
//! This is the OCI changeset model: added or modified entries, whiteouts for deletions, and
//! opaque directories that hide everything the lower layers had inside them.

use super::tree::{is_inside, FsTree, Node};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// The entry is added or replaced.
    Put(Node),
    /// The entry (and everything below it) is deleted: `.wh.NAME` in an OCI layer.
    Whiteout,
    /// The directory is replaced by an empty one first: `.wh..wh..opq` in an OCI layer.
    OpaqueDir { mode: u32 },
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerDiff {
    changes: BTreeMap<String, Change>,
}

/// What `docker diff` prints for one path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ChangeKind {
    Added,
    Changed,
    Deleted,
}

impl ChangeKind {
    pub fn letter(self) -> char {
        match self {
            ChangeKind::Added => 'A',
            ChangeKind::Changed => 'C',
            ChangeKind::Deleted => 'D',
        }
    }
}

impl LayerDiff {
    pub fn new() -> LayerDiff {
        LayerDiff::default()
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn len(&self) -> usize {
        self.changes.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Change)> {
        self.changes.iter()
    }

    pub fn put(&mut self, path: impl Into<String>, node: Node) {
        self.changes.insert(path.into(), Change::Put(node));
    }

    pub fn whiteout(&mut self, path: impl Into<String>) {
        self.changes.insert(path.into(), Change::Whiteout);
    }

    /// The directory is emptied of what lower layers had, then kept with `mode` (what a real
    /// host's overlayfs upper directory says with `trusted.overlay.opaque`).
    pub fn opaque(&mut self, path: impl Into<String>, mode: u32) {
        self.changes.insert(path.into(), Change::OpaqueDir { mode });
    }

    /// Bytes of content the layer adds (what `docker history` and `SIZE` columns show).
    pub fn size(&self) -> u64 {
        self.changes
            .values()
            .map(|c| match c {
                Change::Put(node) => node.size(),
                _ => 0,
            })
            .sum()
    }

    /// The changes that turn `lower` into `upper`, as overlayfs would record them in its upper
    /// directory: new and modified entries, and one whiteout per deleted top-most path.
    pub fn between(lower: &FsTree, upper: &FsTree) -> LayerDiff {
        if let Some(paths) = upper.changed_paths(lower) {
            return LayerDiff::between_paths(lower, upper, paths);
        }
        let mut diff = LayerDiff::new();
        for (path, node) in upper.iter() {
            if lower.get(path) != Some(node) {
                diff.put(path.clone(), node.clone());
            }
        }
        let mut last_deleted: Option<&String> = None;
        for (path, _) in lower.iter() {
            if upper.get(path).is_some() {
                continue;
            }
            if last_deleted.is_some_and(|dir| is_inside(path, dir)) {
                continue;
            }
            diff.whiteout(path.clone());
            last_deleted = Some(path);
        }
        diff
    }

    /// [`LayerDiff::between`] where only `paths` (in path order) can differ: the same
    /// changes, from a look at those paths alone.
    fn between_paths(lower: &FsTree, upper: &FsTree, paths: Vec<&String>) -> LayerDiff {
        let mut diff = LayerDiff::new();
        let mut last_deleted: Option<&String> = None;
        for path in paths {
            match (lower.get(path), upper.get(path)) {
                (before, Some(node)) if before != Some(node) => {
                    diff.put(path.clone(), node.clone())
                }
                (Some(_), None) if !last_deleted.is_some_and(|dir| is_inside(path, dir)) => {
                    diff.whiteout(path.clone());
                    last_deleted = Some(path);
                }
                _ => {}
            }
        }
        diff
    }

    /// Lays this layer over `tree`.
    pub fn apply_to(&self, tree: &mut FsTree) {
        for (path, change) in &self.changes {
            match change {
                Change::Put(node) => tree.put(path, node.clone()),
                Change::Whiteout => tree.remove_subtree(path),
                Change::OpaqueDir { mode } => {
                    tree.remove_subtree(path);
                    tree.put(path, Node::Dir { mode: *mode });
                }
            }
        }
    }

    /// `docker diff` lines: each changed path once, parents of changes reported as changed.
    pub fn summary(&self, lower: &FsTree) -> Vec<(ChangeKind, String)> {
        let mut kinds: BTreeMap<String, ChangeKind> = BTreeMap::new();
        for (path, change) in &self.changes {
            let kind = match change {
                Change::Whiteout => ChangeKind::Deleted,
                _ if lower.get(path).is_some() => ChangeKind::Changed,
                _ => ChangeKind::Added,
            };
            // Docker reports a directory whose contents changed as changed itself.
            let mut ancestor = super::tree::parent(path);
            while ancestor != "/" {
                if lower.get(ancestor).is_some() {
                    kinds
                        .entry(ancestor.to_string())
                        .or_insert(ChangeKind::Changed);
                }
                ancestor = super::tree::parent(ancestor);
            }
            kinds.insert(path.clone(), kind);
        }
        kinds.into_iter().map(|(p, k)| (k, p)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn between_then_apply_round_trips() {
        let mut lower = FsTree::new();
        lower.put("/etc/a", Node::file("1"));
        lower.put("/etc/sub/b", Node::file("2"));
        lower.put("/keep", Node::file("k"));
        let mut upper = lower.clone();
        upper.remove("/etc/sub", true).unwrap();
        upper.write_file("/etc/a", b"changed", false).unwrap();
        upper.write_file("/new", b"n", false).unwrap();

        let diff = LayerDiff::between(&lower, &upper);
        let whiteouts: Vec<&String> = diff
            .iter()
            .filter(|(_, c)| **c == Change::Whiteout)
            .map(|(p, _)| p)
            .collect();
        assert_eq!(
            whiteouts,
            ["/etc/sub"],
            "one whiteout for a deleted directory"
        );

        let mut rebuilt = lower.clone();
        diff.apply_to(&mut rebuilt);
        assert_eq!(rebuilt, upper);
    }

    #[test]
    fn a_clone_of_a_frozen_tree_diffs_as_a_full_comparison_does() {
        let mut lower = FsTree::new();
        for path in ["/a", "/a-b", "/a/x", "/a/y/z", "/etc/passwd", "/keep"] {
            lower.put(path, Node::file(path));
        }
        let unshared = lower.clone();
        lower.freeze();
        let mut upper = lower.clone();
        upper.remove("/a", true).unwrap();
        upper.remove("/a-b", false).unwrap();
        upper.write_file("/etc/passwd", b"root", true).unwrap();
        upper.write_file("/keep", b"/keep", false).unwrap();
        upper.write_file("/new", b"n", false).unwrap();
        assert!(
            upper.changed_paths(&lower).is_some(),
            "one base: the quick path"
        );
        let mut full = FsTree::new();
        for (path, node) in upper.iter() {
            full.put(path, node.clone());
        }
        full.freeze();
        assert!(
            full.changed_paths(&unshared).is_none(),
            "no base: the full comparison"
        );
        let quick = LayerDiff::between(&lower, &upper);
        assert_eq!(quick, LayerDiff::between(&unshared, &full));
        let paths: Vec<&String> = quick.iter().map(|(p, _)| p).collect();
        // "/a-b" sorts between "/a" and "/a/x", so the full comparison whites out "/a/x" and
        // "/a/y" too; the quick path keeps that.
        assert_eq!(paths, ["/a", "/a-b", "/a/x", "/a/y", "/etc/passwd", "/new"]);
    }

    #[test]
    fn summary_marks_parents_changed() {
        let mut lower = FsTree::new();
        lower.put("/etc/a", Node::file("1"));
        let mut upper = lower.clone();
        upper.write_file("/etc/new", b"x", false).unwrap();
        upper.remove("/etc/a", false).unwrap();
        let lines = LayerDiff::between(&lower, &upper).summary(&lower);
        assert_eq!(
            lines,
            vec![
                (ChangeKind::Changed, "/etc".to_string()),
                (ChangeKind::Deleted, "/etc/a".to_string()),
                (ChangeKind::Added, "/etc/new".to_string()),
            ]
        );
    }
}
