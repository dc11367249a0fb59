//! The built-in registry: the "remote" side of `docker pull` and `docker push`.
//!
//! It keeps its own copy of every layer (blobs, by diff_id) and a manifest per tag, so push and
//! pull can compare what each side has and skip layers that are already there.

mod data;
mod error;
mod stock;

pub use error::RegistryError;
pub use stock::parse_size;
pub(crate) use stock::stamp;

use crate::digest::sha256_digest;
use crate::image::{DiffId, ImageConfig, Layer, ManifestDigest, Reference};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Cheap to clone: the maps are shared until a push changes one (copy on write), so every
/// World starts from the stock registry without copying its few hundred layers.
#[derive(Clone, Debug)]
pub struct Registry {
    blobs: Arc<BTreeMap<DiffId, Layer>>,
    manifests: Arc<BTreeMap<Reference, ImageConfig>>,
}

impl Registry {
    /// An empty registry.
    pub fn empty() -> Registry {
        Registry {
            blobs: Arc::default(),
            manifests: Arc::default(),
        }
    }

    /// The registry with the stock images every lesson can pull. Built once per program
    /// (hashing a few hundred layers), then copied for each World.
    pub fn with_stock_images() -> Registry {
        static STOCK: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
        STOCK.get_or_init(build_stock).clone()
    }

    pub fn has_blob(&self, diff_id: &str) -> bool {
        self.blobs.contains_key(diff_id)
    }

    /// The layer a pull downloads; a manifest naming a blob the registry lacks is an error.
    pub fn blob(&self, diff_id: &str) -> Result<&Layer, RegistryError> {
        self.blobs
            .get(diff_id)
            .ok_or_else(|| RegistryError::BlobUnknown(diff_id.to_string()))
    }

    pub fn put_blob(&mut self, layer: Layer) {
        // Only a new blob unshares the map.
        if !self.blobs.contains_key(&layer.diff_id) {
            Arc::make_mut(&mut self.blobs).insert(layer.diff_id.clone(), layer);
        }
    }

    pub fn manifest(&self, reference: &Reference) -> Option<&ImageConfig> {
        self.manifests.get(reference)
    }

    /// The manifest a pull asks for, or docker's refusal when the repository has none.
    pub fn pull_manifest(&self, reference: &Reference) -> Result<&ImageConfig, RegistryError> {
        self.manifests
            .get(reference)
            .ok_or_else(|| RegistryError::PullAccessDenied(reference.repository.clone()))
    }

    pub fn put_manifest(&mut self, reference: Reference, config: ImageConfig) {
        Arc::make_mut(&mut self.manifests).insert(reference, config);
    }

    pub fn repositories(&self) -> impl Iterator<Item = &Reference> {
        self.manifests.keys()
    }
}

fn build_stock() -> Registry {
    let mut registry = Registry::empty();
    let mut images = stock::images();
    let more = data::images(&images);
    images.extend(more);
    for (names, layers, config) in images {
        for layer in layers {
            registry.put_blob(layer);
        }
        for name in names {
            if let Ok(reference) = Reference::parse(&name) {
                registry.put_manifest(reference, config.clone());
            }
        }
    }
    registry
}

/// The digest of the image manifest that a pull or push reports ("Digest: sha256:...").
pub fn manifest_digest(config: &ImageConfig) -> (ManifestDigest, usize) {
    #[derive(Serialize)]
    struct Descriptor<'a> {
        #[serde(rename = "mediaType")]
        media_type: &'a str,
        digest: String,
        size: u64,
    }
    #[derive(Serialize)]
    struct Manifest<'a> {
        #[serde(rename = "schemaVersion")]
        schema_version: u32,
        #[serde(rename = "mediaType")]
        media_type: &'a str,
        config: Descriptor<'a>,
        layers: Vec<Descriptor<'a>>,
    }
    let config_json = config.json();
    let manifest = Manifest {
        schema_version: 2,
        media_type: "application/vnd.oci.image.manifest.v1+json",
        config: Descriptor {
            media_type: "application/vnd.oci.image.config.v1+json",
            digest: config.id().into(),
            size: config_json.len() as u64,
        },
        layers: config
            .diff_ids
            .iter()
            .map(|d| Descriptor {
                media_type: "application/vnd.oci.image.layer.v1.tar",
                digest: d.to_string(),
                size: 0,
            })
            .collect(),
    };
    // Plain strings and numbers: serialising cannot fail, the fallback is never taken.
    let json = serde_json::to_string(&manifest).unwrap_or_default();
    (
        ManifestDigest::from_digest(sha256_digest(json.as_bytes())),
        json.len(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::{LayerDiff, Node};

    #[test]
    fn a_push_to_one_copy_leaves_the_others_as_they_were() {
        let stock = Registry::with_stock_images();
        let mut mine = stock.clone();
        let reference = Reference::parse("me/app:1").unwrap();
        let config = stock
            .manifest(&Reference::parse("busybox").unwrap())
            .expect("busybox is stock")
            .clone();
        let mut diff = LayerDiff::default();
        diff.put("/app", Node::file(b"x".to_vec()));
        let layer = Layer::new(diff);
        let diff_id = layer.diff_id.clone();
        mine.put_blob(layer);
        mine.put_manifest(reference.clone(), config);

        assert!(mine.has_blob(&diff_id) && mine.manifest(&reference).is_some());
        assert!(!stock.has_blob(&diff_id) && stock.manifest(&reference).is_none());
        let fresh = Registry::with_stock_images();
        assert!(!fresh.has_blob(&diff_id) && fresh.manifest(&reference).is_none());
        assert_eq!(fresh.repositories().count(), stock.repositories().count());
    }
}
