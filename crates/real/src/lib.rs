//! sim-real: the core's effects answered on this Linux machine (`sim --real`).
//!
//! The core decides everything and stays sans-IO; this crate is a [`sim_core::Driver`]
//! ([`LinuxDriver`]) that carries its effects out with real processes: a content-addressed
//! layer store ([`store`], [`untar`]), overlayfs roots, namespaces ([`spawn`]) and cgroups
//! ([`cgroup`]). [`RealSession`] keeps a session between invocations as the Machine's inputs
//! ([`journal`]).
#![cfg(target_os = "linux")]

pub mod applets;
pub mod archive;
pub mod cgroup;
pub mod check;
mod clock;
pub mod driver;
pub mod journal;
pub mod journal_blob;
pub mod net;
pub mod netlink;
pub mod ports;
pub mod prune;
pub mod session;
pub mod spawn;
pub mod store;
pub mod supervise;
pub mod top;
pub mod untar;
pub mod upper;

pub use driver::LinuxDriver;
pub use session::RealSession;
