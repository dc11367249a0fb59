//! Any Dockerfile text: parsed, and built against an empty context through the seam. Must
//! never panic, and the build must finish.
#![no_main]
mod common;

use libfuzzer_sys::fuzz_target;
use sim_core::fs::Node;
use sim_core::{run_until_idle, BuildContext, SimDriver};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = sim_core::build::dockerfile::parse(&text);
    let mut context = BuildContext::default();
    context.put("/Dockerfile", Node::file(data.to_vec()));
    let mut machine = common::machine();
    let mut driver = SimDriver::new();
    assert!(machine.submit("docker build -t fuzz .", &context).is_ok());
    assert!(
        run_until_idle(&mut machine, &mut driver),
        "the build never finished"
    );
    let outcome = machine.poll_outcome().expect("an outcome");
    assert!((0..=255).contains(&outcome.exit_code));
    common::check_world(machine.world().expect("idle"));
});
