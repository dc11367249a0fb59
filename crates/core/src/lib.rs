//! sim-core: the deterministic model of images, layers, containers and volumes.
//!
//! Sans-IO: the core owns the state and decides; fronts (the `sim` CLI, the web app) parse
//! nothing themselves and perform all I/O. Same seed + same commands = same events, byte for
//! byte, natively and on wasm32.
//!
//! Entry points for fronts: [`World::new`], [`World::run_line`] (one command line, with the
//! build context a `docker build` in it should use), [`command::build_context_request`] (which
//! directory a line wants as its build context), [`World::events`] and [`World::trace_hash`]. A [`scenario::Scenario`] (seed + lines with their
//! build contexts) is what fronts save, share and replay.

pub mod bench;
pub mod build;
pub mod command;
pub mod digest;
pub mod driver;
pub mod event;
mod event_summary;
pub mod fs;
pub mod glob;
pub mod image;
pub mod order;
mod outcome;
pub mod output;
pub mod program;
pub mod registry;
pub mod scenario;
pub mod view;
mod world;

pub use driver::{run_until_idle, Driver, Effect, Observation, SimDriver};
pub use event::{Event, EventKind, Tick};
pub use event_summary::Language;
pub use fs::FsTree;
pub use outcome::Outcome;
pub use world::{
    Busy, Container, LogLine, Machine, Mount, MountKind, PortBinding, RestartPolicy, Status,
    Volume, World, DEFAULT_HOST,
};

/// The files of a `docker build` context: an [`FsTree`] whose root is the context directory.
pub type BuildContext = FsTree;
