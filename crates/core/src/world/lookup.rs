//! Finding containers: by name, full ID or unique ID prefix.

use super::container::Container;
use super::{Failure, World};
use crate::driver::ProcessHandle;

impl World {
    /// Finds a container by name, full ID or unique ID prefix.
    pub(crate) fn find_container(&self, key: &str) -> Result<String, Failure> {
        if let Some(c) = self.container_named(key.trim_start_matches('/')) {
            return Ok(c.id.clone());
        }
        if self.engine.containers.contains_key(key) {
            return Ok(key.to_string());
        }
        if !key.is_empty() && key.chars().all(|c| c.is_ascii_hexdigit()) {
            let mut matches = self
                .engine
                .containers
                .range(key.to_string()..)
                .take_while(|(id, _)| id.starts_with(key));
            match (matches.next(), matches.next()) {
                (Some((id, _)), None) => return Ok(id.clone()),
                (Some(_), Some(_)) => {
                    return Err(Failure::daemon(format!(
                        "multiple IDs found with provided prefix: {key}"
                    )))
                }
                _ => {}
            }
        }
        Err(Failure::daemon(format!("No such container: {key}")))
    }

    pub(super) fn container(&self, id: &str) -> Result<&Container, Failure> {
        self.engine
            .containers
            .get(id)
            .ok_or_else(|| Failure::daemon(format!("No such container: {id}")))
    }

    /// The container still runs the main process `handle` (or, for `None`, any).
    pub(crate) fn runs(&self, id: &str, handle: Option<ProcessHandle>) -> bool {
        self.engine
            .containers
            .get(id)
            .is_some_and(|c| c.is_running() && (handle.is_none() || c.main == handle))
    }

    /// Resolves every argument to a container ID before acting on any of them.
    pub(super) fn resolve_all(&self, keys: &[String]) -> Result<Vec<String>, Failure> {
        keys.iter().map(|k| self.find_container(k)).collect()
    }
}
