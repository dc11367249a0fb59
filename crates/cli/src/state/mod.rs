//! The saved state between `sim` invocations: the core's scenario as a journal.
//!
//! The core is deterministic, so the scenario is the state: `journal.jsonl` holds its JSON-lines
//! form ([`sim_core::scenario::journal`]), a header with the seed, then one step per executed
//! line (with the build context a `docker build` used, because the directory on disk may have
//! changed since), appended as lines run. Loading replays it into a fresh [`World`]. Journals
//! of the first format ([`v1`]) still load, and are rewritten in the current one on the first
//! line run after.

mod read;
#[cfg(test)]
mod tests;
mod v1;

use sim_core::scenario::{journal, ScenarioError, Step, FORMAT_VERSION, MAX_STEPS};
use sim_core::{BuildContext, Outcome, World};
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub use sim_core::scenario::DEFAULT_SEED;

pub const JOURNAL_FILE: &str = "journal.jsonl";
/// Where a journal in the old format is rewritten before it replaces the old one.
const REWRITE_FILE: &str = "journal.jsonl.new";

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(
        "cannot read the state journal {}: {source}\n  run `sim reset` to start over if it stays unreadable (this deletes the saved state)",
        path.display()
    )]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write the state journal {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error(
        "state journal is damaged at line {line}: {reason}\n  journal: {}\n  run `sim reset` to start over (this deletes the saved state)",
        path.display()
    )]
    Damaged {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error(
        "state journal {} has format version {found}, this sim reads versions 1 to {FORMAT_VERSION}; use a newer sim, or run `sim reset` to start over",
        path.display()
    )]
    Version { path: PathBuf, found: u32 },
    #[error(
        "state journal {} cannot be replayed at line {line}: {source}\n  run `sim reset` to start over (this deletes the saved state)",
        path.display()
    )]
    TooBig {
        path: PathBuf,
        line: usize,
        source: ScenarioError,
    },
    #[error(
        "the saved state was made with --seed {saved}, not {requested}; run `sim reset` first to start over with a new seed (or leave out --seed)"
    )]
    SeedMismatch { saved: u64, requested: u64 },
    /// `sim --real`: the real session could not go on (its journal, the machine).
    #[error("{0}")]
    Real(String),
}

impl StateError {
    /// A scenario error at `line` of the journal `path`, with the journal's own wording.
    fn at(path: &Path, line: usize, error: ScenarioError) -> StateError {
        let path = path.to_path_buf();
        match error {
            ScenarioError::Damaged(reason) => StateError::Damaged { path, line, reason },
            ScenarioError::NewerVersion(found) => StateError::Version { path, found },
            source @ ScenarioError::TooBig { .. } => StateError::TooBig { path, line, source },
        }
    }
}

pub struct State {
    journal: PathBuf,
    seed: u64,
    world: World,
    /// The journal file exists with its header.
    started: bool,
    /// The last journal line lacks its newline (a cut-off write that still parsed).
    needs_newline: bool,
    /// Lines run so far, replayed ones included.
    ran: usize,
    /// The steps of a journal in the old format, until it is rewritten in the current one.
    old_format: Option<Vec<Step>>,
}

