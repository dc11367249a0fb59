//! Any text typed at the terminal: parsed and run against a World. Must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sim_core::{BuildContext, World};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = sim_core::command::parse_line(&text);
    let mut world = World::new(1);
    for line in text.lines().take(8) {
        let _ = world.run_line(line, &BuildContext::default());
    }
});
