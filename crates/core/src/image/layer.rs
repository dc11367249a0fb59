//! Layers and their digests, as the OCI image spec defines them.
//!
//! A layer's `diff_id` is the sha256 of its uncompressed tar. The tar here is canonical (sorted
//! paths, mtime 0, uid/gid 0, no user names), so the same content always gives the same digest,
//! in the simulator and in a real build that writes the same canonical tar.

use crate::digest::sha256_digest;
use crate::fs::{file_name, parent, Change, LayerDiff, Node};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layer {
    /// `sha256:` of the canonical tar.
    pub diff_id: String,
    /// Bytes of content the layer adds.
    pub size: u64,
    pub diff: LayerDiff,
}

impl Layer {
    pub fn new(diff: LayerDiff) -> Layer {
        let diff_id = sha256_digest(&canonical_tar(&diff));
        Layer {
            diff_id,
            size: diff.size(),
            diff,
        }
    }
}

/// The OCI ChainID of a stack of layers, bottom first: ChainID(L0) = DiffID(L0),
/// ChainID(L0..n) = sha256(ChainID(L0..n-1) + " " + DiffID(Ln)).
pub fn chain_id<'a>(diff_ids: impl IntoIterator<Item = &'a String>) -> Option<String> {
    let mut chain: Option<String> = None;
    for diff_id in diff_ids {
        chain = Some(match chain {
            None => diff_id.clone(),
            Some(below) => sha256_digest(format!("{below} {diff_id}").as_bytes()),
        });
    }
    chain
}

/// The layer as an OCI layer tar: relative paths, directories with a trailing slash, deletions
/// as `.wh.NAME` files, opaque directories marked with `.wh..wh..opq`.
pub fn canonical_tar(diff: &LayerDiff) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, change) in diff.iter() {
        let relative = path.trim_start_matches('/');
        // Appending to a Vec cannot fail for I/O reasons; a name tar cannot encode is skipped
        // rather than aborting the whole layer.
        let _ = match change {
            Change::Put(node) => append_node(&mut builder, relative, node),
            Change::Whiteout => {
                let dir = parent(path).trim_start_matches('/');
                let name = format!(".wh.{}", file_name(path));
                let marker = if dir.is_empty() {
                    name
                } else {
                    format!("{dir}/{name}")
                };
                append_node(&mut builder, &marker, &Node::file(Vec::new()))
            }
            Change::OpaqueDir { mode } => {
                append_node(&mut builder, relative, &Node::Dir { mode: *mode }).and_then(|()| {
                    append_node(
                        &mut builder,
                        &format!("{relative}/.wh..wh..opq"),
                        &Node::file(Vec::new()),
                    )
                })
            }
        };
    }
    builder.into_inner().unwrap_or_default()
}

fn append_node(
    builder: &mut tar::Builder<Vec<u8>>,
    path: &str,
    node: &Node,
) -> std::io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_mtime(0);
    header.set_uid(0);
    header.set_gid(0);
    match node {
        Node::File { data, mode } => {
            header.set_entry_type(tar::EntryType::Regular);
            header.set_mode(*mode);
            header.set_size(data.len() as u64);
            builder.append_data(&mut header, path, data.as_slice())
        }
        Node::Dir { mode } => {
            header.set_entry_type(tar::EntryType::Directory);
            header.set_mode(*mode);
            header.set_size(0);
            builder.append_data(&mut header, format!("{path}/"), std::io::empty())
        }
        Node::Symlink { target } => {
            header.set_entry_type(tar::EntryType::Symlink);
            header.set_mode(0o777);
            header.set_size(0);
            builder.append_link(&mut header, path, target)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(files: &[(&str, &str)]) -> LayerDiff {
        let mut d = LayerDiff::new();
        for (p, c) in files {
            d.put(*p, Node::file(c.as_bytes().to_vec()));
        }
        d
    }

    #[test]
    fn same_content_same_digest_any_insertion_order() {
        let a = Layer::new(diff(&[("/a", "1"), ("/b", "2")]));
        let b = Layer::new(diff(&[("/b", "2"), ("/a", "1")]));
        assert_eq!(a.diff_id, b.diff_id);
        let c = Layer::new(diff(&[("/a", "1"), ("/b", "3")]));
        assert_ne!(a.diff_id, c.diff_id);
    }

    #[test]
    fn tar_reads_back_with_whiteouts() {
        let mut d = diff(&[("/etc/x", "hi")]);
        d.put("/etc", Node::dir());
        d.whiteout("/etc/old");
        let bytes = canonical_tar(&d);
        let mut archive = tar::Archive::new(bytes.as_slice());
        let mut names = Vec::new();
        for entry in archive.entries().unwrap() {
            let entry = entry.unwrap();
            assert_eq!(entry.header().mtime().unwrap(), 0);
            names.push(entry.path().unwrap().to_string_lossy().into_owned());
        }
        assert_eq!(names, ["etc/", "etc/.wh.old", "etc/x"]);
    }

    #[test]
    fn chain_id_follows_the_oci_formula() {
        let ids = vec!["sha256:a".to_string(), "sha256:b".to_string()];
        assert_eq!(chain_id(&ids[..1]), Some("sha256:a".to_string()));
        assert_eq!(chain_id(&ids), Some(sha256_digest(b"sha256:a sha256:b")));
        assert_eq!(chain_id(&[] as &[String]), None);
    }
}
