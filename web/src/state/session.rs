//! One simulated World behind the page, as a Yew reducer: the scenario typed so far, a cursor
//! into it (the timeline can step back and forward by replaying), the files editor's content
//! and a picture snapshot of the state at the cursor.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use sim_core::view::{snapshot, Snapshot};
use sim_core::{command::build_context_request, Event, Outcome, World};
use yew::Reducible;

use super::scenario::{build_context, Files, Scenario, ScenarioStep};

/// One command line as typed, what it printed and the events it caused. Shared as `Rc` and
/// compared by pointer, so the terminal and the timeline redraw only new lines.
#[derive(Debug)]
pub struct Entry {
    pub line: String,
    pub outcome: Outcome,
    /// The events this line added to the trace, in order.
    pub events: Vec<Event>,
}

/// An entry as components take it: equal only to itself, which is cheap to compare.
#[derive(Clone, Debug)]
pub struct SharedEntry(pub Rc<Entry>);

impl PartialEq for SharedEntry {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for SharedEntry {
    type Target = Entry;
    fn deref(&self) -> &Entry {
        &self.0
    }
}

pub enum Action {
    /// Run lines in order at the cursor (one typed, or several pasted); steps after the
    /// cursor (undone ones) are dropped.
    RunAll(Vec<String>),
    /// Replay the first `n` steps.
    StepTo(usize),
    /// Start again from an empty World with the same seed.
    Reset,
    /// Replace everything with this scenario (a shared link, an import, a saved lesson).
    Load(Scenario),
    SetFile {
        name: String,
        text: String,
    },
    RenameFile {
        from: String,
        to: String,
    },
    DeleteFile(String),
}

/// The World is not `Clone`, so successive states share it; everything else is new per state.
pub struct Session {
    world: Rc<RefCell<World>>,
    pub seed: u64,
    /// Every step typed, including undone ones after the cursor.
    pub steps: Rc<Vec<ScenarioStep>>,
    /// How many steps are applied to the World.
    pub cursor: usize,
    pub transcript: Rc<Vec<SharedEntry>>,
    pub files: Rc<Files>,
    pub snapshot: Rc<Snapshot>,
    pub trace_hash: String,
    /// Changes whenever the World or the files do, for effects that depend on them.
    pub revision: u64,
}

impl Default for Session {
    fn default() -> Self {
        Session::from_scenario(Scenario::default())
    }
}

impl PartialEq for Session {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision && Rc::ptr_eq(&self.world, &other.world)
    }
}

impl Session {
    pub fn from_scenario(scenario: Scenario) -> Session {
        let cursor = scenario.steps.len();
        Session::replayed(
            scenario.seed,
            Rc::new(scenario.steps),
            cursor,
            Rc::new(scenario.files),
            0,
        )
    }

    /// A fresh World with the first `cursor` of `steps` applied.
    fn replayed(
        seed: u64,
        steps: Rc<Vec<ScenarioStep>>,
        cursor: usize,
        files: Rc<Files>,
        revision: u64,
    ) -> Session {
        let mut world = World::new(seed);
        let mut transcript = Vec::with_capacity(cursor);
        for step in steps.iter().take(cursor) {
            transcript.push(apply(&mut world, step));
        }
        let cursor = cursor.min(steps.len());
        Session {
            snapshot: Rc::new(snapshot(&world)),
            trace_hash: world.trace_hash(),
            world: Rc::new(RefCell::new(world)),
            seed,
            steps,
            cursor,
            transcript: Rc::new(transcript),
            files,
            revision,
        }
    }

    /// The World at the cursor, for checks and completion (read-only).
    pub fn world(&self) -> Ref<'_, World> {
        self.world.borrow()
    }

    /// What to save, share or export: the applied steps and the current files.
    pub fn scenario(&self) -> Scenario {
        Scenario {
            seed: self.seed,
            steps: self.steps[..self.cursor].to_vec(),
            files: (*self.files).clone(),
            ..Scenario::default()
        }
    }

    fn run_lines(self: Rc<Self>, lines: Vec<String>) -> Rc<Self> {
        if self.cursor < self.steps.len() {
            // Typing after stepping back starts a new future, as in an editor's undo.
            let mut again = Session::replayed(
                self.seed,
                Rc::new(self.steps[..self.cursor].to_vec()),
                self.cursor,
                Rc::clone(&self.files),
                self.revision + 1,
            );
            again.revision = self.revision + 1;
            return Rc::new(again).run_lines(lines);
        }
        let mut steps = (*self.steps).clone();
        let mut transcript = (*self.transcript).clone();
        {
            let mut world = self.world.borrow_mut();
            for line in lines {
                let files = build_context_request(&line).map(|_| (*self.files).clone());
                let step = ScenarioStep { line, files };
                transcript.push(apply(&mut world, &step));
                steps.push(step);
            }
        }
        let world = self.world.borrow();
        Rc::new(Session {
            world: Rc::clone(&self.world),
            seed: self.seed,
            cursor: steps.len(),
            steps: Rc::new(steps),
            transcript: Rc::new(transcript),
            files: Rc::clone(&self.files),
            snapshot: Rc::new(snapshot(&world)),
            trace_hash: world.trace_hash(),
            revision: self.revision + 1,
        })
    }

    fn with_files(self: Rc<Self>, change: impl FnOnce(&mut Files)) -> Rc<Self> {
        let mut files = (*self.files).clone();
        change(&mut files);
        Rc::new(Session {
            world: Rc::clone(&self.world),
            seed: self.seed,
            steps: Rc::clone(&self.steps),
            cursor: self.cursor,
            transcript: Rc::clone(&self.transcript),
            files: Rc::new(files),
            snapshot: Rc::clone(&self.snapshot),
            trace_hash: self.trace_hash.clone(),
            // Files are saved with the scenario, so they count as a change.
            revision: self.revision + 1,
        })
    }
}

