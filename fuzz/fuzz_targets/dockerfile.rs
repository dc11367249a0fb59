//! Any Dockerfile text: parsed, and built against an empty context. Must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sim_core::fs::Node;
use sim_core::{BuildContext, World};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = sim_core::build::dockerfile::parse(&text);
    let mut context = BuildContext::default();
    context.put("/Dockerfile", Node::file(data.to_vec()));
    let mut world = World::new(1);
    let _ = world.run_line("docker build -t fuzz .", &context);
});
