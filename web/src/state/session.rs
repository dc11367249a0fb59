//! One simulated World behind the page, as a Yew reducer: the scenario typed so far, a cursor
//! into it (the timeline can step back and forward by replaying, down to the single events of
//! the command at the cursor), the files editor's content and a picture snapshot of the state
//! at the cursor.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use sim_core::view::{run_line_with_frames, snapshot, RolloutView, Rollouts, Snapshot};
use sim_core::{command::build_context_request, Event, Outcome, World};
use yew::Reducible;

use super::scenario::{build_context, editor_files, Files, Scenario, ScenarioError, Step};
use sim_core::scenario::MAX_STEPS;

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

/// A place on the timeline: after the first `step` steps, and if `event` is set, at that event
/// (an index into the step's events) of the last of them rather than after all of it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    pub step: usize,
    pub event: Option<usize>,
}

impl Position {
    /// After the whole of the first `step` steps.
    pub fn after(step: usize) -> Position {
        Position { step, event: None }
    }
}

pub enum Action {
    /// Run lines in order at the cursor (one typed, or several pasted); steps after the
    /// cursor (undone ones) are dropped. At an event inside a step, the step still counts
    /// whole: a command cannot run halfway.
    RunAll(Vec<String>),
    /// Go to this place on the timeline (replaying when it is another step).
    Seek(Position),
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

/// The World is not `Clone`, so successive states share it (cloning a Session shares it too);
/// everything else is new per state.
#[derive(Clone)]
pub struct Session {
    world: Rc<RefCell<World>>,
    /// The rollout histories read from this World's trace so far (only new events are read).
    rollouts: Rc<RefCell<Rollouts>>,
    pub seed: u64,
    /// Every step typed, including undone ones after the cursor.
    pub steps: Rc<Vec<Step>>,
    /// How many steps are applied to the World.
    pub cursor: usize,
    /// When the timeline stands at one event of the step at the cursor: its index there.
    pub focus: Option<usize>,
    pub transcript: Rc<Vec<SharedEntry>>,
    pub files: Rc<Files>,
    /// What the pictures show: the state at the focused event, or else the World's.
    pub snapshot: Rc<Snapshot>,
    /// The World's own snapshot (after the whole step at the cursor).
    end_snapshot: Rc<Snapshot>,
    /// One snapshot per event of the step at the cursor, when it was replayed for stepping
    /// through; empty after typing (taken again when the timeline asks for them).
    frames: Rc<Vec<Rc<Snapshot>>>,
    pub trace_hash: String,
    /// Changes whenever the World or the files do, for effects that depend on them.
    pub revision: u64,
    /// Why the last lines typed were not run: a scenario over the limits could not be saved,
    /// shared or loaded again.
    pub refused: Option<Rc<str>>,
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
            Position::after(cursor),
            Rc::new(editor_files(&scenario.files)),
            0,
        )
    }

    /// A fresh World with the first `at.step` of `steps` applied; the last of them with a
    /// snapshot per event when `at` is one of its events.
    fn replayed(
        seed: u64,
        steps: Rc<Vec<Step>>,
        at: Position,
        files: Rc<Files>,
        revision: u64,
    ) -> Session {
        let cursor = at.step.min(steps.len());
        let mut world = World::new(seed);
        let mut transcript = Vec::with_capacity(cursor);
        let mut frames = Vec::new();
        for (index, step) in steps.iter().take(cursor).enumerate() {
            if index + 1 == cursor && at.event.is_some() {
                let (entry, taken) = apply_with_frames(&mut world, step);
                transcript.push(entry);
                frames = taken.into_iter().map(Rc::new).collect();
            } else {
                transcript.push(apply(&mut world, step));
            }
        }
        let end_snapshot = Rc::new(snapshot(&world));
        let session = Session {
            snapshot: Rc::clone(&end_snapshot),
            end_snapshot,
            frames: Rc::new(frames),
            focus: None,
            trace_hash: world.trace_hash(),
            world: Rc::new(RefCell::new(world)),
            rollouts: Rc::default(),
            seed,
            steps,
            cursor,
            transcript: Rc::new(transcript),
            files,
            revision,
            refused: None,
        };
        session.focused(at.event)
    }

    /// This state with the pictures at event `event` of the step at the cursor (`None`, or
    /// its last event, means after the whole step). Needs the step's frames.
    fn focused(mut self, event: Option<usize>) -> Session {
        let events = self.events_at_cursor();
        self.focus = event.filter(|&i| i + 1 < events && i < self.frames.len());
        self.snapshot = match self.focus {
            Some(i) => Rc::clone(&self.frames[i]),
            None => Rc::clone(&self.end_snapshot),
        };
        self
    }

    /// Where the timeline stands.
    pub fn position(&self) -> Position {
        Position {
            step: self.cursor,
            event: self.focus,
        }
    }

    /// Events of the step at the cursor.
    fn events_at_cursor(&self) -> usize {
        self.transcript.last().map_or(0, |entry| entry.events.len())
    }

    /// One event back: through the events of the step at the cursor, then to the end of the
    /// step before. `None` at the very start.
    pub fn previous(&self) -> Option<Position> {
        match self.focus {
            Some(i) if i > 0 => Some(Position {
                step: self.cursor,
                event: Some(i - 1),
            }),
            Some(_) => Some(Position::after(self.cursor.saturating_sub(1))),
            None if self.events_at_cursor() >= 2 => Some(Position {
                step: self.cursor,
                event: Some(self.events_at_cursor() - 2),
            }),
            None => self.cursor.checked_sub(1).map(Position::after),
        }
    }

    /// One event forward: through the events of the step at the cursor, then into the next
    /// (undone) step from its first event. `None` at the end.
    pub fn next(&self) -> Option<Position> {
        match self.focus {
            Some(i) => Some(Position {
                step: self.cursor,
                event: Some(i + 1),
            }),
            None if self.cursor < self.steps.len() => Some(Position {
                step: self.cursor + 1,
                event: Some(0),
            }),
            None => None,
        }
    }

    fn seek(self: Rc<Self>, at: Position) -> Rc<Self> {
        let frames_ready = at.event.is_none() || !self.frames.is_empty();
        if at.step == self.cursor && frames_ready {
            // Same World: only the pictures move.
            let mut moved = (*self).clone();
            moved.revision += 1;
            moved.refused = None;
            return Rc::new(moved.focused(at.event));
        }
        Rc::new(Session::replayed(
            self.seed,
            Rc::clone(&self.steps),
            at,
            Rc::clone(&self.files),
            self.revision + 1,
        ))
    }

    /// The World at the cursor, for checks and completion (read-only).
    pub fn world(&self) -> Ref<'_, World> {
        self.world.borrow()
    }

    /// Deployments' rollouts in the World at the cursor, reading only the events since the
    /// last call.
    pub fn rollouts(&self) -> Vec<RolloutView> {
        self.rollouts.borrow_mut().update(&self.world.borrow())
    }

    /// What to save, share or export: the applied steps and the current files.
    pub fn scenario(&self) -> Scenario {
        Scenario {
            seed: self.seed,
            steps: self.steps[..self.cursor].to_vec(),
            files: build_context(&self.files),
        }
    }

    fn run_lines(self: Rc<Self>, lines: Vec<String>) -> Rc<Self> {
        if self.cursor < self.steps.len() {
            // Typing after stepping back starts a new future, as in an editor's undo.
            let mut again = Session::replayed(
                self.seed,
                Rc::new(self.steps[..self.cursor].to_vec()),
                Position::after(self.cursor),
                Rc::clone(&self.files),
                self.revision + 1,
            );
            again.revision = self.revision + 1;
            return Rc::new(again).run_lines(lines);
        }
        let mut steps = (*self.steps).clone();
        let mut transcript = (*self.transcript).clone();
        let mut refused = None;
        {
            let mut world = self.world.borrow_mut();
            for line in lines {
                let files = build_context_request(&line).map(|_| build_context(&self.files));
                let step = Step::new(line, files);
                if let Err(e) = check_one_more(&steps, &step) {
                    refused = Some(Rc::from(format!("not run: {e}")));
                    continue;
                }
                transcript.push(apply(&mut world, &step));
                steps.push(step);
            }
        }
        let world = self.world.borrow();
        let end_snapshot = Rc::new(snapshot(&world));
        Rc::new(Session {
            world: Rc::clone(&self.world),
            rollouts: Rc::clone(&self.rollouts),
            seed: self.seed,
            cursor: steps.len(),
            focus: None,
            steps: Rc::new(steps),
            transcript: Rc::new(transcript),
            files: Rc::clone(&self.files),
            snapshot: Rc::clone(&end_snapshot),
            end_snapshot,
            frames: Rc::default(),
            trace_hash: world.trace_hash(),
            revision: self.revision + 1,
            refused,
        })
    }

    fn with_files(self: Rc<Self>, change: impl FnOnce(&mut Files)) -> Rc<Self> {
        let mut changed = (*self).clone();
        change(Rc::make_mut(&mut changed.files));
        // Files are saved with the scenario, so they count as a change.
        changed.revision += 1;
        changed.refused = None;
        Rc::new(changed)
    }
}

