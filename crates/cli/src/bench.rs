//! `sim bench`: times the core's benchmark workloads natively and prints the figures. Figures
//! only: nothing is asserted, these machines are noisy.
//!
//! crates/bench-wasm times the same workloads the same way (same run counts, same medians) in
//! WebAssembly; `scripts/bench.sh` runs both and prints the ratio. Keep the two in step.

use sim_core::bench;
use std::time::Instant;

/// Median of `runs` timings of `work`, in milliseconds.
fn median_ms(runs: usize, mut work: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// The figures of one `sim bench`, in milliseconds.
struct Figures {
    cold_build_ms: f64,
    cached_build_ms: f64,
    containers: usize,
    containers_ms: f64,
    events: usize,
    hash_ms: f64,
}

fn measure(containers: usize, events: usize) -> Figures {
    let ctx = bench::build_context();
    let cold = median_ms(5, || {
        let mut world = bench::world_for_build();
        assert_eq!(bench::build(&mut world, &ctx), 0, "benchmark build failed");
    });
    // Setting up the world is part of the cold figure; measure it alone to subtract it.
    let setup = median_ms(5, || {
        let _ = bench::world_for_build();
    });
    let mut world = bench::world_for_build();
    bench::build(&mut world, &ctx);
    let cached = median_ms(21, || {
        bench::build(&mut world, &ctx);
    });
    let start = Instant::now();
    let mut world = sim_core::World::new(1);
    let started = bench::start_containers(&mut world, containers);
    let containers_ms = start.elapsed().as_secs_f64() * 1000.0;
    let hash_ms = median_ms(3, || {
        let _ = bench::hash_trace(events);
    });
    Figures {
        cold_build_ms: (cold - setup).max(0.0),
        cached_build_ms: cached,
        containers: started,
        containers_ms,
        events,
        hash_ms,
    }
}

/// Runs the workloads; with `json`, prints one JSON object of figures instead of the table.
pub fn run(containers: usize, events: usize, json: bool) -> i32 {
    if !json {
        println!(
            "sim bench (native, release build recommended: cargo run --release -p sim-cli -- bench)"
        );
    }
    let f = measure(containers, events);
    if json {
        let value = serde_json::json!({
            "side": "native",
            "cold_build_ms": f.cold_build_ms,
            "cached_build_ms": f.cached_build_ms,
            "containers": f.containers,
            "containers_ms": f.containers_ms,
            "events": f.events,
            "hash_ms": f.hash_ms,
        });
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
