//! `sim bench`: times the core's benchmark workloads natively and prints the figures. Figures
//! only: nothing is asserted, these machines are noisy.
//!
//! The measurement itself is the core's (`sim_core::bench::measure`), with this process's clock;
//! crates/bench-wasm runs it in WebAssembly and `scripts/bench.sh` prints the ratio.

use sim_core::bench;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The system allocator, counting the bytes live: the cluster's memory figure is what it
/// really holds, not an estimate.
struct Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call goes to the system allocator unchanged; only a counter is updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The cluster workloads' sizes.
pub struct ClusterArgs {
    pub nodes: usize,
    pub pods: u32,
    pub pod_containers: usize,
}

/// Runs the workloads; with `json`, prints one JSON object of figures instead of the table.
pub fn run(
    containers: usize,
    events: usize,
    cluster: ClusterArgs,
    cluster_only: bool,
    json: bool,
) -> i32 {
    if !json {
        println!(
            "sim bench (native, release build recommended: cargo run --release -p sim-cli -- bench)"
        );
    }
    let origin = Instant::now();
    let clock = || origin.elapsed().as_secs_f64() * 1000.0;
    if cluster_only {
        return run_cluster(&clock, &cluster, json);
    }
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
        return run_cluster(&clock, &cluster, json);
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
    run_cluster(&clock, &cluster, json)
}

/// The cluster's workloads and its memory for `args.pods` pods (live bytes counted).
fn run_cluster(clock: &dyn Fn() -> f64, args: &ClusterArgs, json: bool) -> i32 {
    let f = match bench::measure_cluster(clock, args.nodes, args.pods, args.pod_containers) {
        Ok(figures) => figures,
        Err(e) => {
            eprintln!("sim bench: {e}");
            return 1;
        }
    };
    let d =
        match sim_core::discovery_bench::measure_discovery(clock, 10_000, 10_000, 150_000, 1_000) {
            Ok(figures) => figures,
            Err(e) => {
                eprintln!("sim bench: {e}");
                return 1;
            }
        };
    let session = bench::session_command(clock, 100, 3000, 11);
    let store = bench::store_sync(clock, args.nodes, args.pods);
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let cluster = bench::scheduled_cluster(args.nodes, args.pods);
    let bytes = LIVE_BYTES.load(Ordering::Relaxed).saturating_sub(before);
    drop(cluster);
    if json {
        let mut value = serde_json::to_value(&f).unwrap_or_default();
        value["side"] = "native".into();
        value["cluster_live_bytes"] = bytes.into();
        value["discovery"] = serde_json::to_value(&d).unwrap_or_default();
        value["session"] = serde_json::to_value(&session).unwrap_or_default();
        value["store_first_sync_ms"] = store.0.into();
        value["store_sync_one_change_ms"] = store.1.into();
        value["store_get_pods_ms"] = store.2.into();
        println!("{value}");
        return 0;
    }
    for (strategy, ms) in &f.schedule_ms {
        println!(
            "schedule+bind {} pods on {} nodes, {strategy:<16} {ms:>8.1} ms  (target <= 300 ms)",
            f.pods, f.nodes
        );
    }
    println!(
        "node failure: {} pods evicted, replaced, bound    {:>8.2} ms  (target <= 10 ms; {} left Pending)",
        f.failover_pods, f.failover_ms, f.failover_pending
    );
    println!(
        "kubelet: create + start {} pod containers   {:>8.1} ms  ({:.1} µs each)",
        f.kubelet_pods,
        f.kubelet_ms,
        f.kubelet_ms * 1000.0 / f.kubelet_pods.max(1) as f64
    );
    println!(
        "docker run -d nginx, as many, one line each    {:>8.1} ms  ({:.1} µs each)",
        f.docker_run_ms,
        f.docker_run_ms * 1000.0 / f.kubelet_pods.max(1) as f64
    );
    println!(
        "memory for {} scheduled pods (live bytes counted) {:>8.1} MiB  ({} bytes a pod)",
        f.pods,
        bytes as f64 / (1 << 20) as f64,
        bytes / f.pods.max(1) as usize
    );
    print_discovery(&d);
    println!(
        "store write-through, {} pods: first {:>8.1} ms; after one pod change {:.1} ms",
        f.pods, store.0, store.1
    );
    println!(
        "kubectl get pods read from the store, {} pods (decode + table) {:>8.1} ms",
        f.pods, store.2
    );
    println!(
        "one command in a session of {} events (100 nodes, 3000 pods): docker ps {:.2} ms, \
         kubectl cordon {:.2} ms, kubectl get pods {:.2} ms; picture snapshot {:.2} ms; \
         trace hash {:.3} ms",
        session.events,
        session.docker_ps_ms,
        session.cordon_ms,
        session.get_pods_ms,
        session.snapshot_ms,
        session.hash_ms
    );
    0
}

fn print_discovery(d: &sim_core::discovery_bench::DiscoveryFigures) {
    println!(
        "rolling update of {} replicas to completion    {:>8.1} ms  (target < 50 ms)",
        d.rollout_replicas, d.rollout_ms
    );
    println!(
        "nslookup among {} services, {} pods   {:>8.3} ms  (target < 50 ms)",
        d.services, d.pods, d.nslookup_ms
    );
    println!(
        "one service connection (kube-proxy pick)       {:>8.3} ms  (target < 50 ms)",
        d.connect_ms
    );
    println!(
        "{} pods move: delete, replace, schedule, start {:>8.1} ms; one service's endpoints {:.3} ms",
        d.moved_pods, d.move_ms, d.endpoints_ms
    );
}
