//! Names as Kubernetes makes them: the pod-template-hash and the random 5-character suffix.

use super::objects::{PodId, PodTemplate};
use rand_core::RngCore;
use std::collections::BTreeMap;

/// The alphabet of generated names (no vowels, no confusable characters).
pub const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// `n` characters from [`ALPHABET`], drawn from `rng`.
pub fn random_suffix(rng: &mut dyn RngCore, n: usize) -> String {
    (0..n)
        .map(|_| ALPHABET[(rng.next_u32() % ALPHABET.len() as u32) as usize] as char)
        .collect()
}

/// The pod-template-hash: FNV-32a of the template, its decimal digits mapped onto the alphabet
/// as Kubernetes' `SafeEncodeString` does (so it reads like `66b6c48dd5`).
pub fn template_hash(template: &PodTemplate, collisions: u32) -> String {
    let text = serde_json::to_string(template).unwrap_or_default();
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes().chain(collisions.to_le_bytes()) {
        hash ^= byte as u32;
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash.to_string()
        .bytes()
        .map(|b| ALPHABET[b as usize % ALPHABET.len()] as char)
        .collect()
}

/// The pods by name, per namespace: a generated name is checked for uniqueness, and a pod
/// found by name, without copying the names into a lookup key.
#[derive(Clone, Debug, Default)]
pub struct PodNames {
    by_namespace: BTreeMap<String, BTreeMap<String, PodId>>,
}

impl PodNames {
    pub fn get(&self, namespace: &str, name: &str) -> Option<PodId> {
        self.by_namespace.get(namespace)?.get(name).copied()
    }

    pub fn contains(&self, namespace: &str, name: &str) -> bool {
        self.get(namespace, name).is_some()
    }

    pub fn insert(&mut self, namespace: &str, name: &str, id: PodId) {
        match self.by_namespace.get_mut(namespace) {
            Some(names) => {
                names.insert(name.into(), id);
            }
            None => {
                let names = BTreeMap::from([(name.to_string(), id)]);
                self.by_namespace.insert(namespace.into(), names);
            }
        }
    }

    pub fn remove(&mut self, namespace: &str, name: &str) {
        if let Some(names) = self.by_namespace.get_mut(namespace) {
            names.remove(name);
            if names.is_empty() {
                self.by_namespace.remove(namespace);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_reads_like_kubernetes_and_follows_the_template() {
        let a = PodTemplate::single("web", "nginx", Default::default());
        let b = PodTemplate::single("web", "nginx:1.27", Default::default());
        let h = template_hash(&a, 0);
        assert!(h.chars().all(|c| "456789bcdf".contains(c)), "{h}");
        assert_eq!(h, template_hash(&a.clone(), 0));
        assert_ne!(h, template_hash(&b, 0));
        assert_ne!(h, template_hash(&a, 1));
    }

    #[test]
    fn pod_names_are_per_namespace() {
        let mut names = PodNames::default();
        names.insert("default", "web", 1);
        names.insert("other", "web", 2);
        assert_eq!(names.get("default", "web"), Some(1));
        assert_eq!(names.get("other", "web"), Some(2));
        names.remove("default", "web");
        assert!(!names.contains("default", "web"));
        assert!(names.contains("other", "web"));
        names.remove("other", "web");
        assert!(names.by_namespace.is_empty());
    }
}
