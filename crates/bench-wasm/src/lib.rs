//! The workloads of `sim bench` (crates/core/src/bench.rs), timed inside WebAssembly with the
//! JS clock `performance.now()`. `scripts/bench.sh` builds this for wasm32-unknown-unknown, runs
//! it under Node and sets the figures beside the native ones.
//!
//! The run counts and medians are those of crates/cli/src/bench.rs, so that both sides measure
//! the same thing: keep the two in step. `Instant::now()` panics on wasm32-unknown-unknown,
//! hence the JS clock.

use sim_core::bench;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: milliseconds, sub-millisecond resolution (global in Node and
    /// browsers).
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// Median of `runs` timings of `work`, in milliseconds.
fn median_ms(runs: usize, mut work: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let start = performance_now();
            work();
            performance_now() - start
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// A cold build of the 12-instruction Dockerfile: median of 5, minus the median of 5 world
/// setups (the base image pull), as `sim bench` does.
#[wasm_bindgen]
pub fn cold_build_ms() -> f64 {
    let ctx = bench::build_context();
    let cold = median_ms(5, || {
        let mut world = bench::world_for_build();
        assert_eq!(bench::build(&mut world, &ctx), 0, "benchmark build failed");
    });
    let setup = median_ms(5, || {
        let _ = bench::world_for_build();
    });
    (cold - setup).max(0.0)
}

/// A fully cached rebuild: median of 21.
#[wasm_bindgen]
pub fn cached_build_ms() -> f64 {
    let ctx = bench::build_context();
    let mut world = bench::world_for_build();
    bench::build(&mut world, &ctx);
    median_ms(21, || {
        bench::build(&mut world, &ctx);
    })
}

/// Creates and starts `n` containers in a fresh World, once.
#[wasm_bindgen]
pub fn containers_ms(n: usize) -> f64 {
    let start = performance_now();
    let mut world = sim_core::World::new(1);
    let started = bench::start_containers(&mut world, n);
    let elapsed = performance_now() - start;
    assert_eq!(started, n, "not every benchmark container started");
    elapsed
}

/// Records `n` events and hashes the trace: median of 3.
#[wasm_bindgen]
pub fn hash_ms(n: usize) -> f64 {
    median_ms(3, || {
        let _ = bench::hash_trace(n);
    })
}

/// Every workload in `sim bench`'s order, as the JSON object `sim bench --json` prints.
#[wasm_bindgen]
pub fn run_all(containers: usize, events: usize) -> String {
    serde_json::json!({
        "side": "wasm",
        "cold_build_ms": cold_build_ms(),
        "cached_build_ms": cached_build_ms(),
        "containers": containers,
        "containers_ms": containers_ms(containers),
        "events": events,
        "hash_ms": hash_ms(events),
    })
    .to_string()
}
