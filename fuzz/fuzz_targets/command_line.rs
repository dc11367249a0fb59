//! Any text typed at the terminal, line by line, through the sans-IO seam: a `Machine` driven
//! by the simulated host (`SimDriver`), as the fronts run it. Must never panic, every command
//! must finish, and the World's invariants hold after each line.
#![no_main]
mod common;

use libfuzzer_sys::fuzz_target;
use sim_core::SimDriver;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut machine = common::machine();
    let mut driver = SimDriver::new();
    for line in common::lines(&text) {
        let _ = sim_core::command::parse_line(line);
        common::run(&mut machine, &mut driver, line);
        common::check_world(machine.world().expect("idle"));
    }
});
