//! Benchmark workloads and how they are timed. The core has no clock: each front passes its own
//! (`Instant` in `sim bench`, `performance.now()` in crates/bench-wasm), so both sides run the
//! very same measurement and their figures can be set side by side.

use crate::event::{EventKind, Trace};
use crate::{BuildContext, World};
use serde::Serialize;

/// A 12-instruction Dockerfile over a small context.
pub fn build_context() -> BuildContext {
    let dockerfile = "FROM alpine\nARG VERSION=1.0\nENV APP_HOME=/app\nWORKDIR /app\nCOPY app.sh ./\nCOPY config/ ./config/\nRUN chmod 755 app.sh\nRUN mkdir -p /var/log/app && echo ready > /var/log/app/state\nRUN echo $VERSION > version.txt\nEXPOSE 8080\nLABEL org.example.version=$VERSION\nCMD [\"sh\", \"./app.sh\"]\n";
    BuildContext::from_files([
        ("Dockerfile", dockerfile),
        ("app.sh", "#!/bin/sh\necho app $(cat version.txt)\n"),
        ("config/app.conf", "port=8080\n"),
        ("config/extra.conf", "debug=false\n"),
    ])
}

/// A World with the benchmark image's base already pulled, so a build measures building.
pub fn world_for_build() -> World {
    let mut world = World::new(1);
    world.run_line("docker pull alpine", &BuildContext::default());
    world
}

/// Builds the benchmark image; returns the exit code.
pub fn build(world: &mut World, ctx: &BuildContext) -> i32 {
    world.run_line("docker build -t bench .", ctx).exit_code
}

/// Creates and starts `n` containers; returns how many started.
pub fn start_containers(world: &mut World, n: usize) -> usize {
    let none = BuildContext::default();
    (0..n)
        .filter(|_| {
            world
                .run_line("docker run -d busybox true", &none)
                .exit_code
                == 0
        })
        .count()
}

/// Records `n` events and returns the trace hash.
pub fn hash_trace(n: usize) -> String {
    let mut trace = Trace::default();
    let host = crate::world::HostName::from(crate::DEFAULT_HOST);
    for i in 0..n {
        trace.push(
            i as u64,
            &host,
            EventKind::ContainerStarted {
                id: crate::world::ContainerId(format!("{i:064x}")),
                name: format!("c{i}"),
                argv: vec!["sleep".into(), "1000".into()],
            },
        );
    }
    trace.hash()
}

/// The figures of one benchmark run, in milliseconds.
#[derive(Clone, Debug, Serialize)]
pub struct Figures {
    /// A cold build of the 12-instruction Dockerfile (median of 5, minus the median of 5 world
    /// setups, which pull the base image).
    pub cold_build_ms: f64,
    /// A fully cached rebuild (median of 21).
    pub cached_build_ms: f64,
    pub containers: usize,
    /// Creating and starting `containers` containers in a fresh World (once).
    pub containers_ms: f64,
    pub events: usize,
    /// Recording and hashing `events` events (median of 3).
    pub hash_ms: f64,
}

/// Median of `runs` timings of `work` by `clock` (milliseconds).
fn median_ms(clock: &dyn Fn() -> f64, runs: usize, mut work: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let start = clock();
            work();
            clock() - start
        })
        .collect();
    crate::order::sort_by(&mut times, &f64::total_cmp);
    times[times.len() / 2]
}

/// Runs every workload, timed by `clock`, a monotonic clock in milliseconds that the caller
/// owns. A workload that fails (a build that does not succeed, containers that do not start)
/// is an error, not a figure.
pub fn measure(
    clock: &dyn Fn() -> f64,
    containers: usize,
    events: usize,
) -> Result<Figures, String> {
    let ctx = build_context();
    let mut failed = false;
    let cold = median_ms(clock, 5, || {
        let mut world = world_for_build();
        failed |= build(&mut world, &ctx) != 0;
    });
    if failed {
        return Err("the benchmark build failed".into());
    }
    let setup = median_ms(clock, 5, || {
        let _ = world_for_build();
    });
    let mut world = world_for_build();
    build(&mut world, &ctx);
    let cached = median_ms(clock, 21, || {
        build(&mut world, &ctx);
    });
    let start = clock();
    let started = start_containers(&mut World::new(1), containers);
    let containers_ms = clock() - start;
    if started != containers {
        return Err(format!("only {started} of {containers} containers started"));
    }
    let hash_ms = median_ms(clock, 3, || {
        let _ = hash_trace(events);
    });
    Ok(Figures {
        cold_build_ms: (cold - setup).max(0.0),
        cached_build_ms: cached,
        containers,
        containers_ms,
        events,
        hash_ms,
    })
}