/// The scenario limits for `steps` with `step` after them.
fn check_one_more(steps: &[Step], step: &Step) -> Result<(), ScenarioError> {
    if steps.len() >= MAX_STEPS {
        return Err(ScenarioError::TooBig {
            what: format!("it has {} commands", steps.len()),
            limit: MAX_STEPS.to_string(),
        });
    }
    step.check(steps.len() + 1)
}

fn apply(world: &mut World, step: &Step) -> SharedEntry {
    let outcome = step.run(world);
    entry(world, step, outcome)
}

/// [`apply`], also taking a picture snapshot at each event of the step.
fn apply_with_frames(world: &mut World, step: &Step) -> (SharedEntry, Vec<Snapshot>) {
    let (outcome, frames) = run_line_with_frames(world, &step.line, step.context());
    (entry(world, step, outcome), frames)
}

fn entry(world: &mut World, step: &Step, outcome: Outcome) -> SharedEntry {
    let events = world.events();
    let range = outcome.first_event as usize..outcome.end_event as usize;
    SharedEntry(Rc::new(Entry {
        line: step.line.clone(),
        events: events.get(range).unwrap_or_default().to_vec(),
        outcome,
    }))
}

impl Reducible for Session {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::RunAll(lines) => self.run_lines(lines),
            Action::Seek(at) => self.seek(at),
            Action::Reset => Rc::new(Session::replayed(
                self.seed,
                Rc::default(),
                Position::default(),
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
    fn a_line_over_the_limits_is_refused_and_the_scenario_stays_loadable() {
        let mut session = run(Rc::new(Session::default()), "docker volume create a");
        let long = format!("echo {}", "x".repeat(sim_core::scenario::MAX_LINE_BYTES));
        session = session.reduce(Action::RunAll(vec![long, "docker volume create b".into()]));
        let refused = session.refused.as_deref().unwrap_or_default();
        assert!(
            refused.starts_with("not run: the scenario is too big: command 2 "),
            "{refused}"
        );
        let lines: Vec<_> = session.steps.iter().map(|s| s.line.as_str()).collect();
        assert_eq!(lines, ["docker volume create a", "docker volume create b"]);
        assert_eq!(session.transcript.len(), 2);
        let json = session.scenario().to_json();
        assert!(Scenario::from_json(json.as_bytes()).is_ok());
        session = run(session, "docker volume ls");
        assert_eq!(session.refused, None);
    }

    #[test]
    fn stepping_back_replays_to_the_same_state() {
        let mut session = Rc::new(Session::default());
        session = run(session, "docker run -d --name web nginx");
        let after_one = session.trace_hash.clone();
        session = run(session, "docker rm -f web");
        assert_ne!(session.trace_hash, after_one);
        session = session.reduce(Action::Seek(Position::after(1)));
        assert_eq!(session.trace_hash, after_one);
        assert_eq!(session.cursor, 1);
        assert_eq!(
            session.steps.len(),
            2,
            "the undone step stays for stepping forward"
        );
        session = session.reduce(Action::Seek(Position::after(2)));
        assert!(session.world().containers().next().is_none());
    }

    #[test]
    fn typing_after_stepping_back_drops_the_undone_future() {
        let mut session = Rc::new(Session::default());
        session = run(session, "docker volume create a");
        session = run(session, "docker volume create b");
        session = session.reduce(Action::Seek(Position::after(1)));
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

    fn container_state(session: &Session, name: &str) -> Option<String> {
        session
            .snapshot
            .containers
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.state.clone())
    }

    /// Steps back from the end to the start, then forward to the end, collecting positions.
    fn walk(mut session: Rc<Session>) -> (Vec<Position>, Vec<Position>, Rc<Session>) {
        let mut back = vec![session.position()];
        while let Some(to) = session.previous() {
            session = session.reduce(Action::Seek(to));
            assert_eq!(session.position(), to, "seek lands where asked");
            back.push(to);
        }
        let mut forward = vec![session.position()];
        while let Some(to) = session.next() {
            session = session.reduce(Action::Seek(to));
            forward.push(session.position());
        }
        (back, forward, session)
    }

    #[test]
    fn stepping_goes_through_each_event_of_a_command() {
        let mut session = Rc::new(Session::default());
        session = run(session, "docker run -d --name web nginx");
        session = run(session, "docker rm -f web");
        let end_hash = session.trace_hash.clone();
        // rm -f: command, container_exited, container_removed.
        assert_eq!(session.transcript[1].events.len(), 3);
        let back = session.previous().expect("a step back");
        assert_eq!(
            back,
            Position {
                step: 2,
                event: Some(1)
            }
        );
        session = session.reduce(Action::Seek(back));
        assert_eq!(container_state(&session, "web").as_deref(), Some("exited"));
        assert_eq!(
            session.trace_hash, end_hash,
            "the World stays after the command"
        );
        let back = session.previous().expect("back");
        session = session.reduce(Action::Seek(back));
        assert_eq!(session.focus, Some(0));
        assert_eq!(container_state(&session, "web").as_deref(), Some("running"));
        for _ in 0..2 {
            let forward = session.next().expect("forward");
            session = session.reduce(Action::Seek(forward));
        }
        assert_eq!(session.position(), Position::after(2));
        assert_eq!(container_state(&session, "web"), None);
        assert_eq!(session.next(), None, "nothing after the end");
    }

    #[test]
    fn walking_back_and_forth_visits_every_event_once() {
        let mut session = Rc::new(Session::default());
        for line in [
            "docker volume create keep",
            "docker run --name once busybox echo hi",
            "docker nosuch",
        ] {
            session = run(session, line);
        }
        let end = session.snapshot.clone();
        let events: Vec<usize> = session.transcript.iter().map(|e| e.events.len()).collect();
        let (back, forward, session) = walk(session);
        // A step stops once per event (at its last one as "after the whole step"), plus the
        // empty start.
        let stops = events.iter().map(|&n| n.max(1)).sum::<usize>() + 1;
        assert_eq!(back.len(), stops, "{back:?}");
        let mut reversed = back.clone();
        reversed.reverse();
        assert_eq!(forward, reversed, "forward retraces the same stops");
        assert_eq!(session.snapshot, end, "back at the end, the same pictures");
    }

    #[test]
    fn typing_at_an_event_continues_after_the_whole_command() {
        let mut session = Rc::new(Session::default());
        session = run(session, "docker run -d --name web nginx");
        session = run(session, "docker rm -f web");
        session = session.reduce(Action::Seek(Position {
            step: 2,
            event: Some(1),
        }));
        session = run(session, "docker ps -a");
        assert_eq!(session.steps.len(), 3);
        assert_eq!(session.focus, None);
        assert!(
            session.transcript[2].outcome.stdout.lines().count() == 1,
            "web is gone"
        );
    }
}
