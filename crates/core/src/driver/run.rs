//! The driver side of the seam, and the small loop that joins a World to a driver whose
//! observations are scheduled on the logical clock.

use super::{Effect, Observation};
use crate::event::Tick;
use crate::world::Machine;

/// Carries out effects on hosts and reports what happened, on the logical clock. A driver
/// must answer deterministically for the same calls to keep runs reproducible.
pub trait Driver {
    /// Carries out `effect` on the host named `host`, at logical time `now`. What follows
    /// from it is reported later through [`Driver::poll_observation`].
    fn handle_effect(&mut self, host: &str, effect: Effect, now: Tick);

    /// When the earliest scheduled observation is due, if any is.
    fn next_observation_at(&self) -> Option<Tick>;

    /// The earliest observation due at or before `until`: when it happened, on which host.
    fn poll_observation(&mut self, until: Tick) -> Option<(Tick, String, Observation)>;
}

impl<D: Driver + ?Sized> Driver for Box<D> {
    fn handle_effect(&mut self, host: &str, effect: Effect, now: Tick) {
        (**self).handle_effect(host, effect, now)
    }

    fn next_observation_at(&self) -> Option<Tick> {
        (**self).next_observation_at()
    }

    fn poll_observation(&mut self, until: Tick) -> Option<(Tick, String, Observation)> {
        (**self).poll_observation(until)
    }
}

/// Drives `machine` and `driver` until the command in flight has finished: effects go to the
/// driver, and time moves to whichever comes first, the driver's next observation or the
/// World's next timeout. Returns false if neither side has anything left to do while the
/// command still waits (a driver that never answers): the command is then still running.
pub fn run_until_idle(machine: &mut Machine, driver: &mut dyn Driver) -> bool {
    loop {
        while let Some((host, effect)) = machine.poll_effect() {
            driver.handle_effect(&host, effect, machine.now());
        }
        if !machine.is_busy() {
            return true;
        }
        let observation_at = driver.next_observation_at();
        let timeout = machine.poll_timeout();
        let deliver = match (observation_at, timeout) {
            (None, None) => return false,
            (Some(at), Some(t)) => at <= t,
            (Some(_), None) => true,
            (None, Some(_)) => false,
        };
        if deliver {
            if let Some((at, host, observation)) =
                observation_at.and_then(|at| driver.poll_observation(at))
            {
                machine.handle_observation(&host, observation, at);
            }
        } else if let Some(t) = timeout {
            machine.handle_timeout(t);
        }
    }
}
