//! The saved state between `sim` invocations: a journal of every line that ran.
//!
//! The core is deterministic, so the journal is the state: a header with the seed, then one
//! JSON object per executed line (with the build context a `docker build` used, because the
//! directory on disk may have changed since). Loading replays it into a fresh [`World`].

use serde::{Deserialize, Serialize};
use sim_core::{BuildContext, Outcome, World};
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub const JOURNAL_FILE: &str = "journal.jsonl";
pub const DEFAULT_SEED: u64 = 42;
const VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot read the state journal {}: {source}", path.display())]
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
        "state journal {} has format version {found}, this sim reads version {VERSION}; run `sim reset` to start over",
        path.display()
    )]
    Version { path: PathBuf, found: u32 },
    #[error(
        "the saved state was made with --seed {saved}, not {requested}; run `sim reset` first to start over with a new seed (or leave out --seed)"
    )]
    SeedMismatch { saved: u64, requested: u64 },
}

#[derive(Serialize, Deserialize)]
struct Header {
    version: u32,
    seed: u64,
}

/// One executed line. `context` is present only for `docker build` lines.
#[derive(Serialize, Deserialize)]
struct Entry {
    line: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    context: Option<BuildContext>,
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
}

impl State {
    /// Loads and replays the journal in `dir`, or starts empty if there is none. `seed` is what
    /// the user asked for: `None` takes the saved seed (or the default for a fresh state).
    pub fn open(dir: &Path, seed: Option<u64>) -> Result<State, StateError> {
        let journal = dir.join(JOURNAL_FILE);
        let bytes = match fs::read(&journal) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(source) => {
                return Err(StateError::Read {
                    path: journal,
                    source,
                })
            }
        };
        let damaged = |line: usize, reason: String| StateError::Damaged {
            path: journal.clone(),
            line,
            reason,
        };

        let mut lines = bytes.split(|b| *b == b'\n').enumerate().peekable();
        let header = match lines.next() {
            Some((_, first)) if !first.is_empty() => {
                let header: Header = serde_json::from_slice(first).map_err(|e| {
                    damaged(1, format!("expected {{\"version\":1,\"seed\":N}}: {e}"))
                })?;
                if header.version != VERSION {
                    return Err(StateError::Version {
                        path: journal.clone(),
                        found: header.version,
                    });
                }
                Some(header)
            }
            // An empty or absent journal: nothing was recorded yet.
            _ => None,
        };
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
        let empty = BuildContext::new();
        let mut needs_newline = false;
        while let Some((index, raw)) = lines.next() {
            let is_last = lines.peek().is_none();
            if raw.is_empty() {
                continue;
            }
            let entry: Entry =
                serde_json::from_slice(raw).map_err(|e| damaged(index + 1, e.to_string()))?;
            // Replay: the outcome was shown when the line first ran.
            world.run_line(&entry.line, entry.context.as_ref().unwrap_or(&empty));
            ran += 1;
            needs_newline = is_last;
        }
        if header.is_some() && !bytes.ends_with(b"\n") && ran == 0 {
            needs_newline = true;
        }

        Ok(State {
            journal,
            seed,
            world,
            started: header.is_some(),
            needs_newline,
            ran,
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
        let empty = BuildContext::new();
        let outcome = self
            .world
            .run_line(line, context.as_ref().unwrap_or(&empty));
        self.ran += 1;
        let entry = Entry {
            line: line.to_string(),
            context,
        };
        let saved = self.append(&entry);
        (outcome, saved)
    }

    /// Forgets everything: deletes the journal and starts a fresh world with the same seed.
    pub fn reset(&mut self) -> Result<(), StateError> {
        delete(self.journal.parent().unwrap_or(Path::new(".")))?;
        self.world = World::new(self.seed);
        self.started = false;
        self.needs_newline = false;
        self.ran = 0;
        Ok(())
    }

    fn append(&mut self, entry: &Entry) -> Result<(), StateError> {
        let write_error = |source| StateError::Write {
            path: self.journal.clone(),
            source,
        };
        // One buffer, one write: a crash leaves at most one cut-off last line.
        let mut buffer = Vec::new();
        if self.needs_newline {
            buffer.push(b'\n');
        }
        if !self.started {
            if let Some(dir) = self.journal.parent() {
                fs::create_dir_all(dir).map_err(write_error)?;
            }
            let header = Header {
                version: VERSION,
                seed: self.seed,
            };
            serde_json::to_writer(&mut buffer, &header)
                .map_err(io::Error::from)
                .map_err(write_error)?;
            buffer.push(b'\n');
        }
        serde_json::to_writer(&mut buffer, entry)
            .map_err(io::Error::from)
            .map_err(write_error)?;
        buffer.push(b'\n');
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.journal)
            .map_err(write_error)?;
        file.write_all(&buffer).map_err(write_error)?;
        file.flush().map_err(write_error)?;
        file.sync_data().map_err(write_error)?;
        self.started = true;
        self.needs_newline = false;
        Ok(())
    }
}

/// Deletes the journal in `dir` (and only it: `--state` may point at a directory with other
/// files). Returns whether there was one.
pub fn delete(dir: &Path) -> Result<bool, StateError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sim-state-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn replay_gives_the_same_trace() {
        let dir = temp_dir("replay");
        let mut state = State::open(&dir, Some(7)).unwrap();
        let mut context = BuildContext::new();
        context.put("/Dockerfile", sim_core::fs::Node::file("FROM busybox\n"));
        let (_, saved) = state.run("docker ps", None);
        saved.unwrap();
        let (_, saved) = state.run("docker build -t app .", Some(context));
        saved.unwrap();
        let hash = state.world().trace_hash();
        let events = state.world().events().len();

        let again = State::open(&dir, None).unwrap();
        assert_eq!(again.seed(), 7);
        assert_eq!(again.world().trace_hash(), hash);
        assert_eq!(again.world().events().len(), events);
        assert_eq!(again.ran(), 2);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_cut_off_last_line_is_reported_and_kept() {
        let dir = temp_dir("cut");
        let mut state = State::open(&dir, None).unwrap();
        state.run("docker ps", None).1.unwrap();
        let journal = dir.join(JOURNAL_FILE);
        let mut text = fs::read_to_string(&journal).unwrap();
        text.push_str("{\"line\": \"docker p");
        fs::write(&journal, &text).unwrap();
        let err = State::open(&dir, None).err().unwrap().to_string();
        assert!(
            err.starts_with("state journal is damaged at line 3:"),
            "{err}"
        );
        assert_eq!(fs::read_to_string(&journal).unwrap(), text);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn appending_after_a_line_without_newline_starts_a_new_line() {
        let dir = temp_dir("newline");
        let mut state = State::open(&dir, None).unwrap();
        state.run("docker ps", None).1.unwrap();
        let journal = dir.join(JOURNAL_FILE);
        let text = fs::read_to_string(&journal).unwrap();
        fs::write(&journal, text.trim_end()).unwrap();
        let mut state = State::open(&dir, None).unwrap();
        state.run("docker images", None).1.unwrap();
        let state = State::open(&dir, None).unwrap();
        assert_eq!(state.ran(), 2);
        fs::remove_dir_all(&dir).unwrap();
    }
}
