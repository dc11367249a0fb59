//! Real time mapped onto the World's logical clock: a tick is a real millisecond since the
//! driver began, plus the jumps the World made on its own (think time, `tick 10s` while
//! nothing runs), so logical time never goes back.

use sim_core::Tick;
use std::time::Instant;

pub struct Clock {
    start: Instant,
    offset: Tick,
}

impl Clock {
    pub fn new(now: Tick) -> Clock {
        Clock {
            start: Instant::now(),
            offset: now,
        }
    }

    /// The logical time of a real instant.
    pub fn tick_of(&self, at: Instant) -> Tick {
        self.offset + at.saturating_duration_since(self.start).as_millis() as Tick
    }

    pub fn now(&self) -> Tick {
        self.tick_of(Instant::now())
    }

    /// The World is at `now`: the clock moves forward to it if it was behind.
    pub fn sync(&mut self, now: Tick) {
        let current = self.now();
        if current < now {
            self.offset += now - current;
        }
    }
}
