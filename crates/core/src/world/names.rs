//! Random container names in docker's "adjective_surname" style, drawn from the seeded PRNG.

use super::World;

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
    /// A name no container has yet.
    pub(crate) fn generate_name(&mut self) -> String {
        loop {
            let adjective = ADJECTIVES[self.random_below(ADJECTIVES.len())];
            let surname = SURNAMES[self.random_below(SURNAMES.len())];
            let name = format!("{adjective}_{surname}");
            // docker adds a digit when the pair is taken.
            let name = if self.container_named(&name).is_some() {
                format!("{name}{}", self.random_below(10))
            } else {
                name
            };
            if self.container_named(&name).is_none() {
                return name;
            }
        }
    }

    pub(crate) fn container_named(&self, name: &str) -> Option<&super::Container> {
        self.names.get(name).and_then(|id| self.containers.get(id))
    }
}
