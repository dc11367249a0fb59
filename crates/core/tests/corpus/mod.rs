//! The determinism corpus: short scenarios that must give the same trace hash natively and on
//! wasm32. Shared by `tests/determinism.rs`, `tests/wasm_determinism.rs` and
//! `examples/corpus_hashes.rs` through `#[path]`, so all three run exactly the same lines.
//! The files are embedded with `include_str!` because the browser side has no file system.

use sim_core::{BuildContext, World};

pub const SEED: u64 = 42;

/// `(name, script)`: one command line per line; blank lines and `#` comments are skipped.
pub const SCENARIOS: &[(&str, &str)] = &[
    ("busybox", include_str!("busybox.txt")),
    ("volume", include_str!("volume.txt")),
    ("images", include_str!("images.txt")),
    ("cluster", include_str!("cluster.txt")),
    ("rollout", include_str!("rollout.txt")),
    ("discovery", include_str!("discovery.txt")),
];

pub fn commands(script: &str) -> impl Iterator<Item = &str> {
    script
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// Runs a script in a fresh `World::new(SEED)` and returns its trace hash.
pub fn trace_hash(script: &str) -> String {
    let mut world = World::new(SEED);
    let context = BuildContext::default();
    for line in commands(script) {
        world.run_line(line, &context);
    }
    world.trace_hash()
}

/// One `name hash` line per scenario, in corpus order: the text compared across platforms.
pub fn report() -> String {
    SCENARIOS
        .iter()
        .map(|(name, script)| format!("{name} {}\n", trace_hash(script)))
        .collect()
}
