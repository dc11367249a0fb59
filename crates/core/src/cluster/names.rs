//! Names as Kubernetes makes them: the pod-template-hash and the random 5-character suffix.

use super::objects::PodTemplate;
use rand_core::RngCore;

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
}
