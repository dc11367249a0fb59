//! The filesystem model shared by images, builds and containers.

mod cow;
mod diff;
pub mod overlay;
mod tree;

pub use diff::{Change, ChangeKind, LayerDiff};
pub use tree::{file_name, is_inside, normalize, parent, FsError, FsTree, Node};
