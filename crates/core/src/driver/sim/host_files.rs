//! The files a program typed at the host's own prompt sees: the host's files (where bind
//! mounts keep their data) with the host's tools (`curl`, `wget`) and a home directory laid
//! over them. The overlay comes off again when the program ends, so only what it wrote (a
//! `curl -o page.html`) stays in the host's files.

use crate::fs::{FsTree, Node};

/// The host's tools, and the simulated binary each one is.
const TOOLS: &[(&str, &str)] = &[("/usr/bin/curl", "curl"), ("/usr/bin/wget", "busybox")];
/// Directories the overlay makes when the host's files lack them, parents first.
const DIRS: &[&str] = &["/root", "/tmp", "/usr", "/usr/bin"];

/// What the overlay covered, to take it off again.
pub(super) struct Overlay {
    /// The host's own entries at the tools' paths (normally none).
    covered: Vec<(&'static str, Option<Node>)>,
    /// Directories it made.
    made: Vec<&'static str>,
}

/// The host's files as its programs see them.
pub(super) fn lay_over(files: &FsTree) -> (FsTree, Overlay) {
    let mut fs = files.clone();
    let made: Vec<&'static str> = DIRS.iter().copied().filter(|d| !fs.exists(d)).collect();
    for dir in &made {
        fs.put(dir, Node::dir());
    }
    let mut covered = Vec::new();
    for (path, program) in TOOLS {
        covered.push((*path, fs.get(path).cloned()));
        fs.put(path, Node::executable(crate::program::binary_file(program)));
    }
    (fs, Overlay { covered, made })
}

/// The host's files after the program: the tools and the directories the overlay made (when
/// still empty) are gone, what the program wrote stays.
pub(super) fn take_off(mut fs: FsTree, overlay: Overlay) -> FsTree {
    for (path, before) in overlay.covered {
        fs.remove_subtree(path);
        if let Some(node) = before {
            fs.put(path, node);
        }
    }
    for dir in overlay.made.iter().rev() {
        if fs.descendants(dir).next().is_none() {
            fs.remove_subtree(dir);
        }
    }
    fs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_the_program_wrote_stays() {
        let mut host = FsTree::new();
        host.put("/srv/site/index.html", Node::file("hi"));
        let (mut fs, overlay) = lay_over(&host);
        assert!(fs.exists("/usr/bin/curl"));
        assert_eq!(take_off(fs.clone(), lay_over(&host).1), host);
        fs.write_file("/root/page.html", b"page", false).unwrap();
        let after = take_off(fs, overlay);
        assert_eq!(after.read_file("/root/page.html").unwrap(), b"page");
        assert!(!after.exists("/usr"));
        assert!(!after.exists("/tmp"));
    }
}
