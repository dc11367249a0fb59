//! Layers and their digests, as the OCI image spec defines them.
//!
//! A layer's `diff_id` is the sha256 of its uncompressed tar. The tar here is canonical (sorted
//! paths, mtime 0, uid/gid 0, no user names), so the same content always gives the same digest,
//! in the simulator and in a real build that writes the same canonical tar.

use super::id::DiffId;
use crate::digest::sha256_digest;
use crate::fs::{file_name, parent, Change, LayerDiff, Node};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layer {
    /// `sha256:` of the canonical tar.
    pub diff_id: DiffId,
    /// Bytes of content the layer adds.
    pub size: u64,
    pub diff: LayerDiff,
}

impl Layer {
    pub fn new(diff: LayerDiff) -> Layer {
        let diff_id = DiffId::from_digest(sha256_digest(&canonical_tar(&diff)));
        Layer {
            diff_id,
            size: diff.size(),
            diff,
        }
    }

    /// A stock layer whose real size is `declared` bytes: the simulator stores only the files
    /// lessons touch, and the rest of the real layer counts in the size without being stored.
    /// The declared size is part of the digest (a PAX global header, as `git archive` writes
    /// one), so equal files with different real sizes stay different layers.
    pub fn declared(diff: LayerDiff, declared: u64) -> Layer {
        let size = diff.size().max(declared);
        if size == diff.size() {
            return Layer::new(diff);
        }
        Layer {
            diff_id: DiffId::from_digest(sha256_digest(&declared_tar(&diff, size))),
            size,
            diff,
        }
    }

    /// The layer's tar, whose sha256 is its diff_id (what `docker save` writes).
    pub fn tar(&self) -> Vec<u8> {
        if self.size > self.diff.size() {
            declared_tar(&self.diff, self.size)
        } else {
            canonical_tar(&self.diff)
        }
    }
}

/// The canonical tar behind a PAX global header declaring the layer's real size.
fn declared_tar(diff: &LayerDiff, size: u64) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let record = pax_record("SIMULATOR.layer_size", &size.to_string());
    let mut header = tar::Header::new_ustar();
    header.set_entry_type(tar::EntryType::XGlobalHeader);
    header.set_mtime(0);
    header.set_mode(0o644);
    header.set_size(record.len() as u64);
    let _ = builder.append_data(&mut header, "pax_global_header", record.as_bytes());
    let mut bytes = builder.into_inner().unwrap_or_default();
    // The rest of the archive is the canonical tar without its end-of-archive blocks.
    let body = canonical_tar(diff);
    bytes.truncate(bytes.len().saturating_sub(1024));
    bytes.extend_from_slice(&body);
    bytes
}

/// One PAX record: "<length> <key>=<value>\n", the length counting itself.
fn pax_record(key: &str, value: &str) -> String {
    let rest = key.len() + value.len() + 3;
    let mut len = rest + 1;
    while len.to_string().len() + rest != len {
        len += 1;
    }
    format!("{len} {key}={value}\n")
}

/// The OCI ChainID of a stack of layers, bottom first: ChainID(L0) = DiffID(L0),
/// ChainID(L0..n) = sha256(ChainID(L0..n-1) + " " + DiffID(Ln)).
pub fn chain_id<'a>(diff_ids: impl IntoIterator<Item = &'a DiffId>) -> Option<String> {
    let mut chain: Option<String> = None;
    for diff_id in diff_ids {
        chain = Some(match chain {
            None => diff_id.to_string(),
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
        Node::File { data, mode, filler } => {
            // The declared size travels as a PAX record, so two files that differ only in it
            // give different digests without the simulator hashing megabytes of filler.
            if *filler > 0 {
                let total = (data.len() as u64 + filler).to_string();
                builder.append_pax_extensions([("SIMULATOR.declared_size", total.as_bytes())])?;
            }
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
    fn declared_size_counts_and_changes_the_digest() {
        let files = diff(&[("/bin/python3", "marker")]);
        let small = Layer::declared(files.clone(), 1_000);
        let big = Layer::declared(files.clone(), 60_000_000);
        assert_eq!(big.size, 60_000_000);
        assert_ne!(small.diff_id, big.diff_id);
        // Declaring less than the content is the plain layer.
        assert_eq!(Layer::declared(files.clone(), 1), Layer::new(files));
        // The archive still reads as a tar, the global header first.
        assert_eq!(pax_record("k", "v"), "6 k=v\n");
    }

    #[test]
    fn chain_id_follows_the_oci_formula() {
        let (a, b) = (sha256_digest(b"a"), sha256_digest(b"b"));
        let ids = vec![DiffId::parse(&a).unwrap(), DiffId::parse(&b).unwrap()];
        assert_eq!(chain_id(&ids[..1]), Some(a.clone()));
        assert_eq!(
            chain_id(&ids),
            Some(sha256_digest(format!("{a} {b}").as_bytes()))
        );
        assert_eq!(chain_id(&[] as &[DiffId]), None);
    }
}
