//! `docker save` / `docker load` archives. As docker 25 and later write it, one tarball is
//! both a docker archive (`manifest.json`, `repositories`) and an OCI image layout
//! (`oci-layout`, `index.json`, `blobs/sha256/...`); loading reads either.
//!
//! Layer blobs are uncompressed tars whose sha256 is the config's diff_id. A layer read back
//! becomes the core's [`LayerDiff`] and its canonical tar, so an archive this module wrote
//! loads with the same diff_ids.

use super::config::{HistoryEntry, ImageConfig, RunConfig};
use super::layer::Layer;
use super::reference::Reference;
use crate::digest::{hex_part, sha256_digest};
use crate::fs::{LayerDiff, Node};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const INDEX: &str = "application/vnd.oci.image.index.v1+json";
const CONFIG: &str = "application/vnd.oci.image.config.v1+json";
const LAYER: &str = "application/vnd.oci.image.layer.v1.tar";
const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// The largest archive entry read into memory (a layer of a real image fits well below).
const MAX_ENTRY: u64 = 1 << 30;

/// One image to save: its config, the tags to write, and its layer tars bottom first.
pub struct SaveImage {
    pub config: ImageConfig,
    pub tags: Vec<Reference>,
    pub layers: Vec<Vec<u8>>,
}

/// One image read from an archive.
#[derive(Debug)]
pub struct LoadedImage {
    pub config: ImageConfig,
    pub layers: Vec<Layer>,
    pub tags: Vec<Reference>,
}

/// Why an archive cannot be loaded, in the words docker's daemon would use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error("unexpected EOF")]
    Damaged,
    #[error("invalid archive: neither a docker archive (manifest.json) nor an OCI image layout (index.json)")]
    Unknown,
    #[error("invalid archive: {0}")]
    Invalid(String),
    #[error("invalid diffID for layer {index}: expected {expected:?}, got {actual:?}")]
    DiffId {
        index: usize,
        expected: String,
        actual: String,
    },
    #[error("layer {0}: compressed layers are not supported here (save it uncompressed)")]
    Compressed(String),
    #[error("layer {layer}: entry {path:?}: {why}")]
    Entry {
        layer: String,
        path: String,
        why: String,
    },
}

fn invalid(text: impl Into<String>) -> ArchiveError {
    ArchiveError::Invalid(text.into())
}

/// The OCI image config document of `config`, with `diff_ids` as its rootfs.
pub fn oci_config(config: &ImageConfig, diff_ids: &[String]) -> String {
    let run = &config.config;
    let mut c = Map::new();
    let keys = |set: &BTreeSet<String>| -> Value {
        Value::Object(set.iter().map(|k| (k.clone(), json!({}))).collect())
    };
    if !run.env.is_empty() {
        c.insert("Env".into(), json!(run.env));
    }
    if let Some(cmd) = &run.cmd {
        c.insert("Cmd".into(), json!(cmd));
    }
    if let Some(entrypoint) = &run.entrypoint {
        c.insert("Entrypoint".into(), json!(entrypoint));
    }
    if !run.working_dir.is_empty() {
        c.insert("WorkingDir".into(), json!(run.working_dir));
    }
    if !run.user.is_empty() {
        c.insert("User".into(), json!(run.user));
    }
    if !run.exposed_ports.is_empty() {
        c.insert("ExposedPorts".into(), keys(&run.exposed_ports));
    }
    if !run.volumes.is_empty() {
        c.insert("Volumes".into(), keys(&run.volumes));
    }
    if !run.labels.is_empty() {
        c.insert("Labels".into(), json!(run.labels));
    }
    if let Some(signal) = &run.stop_signal {
        c.insert("StopSignal".into(), json!(signal));
    }
    if let Some(shell) = &run.shell {
        c.insert("Shell".into(), json!(shell));
    }
    if !run.on_build.is_empty() {
        c.insert("OnBuild".into(), json!(run.on_build));
    }
    let history: Vec<Value> = config
        .history
        .iter()
        .map(|h| {
            let mut entry = Map::new();
            entry.insert("created".into(), json!(crate::output::rfc3339(h.created)));
            entry.insert("created_by".into(), json!(h.created_by));
            if !h.comment.is_empty() {
                entry.insert("comment".into(), json!(h.comment));
            }
            if h.empty_layer {
                entry.insert("empty_layer".into(), json!(true));
            }
            Value::Object(entry)
        })
        .collect();
    json!({
        "architecture": config.architecture,
        "os": config.os,
        "created": crate::output::rfc3339(config.created),
        "config": Value::Object(c),
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    })
    .to_string()
}

