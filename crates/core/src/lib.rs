//! sim-core: the deterministic model of images, layers, containers and volumes.
//!
//! Sans-IO, in the shape of quinn-proto: the core owns the state and decides; it never does
//! I/O, never reads a clock and never calls a driver. A front feeds a [`Machine`] (a [`World`]
//! and the command in flight) with command lines, carries the effects it hands out to a
//! [`Driver`] (which runs processes and keeps files on a host), and brings back what the host
//! saw, each stamped with the logical time it happened:
//!
//! - in: [`Machine::submit`] (a command line), [`Machine::handle_observation`],
//!   [`Machine::handle_timeout`];
//! - out: [`Machine::poll_effect`], [`Machine::poll_timeout`], [`Machine::poll_outcome`], and
//!   the events of the trace ([`World::events`]).
//!
//! A command that must wait on its host (a foreground `docker run`, `docker stop`'s grace
//! period, a build's `RUN`) simply stays in flight until the observations it waits for have
//! come in or its deadline has passed. [`SimDriver`] answers effects by running the simulated
//! programs on the logical clock; [`run_until_idle`] is the loop that joins the two:
//!
//! ```
//! use sim_core::{run_until_idle, BuildContext, Machine, SimDriver, World};
//!
//! let mut machine = Machine::new(World::new(42));
//! let mut driver = SimDriver::new();
//! machine.submit("docker run --rm busybox echo hello", &BuildContext::default()).unwrap();
//! assert!(run_until_idle(&mut machine, &mut driver));
//! let outcome = machine.poll_outcome().unwrap();
//! assert!(outcome.stdout.ends_with("hello\n"));
//! ```
//!
//! [`World::run_line`] does exactly this with a simulated host of its own, for fronts that only
//! simulate. Same seed + same commands = same events, byte for byte, natively and on wasm32.
//!
//! Other entry points for fronts: [`command::build_context_request`] (which directory a line
//! wants as its build context), [`World::events`] and [`World::trace_hash`]. A
//! [`scenario::Scenario`] (seed + lines with their build contexts) is what fronts save, share
//! and replay.

pub mod bench;
pub mod build;
pub mod cluster;
pub mod command;
pub mod digest;
pub mod discovery_bench;
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
mod text_id;
pub mod view;
mod world;

pub use driver::{run_until_idle, Driver, Effect, Observation, SimDriver};
pub use event::{Event, EventKind, Tick};
pub use event_summary::Language;
pub use fs::FsTree;
pub use outcome::Outcome;
pub use world::{
    Busy, Container, ContainerId, HostName, LogLine, Machine, Mount, MountKind, PortBinding,
    PreviewResponse, PublishedPort, RestartPolicy, Status, Volume, VolumeName, World, DEFAULT_HOST,
};

/// The files of a `docker build` context: an [`FsTree`] whose root is the context directory.
pub type BuildContext = FsTree;
