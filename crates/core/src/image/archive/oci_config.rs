//! An OCI image config read back into the core's [`ImageConfig`], its layers checked
//! against the config's diff_ids.

use super::read::Found;
use super::read_layer::read_layer;
use super::{invalid, ArchiveError, LoadedImage};
use crate::digest::sha256_digest;
use crate::image::config::{HistoryEntry, ImageConfig, RunConfig};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

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

pub(super) fn image_of(found: Found<'_>) -> Result<LoadedImage, ArchiveError> {
    let doc: Value =
        serde_json::from_slice(found.config).map_err(|e| invalid(format!("config: {e}")))?;
    if !doc["rootfs"].is_object() {
        return Err(ArchiveError::NoRootFs);
    }
    // `diff_ids` is omitted when empty (an image of no layers).
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
