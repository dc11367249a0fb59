//! Command lines run against a host whose observations come late and out of order: each
//! observation is held back by a delay read from the input, so those of different processes
//! interleave in any order (one process's keep theirs, as a pipe does), and some process
//! starts fail. Afterwards, whatever is still on its way arrives at the idle World (output of
//! a container already removed, an exit after `docker stop` gave up). Must never panic, every
//! command must finish, and the World's invariants hold.
#![no_main]
mod common;

use libfuzzer_sys::fuzz_target;
use sim_core::driver::{Effect, ProcessHandle, StartError};
use sim_core::{Driver, Observation, SimDriver, Tick};
use std::collections::BTreeMap;

/// Upper bound of one delay: past docker stop's 10 s grace period.
const STEP_MS: Tick = 50;
/// Observations still delivered to the idle World after the last command.
const MAX_LATE: usize = 10_000;

/// SimDriver behind a tape of delays (one byte per observation, cycling; 255 fails the start).
struct Late<'t> {
    inner: SimDriver,
    tape: &'t [u8],
    at: usize,
    queue: BTreeMap<(Tick, u64), (String, Observation)>,
    next_seq: u64,
    last_of: BTreeMap<ProcessHandle, Tick>,
}

impl Late<'_> {
    fn next_byte(&mut self) -> u8 {
        if self.tape.is_empty() {
            return 0;
        }
        let byte = self.tape[self.at % self.tape.len()];
        self.at += 1;
        byte
    }

    fn enqueue(&mut self, at: Tick, host: String, observation: Observation) {
        let mut when = at + Tick::from(self.next_byte()) * STEP_MS;
        if let Some(handle) = observation.handle() {
            let last = self.last_of.entry(handle).or_default();
            when = when.max(*last);
            *last = when;
        }
        self.queue
            .insert((when, self.next_seq), (host, observation));
        self.next_seq += 1;
    }

    fn take_due(&mut self, until: Tick) {
        while let Some((at, host, observation)) = self.inner.poll_observation(until) {
            self.enqueue(at, host, observation);
        }
    }
}

impl Driver for Late<'_> {
    fn handle_effect(&mut self, host: &str, effect: Effect, now: Tick) {
        if let Effect::StartProcess(start) = &effect {
            if self.next_byte() == u8::MAX {
                let error = match self.next_byte() % 3 {
                    0 => StartError::OutOfMemory,
                    1 => StartError::NoSpace,
                    _ => StartError::ExecFormat,
                };
                let failed = Observation::StartFailed {
                    handle: start.handle,
                    error,
                };
                self.enqueue(now, host.to_string(), failed);
                return;
            }
        }
        self.inner.handle_effect(host, effect, now);
    }

    fn next_observation_at(&self) -> Option<Tick> {
        let own = self.queue.keys().next().map(|(at, _)| *at);
        [own, self.inner.next_observation_at()]
            .into_iter()
            .flatten()
            .min()
    }

    fn poll_observation(&mut self, until: Tick) -> Option<(Tick, String, Observation)> {
        self.take_due(until);
        let (&key, _) = self.queue.iter().next()?;
        if key.0 > until {
            return None;
        }
        let (host, observation) = self.queue.remove(&key)?;
        Some((key.0, host, observation))
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
    let mut driver = Late {
        inner: SimDriver::new(),
        tape,
        at: 0,
        queue: BTreeMap::new(),
        next_seq: 0,
        last_of: BTreeMap::new(),
    };
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
