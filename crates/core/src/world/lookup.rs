//! Finding containers: by name, full ID or unique ID prefix.

use super::container::Container;
use super::container_error::ContainerError;
use super::ids::ContainerId;
use super::World;
use crate::driver::ProcessHandle;
use std::ops::Bound;

impl World {
    /// Finds a container by name, full ID or unique ID prefix.
    pub(crate) fn find_container(&self, key: &str) -> Result<ContainerId, ContainerError> {
        if let Some(c) = self.container_named(key.trim_start_matches('/')) {
            return Ok(c.id.clone());
        }
        if let Some((id, _)) = self.engine.containers.get_key_value(key) {
            return Ok(id.clone());
        }
        if !key.is_empty() && key.chars().all(|c| c.is_ascii_hexdigit()) {
            let mut matches = self
                .engine
                .containers
                .range::<str, _>((Bound::Included(key), Bound::Unbounded))
                .take_while(|(id, _)| id.starts_with(key));
            match (matches.next(), matches.next()) {
                (Some((id, _)), None) => return Ok(id.clone()),
                (Some(_), Some(_)) => return Err(ContainerError::AmbiguousPrefix(key.to_string())),
                _ => {}
            }
        }
        Err(ContainerError::NoSuchContainer(key.to_string()))
    }

    pub(super) fn container(&self, id: &ContainerId) -> Result<&Container, ContainerError> {
        self.engine
            .containers
            .get(id)
            .ok_or_else(|| ContainerError::NoSuchContainer(id.to_string()))
    }

    /// The container still runs the main process `handle` (or, for `None`, any).
    pub(crate) fn runs(&self, id: &ContainerId, handle: Option<ProcessHandle>) -> bool {
        self.engine
            .containers
            .get(id)
            .is_some_and(|c| c.is_running() && (handle.is_none() || c.main == handle))
    }

    /// Resolves every argument to a container ID before acting on any of them.
    pub(super) fn resolve_all(&self, keys: &[String]) -> Result<Vec<ContainerId>, ContainerError> {
        keys.iter().map(|k| self.find_container(k)).collect()
    }
}
