//! Native half of the determinism check: the same seed and lines give the same trace hash
//! every time. The cross-platform half is tests/wasm_determinism.rs.

#[path = "corpus/mod.rs"]
mod corpus;

#[test]
fn corpus_hashes_are_stable_across_runs() {
    let first = corpus::report();
    assert_eq!(first.lines().count(), corpus::SCENARIOS.len());
    assert_eq!(first, corpus::report());
}

#[test]
fn every_scenario_leaves_a_trace() {
    let empty = sim_core::World::new(corpus::SEED).trace_hash();
    for (name, script) in corpus::SCENARIOS {
        assert!(
            corpus::commands(script).count() > 0,
            "{name} has no commands"
        );
        assert_ne!(corpus::trace_hash(script), empty, "{name} changed nothing");
    }
}
