//! The page's state: one simulated World and the transcript of what was typed into it.

use std::cell::RefCell;
use std::rc::Rc;

use sim_core::{BuildContext, Outcome, World};
use yew::Reducible;

/// Fixed so that a lesson replayed in the browser gives the same events as in the `sim` CLI.
pub const SEED: u64 = 42;

/// One command line as typed and what it printed.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub line: String,
    pub outcome: Outcome,
}

pub enum Action {
    Run(String),
}

/// The World is not `Clone`, so successive states share it; only the transcript is new.
pub struct Session {
    world: Rc<RefCell<World>>,
    pub transcript: Rc<Vec<Entry>>,
    pub trace_hash: String,
}

impl Default for Session {
    fn default() -> Self {
        let world = World::new(SEED);
        let trace_hash = world.trace_hash();
        Session {
            world: Rc::new(RefCell::new(world)),
            transcript: Rc::default(),
            trace_hash,
        }
    }
}

impl Reducible for Session {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Run(line) => {
                let mut world = self.world.borrow_mut();
                let outcome = world.run_line(&line, &BuildContext::default());
                let mut transcript = (*self.transcript).clone();
                transcript.push(Entry { line, outcome });
                Rc::new(Session {
                    world: Rc::clone(&self.world),
                    transcript: Rc::new(transcript),
                    trace_hash: world.trace_hash(),
                })
            }
        }
    }
}
