//! An image's configuration and build record, in the shape of the OCI image config.

use super::id::{DiffId, ImageId};
use crate::digest::sha256_digest;
use crate::event::Tick;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The runtime defaults an image gives its containers (`.config` in the OCI image config).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RunConfig {
    /// `KEY=value` strings, in order.
    pub env: Vec<String>,
    pub cmd: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    pub working_dir: String,
    pub user: String,
    /// "80/tcp" style keys.
    pub exposed_ports: BTreeSet<String>,
    pub volumes: BTreeSet<String>,
    pub labels: BTreeMap<String, String>,
    pub stop_signal: Option<String>,
    pub shell: Option<Vec<String>>,
    /// ONBUILD triggers (`RUN make`), run by a build that uses this image as its base. Left
    /// out of the JSON when empty, so images without triggers keep their IDs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on_build: Vec<String>,
}

impl RunConfig {
    /// The environment as pairs, later duplicates replacing earlier ones in place.
    pub fn env_pairs(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for entry in &self.env {
            let (k, v) = entry.split_once('=').unwrap_or((entry.as_str(), ""));
            set_env(&mut out, k, v);
        }
        out
    }

    pub fn set_env(&mut self, key: &str, value: &str) {
        let mut pairs = self.env_pairs();
        set_env(&mut pairs, key, value);
        self.env = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    }
}

/// Sets `key` in an ordered environment, replacing an existing entry where it stands.
pub fn set_env(env: &mut Vec<(String, String)>, key: &str, value: &str) {
    match env.iter_mut().find(|(k, _)| k == key) {
        Some(entry) => entry.1 = value.to_string(),
        None => env.push((key.to_string(), value.to_string())),
    }
}

/// When an image or a step was made: ms from the World's tick 0, negative for the stock images,
/// which were built (on their real dates) before the World began.
pub type Created = i64;

/// The creation stamp of something made at logical time `tick`.
pub fn created_at(tick: Tick) -> Created {
    Created::try_from(tick).unwrap_or(Created::MAX)
}

/// One line of `docker history`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub created: Created,
    pub created_by: String,
    /// True for steps that only change the config (ENV, CMD, ...).
    pub empty_layer: bool,
    pub comment: String,
    /// Size of the layer this step made (0 for empty layers).
    pub size: u64,
}

/// The image config document; the image ID is the sha256 of its JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageConfig {
    pub architecture: String,
    pub os: String,
    pub created: Created,
    pub config: RunConfig,
    /// diff_ids, bottom layer first.
    pub diff_ids: Vec<DiffId>,
    pub history: Vec<HistoryEntry>,
}

impl ImageConfig {
    pub fn new(created: Created) -> ImageConfig {
        ImageConfig {
            architecture: "amd64".to_string(),
            os: "linux".to_string(),
            created,
            config: RunConfig::default(),
            diff_ids: Vec::new(),
            history: Vec::new(),
        }
    }

    /// The image ID: sha256 of the config's canonical JSON (struct fields in declaration
    /// order, maps sorted), so equal configs give equal IDs everywhere.
    pub fn id(&self) -> ImageId {
        ImageId::from_digest(sha256_digest(self.json().as_bytes()))
    }

    /// The config's canonical JSON. Serialising plain strings, numbers and string maps
    /// cannot fail, so the empty fallback is never taken.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