fn apply(world: &mut World, step: &ScenarioStep) -> SharedEntry {
    let context = step.files.as_ref().map(build_context).unwrap_or_default();
    let before = world.events().len();
    let outcome = world.run_line(&step.line, &context);
    // The page has no use for the driver's effect log; a long session must not keep it.
    drop(world.take_effects());
    SharedEntry(Rc::new(Entry {
        line: step.line.clone(),
        outcome,
        events: world.events().get(before..).unwrap_or_default().to_vec(),
    }))
}

impl Reducible for Session {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::RunAll(lines) => self.run_lines(lines),
            Action::StepTo(n) => Rc::new(Session::replayed(
                self.seed,
                Rc::clone(&self.steps),
                n.min(self.steps.len()),
                Rc::clone(&self.files),
                self.revision + 1,
            )),
            Action::Reset => Rc::new(Session::replayed(
                self.seed,
                Rc::default(),
                0,
                Rc::clone(&self.files),
                self.revision + 1,
            )),
            Action::Load(scenario) => {
                let mut loaded = Session::from_scenario(scenario);
                loaded.revision = self.revision + 1;
                Rc::new(loaded)
            }
            Action::SetFile { name, text } => self.with_files(|files| {
                files.insert(name, text);
            }),
            Action::RenameFile { from, to } => self.with_files(|files| {
                if let Some(text) = files.remove(&from) {
                    files.insert(to, text);
                }
            }),
            Action::DeleteFile(name) => self.with_files(|files| {
                files.remove(&name);
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(session: Rc<Session>, line: &str) -> Rc<Session> {
        session.reduce(Action::RunAll(vec![line.to_string()]))
    }

    #[test]
    fn stepping_back_replays_to_the_same_state() {
        let mut session = Rc::new(Session::default());
        session = run(session, "docker run -d --name web nginx");
        let after_one = session.trace_hash.clone();
        session = run(session, "docker rm -f web");
        assert_ne!(session.trace_hash, after_one);
        session = session.reduce(Action::StepTo(1));
        assert_eq!(session.trace_hash, after_one);
        assert_eq!(session.cursor, 1);
        assert_eq!(
            session.steps.len(),
            2,
            "the undone step stays for stepping forward"
        );
        session = session.reduce(Action::StepTo(2));
        assert!(session.world().containers().next().is_none());
    }

    #[test]
    fn typing_after_stepping_back_drops_the_undone_future() {
        let mut session = Rc::new(Session::default());
        session = run(session, "docker volume create a");
        session = run(session, "docker volume create b");
        session = session.reduce(Action::StepTo(1));
        session = run(session, "docker volume create c");
        let lines: Vec<_> = session.steps.iter().map(|s| s.line.as_str()).collect();
        assert_eq!(lines, ["docker volume create a", "docker volume create c"]);
        let names: Vec<_> = session.world().volumes().map(|v| v.name.clone()).collect();
        assert_eq!(names, ["a", "c"]);
    }

    #[test]
    fn a_build_keeps_the_files_it_used_so_replay_builds_the_same() {
        let mut session = Rc::new(Session::default());
        session = session.reduce(Action::SetFile {
            name: "Dockerfile".into(),
            text: "FROM busybox\nCOPY a.txt /a.txt\n".into(),
        });
        session = session.reduce(Action::SetFile {
            name: "a.txt".into(),
            text: "one\n".into(),
        });
        session = run(session, "docker build -t app .");
        assert_eq!(session.transcript[0].outcome.exit_code, 0);
        let hash = session.trace_hash.clone();
        session = session.reduce(Action::SetFile {
            name: "a.txt".into(),
            text: "two\n".into(),
        });
        let replayed = Session::from_scenario(session.scenario());
        assert_eq!(replayed.trace_hash, hash);
    }
}
