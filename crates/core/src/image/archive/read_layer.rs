//! One layer tar read into the core's changes, refusing what a layer must not hold.

use super::ArchiveError;
use crate::fs::{LayerDiff, Node};
use crate::image::layer::Layer;
use std::collections::BTreeMap;
use std::io::Read;

/// An entry path as the core keeps it ("/etc/passwd"), or why it is refused.
fn clean(raw: &str) -> Result<String, String> {
    if raw.starts_with('/') {
        return Err("absolute paths are not allowed".into());
    }
    let mut parts = Vec::new();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("the path leaves the layer (`..`)".into()),
            name => parts.push(name),
        }
    }
    Ok(format!("/{}", parts.join("/")))
}

/// One layer tar as the core's changes. Links become copies of the file they name in this
/// layer; device nodes and fifos are refused (the real driver refuses them too).
pub(super) fn read_layer(bytes: &[u8], diff_id: &str) -> Result<Layer, ArchiveError> {
    let refuse = |path: &str, why: String| ArchiveError::Entry {
        layer: diff_id.to_string(),
        path: path.to_string(),
        why,
    };
    let mut diff = LayerDiff::new();
    let mut files: BTreeMap<String, Node> = BTreeMap::new();
    let mut declared: Option<u64> = None;
    let mut archive = tar::Archive::new(bytes);
    for entry in archive.entries().map_err(|_| ArchiveError::Damaged)? {
        let mut entry = entry.map_err(|_| ArchiveError::Damaged)?;
        let kind = entry.header().entry_type();
        if kind == tar::EntryType::XGlobalHeader {
            // The simulator's own declared layer size (see Layer::declared).
            let mut data = String::new();
            let _ = entry.read_to_string(&mut data);
            declared = data
                .split_once("SIMULATOR.layer_size=")
                .and_then(|(_, v)| v.trim().parse().ok());
            continue;
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let path = clean(&raw).map_err(|why| refuse(&raw, why))?;
        if path == "/" {
            continue;
        }
        let mode = entry.header().mode().unwrap_or(0o644) & 0o7777;
        let filler = entry.pax_extensions().ok().flatten().and_then(|mut exts| {
            exts.find_map(|e| {
                let e = e.ok()?;
                (e.key().ok()? == "SIMULATOR.declared_size")
                    .then(|| e.value().ok()?.parse::<u64>().ok())
                    .flatten()
            })
        });
        let (parent, name) = path.rsplit_once('/').unwrap_or(("", &path));
        let parent = if parent.is_empty() { "/" } else { parent };
        if name == ".wh..wh..opq" {
            diff.opaque(parent, 0o755);
            continue;
        }
        if let Some(hidden) = name.strip_prefix(".wh.") {
            let target = if parent == "/" {
                format!("/{hidden}")
            } else {
                format!("{parent}/{hidden}")
            };
            diff.whiteout(target);
            continue;
        }
        let node = match kind {
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                let mut data = Vec::new();
                entry
                    .read_to_end(&mut data)
                    .map_err(|_| ArchiveError::Damaged)?;
                let filler = filler.unwrap_or(0).saturating_sub(data.len() as u64);
                Node::File { data, mode, filler }
            }
            tar::EntryType::Directory => Node::Dir { mode },
            tar::EntryType::Symlink => {
                let target = entry
                    .link_name_bytes()
                    .map(|t| String::from_utf8_lossy(&t).into_owned())
                    .unwrap_or_default();
                Node::Symlink { target }
            }
            tar::EntryType::Link => {
                let target = entry
                    .link_name_bytes()
                    .map(|t| String::from_utf8_lossy(&t).into_owned())
                    .unwrap_or_default();
                let target_path = clean(&target).map_err(|why| refuse(&raw, why))?;
                files.get(&target_path).cloned().ok_or_else(|| {
                    refuse(
                        &raw,
                        format!("hard link to {target:?}, which is not a file of this layer"),
                    )
                })?
            }
            other => {
                return Err(refuse(
                    &raw,
                    format!("{other:?} entries are not allowed in a layer"),
                ))
            }
        };
        if let Node::File { .. } = node {
            files.insert(path.clone(), node.clone());
        }
        diff.put(path, node);
    }
    Ok(match declared {
        Some(size) => Layer::declared(diff, size),
        None => Layer::new(diff),
    })
}
