//! The World: all simulated state, the logical clock, the seeded PRNG and the trace.

use crate::event::{EventKind, Tick, Trace};
use crate::{BuildContext, Outcome};

pub struct World {
    seed: u64,
    now: Tick,
    trace: Trace,
}

impl World {
    pub fn new(seed: u64) -> World {
        World {
            seed,
            now: 0,
            trace: Trace::default(),
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Runs one command line (`docker run -d nginx`, `docker ps -a`, ...). `context` is the
    /// build context for a `docker build` on this line (ignored otherwise). Never panics:
    /// errors come back as docker would print them, with the state unchanged.
    pub fn run_line(&mut self, line: &str, _context: &BuildContext) -> Outcome {
        let first = self.trace.len() as u64;
        self.trace.push(
            self.now,
            EventKind::Command {
                line: line.to_string(),
            },
        );
        Outcome {
            stdout: format!("{line}\n"),
            first_event: first,
            end_event: self.trace.len() as u64,
            ..Outcome::default()
        }
    }

    pub fn events(&self) -> &[crate::Event] {
        self.trace.events()
    }

    pub fn trace_hash(&self) -> String {
        self.trace.hash()
    }
}
