//! `docker save` / `docker load` archives. As docker 25 and later write it, one tarball is
//! both a docker archive (`manifest.json`, `repositories`) and an OCI image layout
//! (`oci-layout`, `index.json`, `blobs/sha256/...`); loading reads either.
//!
//! Layer blobs are uncompressed tars whose sha256 is the config's diff_id. A layer read back
//! becomes the core's [`crate::fs::LayerDiff`] and its canonical tar, so an archive this module wrote
//! loads with the same diff_ids.

mod oci_config;
mod read;
mod read_layer;
mod write;

pub use read::{layer_blobs, read_archive};
pub use write::{oci_config, write_archive};

use super::config::ImageConfig;
use super::layer::Layer;
use super::reference::Reference;

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
    /// A config without `rootfs` (moby's `image.NewFromJSON`): not an image of no layers.
    #[error("invalid image JSON, no RootFS key")]
    NoRootFs,
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