impl State {
    /// Loads and replays the journal in `dir`, or starts empty if there is none. `seed` is what
    /// the user asked for: `None` takes the saved seed (or the default for a fresh state).
    pub fn open(dir: &Path, seed: Option<u64>) -> Result<State, StateError> {
        let journal = dir.join(JOURNAL_FILE);
        let mut reader = read::Journal::open(&journal)?;
        let header = reader.header()?;
        let seed = match (&header, seed) {
            (Some(h), Some(requested)) if h.seed != requested => {
                return Err(StateError::SeedMismatch {
                    saved: h.seed,
                    requested,
                })
            }
            (Some(h), _) => h.seed,
            (None, requested) => requested.unwrap_or(DEFAULT_SEED),
        };

        let mut world = World::new(seed);
        let mut ran = 0;
        let mut old_format = header.as_ref().filter(|h| h.old_format).map(|_| Vec::new());
        while let Some(step) = reader.next_step(ran + 1)? {
            if ran == MAX_STEPS {
                return Err(StateError::TooBig {
                    path: journal,
                    line: reader.line(),
                    source: ScenarioError::TooBig {
                        what: format!("it has more than {MAX_STEPS} commands"),
                        limit: MAX_STEPS.to_string(),
                    },
                });
            }
            // Replay: the outcome was shown when the line first ran.
            step.run(&mut world);
            ran += 1;
            if let Some(steps) = &mut old_format {
                steps.push(step);
            }
        }

        Ok(State {
            needs_newline: reader.ends_without_newline(),
            journal,
            seed,
            world,
            started: header.is_some(),
            ran,
            old_format,
        })
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// How many lines ran so far, replayed ones included.
    pub fn ran(&self) -> usize {
        self.ran
    }

    /// Runs one line on the world and appends it to the journal. The outcome comes back even
    /// when saving fails, so the user still sees what happened.
    pub fn run(
        &mut self,
        line: &str,
        context: Option<BuildContext>,
    ) -> (Outcome, Result<(), StateError>) {
        let step = Step::new(line, context);
        if let Err(refused) = self.check(&step) {
            // Saved, it would make a journal that no later `sim` could load.
            let end = self.world.events().len() as u64;
            let outcome = Outcome {
                stderr: format!("sim: not run: {refused}\n"),
                exit_code: 1,
                first_event: end,
                end_event: end,
                ..Outcome::default()
            };
            return (outcome, Ok(()));
        }
        let outcome = step.run(&mut self.world);
        self.ran += 1;
        let saved = match self.old_format.take() {
            Some(mut steps) => {
                steps.push(step);
                let saved = self.rewrite(&steps);
                if saved.is_err() {
                    // Still in the old format on disk: try again with the next line.
                    steps.pop();
                    self.old_format = Some(steps);
                }
                saved
            }
            None => self.append(&step),
        };
        (outcome, saved)
    }

    /// The scenario limits the journal is read back with, for one more step.
    fn check(&self, step: &Step) -> Result<(), ScenarioError> {
        if self.ran >= MAX_STEPS {
            return Err(ScenarioError::TooBig {
                what: format!("the saved state has {} commands", self.ran),
                limit: MAX_STEPS.to_string(),
            });
        }
        step.check(self.ran + 1)
    }

    /// Forgets everything: deletes the journal and starts a fresh world with the same seed.
    pub fn reset(&mut self) -> Result<(), StateError> {
        delete(self.journal.parent().unwrap_or(Path::new(".")))?;
        self.world = World::new(self.seed);
        self.started = false;
        self.needs_newline = false;
        self.ran = 0;
        self.old_format = None;
        Ok(())
    }

    fn write_error(&self, source: io::Error) -> StateError {
        StateError::Write {
            path: self.journal.clone(),
            source,
        }
    }

    fn append(&mut self, step: &Step) -> Result<(), StateError> {
        // One buffer, one write: a crash leaves at most one cut-off last line.
        let mut buffer = String::new();
        if self.needs_newline {
            buffer.push('\n');
        }
        if !self.started {
            if let Some(dir) = self.journal.parent() {
                fs::create_dir_all(dir).map_err(|e| self.write_error(e))?;
            }
            buffer.push_str(&journal::header_line(self.seed));
            buffer.push('\n');
        }
        buffer.push_str(&journal::step_line(step));
        buffer.push('\n');
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.journal)
            .map_err(|e| self.write_error(e))?;
        file.write_all(buffer.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| self.write_error(e))?;
        self.started = true;
        self.needs_newline = false;
        Ok(())
    }

    /// Writes the whole journal in the current format beside the old one, then puts it in its
    /// place: a crash leaves either the old journal or the new one, never half of each.
    fn rewrite(&mut self, steps: &[Step]) -> Result<(), StateError> {
        let mut text = journal::header_line(self.seed);
        text.push('\n');
        for step in steps {
            text.push_str(&journal::step_line(step));
            text.push('\n');
        }
        let new = self.journal.with_file_name(REWRITE_FILE);
        let mut file = fs::File::create(&new).map_err(|e| self.write_error(e))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_data())
            .and_then(|()| fs::rename(&new, &self.journal))
            .map_err(|e| self.write_error(e))?;
        self.started = true;
        self.needs_newline = false;
        Ok(())
    }
}

/// Deletes the journal in `dir` (and only it: `--state` may point at a directory with other
/// files). Returns whether there was one.
pub fn delete(dir: &Path) -> Result<bool, StateError> {
    let _ = fs::remove_file(dir.join(REWRITE_FILE));
    let journal = dir.join(JOURNAL_FILE);
    match fs::remove_file(&journal) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(StateError::Write {
            path: journal,
            source,
        }),
    }
}
