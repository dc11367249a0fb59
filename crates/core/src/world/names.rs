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
        self.names.get(name).and_then(|id| self.containers.get(id))
    }
}