/// A cluster of `nodes` nodes (32 CPU, 128Gi each) with one Deployment of `pods` replicas
/// (100m, 128Mi each) created and not yet scheduled.
pub fn cluster_with_pending(
    strategy: crate::cluster::scheduler::scores::Strategy,
    nodes: usize,
    pods: u32,
    rng: &mut dyn rand_core::RngCore,
) -> crate::cluster::Cluster {
    use crate::cluster::objects::{PodTemplate, Resources};
    let mut cluster = crate::cluster::Cluster::new(strategy);
    let capacity = Resources {
        cpu_m: 32_000,
        memory: 128 << 30,
    };
    for i in 1..=nodes {
        let _ = cluster.add_node(&format!("node-{i}"), capacity, Default::default(), 0);
    }
    let labels = [("app".to_string(), "web".to_string())].into();
    let mut template = PodTemplate::single("web", "nginx", labels);
    template.containers[0].requests = Resources {
        cpu_m: 100,
        memory: 128 << 20,
    };
    let _ = cluster.create_deployment("default", "web", pods, template, 0, rng);
    cluster.reconcile_workloads(0, rng);
    cluster
}

/// Schedules and binds every pending pod; returns how many are bound.
pub fn schedule_all(
    cluster: &mut crate::cluster::Cluster,
    rng: &mut dyn rand_core::RngCore,
) -> usize {
    cluster.schedule_pending(0, rng);
    cluster.pods().filter(|p| p.node.is_some()).count()
}

/// The cluster's figures, in milliseconds.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterFigures {
    pub nodes: usize,
    pub pods: u32,
    /// Scheduling and binding every pod, per strategy (once each).
    pub schedule_ms: Vec<(String, f64)>,
    /// Pods on the node that failed, and the time to evict, replace and bind them all.
    pub failover_pods: usize,
    pub failover_ms: f64,
    /// Pods left Pending after it (no room elsewhere).
    pub failover_pending: usize,
    /// Pods whose containers were created and started through the World (`kubectl create
    /// deployment --replicas=N` on N/100 nodes), and the time it took.
    pub kubelet_pods: usize,
    pub kubelet_ms: f64,
    /// `docker run -d nginx` of as many containers, one command each, for comparison.
    pub docker_run_ms: f64,
}

/// Fails the first node (110 pods after bin-packing) and times the reconcile after the
/// eviction deadline: evictions, replacements, scheduling and binds. Returns (pods, ms).
pub fn failover(
    clock: &dyn Fn() -> f64,
    cluster: &mut crate::cluster::Cluster,
    rng: &mut dyn rand_core::RngCore,
) -> (usize, f64) {
    use crate::cluster::{EVICTION_MS, NODE_GRACE_MS};
    let first = cluster.nodes()[0].name.clone();
    let on_it = cluster.pods().filter(|p| p.node == Some(0)).count();
    let _ = cluster.fail_node(&first, 1);
    cluster.reconcile(1 + NODE_GRACE_MS, rng);
    // The World takes the kubelets' queue after every command; nobody runs these 150,000
    // actions here, so take them as it would, or the timed pass pays for growing a stale queue.
    let _ = cluster.take_kubelet();
    let start = clock();
    cluster.reconcile(1 + NODE_GRACE_MS + EVICTION_MS, rng);
    (on_it, clock() - start)
}

/// `pods` pods scheduled and bound onto `nodes` nodes (least-allocated, seed 1).
pub fn scheduled_cluster(nodes: usize, pods: u32) -> crate::cluster::Cluster {
    use rand_core::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let strategy = crate::cluster::scheduler::scores::Strategy::LeastAllocated;
    let mut cluster = cluster_with_pending(strategy, nodes, pods, &mut rng);
    schedule_all(&mut cluster, &mut rng);
    cluster
}

