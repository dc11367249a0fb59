//! How a command waits on its host: it takes in what arrived at the port, in time order, and
//! checks whether what it waits for has happened, or its deadline has passed.

use super::World;
use crate::event::Tick;
use std::future::poll_fn;
use std::task::Poll;

/// How a wait ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Waited {
    /// What the command waited for happened.
    Done,
    /// The deadline passed first.
    TimedOut,
}

impl World {
    /// Takes in every observation that arrived and lets time pass up to the front's clock,
    /// firing the World's timers on the way; then tells the port the time and the next
    /// timeout.
    pub(crate) fn pump(&mut self) {
        loop {
            let next = self.port.borrow_mut().inbox.pop_front();
            let Some((at, host, observation)) = next else {
                break;
            };
            // Timers due before the observation happened fire first; an observation that
            // arrives late is taken in now.
            self.fire_timers(|due| due < at);
            self.now = self.now.max(at);
            // A host removed meanwhile has nobody left to hear it.
            self.on_host(&host, |w| w.observe(observation));
        }
        let clock = self.port.borrow().clock;
        self.advance_to(clock);
        let next_timeout = [
            self.timers.first().map(|(at, _)| *at),
            self.deadlines.first().copied(),
        ]
        .into_iter()
        .flatten()
        .min();
        let mut port = self.port.borrow_mut();
        port.now = self.now;
        port.next_timeout = next_timeout;
    }

    /// Waits until `done` holds or `deadline` passes (never, for `None`).
    pub(crate) async fn wait_until(
        &mut self,
        deadline: Option<Tick>,
        done: impl Fn(&World) -> bool,
    ) -> Waited {
        if let Some(at) = deadline {
            self.deadlines.insert(at);
        }
        let waited = poll_fn(|_| {
            self.pump();
            if done(self) {
                Poll::Ready(Waited::Done)
            } else if deadline.is_some_and(|at| self.now >= at) {
                Poll::Ready(Waited::TimedOut)
            } else {
                Poll::Pending
            }
        })
        .await;
        if let Some(at) = deadline {
            self.deadlines.remove(&at);
            self.pump();
        }
        waited
    }

    /// Lets `ms` of logical time pass, taking in whatever happens meanwhile.
    pub(crate) async fn sleep(&mut self, ms: Tick) {
        let until = self.now.saturating_add(ms);
        self.wait_until(Some(until), |_| false).await;
    }
}
