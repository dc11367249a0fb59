//! The World's sans-IO face: a command goes in, effects come out, observations and time come
//! back, and the command's outcome is ready once what it waits for has happened.
//!
//! A command that must wait for its host (a foreground `docker run`, `docker stop`'s grace
//! period, a build's `RUN`) is an `async` function of the World. The [`Machine`] owns the World
//! while such a command is in flight and polls it whenever an observation or a timeout comes
//! in; at each wait the World takes what arrived from the [`Port`] it shares with the machine.
//! No executor, thread or clock: polling happens only inside the machine's own methods.

use super::World;
use crate::driver::{Effect, Observation};
use crate::event::Tick;
use crate::{BuildContext, Outcome};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// What passes between the World and the machine that drives it.
#[derive(Default)]
pub(crate) struct Port {
    /// Effects for the hosts, oldest first: (host, effect).
    pub effects: VecDeque<(String, Effect)>,
    /// Observations not yet taken in: (when, host, observation).
    pub inbox: VecDeque<(Tick, String, Observation)>,
    /// The time the front says it is (from [`Machine::handle_timeout`]).
    pub clock: Tick,
    /// The World's time, as of its last look at the port.
    pub now: Tick,
    /// The World's earliest timer or deadline.
    pub next_timeout: Option<Tick>,
}

pub(crate) type SharedPort = Rc<RefCell<Port>>;

type InFlight = Pin<Box<dyn Future<Output = (World, Outcome)>>>;

enum Slot {
    Idle(Box<World>),
    Busy(InFlight),
    Finished(Box<World>, Outcome),
    /// Only while moving between the others.
    Moving,
}

/// A World and the command in flight in it. Fronts give it command lines, carry its effects to
/// a driver and bring back observations and time (see [`crate::driver::run_until_idle`]).
pub struct Machine {
    slot: Slot,
    port: SharedPort,
}

/// Why the machine cannot take a command now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a command is still running")]
pub struct Busy;

impl Machine {
    pub fn new(world: World) -> Machine {
        let port = world.port.clone();
        Machine {
            slot: Slot::Idle(Box::new(world)),
            port,
        }
    }

    /// The World, while no command is in flight.
    pub fn world(&self) -> Option<&World> {
        match &self.slot {
            Slot::Idle(world) | Slot::Finished(world, _) => Some(world),
            _ => None,
        }
    }

    pub fn world_mut(&mut self) -> Option<&mut World> {
        match &mut self.slot {
            Slot::Idle(world) | Slot::Finished(world, _) => Some(world),
            _ => None,
        }
    }

    /// The World back, if no command is in flight.
    pub fn into_world(self) -> Result<World, Machine> {
        match self.slot {
            Slot::Idle(world) | Slot::Finished(world, _) => Ok(*world),
            slot => Err(Machine {
                slot,
                port: self.port,
            }),
        }
    }

    /// Starts one command line (`context` is the build context of a `docker build` on it).
    pub fn submit(&mut self, line: &str, context: &BuildContext) -> Result<(), Busy> {
        let world = match std::mem::replace(&mut self.slot, Slot::Moving) {
            Slot::Idle(world) | Slot::Finished(world, _) => world,
            other => {
                self.slot = other;
                return Err(Busy);
            }
        };
        let line = line.to_string();
        let context = context.clone();
        let future = async move {
            let mut world = *world;
            let outcome = world.execute(&line, &context).await;
            (world, outcome)
        };
        self.slot = Slot::Busy(Box::pin(future));
        self.poll();
        Ok(())
    }

    /// A command is in flight.
    pub fn is_busy(&self) -> bool {
        matches!(self.slot, Slot::Busy(_))
    }

    /// The outcome of the last command, once it has finished.
    pub fn poll_outcome(&mut self) -> Option<Outcome> {
        match std::mem::replace(&mut self.slot, Slot::Moving) {
            Slot::Finished(world, outcome) => {
                self.slot = Slot::Idle(world);
                Some(outcome)
            }
            other => {
                self.slot = other;
                None
            }
        }
    }

    /// The next effect for a host: (host name, effect).
    pub fn poll_effect(&mut self) -> Option<(String, Effect)> {
        self.port.borrow_mut().effects.pop_front()
    }

    /// Something happened on `host` at logical time `at`.
    pub fn handle_observation(&mut self, host: &str, observation: Observation, at: Tick) {
        self.port
            .borrow_mut()
            .inbox
            .push_back((at, host.to_string(), observation));
        self.take_in();
    }

    /// When the World next needs [`Machine::handle_timeout`], if it does.
    pub fn poll_timeout(&self) -> Option<Tick> {
        self.port.borrow().next_timeout
    }

    /// Time has passed up to `now`.
    pub fn handle_timeout(&mut self, now: Tick) {
        {
            let mut port = self.port.borrow_mut();
            port.clock = port.clock.max(now);
        }
        self.take_in();
    }

    /// The World's logical time now.
    pub fn now(&self) -> Tick {
        self.port.borrow().now
    }

    /// Lets the World take in what arrived: directly when idle, by polling the command in
    /// flight otherwise.
    fn take_in(&mut self) {
        match &mut self.slot {
            Slot::Idle(world) | Slot::Finished(world, _) => world.pump(),
            Slot::Busy(_) => self.poll(),
            Slot::Moving => {}
        }
    }

    fn poll(&mut self) {
        let Slot::Busy(future) = &mut self.slot else {
            return;
        };
        let mut cx = Context::from_waker(Waker::noop());
        if let Poll::Ready((world, outcome)) = future.as_mut().poll(&mut cx) {
            self.slot = Slot::Finished(Box::new(world), outcome);
        }
    }
}
