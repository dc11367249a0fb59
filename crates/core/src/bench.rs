//! Benchmark workloads. The core has no clock, so it only does the work; a front (`sim bench`)
//! times each workload and prints the figures.

use crate::event::{EventKind, Trace};
use crate::fs::Node;
use crate::{BuildContext, World};

/// A 12-instruction Dockerfile over a small context.
pub fn build_context() -> BuildContext {
    let mut ctx = BuildContext::default();
    let dockerfile = "FROM alpine\nARG VERSION=1.0\nENV APP_HOME=/app\nWORKDIR /app\nCOPY app.sh ./\nCOPY config/ ./config/\nRUN chmod 755 app.sh\nRUN mkdir -p /var/log/app && echo ready > /var/log/app/state\nRUN echo $VERSION > version.txt\nEXPOSE 8080\nLABEL org.example.version=$VERSION\nCMD [\"sh\", \"./app.sh\"]\n";
    ctx.put("/Dockerfile", Node::file(dockerfile));
    ctx.put(
        "/app.sh",
        Node::file("#!/bin/sh\necho app $(cat version.txt)\n"),
    );
    ctx.put("/config/app.conf", Node::file("port=8080\n"));
    ctx.put("/config/extra.conf", Node::file("debug=false\n"));
    ctx
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
    for i in 0..n {
        trace.push(
            i as u64,
            EventKind::ContainerStarted {
                id: format!("{i:064x}"),
                name: format!("c{i}"),
                argv: vec!["sleep".into(), "1000".into()],
            },
        );
    }
    trace.hash()
}