/// Creates and starts the containers of `pods` pods through the World's kubelet path.
pub fn kubelet_pods(pods: usize) -> usize {
    let none = BuildContext::default();
    let mut world = World::new(1);
    let nodes = pods.div_ceil(100).max(1);
    world.run_line(
        &format!("cluster create --nodes {nodes} --cpu 32 --memory 128Gi"),
        &none,
    );
    world.run_line(
        &format!("kubectl create deployment web --image=nginx --replicas={pods}"),
        &none,
    );
    world
        .cluster()
        .map_or(0, |c| c.pods().filter(|p| p.container.is_some()).count())
}

/// Schedules and binds `pods` pods onto `nodes` nodes with each strategy, timing each pass;
/// `then` sees each scheduled cluster (untimed).
pub fn schedule_each(
    clock: &dyn Fn() -> f64,
    nodes: usize,
    pods: u32,
    mut then: impl FnMut(
        crate::cluster::scheduler::scores::Strategy,
        &mut crate::cluster::Cluster,
        &mut rand_chacha::ChaCha8Rng,
    ),
) -> Result<Vec<(String, f64)>, String> {
    use crate::cluster::scheduler::scores::Strategy;
    use rand_core::SeedableRng;
    let mut schedule_ms = Vec::new();
    for strategy in Strategy::ALL {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut cluster = cluster_with_pending(strategy, nodes, pods, &mut rng);
        let start = clock();
        let bound = schedule_all(&mut cluster, &mut rng);
        schedule_ms.push((strategy.name().to_string(), clock() - start));
        if bound != pods as usize {
            return Err(format!(
                "{}: only {bound} of {pods} pods bound",
                strategy.name()
            ));
        }
        then(strategy, &mut cluster, &mut rng);
    }
    Ok(schedule_ms)
}

/// The cluster figures scripts/bench.sh compares natively and in wasm: scheduling per
/// strategy and a rolling update.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterCore {
    pub nodes: usize,
    pub pods: u32,
    pub schedule_ms: Vec<(String, f64)>,
    pub rollout_replicas: u32,
    pub rollout_ms: f64,
}

pub fn measure_cluster_core(
    clock: &dyn Fn() -> f64,
    nodes: usize,
    pods: u32,
    replicas: u32,
) -> Result<ClusterCore, String> {
    let schedule_ms = schedule_each(clock, nodes, pods, |_, _, _| {})?;
    let rollout_ms = crate::discovery_bench::rollout(clock, replicas)?;
    Ok(ClusterCore {
        nodes,
        pods,
        schedule_ms,
        rollout_replicas: replicas,
        rollout_ms,
    })
}

/// Every cluster workload: `pods` pods on `nodes` nodes per strategy, a node failure, and
/// `containers` pods started as containers (against as many `docker run -d`).
pub fn measure_cluster(
    clock: &dyn Fn() -> f64,
    nodes: usize,
    pods: u32,
    containers: usize,
) -> Result<ClusterFigures, String> {
    let mut failover_figures = (0, 0.0);
    let mut failover_pending = 0;
    let schedule_ms = schedule_each(clock, nodes, pods, |strategy, cluster, rng| {
        if strategy == crate::cluster::scheduler::scores::Strategy::MostAllocated {
            failover_figures = failover(clock, cluster, rng);
            failover_pending = cluster.pending();
        }
    })?;
    let start = clock();
    let started = kubelet_pods(containers);
    let kubelet_ms = clock() - start;
    if started != containers {
        return Err(format!(
            "only {started} of {containers} pods got a container"
        ));
    }
    // The same image as the pods (nginx keeps running), so the two paths run the same program.
    let none = BuildContext::default();
    let mut world = World::new(1);
    world.run_line("docker pull nginx", &none);
    let start = clock();
    for _ in 0..containers {
        world.run_line("docker run -d nginx", &none);
    }
    let docker_run_ms = clock() - start;
    Ok(ClusterFigures {
        nodes,
        pods,
        schedule_ms,
        failover_pods: failover_figures.0,
        failover_ms: failover_figures.1,
        failover_pending,
        kubelet_pods: containers,
        kubelet_ms,
        docker_run_ms,
    })
}

