//! Finding the images of an archive: `manifest.json` (a docker archive) or `index.json` (an
//! OCI layout), each image's config and layer blobs, checked against their digests.

use super::oci_config::image_of;
use super::{invalid, ArchiveError, LoadedImage, DOCKER_MANIFEST, INDEX, MANIFEST, MAX_ENTRY};
use crate::digest::{hex_part, sha256_digest};
use crate::image::reference::Reference;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read;

/// The archive's regular files by path (`./` and leading `/` dropped). Nothing is written
/// anywhere: a hostile name can only fail to match.
fn entries(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, ArchiveError> {
    let mut files = BTreeMap::new();
    let mut archive = tar::Archive::new(bytes);
    for entry in archive.entries().map_err(|_| ArchiveError::Damaged)? {
        let mut entry = entry.map_err(|_| ArchiveError::Damaged)?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            continue;
        }
        if entry.size() > MAX_ENTRY {
            return Err(invalid("an entry is larger than 1 GiB"));
        }
        let path = entry.path_bytes();
        let path = String::from_utf8_lossy(&path)
            .trim_start_matches("./")
            .trim_start_matches('/')
            .to_string();
        let mut data = Vec::new();
        entry
            .read_to_end(&mut data)
            .map_err(|_| ArchiveError::Damaged)?;
        files.insert(path, data);
    }
    Ok(files)
}

fn parse_json(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Result<Value, ArchiveError> {
    let bytes = files
        .get(path)
        .ok_or_else(|| invalid(format!("{path}: no such file in the archive")))?;
    serde_json::from_slice(bytes).map_err(|e| invalid(format!("{path}: {e}")))
}

/// A blob named by a descriptor's digest.
fn blob<'a>(files: &'a BTreeMap<String, Vec<u8>>, digest: &str) -> Result<&'a [u8], ArchiveError> {
    let path = format!("blobs/sha256/{}", hex_part(digest));
    let bytes = files
        .get(&path)
        .ok_or_else(|| invalid(format!("{path}: no such file in the archive")))?;
    if sha256_digest(bytes) != digest {
        return Err(invalid(format!(
            "{path}: content does not match its digest"
        )));
    }
    Ok(bytes)
}

/// What a loaded image needs before it becomes one: its config bytes, layer blobs, tags.
pub(super) struct Found<'a> {
    pub(super) config: &'a [u8],
    pub(super) layers: Vec<&'a [u8]>,
    pub(super) tags: Vec<Reference>,
}

fn docker_archive<'a>(
    files: &'a BTreeMap<String, Vec<u8>>,
) -> Result<Vec<Found<'a>>, ArchiveError> {
    let manifest = parse_json(files, "manifest.json")?;
    let items = manifest
        .as_array()
        .ok_or_else(|| invalid("manifest.json: not a list"))?;
    let file = |path: &str| -> Result<&'a [u8], ArchiveError> {
        files
            .get(path.trim_start_matches("./"))
            .map(Vec::as_slice)
            .ok_or_else(|| invalid(format!("{path}: no such file in the archive")))
    };
    let mut found = Vec::new();
    for item in items {
        let config = item["Config"]
            .as_str()
            .ok_or_else(|| invalid("manifest.json: an entry has no Config"))?;
        let layers = item["Layers"]
            .as_array()
            .map(|l| l.iter().filter_map(Value::as_str).collect::<Vec<_>>())
            .unwrap_or_default();
        let tags = item["RepoTags"]
            .as_array()
            .map(|t| t.iter().filter_map(Value::as_str).collect::<Vec<_>>())
            .unwrap_or_default();
        found.push(Found {
            config: file(config)?,
            layers: layers.into_iter().map(file).collect::<Result<_, _>>()?,
            tags: tags
                .into_iter()
                .map(|t| Reference::parse(t).map_err(|e| invalid(e.to_string())))
                .collect::<Result<_, _>>()?,
        });
    }
    Ok(found)
}

/// The image manifests an OCI index lists (nested indexes followed), with their tags.
fn oci_layout<'a>(files: &'a BTreeMap<String, Vec<u8>>) -> Result<Vec<Found<'a>>, ArchiveError> {
    let index = parse_json(files, "index.json")?;
    let mut found: Vec<Found<'a>> = Vec::new();
    let mut by_manifest: BTreeMap<String, usize> = BTreeMap::new();
    let mut queue: Vec<(Value, usize)> = index["manifests"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|d| (d, 0))
        .collect();
    while let Some((desc, depth)) = queue.pop() {
        let digest = desc["digest"]
            .as_str()
            .ok_or_else(|| invalid("index.json: a descriptor has no digest"))?;
        let bytes = blob(files, digest)?;
        let document: Value =
            serde_json::from_slice(bytes).map_err(|e| invalid(format!("{digest}: {e}")))?;
        let media_type = desc["mediaType"].as_str().unwrap_or_default();
        if media_type == INDEX || document["manifests"].is_array() {
            if depth > 4 {
                return Err(invalid("indexes nested too deep"));
            }
            for d in document["manifests"]
                .as_array()
                .cloned()
                .unwrap_or_default()
            {
                queue.push((d, depth + 1));
            }
            continue;
        }
        if media_type != MANIFEST && media_type != DOCKER_MANIFEST && !media_type.is_empty() {
            continue;
        }
        let name = desc["annotations"]["io.containerd.image.name"]
            .as_str()
            .or_else(|| desc["annotations"]["org.opencontainers.image.ref.name"].as_str());
        let tag = name.and_then(|n| Reference::parse(n).ok());
        if let Some(&at) = by_manifest.get(digest) {
            found[at].tags.extend(tag);
            continue;
        }
        let config = document["config"]["digest"]
            .as_str()
            .ok_or_else(|| invalid(format!("{digest}: the manifest has no config")))?;
        let mut layers = Vec::new();
        for layer in document["layers"].as_array().cloned().unwrap_or_default() {
            let d = layer["digest"]
                .as_str()
                .ok_or_else(|| invalid(format!("{digest}: a layer has no digest")))?;
            layers.push(blob(files, d)?);
        }
        by_manifest.insert(digest.to_string(), found.len());
        found.push(Found {
            config: blob(files, config)?,
            layers,
            tags: tag.into_iter().collect(),
        });
    }
    // The index lists images in order; the queue popped them backwards.
    found.reverse();
    Ok(found)
}

/// Reads a `docker save` tarball or an OCI image layout in a tar.
pub fn read_archive(bytes: &[u8]) -> Result<Vec<LoadedImage>, ArchiveError> {
    let files = entries(bytes)?;
    let found = if files.contains_key("manifest.json") {
        docker_archive(&files)?
    } else if files.contains_key("index.json") {
        oci_layout(&files)?
    } else {
        return Err(ArchiveError::Unknown);
    };
    found.into_iter().map(image_of).collect()
}

/// The layer tars of every image in an archive, as they are (for a driver that checks them
/// before the core reads them).
pub fn layer_blobs(bytes: &[u8]) -> Result<Vec<Vec<u8>>, ArchiveError> {
    let files = entries(bytes)?;
    let found = if files.contains_key("manifest.json") {
        docker_archive(&files)?
    } else if files.contains_key("index.json") {
        oci_layout(&files)?
    } else {
        return Err(ArchiveError::Unknown);
    };
    Ok(found
        .iter()
        .flat_map(|f| f.layers.iter().map(|l| l.to_vec()))
        .collect())
}
