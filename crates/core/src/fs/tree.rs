//! An in-memory filesystem: the merged view a container or a build step sees.
//!
//! Paths are absolute, normalised strings ("/etc/hostname"); the root "/" always exists and is
//! never stored. Keys are kept in a `BTreeMap`, so a directory's children are a contiguous,
//! sorted range and every listing is deterministic.

use super::cow::Nodes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// How many symlinks one lookup may follow before giving up, as Linux does (ELOOP).
const MAX_SYMLINK_HOPS: usize = 40;

/// One filesystem entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Node {
    File {
        data: Vec<u8>,
        mode: u32,
        /// Bytes the real file has beyond `data` that the simulator does not store (a stock
        /// image's 6 MB interpreter is a short marker plus its declared size). Counted by
        /// sizes (`ls -l`, `du`, layer and image sizes), never read.
        #[serde(default, skip_serializing_if = "is_zero")]
        filler: u64,
    },
    Dir {
        mode: u32,
    },
    Symlink {
        target: String,
    },
}

impl Node {
    pub fn file(data: impl Into<Vec<u8>>) -> Node {
        Node::File {
            data: data.into(),
            mode: 0o644,
            filler: 0,
        }
    }
    pub fn executable(data: impl Into<Vec<u8>>) -> Node {
        Node::File {
            data: data.into(),
            mode: 0o755,
            filler: 0,
        }
    }
    /// This file declared `total` bytes long (at least its stored content).
    pub fn sized(self, total: u64) -> Node {
        match self {
            Node::File { data, mode, .. } => {
                let filler = total.saturating_sub(data.len() as u64);
                Node::File { data, mode, filler }
            }
            other => other,
        }
    }
    /// The same entry with other permission bits (a file keeps its content and size).
    pub fn with_mode(&self, new: u32) -> Node {
        match self {
            Node::File { data, filler, .. } => Node::File {
                data: data.clone(),
                mode: new,
                filler: *filler,
            },
            Node::Dir { .. } => Node::Dir { mode: new },
            Node::Symlink { .. } => self.clone(),
        }
    }
    pub fn dir() -> Node {
        Node::Dir { mode: 0o755 }
    }
    pub fn symlink(target: impl Into<String>) -> Node {
        Node::Symlink {
            target: target.into(),
        }
    }
    pub fn is_dir(&self) -> bool {
        matches!(self, Node::Dir { .. })
    }
    /// Bytes this entry occupies (file contents, or the link target), as `du`-like sizes count.
    pub fn size(&self) -> u64 {
        match self {
            Node::File { data, filler, .. } => data.len() as u64 + filler,
            Node::Dir { .. } => 0,
            Node::Symlink { target } => target.len() as u64,
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Errors in the words of the C library (`strerror`), because programs print them that way.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FsError {
    #[error("No such file or directory")]
    NotFound,
    #[error("Is a directory")]
    IsADirectory,
    #[error("Not a directory")]
    NotADirectory,
    #[error("File exists")]
    Exists,
    #[error("Directory not empty")]
    NotEmpty,
    #[error("Too many levels of symbolic links")]
    Loop,
    #[error("Invalid argument")]
    Invalid,
    /// A write to a read-only root (`docker run --read-only`): EROFS.
    #[error("Read-only file system")]
    ReadOnly,
}

/// Joins `path` onto `cwd` and removes `.`, `..` and repeated slashes (no symlinks followed).
pub fn normalize(cwd: &str, path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let joined_cwd = if path.starts_with('/') { "" } else { cwd };
    for part in joined_cwd.split('/').chain(path.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        "/".to_string()
    } else {
        let mut out = String::new();
        for part in parts {
            out.push('/');
            out.push_str(part);
        }
        out
    }
}

/// `path` is absolute and already what [`normalize`] would make of it (not "/" itself).
fn is_normal(path: &str) -> bool {
    path.starts_with('/')
        && path
            .split('/')
            .skip(1)
            .all(|p| !p.is_empty() && p != "." && p != "..")
}

/// The parent of a normalised path ("/" is its own parent).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// The last component of a normalised path ("" for "/").
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or("")
}

/// `child` lies strictly inside directory `dir`.
pub fn is_inside(child: &str, dir: &str) -> bool {
    if dir == "/" {
        return child != "/";
    }
    child.len() > dir.len() && child.starts_with(dir) && child.as_bytes()[dir.len()] == b'/'
}

/// Cloning is cheap once [`FsTree::freeze`] made its entries a shared base: a clone copies
/// only what changed since (see `cow.rs`). Serialized as `{"nodes": {path: entry}}`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FsTree {
    nodes: Nodes,
    /// A read-only root: only paths inside these directories can be written by the calls
    /// programs make (write, mkdir, rm, ...); `put` and the other layer operations still can.
    writable_only: Option<Vec<String>>,
}

impl Serialize for FsTree {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Entries<'a>(&'a Nodes);
        impl Serialize for Entries<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for (path, node) in self.0.iter() {
                    map.serialize_entry(path, node)?;
                }
                map.end()
            }
        }
        let mut tree = serializer.serialize_struct("FsTree", 1)?;
        tree.serialize_field("nodes", &Entries(&self.nodes))?;
        tree.end()
    }
}

