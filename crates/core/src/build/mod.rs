pub mod cache;
pub mod dockerfile;
pub mod dockerignore;

pub use cache::BuildCache;
