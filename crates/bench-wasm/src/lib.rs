//! The workloads of `sim bench` (crates/core/src/bench.rs), timed inside WebAssembly with the
//! JS clock `performance.now()`. `scripts/bench.sh` builds this for wasm32-unknown-unknown, runs
//! it under Node and sets the figures beside the native ones.
//!
//! The measurement is the core's (`sim_core::bench::measure`), the same code `sim bench` runs;
//! only the clock differs: `Instant::now()` panics on wasm32-unknown-unknown, hence the JS one.

use sim_core::bench;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: milliseconds, sub-millisecond resolution (global in Node and
    /// browsers).
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// Every workload of `sim bench`, timed by the JS clock, as the JSON object `sim bench --json`
/// prints (or `{"error": ...}`).
#[wasm_bindgen]
pub fn run_all(containers: usize, events: usize) -> String {
    match bench::measure(&performance_now, containers, events) {
        Ok(figures) => {
            let mut value = serde_json::to_value(&figures).unwrap_or_default();
            value["side"] = "wasm".into();
            value.to_string()
        }
        Err(e) => serde_json::json!({ "error": e }).to_string(),
    }
}

/// The cluster workloads (`sim_core::bench::measure_cluster_core`): scheduling `pods` pods on
/// `nodes` nodes per strategy and a rolling update of `replicas` replicas, as JSON.
#[wasm_bindgen]
pub fn run_cluster(nodes: usize, pods: u32, replicas: u32) -> String {
    match bench::measure_cluster_core(&performance_now, nodes, pods, replicas) {
        Ok(figures) => {
            let mut value = serde_json::to_value(&figures).unwrap_or_default();
            value["side"] = "wasm".into();
            value.to_string()
        }
        Err(e) => serde_json::json!({ "error": e }).to_string(),
    }
}
