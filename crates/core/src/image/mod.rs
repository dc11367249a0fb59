//! Images: layers, configs, references and the local store.

pub mod archive;
mod config;
mod error;
mod id;
mod layer;
mod reference;
mod store;

pub use config::{created_at, set_env, Created, HistoryEntry, ImageConfig, RunConfig};
pub use error::ImageError;
pub use id::{DiffId, DigestError, ImageId, ManifestDigest};
pub use layer::{canonical_tar, chain_id, Layer};
pub use reference::{Reference, ReferenceError};
pub use store::{Image, ImageStore};
