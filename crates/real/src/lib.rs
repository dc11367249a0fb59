//! sim-real: the core's effects answered on this Linux machine (`sim --real`).
//!
//! The core decides everything and stays sans-IO; this crate is a [`sim_core::Driver`] that
//! carries its effects out with real processes: a content-addressed layer store
//! ([`store`], [`untar`]), overlayfs roots, namespaces and cgroups.
#![cfg(target_os = "linux")]

pub mod store;
pub mod untar;
