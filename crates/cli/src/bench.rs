//! `sim bench`: times the core's benchmark workloads natively and prints the figures. Figures
//! only: nothing is asserted, these machines are noisy.

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

pub fn run(containers: usize, events: usize) -> i32 {
    let ctx = bench::build_context();
    println!(
        "sim bench (native, release build recommended: cargo run --release -p sim-cli -- bench)"
    );
    let cold = median_ms(5, || {
        let mut world = bench::world_for_build();
        assert_eq!(bench::build(&mut world, &ctx), 0, "benchmark build failed");
    });
    // Setting up the world is part of the cold figure; measure it alone to subtract it.
    let setup = median_ms(5, || {
        let _ = bench::world_for_build();
    });
    println!(
        "cold build, 12 instructions      {:>10.3} ms",
        (cold - setup).max(0.0)
    );
    let mut world = bench::world_for_build();
    bench::build(&mut world, &ctx);
    let cached = median_ms(21, || {
        bench::build(&mut world, &ctx);
    });
    println!(
        "fully cached build               {:>10.3} ms  (target < 1 ms)",
        cached
    );
    let start = Instant::now();
    let mut world = sim_core::World::new(1);
    let started = bench::start_containers(&mut world, containers);
    let elapsed = start.elapsed().as_secs_f64() * 1000.0;
    println!(
        "create + start {started} containers {:>10.1} ms  ({:.1} µs each)",
        elapsed,
        elapsed * 1000.0 / started.max(1) as f64
    );
    let hashing = median_ms(3, || {
        let _ = bench::hash_trace(events);
    });
    println!("record + hash {events} events    {:>10.1} ms", hashing);
    0
}
