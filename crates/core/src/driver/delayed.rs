//! A host whose reports come late: wraps a driver and holds each observation back by a delay
//! the caller chooses, so observations of different processes interleave in new orders while
//! one process's keep theirs (a pipe does not reorder). For tests and fuzzing of the seam:
//! the World must build the same consistent state whenever its observations arrive.

use super::{Driver, Effect, Observation, ProcessHandle};
use crate::event::Tick;
use std::collections::BTreeMap;

pub struct Delayed<D, F> {
    inner: D,
    /// How long to hold back the next observation, in ms.
    delay: F,
    /// (when, order of arrival) -> (host, observation).
    queue: BTreeMap<(Tick, u64), (String, Observation)>,
    next_seq: u64,
    /// When each process's latest observation is due, so its next one is not due earlier.
    last_of: BTreeMap<ProcessHandle, Tick>,
}

impl<D: Driver, F: FnMut() -> Tick> Delayed<D, F> {
    pub fn new(inner: D, delay: F) -> Delayed<D, F> {
        Delayed {
            inner,
            delay,
            queue: BTreeMap::new(),
            next_seq: 0,
            last_of: BTreeMap::new(),
        }
    }

    pub fn inner(&self) -> &D {
        &self.inner
    }

    /// Schedules an observation that happened at `at`, held back like the inner driver's.
    pub fn hold(&mut self, at: Tick, host: String, observation: Observation) {
        let mut when = at.saturating_add((self.delay)());
        if let Some(handle) = observation.handle() {
            let last = self.last_of.entry(handle).or_default();
            when = when.max(*last);
            *last = when;
        }
        self.queue
            .insert((when, self.next_seq), (host, observation));
        self.next_seq += 1;
    }
}

impl<D: Driver, F: FnMut() -> Tick> Driver for Delayed<D, F> {
    fn handle_effect(&mut self, host: &str, effect: Effect, now: Tick) {
        self.inner.handle_effect(host, effect, now);
    }

    fn next_observation_at(&self) -> Option<Tick> {
        // A lower bound: what the inner driver has due now may be held back further.
        let own = self.queue.keys().next().map(|(at, _)| *at);
        [own, self.inner.next_observation_at()]
            .into_iter()
            .flatten()
            .min()
    }

    fn poll_observation(&mut self, until: Tick) -> Option<(Tick, String, Observation)> {
        while let Some((at, host, observation)) = self.inner.poll_observation(until) {
            self.hold(at, host, observation);
        }
        let (&key, _) = self.queue.iter().next()?;
        if key.0 > until {
            return None;
        }
        let (host, observation) = self.queue.remove(&key)?;
        Some((key.0, host, observation))
    }
}
