//! Command lines run against a host whose observations come late and out of order: each
//! observation is held back by a delay read from the input, so those of different processes
//! interleave in any order (one process's keep theirs, as a pipe does), and some process
//! starts fail. Afterwards, whatever is still on its way arrives at the idle World (output of
//! a container already removed, an exit after `docker stop` gave up). Must never panic, every
//! command must finish, and the World's invariants hold.
#![no_main]
mod common;

use libfuzzer_sys::fuzz_target;
use sim_core::driver::{Delayed, Effect, StartError};
use sim_core::{Driver, Observation, SimDriver, Tick};
use std::cell::RefCell;
use std::rc::Rc;

/// Upper bound of one delay: past docker stop's 10 s grace period.
const STEP_MS: Tick = 50;
/// Observations still delivered to the idle World after the last command.
const MAX_LATE: usize = 10_000;

/// The input's delay bytes, read in a cycle (none: no delay).
struct Tape<'t> {
    bytes: &'t [u8],
    at: usize,
}

impl Tape<'_> {
    fn next_byte(&mut self) -> u8 {
        if self.bytes.is_empty() {
            return 0;
        }
        let byte = self.bytes[self.at % self.bytes.len()];
        self.at += 1;
        byte
    }
}

type Held<'t> = Delayed<SimDriver, Box<dyn FnMut() -> Tick + 't>>;

/// SimDriver behind a tape of delays (one byte per observation, cycling; a 255 before a
/// process start fails it).
struct Late<'t> {
    inner: Held<'t>,
    tape: Rc<RefCell<Tape<'t>>>,
}

impl<'t> Late<'t> {
    fn new(bytes: &'t [u8]) -> Late<'t> {
        let tape = Rc::new(RefCell::new(Tape { bytes, at: 0 }));
        let delays = tape.clone();
        let delay: Box<dyn FnMut() -> Tick + 't> =
            Box::new(move || Tick::from(delays.borrow_mut().next_byte()) * STEP_MS);
        Late {
            inner: Delayed::new(SimDriver::new(), delay),
            tape,
        }
    }
}

impl Driver for Late<'_> {
    fn handle_effect(&mut self, host: &str, effect: Effect, now: Tick) {
        if let Effect::StartProcess(start) = &effect {
            let mut tape = self.tape.borrow_mut();
            if tape.next_byte() == u8::MAX {
                let error = match tape.next_byte() % 3 {
                    0 => StartError::OutOfMemory,
                    1 => StartError::NoSpace,
                    _ => StartError::ExecFormat,
                };
                drop(tape);
                let failed = Observation::StartFailed {
                    handle: start.handle,
                    error,
                };
                self.inner.hold(now, host.to_string(), failed);
                return;
            }
        }
        self.inner.handle_effect(host, effect, now);
    }

    fn next_observation_at(&self) -> Option<Tick> {
        self.inner.next_observation_at()
    }

    fn poll_observation(&mut self, until: Tick) -> Option<(Tick, String, Observation)> {
        self.inner.poll_observation(until)
    }
}

fuzz_target!(|data: &[u8]| {
    // The first byte says how long the delay tape is; the rest is command lines.
    let tape_len = data.first().map_or(0, |n| usize::from(*n % 32));
    let (tape, text) = data
        .get(1..)
        .unwrap_or_default()
        .split_at(tape_len.min(data.len().saturating_sub(1)));
    let text = String::from_utf8_lossy(text);
    let mut machine = common::machine();
    let mut driver = Late::new(tape);
    for line in common::lines(&text) {
        common::run(&mut machine, &mut driver, line);
        common::check_world(machine.world().expect("idle"));
    }
    // What is still on its way reaches the idle World.
    for _ in 0..MAX_LATE {
        let Some(at) = driver.next_observation_at() else {
            break;
        };
        let at = at.max(machine.now());
        let Some((when, host, observation)) = driver.poll_observation(at) else {
            break;
        };
        machine.handle_observation(&host, observation, when.max(machine.now()));
    }
    if let Some(at) = machine.poll_timeout() {
        machine.handle_timeout(at);
    }
    assert!(!machine.is_busy(), "no command is in flight");
    common::check_world(machine.world().expect("idle"));
});