impl<'de> Deserialize<'de> for FsTree {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<FsTree, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename = "FsTree")]
        struct Stored {
            nodes: BTreeMap<String, Node>,
        }
        let stored = Stored::deserialize(deserializer)?;
        let mut tree = FsTree::new();
        for (path, node) in stored.nodes {
            tree.nodes.insert(path, node);
        }
        tree.freeze();
        Ok(tree)
    }
}

impl FsTree {
    /// `const`, so that an empty context can be a `static` (scenario steps without files).
    pub const fn new() -> FsTree {
        FsTree {
            nodes: Nodes::new(),
            writable_only: None,
        }
    }

    /// Makes every entry part of the shared base, so clones of this tree (an image's files
    /// for each of its containers) copy nothing until they change something.
    pub fn freeze(&mut self) {
        self.nodes.freeze();
    }

    /// The paths where this tree and `other` may differ, in path order, when both are
    /// clones of one frozen tree (only their own changes can differ); `None` otherwise.
    pub fn changed_paths<'a>(&'a self, other: &'a FsTree) -> Option<Vec<&'a String>> {
        self.nodes.changed_keys(&other.nodes)
    }

    /// Makes the tree read-only for programs except inside `writable` (mount points).
    pub fn set_read_only(&mut self, writable: Vec<String>) {
        self.writable_only = Some(writable);
    }

    /// EROFS for a write at `real` when the tree is read-only there.
    fn check_writable(&self, real: &str) -> Result<(), FsError> {
        match &self.writable_only {
            Some(dirs) if !dirs.iter().any(|d| is_inside(real, d)) => Err(FsError::ReadOnly),
            _ => Ok(()),
        }
    }

    /// Regular files from relative names (`Dockerfile`, `src/app.py`) and their contents, each
    /// at `/<name>` with its directories: how an editor's or a lesson's files become a build
    /// context. Empty names are skipped.
    pub fn from_files<N: AsRef<str>, D: AsRef<[u8]>>(
        files: impl IntoIterator<Item = (N, D)>,
    ) -> FsTree {
        let mut tree = FsTree::new();
        for (name, data) in files {
            let name = name.as_ref().trim_matches('/');
            if !name.is_empty() {
                tree.put(&format!("/{name}"), Node::file(data.as_ref().to_vec()));
            }
        }
        tree
    }

