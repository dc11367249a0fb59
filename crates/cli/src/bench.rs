//! `sim bench`: times the core's benchmark workloads natively and prints the figures. Figures
//! only: nothing is asserted, these machines are noisy.
//!
//! The measurement itself is the core's (`sim_core::bench::measure`), with this process's clock;
//! crates/bench-wasm runs it in WebAssembly and `scripts/bench.sh` prints the ratio.

use sim_core::bench;
use std::time::Instant;

/// Runs the workloads; with `json`, prints one JSON object of figures instead of the table.
pub fn run(containers: usize, events: usize, json: bool) -> i32 {
    if !json {
        println!(
            "sim bench (native, release build recommended: cargo run --release -p sim-cli -- bench)"
        );
    }
    let origin = Instant::now();
    let clock = || origin.elapsed().as_secs_f64() * 1000.0;
    let f = match bench::measure(&clock, containers, events) {
        Ok(figures) => figures,
        Err(e) => {
            eprintln!("sim bench: {e}");
            return 1;
        }
    };
    if json {
        let mut value = serde_json::to_value(&f).unwrap_or_default();
        value["side"] = "native".into();
        println!("{value}");
        return 0;
    }
    println!(
        "cold build, 12 instructions      {:>10.3} ms",
        f.cold_build_ms
    );
    println!(
        "fully cached build               {:>10.3} ms  (target < 1 ms)",
        f.cached_build_ms
    );
    println!(
        "create + start {} containers {:>10.1} ms  ({:.1} µs each)",
        f.containers,
        f.containers_ms,
        f.containers_ms * 1000.0 / f.containers.max(1) as f64
    );
    println!(
        "record + hash {} events    {:>10.1} ms",
        f.events, f.hash_ms
    );
    0
}
