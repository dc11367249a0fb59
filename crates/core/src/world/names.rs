//! Container names: random ones in docker's "adjective_surname" style, drawn from the seeded
//! PRNG, lookups by name, and `docker rename`.

use super::container_error::ContainerError;
use super::{is_docker_name, Handled, Reply, World};
use crate::command::Invocation;
use crate::event::EventKind;

const ADJECTIVES: &[&str] = &[
    "admiring", "bold", "brave", "clever", "dazzling", "eager", "elegant", "focused", "gifted",
    "happy", "jolly", "keen", "kind", "loving", "modest", "nifty", "peaceful", "quirky", "relaxed",
    "serene", "sharp", "stoic", "tender", "upbeat", "vibrant", "wizardly", "youthful", "zealous",
];

/// Scientists and engineers, as docker's generator uses.
const SURNAMES: &[&str] = &[
    "babbage",
    "curie",
    "darwin",
    "einstein",
    "euler",
    "feynman",
    "galileo",
    "hopper",
    "hypatia",
    "kepler",
    "lamarr",
    "lovelace",
    "meitner",
    "newton",
    "noether",
    "pascal",
    "ritchie",
    "shannon",
    "thompson",
    "turing",
    "wozniak",
    "yalow",
    "goldwasser",
    "hamilton",
    "johnson",
    "liskov",
    "ramanujan",
    "torvalds",
];

impl World {
    /// A name no container has yet. Always ends: a taken pair gets a number, and the number
    /// grows until the name is free.
    pub(crate) fn generate_name(&mut self) -> String {
        let adjective = ADJECTIVES[self.random_below(ADJECTIVES.len())];
        let surname = SURNAMES[self.random_below(SURNAMES.len())];
        let base = format!("{adjective}_{surname}");
        if self.container_named(&base).is_none() {
            return base;
        }
        // docker adds a digit when the pair is taken.
        let mut n = self.random_below(10);
        loop {
            let candidate = format!("{base}{n}");
            if self.container_named(&candidate).is_none() {
                return candidate;
            }
            n += 10;
        }
    }

    pub(crate) fn container_named(&self, name: &str) -> Option<&super::Container> {
        self.engine
            .names
            .get(name)
            .and_then(|id| self.engine.containers.get(id))
    }

    /// `docker rename CONTAINER NEW_NAME`.
    pub(crate) fn cmd_rename(&mut self, inv: &Invocation) -> Handled {
        let id = self.find_container(&inv.args[0])?;
        let new_name = inv.args[1].trim_start_matches('/').to_string();
        if !is_docker_name(&new_name) {
            return Err(ContainerError::InvalidName(new_name).into());
        }
        let old_name = self.container(&id)?.name.clone();
        if new_name == old_name {
            return Err(ContainerError::SameName.into());
        }
        if let Some(other) = self.container_named(&new_name) {
            return Err(ContainerError::NameInUse {
                name: new_name,
                other: other.id.clone(),
            }
            .into());
        }
        if let Some(c) = self.engine.containers.get_mut(&id) {
            c.name = new_name.clone();
        }
        self.engine.names.remove(&old_name);
        self.engine.names.insert(new_name.clone(), id.clone());
        self.emit(EventKind::ContainerRenamed {
            id: id.clone(),
            old_name,
            name: new_name,
        });
        Ok(Reply::default())
    }
}
