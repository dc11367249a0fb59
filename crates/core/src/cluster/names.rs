//! Names as Kubernetes makes them: the pod-template-hash and the random 5-character suffix.

use super::objects::{PodId, PodTemplate};
use rand_core::RngCore;
use std::collections::BTreeMap;

/// The alphabet of generated names (no vowels, no confusable characters).
pub const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// Appends `n` characters from [`ALPHABET`], drawn from `rng`, to `out` (a pod's name is made
/// in one string).
pub fn push_suffix(rng: &mut dyn RngCore, n: usize, out: &mut String) {
    for _ in 0..n {
        out.push(ALPHABET[(rng.next_u32() % ALPHABET.len() as u32) as usize] as char);
    }
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

/// The pods by namespace and name: a generated name is checked for uniqueness, and a pod
/// found by name, by a 64-bit FNV-1a fingerprint of the pair (integer comparisons in the tree,
/// one string comparison at the end) instead of comparing long names that share their prefix
/// all the way down; nothing is copied to look up.
#[derive(Clone, Debug, Default)]
pub struct PodNames {
    by_hash: BTreeMap<u64, Vec<Named>>,
}

/// `namespace` and `name` written one after the other, and the pod.
#[derive(Clone, Debug)]
struct Named {
    namespace_len: usize,
    joined: String,
    id: PodId,
}

impl Named {
    fn is(&self, namespace: &str, name: &str) -> bool {
        let (ns, n) = self.joined.split_at(self.namespace_len);
        ns == namespace && n == name
    }
}

fn fingerprint(namespace: &str, name: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    // 0xff is no byte of UTF-8 text: ("ab", "c") and ("a", "bc") differ.
    for byte in namespace.bytes().chain([0xff]).chain(name.bytes()) {
        hash ^= byte as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

impl PodNames {
    pub fn get(&self, namespace: &str, name: &str) -> Option<PodId> {
        let list = self.by_hash.get(&fingerprint(namespace, name))?;
        list.iter().find(|n| n.is(namespace, name)).map(|n| n.id)
    }

    pub fn contains(&self, namespace: &str, name: &str) -> bool {
        self.get(namespace, name).is_some()
    }

    pub fn insert(&mut self, namespace: &str, name: &str, id: PodId) {
        let list = self
            .by_hash
            .entry(fingerprint(namespace, name))
            .or_default();
        match list.iter_mut().find(|n| n.is(namespace, name)) {
            Some(named) => named.id = id,
            None => list.push(Named {
                namespace_len: namespace.len(),
                joined: [namespace, name].concat(),
                id,
            }),
        }
    }

    pub fn remove(&mut self, namespace: &str, name: &str) {
        let hash = fingerprint(namespace, name);
        if let Some(list) = self.by_hash.get_mut(&hash) {
            list.retain(|n| !n.is(namespace, name));
            if list.is_empty() {
                self.by_hash.remove(&hash);
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
        assert!(names.by_hash.is_empty());
    }

    #[test]
    fn names_sharing_a_fingerprint_are_told_apart() {
        let mut names = PodNames::default();
        // Two pairs forced under one fingerprint, as a collision would put them.
        let hash = fingerprint("default", "a");
        names.insert("default", "a", 1);
        names.by_hash.entry(hash).or_default().push(Named {
            namespace_len: 2,
            joined: "nsb".into(),
            id: 2,
        });
        assert_eq!(names.get("default", "a"), Some(1));
        assert_eq!(names.by_hash[&hash].len(), 2);
        names.remove("default", "a");
        assert_eq!(names.by_hash[&hash].len(), 1);
        assert!(names.by_hash[&hash][0].is("ns", "b"));
        assert_ne!(fingerprint("ab", "c"), fingerprint("a", "bc"));
    }
}