fn descriptor(media_type: &str, bytes: &[u8]) -> Value {
    json!({"mediaType": media_type, "digest": sha256_digest(bytes), "size": bytes.len()})
}

/// Blobs by digest, written once each in digest order.
#[derive(Default)]
struct Blobs(BTreeMap<String, Vec<u8>>);

impl Blobs {
    /// Keeps `bytes` and returns its path in the archive.
    fn add(&mut self, bytes: Vec<u8>) -> String {
        let digest = sha256_digest(&bytes);
        let path = format!("blobs/sha256/{}", hex_part(&digest));
        self.0.entry(digest).or_insert(bytes);
        path
    }
}

fn append(builder: &mut tar::Builder<Vec<u8>>, path: &str, data: &[u8]) {
    let mut header = tar::Header::new_ustar();
    header.set_mtime(0);
    header.set_mode(0o644);
    header.set_size(data.len() as u64);
    if path.ends_with('/') {
        header.set_entry_type(tar::EntryType::Directory);
        header.set_mode(0o755);
    }
    // Writing into a Vec cannot fail; the names here are short and ASCII.
    let _ = builder.append_data(&mut header, path, data);
}

/// The tarball `docker save` writes for `images`.
pub fn write_archive(images: &[SaveImage]) -> Vec<u8> {
    let mut blobs = Blobs::default();
    let mut index = Vec::new();
    let mut manifest = Vec::new();
    let mut repositories: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for image in images {
        let diff_ids: Vec<String> = image.layers.iter().map(|l| sha256_digest(l)).collect();
        let config = oci_config(&image.config, &diff_ids).into_bytes();
        let config_desc = descriptor(CONFIG, &config);
        let config_path = blobs.add(config);
        let mut layer_descs = Vec::new();
        let mut layer_paths = Vec::new();
        for layer in &image.layers {
            layer_descs.push(descriptor(LAYER, layer));
            layer_paths.push(blobs.add(layer.clone()));
        }
        let oci_manifest = json!({
            "schemaVersion": 2,
            "mediaType": MANIFEST,
            "config": config_desc,
            "layers": layer_descs,
        })
        .to_string()
        .into_bytes();
        let manifest_desc = descriptor(MANIFEST, &oci_manifest);
        blobs.add(oci_manifest);
        if image.tags.is_empty() {
            index.push(manifest_desc.clone());
        }
        for tag in &image.tags {
            let mut desc = manifest_desc.clone();
            desc["annotations"] = json!({
                "io.containerd.image.name": tag.qualified(),
                "org.opencontainers.image.ref.name": tag.tag,
            });
            index.push(desc);
            if let Some(top) = diff_ids.last() {
                repositories
                    .entry(tag.repository.clone())
                    .or_default()
                    .insert(tag.tag.clone(), hex_part(top).to_string());
            }
        }
        let tags: Vec<String> = image.tags.iter().map(|t| t.to_string()).collect();
        manifest.push(json!({
            "Config": config_path,
            "RepoTags": if tags.is_empty() { Value::Null } else { json!(tags) },
            "Layers": layer_paths,
        }));
    }
    let mut builder = tar::Builder::new(Vec::new());
    append(&mut builder, "blobs/", &[]);
    append(&mut builder, "blobs/sha256/", &[]);
    for (digest, bytes) in &blobs.0 {
        append(
            &mut builder,
            &format!("blobs/sha256/{}", hex_part(digest)),
            bytes,
        );
    }
    let index = json!({"schemaVersion": 2, "mediaType": INDEX, "manifests": index});
    append(&mut builder, "index.json", index.to_string().as_bytes());
    append(
        &mut builder,
        "manifest.json",
        Value::Array(manifest).to_string().as_bytes(),
    );
    append(
        &mut builder,
        "oci-layout",
        br#"{"imageLayoutVersion":"1.0.0"}"#,
    );
    if !repositories.is_empty() {
        append(
            &mut builder,
            "repositories",
            json!(repositories).to_string().as_bytes(),
        );
    }
    builder.into_inner().unwrap_or_default()
}

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
struct Found<'a> {
    config: &'a [u8],
    layers: Vec<&'a [u8]>,
    tags: Vec<Reference>,
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

