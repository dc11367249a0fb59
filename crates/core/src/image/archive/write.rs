//! Writing the tarball `docker save` gives: blobs, `index.json`, `manifest.json`,
//! `oci-layout`, `repositories`.

use super::{SaveImage, CONFIG, INDEX, LAYER, MANIFEST};
use crate::digest::{hex_part, sha256_digest};
use crate::image::config::ImageConfig;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

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
