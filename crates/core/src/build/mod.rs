pub mod cache;
pub mod context;
pub mod dockerfile;
pub mod dockerignore;
mod error;

pub use cache::BuildCache;
pub use error::BuildError;