fn strings(value: &Value) -> Option<Vec<String>> {
    value.as_array().map(|a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    })
}

fn key_set(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn image_of(found: Found<'_>) -> Result<LoadedImage, ArchiveError> {
    let doc: Value =
        serde_json::from_slice(found.config).map_err(|e| invalid(format!("config: {e}")))?;
    let diff_ids = strings(&doc["rootfs"]["diff_ids"]).unwrap_or_default();
    if diff_ids.len() != found.layers.len() {
        return Err(invalid(format!(
            "the config lists {} layers, the manifest {}",
            diff_ids.len(),
            found.layers.len()
        )));
    }
    let mut layers = Vec::new();
    for (index, (bytes, expected)) in found.layers.iter().zip(&diff_ids).enumerate() {
        let actual = sha256_digest(bytes);
        if bytes.starts_with(&[0x1f, 0x8b]) {
            return Err(ArchiveError::Compressed(expected.clone()));
        }
        if &actual != expected {
            return Err(ArchiveError::DiffId {
                index,
                expected: expected.clone(),
                actual,
            });
        }
        layers.push(read_layer(bytes, expected)?);
    }
    let c = &doc["config"];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let run = RunConfig {
        env: strings(&c["Env"]).unwrap_or_default(),
        cmd: strings(&c["Cmd"]),
        entrypoint: strings(&c["Entrypoint"]),
        working_dir: text(&c["WorkingDir"]),
        user: text(&c["User"]),
        exposed_ports: key_set(&c["ExposedPorts"]),
        volumes: key_set(&c["Volumes"]),
        labels: c["Labels"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), text(v)))
                    .collect::<BTreeMap<_, _>>()
            })
            .unwrap_or_default(),
        stop_signal: c["StopSignal"].as_str().map(str::to_string),
        shell: strings(&c["Shell"]),
        on_build: strings(&c["OnBuild"]).unwrap_or_default(),
    };
    // History sizes follow the layers: each non-empty entry is the next layer.
    let mut sizes = layers.iter().map(|l| l.size);
    let history = doc["history"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|h| {
            let empty_layer = h["empty_layer"].as_bool().unwrap_or(false);
            HistoryEntry {
                created: created(&h["created"]),
                created_by: text(&h["created_by"]),
                empty_layer,
                comment: text(&h["comment"]),
                size: if empty_layer {
                    0
                } else {
                    sizes.next().unwrap_or(0)
                },
            }
        })
        .collect();
    let mut config = ImageConfig::new(created(&doc["created"]));
    config.architecture = text(&doc["architecture"]);
    config.os = text(&doc["os"]);
    config.config = run;
    config.diff_ids = layers.iter().map(|l| l.diff_id.clone()).collect();
    config.history = history;
    Ok(LoadedImage {
        config,
        layers,
        tags: found.tags,
    })
}

/// An RFC 3339 time on the World's clock, milliseconds kept (so a saved image loads back
/// with the same config and ID).
fn created(value: &Value) -> i64 {
    let text = value.as_str().unwrap_or_default();
    let millis = text
        .get(19..)
        .and_then(|rest| rest.strip_prefix('.'))
        .map(|frac| {
            let digits: String = frac.chars().take_while(char::is_ascii_digit).collect();
            format!("{digits:0<3}")[..3].parse::<i64>().unwrap_or(0)
        })
        .unwrap_or(0);
    crate::registry::stamp(text) + millis
}

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
fn read_layer(bytes: &[u8], diff_id: &str) -> Result<Layer, ArchiveError> {
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
