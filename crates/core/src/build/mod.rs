pub mod dockerfile;
pub mod dockerignore;
pub mod cache;

pub use cache::BuildCache;
