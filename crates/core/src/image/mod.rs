//! Images: layers, configs, references and the local store.

mod config;
mod layer;
mod reference;
mod store;

pub use config::{created_at, set_env, Created, HistoryEntry, ImageConfig, RunConfig};
pub use layer::{canonical_tar, chain_id, Layer};
pub use reference::Reference;
pub use store::{Image, ImageStore, LookupError};