/// One command in a long session, split as a front pays for it: running the line, the
/// picture snapshot after it, and the trace hash. Milliseconds, medians.
#[derive(Clone, Debug, Serialize)]
pub struct SessionFigures {
    /// Events in the trace before the timed commands.
    pub events: usize,
    pub docker_ps_ms: f64,
    /// `kubectl cordon`/`uncordon` (a cluster sync: controllers, store, services table).
    pub cordon_ms: f64,
    /// `kubectl get pods`: the store written through, every pod's value read back, the table.
    pub get_pods_ms: f64,
    pub snapshot_ms: f64,
    pub hash_ms: f64,
}

/// A session like the web bench's cluster redraw: `nodes` nodes, a Deployment of `pods`
/// replicas, then `docker ps` and cordon/uncordon lines, each timed (median of `runs`).
pub fn session_command(
    clock: &dyn Fn() -> f64,
    nodes: usize,
    pods: usize,
    runs: usize,
) -> SessionFigures {
    let none = BuildContext::default();
    let mut world = World::new(1);
    world.run_line(&format!("cluster create --nodes {nodes}"), &none);
    world.run_line(
        &format!("kubectl create deployment web --image=nginx --replicas={pods}"),
        &none,
    );
    let events = world.events().len();
    let docker_ps_ms = median_ms(clock, runs, || {
        world.run_line("docker ps", &none);
    });
    let mut turn = 0;
    let cordon_ms = median_ms(clock, runs, || {
        let verb = if turn % 2 == 0 { "cordon" } else { "uncordon" };
        turn += 1;
        world.run_line(&format!("kubectl {verb} node-1"), &none);
    });
    let get_pods_ms = median_ms(clock, runs, || {
        world.run_line("kubectl get pods", &none);
    });
    let snapshot_ms = median_ms(clock, runs, || {
        let _ = crate::view::snapshot(&world);
    });
    let hash_ms = median_ms(clock, runs, || {
        let _ = world.trace_hash();
    });
    SessionFigures {
        events,
        docker_ps_ms,
        cordon_ms,
        get_pods_ms,
        snapshot_ms,
        hash_ms,
    }
}

/// The store's write-through after one pod changed, in a cluster of `pods` pods on `nodes`
/// nodes already written once, and `kubectl get pods`' read of every pod from it (values
/// decoded, table printed): (the first write, the one after the change, the read), ms.
pub fn store_sync(clock: &dyn Fn() -> f64, nodes: usize, pods: u32) -> (f64, f64, f64) {
    let mut cluster = scheduled_cluster(nodes, pods);
    let start = clock();
    cluster.sync_store(0, &Default::default());
    let first = clock() - start;
    let victim = cluster.pods().next().map(|p| p.id);
    if let Some(id) = victim {
        cluster.delete_pod(id, 1);
    }
    let start = clock();
    cluster.sync_store(1, &Default::default());
    let sync = clock() - start;
    let start = clock();
    let lines = get_pods_from_store(&cluster, 2);
    let read = clock() - start;
    debug_assert_eq!(lines, cluster.pods().count() + 1);
    (first, sync, read)
}

/// What `kubectl get pods` does once the store is written: decodes the namespace's pod
/// values and prints their table. The number of lines printed.
pub fn get_pods_from_store(cluster: &crate::cluster::Cluster, now: crate::event::Tick) -> usize {
    use crate::cluster::print::{self, views};
    let pods: Vec<views::PodView> = views::list(cluster.store(), "/registry/pods/default/");
    let refs: Vec<&views::PodView> = pods.iter().collect();
    print::get_pods(&refs, now, Default::default())
        .lines()
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_fake_clock_gives_its_own_ticks_as_figures() {
        // Each reading advances 2 ms: every timed piece of work measures exactly 2 ms.
        let now = Cell::new(0.0);
        let clock = || {
            now.set(now.get() + 2.0);
            now.get()
        };
        let figures = measure(&clock, 3, 10).expect("the workloads run");
        assert_eq!(figures.cached_build_ms, 2.0);
        assert_eq!(figures.cold_build_ms, 0.0, "cold minus setup");
        assert_eq!(figures.containers, 3);
        assert_eq!(figures.hash_ms, 2.0);
    }
}
