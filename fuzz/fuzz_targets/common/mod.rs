//! What the fuzz targets share: the World they start from, the loop that runs one line through
//! a [`Machine`] and a driver, and the invariants every run must keep.
// Each target uses a different part of this module.
#![allow(dead_code)]

use sim_core::{run_until_idle, BuildContext, Driver, Machine, Outcome, World};
use std::collections::BTreeSet;

/// At most this many lines per input: enough for run + stop + logs + rm, short enough that one
/// input stays fast.
pub const MAX_LINES: usize = 8;
/// Longer lines only repeat what a shorter one already reaches.
pub const MAX_LINE_BYTES: usize = 512;

/// The command lines of an input.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().take(MAX_LINES).map(|line| {
        let mut end = line.len().min(MAX_LINE_BYTES);
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        &line[..end]
    })
}

/// A fresh World, as every front starts one.
pub fn machine() -> Machine {
    Machine::new(World::new(1))
}

/// Runs `line` to its end. A command always finishes: every wait has a deadline and the drivers
/// here always answer in the end.
pub fn run(machine: &mut Machine, driver: &mut dyn Driver, line: &str) -> Outcome {
    let before = machine.world().map_or(0, |w| w.events().len() as u64);
    assert!(
        machine.submit(line, &BuildContext::default()).is_ok(),
        "the machine was busy before `{line}`"
    );
    assert!(run_until_idle(machine, driver), "`{line}` never finished");
    let outcome = machine
        .poll_outcome()
        .expect("a finished command has an outcome");
    assert!(
        machine.poll_outcome().is_none(),
        "an outcome is handed out once"
    );
    let world = machine
        .world()
        .expect("the World is back after the command");
    let events = world.events().len() as u64;
    assert!(
        before <= outcome.first_event && outcome.first_event <= outcome.end_event,
        "`{line}`: events {}..{} after {before}",
        outcome.first_event,
        outcome.end_event
    );
    assert!(
        outcome.end_event <= events,
        "`{line}`: outcome past the trace"
    );
    assert!(
        (0..=255).contains(&outcome.exit_code),
        "`{line}`: exit code {} is not a byte",
        outcome.exit_code
    );
    outcome
}

/// What holds after any sequence of commands: the trace is numbered from 0 without gaps and
/// never goes back in time; container names and IDs are unique on the addressed host.
pub fn check_world(world: &World) {
    for (i, event) in world.events().iter().enumerate() {
        assert_eq!(event.seq, i as u64, "trace numbering");
    }
    for pair in world.events().windows(2) {
        assert!(
            pair[0].at <= pair[1].at,
            "time went back: {:?} then {:?}",
            pair[0],
            pair[1]
        );
    }
    assert!(world.events().last().is_none_or(|e| e.at <= world.now()));
    let mut names = BTreeSet::new();
    let mut ids = BTreeSet::new();
    for container in world.containers() {
        assert!(
            names.insert(&container.name),
            "two containers named {}",
            container.name
        );
        assert!(
            ids.insert(&container.id),
            "two containers with ID {}",
            container.id
        );
    }
}
