pub mod cache;
pub mod context;
pub mod dockerfile;
pub mod dockerignore;

pub use cache::BuildCache;