    /// All entries in path order (the root is implicit and not listed).
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Node)> {
        self.nodes.iter()
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.len() == 0
    }

    /// The entry stored at exactly this normalised path, without following symlinks.
    pub fn get(&self, path: &str) -> Option<&Node> {
        if path == "/" {
            return Some(&ROOT);
        }
        self.nodes.get(path)
    }

    /// Follows symlinks in every component and returns the real path (which may not exist yet:
    /// only its parent has to). `follow_last` decides whether a final symlink is followed.
    pub fn resolve(&self, path: &str, follow_last: bool) -> Result<String, FsError> {
        self.walk(path, follow_last).map(|(real, _)| real)
    }

    /// [`FsTree::resolve`], with the entry at the real path when there is one: each step
    /// looks its component up once, and that lookup also says whether the next step may
    /// enter it.
    fn walk(&self, path: &str, follow_last: bool) -> Result<(String, Option<&Node>), FsError> {
        // Paths that are already normal (most: programs and $PATH lookups build them) are
        // walked as they are.
        let normalized: std::borrow::Cow<str> = if is_normal(path) {
            std::borrow::Cow::Borrowed(path)
        } else {
            std::borrow::Cow::Owned(normalize("/", path))
        };
        // Components still to walk, last first: the path's, then those of links met on the
        // way (borrowed from the tree). `current` grows and shrinks in place.
        let mut pending: Vec<&str> = normalized
            .split('/')
            .filter(|p| !p.is_empty())
            .rev()
            .collect();
        let mut current = String::with_capacity(normalized.len());
        current.push('/');
        // The entry at `current`.
        let mut at: Option<&Node> = Some(&ROOT);
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            if part == ".." {
                let up = parent(&current).len();
                current.truncate(up);
                at = self.get(&current);
                continue;
            }
            if part == "." {
                continue;
            }
            match at {
                Some(Node::Dir { .. }) => {}
                Some(_) => return Err(FsError::NotADirectory),
                None => return Err(FsError::NotFound),
            }
            let before = current.len();
            if current != "/" {
                current.push('/');
            }
            current.push_str(part);
            let is_last = pending.is_empty();
            match self.nodes.get(&current) {
                Some(Node::Symlink { target }) if follow_last || !is_last => {
                    hops += 1;
                    if hops > MAX_SYMLINK_HOPS {
                        return Err(FsError::Loop);
                    }
                    if target.starts_with('/') {
                        current.truncate(1);
                    } else {
                        current.truncate(before);
                    }
                    at = self.get(&current);
                    pending.extend(target.split('/').filter(|p| !p.is_empty()).rev());
                }
                found => at = found,
            }
        }
        Ok((current, at))
    }

    /// The entry at `path`, following symlinks.
    pub fn stat(&self, path: &str) -> Result<&Node, FsError> {
        let (_, node) = self.walk(path, true)?;
        node.ok_or(FsError::NotFound)
    }

    /// The entry at `path`, following symlinks except a final one.
    pub fn lstat(&self, path: &str) -> Result<&Node, FsError> {
        let (_, node) = self.walk(path, false)?;
        node.ok_or(FsError::NotFound)
    }

    pub fn exists(&self, path: &str) -> bool {
        self.stat(path).is_ok()
    }

    pub fn read_file(&self, path: &str) -> Result<&[u8], FsError> {
        match self.stat(path)? {
            Node::File { data, .. } => Ok(data),
            Node::Dir { .. } => Err(FsError::IsADirectory),
            Node::Symlink { .. } => Err(FsError::Loop),
        }
    }

    /// Writes (or appends to) a regular file; its directory must exist.
    pub fn write_file(&mut self, path: &str, bytes: &[u8], append: bool) -> Result<(), FsError> {
        let real = self.resolve(path, true)?;
        if real == "/" {
            return Err(FsError::IsADirectory);
        }
        self.require_dir(parent(&real))?;
        self.check_writable(&real)?;
        match self.nodes.get_mut(&real) {
            Some(Node::File { data, filler, .. }) => {
                if !append {
                    data.clear();
                    *filler = 0;
                }
                data.extend_from_slice(bytes);
                Ok(())
            }
            Some(Node::Dir { .. }) => Err(FsError::IsADirectory),
            Some(Node::Symlink { .. }) => Err(FsError::Loop),
            None => {
                self.nodes.insert(real, Node::file(bytes.to_vec()));
                Ok(())
            }
        }
    }

    /// Creates a directory; with `parents`, also its missing ancestors, and an existing
    /// directory is no error (`mkdir -p`).
    pub fn mkdir(&mut self, path: &str, parents: bool) -> Result<(), FsError> {
        if parents {
            if self.writable_only.is_some() && !self.stat(path).is_ok_and(Node::is_dir) {
                self.check_writable(&normalize("/", path))?;
            }
            return match self.ensure_dirs(&normalize("/", path)) {
                Err(FsError::NotADirectory) if self.stat(path).is_ok() => Err(FsError::Exists),
                other => other,
            };
        }
        let real = self.resolve(path, true)?;
        if self.get(&real).is_some() {
            return Err(FsError::Exists);
        }
        self.require_dir(parent(&real))?;
        self.check_writable(&real)?;
        self.nodes.insert(real, Node::dir());
        Ok(())
    }

    /// Removes an entry (a symlink itself, not its target). A non-empty directory needs
    /// `recursive`.
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), FsError> {
        let real = self.resolve(path, false)?;
        if real == "/" {
            return Err(FsError::Invalid);
        }
        if self.nodes.contains_key(&real) {
            self.check_writable(&real)?;
        }
        match self.nodes.get(&real) {
            None => Err(FsError::NotFound),
            Some(Node::Dir { .. }) => {
                let has_children = self.children(&real).next().is_some();
                if has_children && !recursive {
                    return Err(FsError::NotEmpty);
                }
                self.remove_subtree(&real);
                Ok(())
            }
            Some(_) => {
                self.nodes.remove(&real);
                Ok(())
            }
        }
    }

    /// The direct children of a directory, sorted by name.
    pub fn list_dir(&self, path: &str) -> Result<Vec<(String, Node)>, FsError> {
        let real = self.resolve(path, true)?;
        match self.get(&real) {
            Some(Node::Dir { .. }) => Ok(self
                .children(&real)
                .map(|(p, n)| (file_name(p).to_string(), n.clone()))
                .collect()),
            Some(_) => Err(FsError::NotADirectory),
            None => Err(FsError::NotFound),
        }
    }

    /// The names in the directory at `path`, sorted, without copying its entries.
    pub fn entry_names(&self, path: &str) -> Result<Vec<&str>, FsError> {
        let real = self.resolve(path, true)?;
        match self.get(&real) {
            Some(Node::Dir { .. }) => Ok(self.children(&real).map(|(p, _)| file_name(p)).collect()),
            Some(_) => Err(FsError::NotADirectory),
            None => Err(FsError::NotFound),
        }
    }

    pub fn symlink(&mut self, target: &str, link: &str) -> Result<(), FsError> {
        let real = self.resolve(link, false)?;
        if self.get(&real).is_some() {
            return Err(FsError::Exists);
        }
        self.require_dir(parent(&real))?;
        self.check_writable(&real)?;
        self.nodes.insert(real, Node::symlink(target));
        Ok(())
    }

    /// Copies the subtree at `from` (symlinks followed at `from` itself) to `to`, replacing what
    /// was there.
    pub fn copy(&mut self, from: &str, to: &str) -> Result<(), FsError> {
        let src = self.resolve(from, true)?;
        let node = self.get(&src).cloned().ok_or(FsError::NotFound)?;
        let dst = self.resolve(to, false)?;
        if dst == src || is_inside(&dst, &src) {
            return Err(FsError::Invalid);
        }
        self.require_dir(parent(&dst))?;
        self.check_writable(&dst)?;
        let subtree: Vec<(String, Node)> = self
            .descendants(&src)
            .map(|(p, n)| (format!("{dst}{}", &p[src.len()..]), n.clone()))
            .collect();
        self.remove_subtree(&dst);
        self.nodes.insert(dst, node);
        for (path, node) in subtree {
            self.nodes.insert(path, node);
        }
        Ok(())
    }

    /// Moves an entry and everything below it.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), FsError> {
        let src = self.resolve(from, false)?;
        if self.get(&src).is_none() || src == "/" {
            return Err(FsError::NotFound);
        }
        let dst = self.resolve(to, false)?;
        if is_inside(&dst, &src) {
            return Err(FsError::Invalid);
        }
        self.require_dir(parent(&dst))?;
        self.check_writable(&src)?;
        self.check_writable(&dst)?;
        let moved: Vec<(String, Node)> = std::iter::once(&src)
            .filter_map(|p| self.nodes.get(p).map(|n| (p.clone(), n.clone())))
            .chain(self.descendants(&src).map(|(p, n)| (p.clone(), n.clone())))
            .collect();
        self.remove_subtree(&src);
        self.remove_subtree(&dst);
        for (path, node) in moved {
            self.nodes
                .insert(format!("{dst}{}", &path[src.len()..]), node);
        }
        Ok(())
    }

    /// Stores `node` at `path` exactly (no symlink resolution), creating missing parent
    /// directories. Replacing a directory by a non-directory drops what was inside it. This is
    /// how image layers and build contexts are laid down.
    pub fn put(&mut self, path: &str, node: Node) {
        let path = normalize("/", path);
        if path == "/" {
            return;
        }
        let mut ancestor = String::new();
        for part in parent(&path).split('/').filter(|p| !p.is_empty()) {
            ancestor.push('/');
            ancestor.push_str(part);
            match self.nodes.get(&ancestor) {
                Some(Node::Dir { .. }) => {}
                _ => {
                    self.remove_subtree(&ancestor);
                    self.nodes.insert(ancestor.clone(), Node::dir());
                }
            }
        }
        if !node.is_dir() {
            self.remove_subtree(&path);
        }
        self.nodes.insert(path, node);
    }

    /// Removes the entry at exactly `path` and everything below it; absent paths are fine.
    pub fn remove_subtree(&mut self, path: &str) {
        self.nodes.remove(path);
        let inside: Vec<String> = self.descendants(path).map(|(p, _)| p.clone()).collect();
        for p in inside {
            self.nodes.remove(&p);
        }
    }

    /// Everything strictly below `dir`, in path order.
    pub fn descendants<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a String, &'a Node)> {
        let prefix = if dir == "/" {
            "/".to_string()
        } else {
            format!("{dir}/")
        };
        self.nodes
            .range_from(&prefix)
            .take_while(move |(p, _)| p.starts_with(&prefix))
    }

    /// Total bytes of file contents and link targets.
    pub fn total_size(&self) -> u64 {
        self.nodes.iter().map(|(_, n)| n.size()).sum()
    }

    fn children<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a String, &'a Node)> {
        let depth = if dir == "/" { 0 } else { dir.len() };
        self.descendants(dir)
            .filter(move |(p, _)| !p[depth + 1..].contains('/'))
    }

    fn require_dir(&self, path: &str) -> Result<(), FsError> {
        match self.get(path) {
            Some(Node::Dir { .. }) => Ok(()),
            Some(_) => Err(FsError::NotADirectory),
            None => Err(FsError::NotFound),
        }
    }

    fn ensure_dirs(&mut self, path: &str) -> Result<(), FsError> {
        let mut current = String::new();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            current.push('/');
            current.push_str(part);
            match self.stat(&current) {
                Ok(Node::Dir { .. }) => {
                    current = self.resolve(&current, true)?;
                }
                Ok(_) => return Err(FsError::NotADirectory),
                Err(FsError::NotFound) => {
                    self.nodes.insert(current.clone(), Node::dir());
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

static ROOT: Node = Node::Dir { mode: 0o755 };

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> FsTree {
        let mut fs = FsTree::new();
        fs.put("/bin/busybox", Node::executable("elf"));
        fs.put("/bin/sh", Node::symlink("busybox"));
        fs.put("/etc/hostname", Node::file("box\n"));
        fs.put("/usr/lib", Node::dir());
        fs.put("/lib", Node::symlink("/usr/lib"));
        fs
    }

    #[test]
    fn normalize_handles_dots_and_slashes() {
        assert_eq!(normalize("/app", "x/../y//z/."), "/app/y/z");
        assert_eq!(normalize("/app", "/etc/../.."), "/");
        assert_eq!(normalize("/", "a"), "/a");
    }

    #[test]
    fn symlinks_resolve_relative_and_absolute() {
        let fs = sample();
        assert_eq!(fs.read_file("/bin/sh").unwrap(), b"elf");
        assert_eq!(fs.resolve("/lib/x", true).unwrap(), "/usr/lib/x");
        assert!(matches!(fs.lstat("/bin/sh"), Ok(Node::Symlink { .. })));
    }

    #[test]
    fn symlink_loop_is_an_error() {
        let mut fs = FsTree::new();
        fs.put("/a", Node::symlink("/b"));
        fs.put("/b", Node::symlink("/a"));
        assert_eq!(fs.stat("/a"), Err(FsError::Loop));
    }

    #[test]
    fn write_needs_parent_and_appends() {
        let mut fs = sample();
        assert_eq!(
            fs.write_file("/nope/x", b"1", false),
            Err(FsError::NotFound)
        );
        fs.write_file("/etc/hostname", b"more\n", true).unwrap();
        assert_eq!(fs.read_file("/etc/hostname").unwrap(), b"box\nmore\n");
        fs.write_file("/lib/libc.so", b"c", false).unwrap();
        assert!(fs.get("/usr/lib/libc.so").is_some());
    }

    #[test]
    fn listing_is_sorted_and_direct_only() {
        let mut fs = sample();
        fs.put("/etc/b/deep", Node::file(""));
        fs.put("/etc/a", Node::file(""));
        let names: Vec<String> = fs
            .list_dir("/etc")
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["a", "b", "hostname"]);
        let root: Vec<String> = fs
            .list_dir("/")
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(root, ["bin", "etc", "lib", "usr"]);
    }

    #[test]
    fn remove_refuses_non_empty_dir_without_recursive() {
        let mut fs = sample();
        assert_eq!(fs.remove("/etc", false), Err(FsError::NotEmpty));
        fs.remove("/etc", true).unwrap();
        assert!(!fs.exists("/etc/hostname"));
        fs.remove("/lib", false).unwrap();
        assert!(fs.exists("/usr/lib"), "removing a symlink keeps its target");
    }

    #[test]
    fn copy_and_rename_move_subtrees() {
        let mut fs = sample();
        fs.copy("/etc", "/etc2").unwrap();
        assert_eq!(fs.read_file("/etc2/hostname").unwrap(), b"box\n");
        fs.rename("/etc2", "/srv").unwrap();
        assert!(fs.exists("/srv/hostname") && !fs.exists("/etc2"));
        assert_eq!(fs.copy("/etc", "/etc/inner"), Err(FsError::Invalid));
    }

    #[test]
    fn mkdir_parents() {
        let mut fs = sample();
        assert_eq!(fs.mkdir("/a/b", false), Err(FsError::NotFound));
        fs.mkdir("/a/b", true).unwrap();
        fs.mkdir("/a/b", true).unwrap();
        assert_eq!(fs.mkdir("/a/b", false), Err(FsError::Exists));
        fs.mkdir("/lib/deeper/x", true).unwrap();
        assert!(fs.get("/usr/lib/deeper/x").is_some());
    }
}
