//! Build inputs that used to fall back silently: each now does what docker does.

use sim_core::fs::Node;
use sim_core::{BuildContext, Outcome, World};

fn build(world: &mut World, line: &str, dockerfile: &str) -> Outcome {
    let mut ctx = BuildContext::default();
    ctx.put("/Dockerfile", Node::file(dockerfile.as_bytes().to_vec()));
    world.run_line(line, &ctx)
}

#[test]
fn a_bare_build_arg_missing_from_the_client_environment_keeps_the_default() {
    let dockerfile = "FROM busybox\nARG GREETING=hello\nRUN echo \"say $GREETING\"\n";
    let mut w = World::new(1);
    let out = build(
        &mut w,
        "docker build --build-arg GREETING -t a .",
        dockerfile,
    );
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("say hello"), "{}", out.stderr);
    // A value given with `=` still wins.
    let out = build(
        &mut w,
        "docker build --build-arg GREETING=hi -t b .",
        dockerfile,
    );
    assert!(out.stderr.contains("say hi"), "{}", out.stderr);
}

#[test]
fn a_global_arg_default_that_fails_to_expand_stops_the_build() {
    let mut w = World::new(1);
    let out = build(
        &mut w,
        "docker build -t a .",
        "ARG BASE=${FLAVOUR:?required}\nFROM busybox\nRUN true\n",
    );
    assert_eq!(out.exit_code, 1);
    assert_eq!(
        out.stderr,
        "ERROR: failed to solve: failed to process \"${FLAVOUR:?required}\": FLAVOUR: required\n"
    );
    // Given, the default is never expanded.
    let out = build(
        &mut w,
        "docker build --build-arg BASE=x -t a .",
        "ARG BASE=${FLAVOUR:?required}\nFROM busybox\nRUN true\n",
    );
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
}
