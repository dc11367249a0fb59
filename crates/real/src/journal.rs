//! The state of a `sim --real` session: the Machine's inputs, not its command lines.
//!
//! Replaying command lines would run real processes again. The core is deterministic, so
//! its inputs are enough: each command line (with its build context), each observation with
//! the logical time it was taken in at, each timeout. Replayed into a fresh Machine with no
//! driver (effects dropped), they rebuild the same World; the LinuxDriver then carries on.
//! One JSON object a line, written as each input happens, so a killed `sim` loses nothing
//! that reached the Machine.

use serde::{Deserialize, Serialize};
use sim_core::scenario::Step;
use sim_core::{Observation, Tick};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

pub const JOURNAL_FILE: &str = "journal.jsonl";

/// The first line: what the directory holds.
#[derive(Serialize, Deserialize)]
pub struct Header {
    pub mode: String,
    pub seed: u64,
}

/// One input to the Machine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Input {
    Submit(Step),
    Observation {
        at: Tick,
        host: String,
        observation: Observation,
    },
    Timeout(Tick),
}

pub struct Journal {
    path: PathBuf,
    file: Option<File>,
}

impl Journal {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(JOURNAL_FILE)
    }

    /// Reads the journal in `dir`: its seed and inputs (`None` when there is none yet).
    pub fn read(dir: &Path) -> Result<Option<(u64, Vec<Input>)>, String> {
        let path = Self::path(dir);
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let mut lines = BufReader::new(file).lines();
        let damaged = |n: usize, why: String| {
            format!(
                "the real-mode journal {} is damaged at line {n}: {why}\n  run `sim --real reset` to start over",
                path.display()
            )
        };
        let header: Header = match lines.next() {
            None => return Ok(None),
            Some(line) => {
                let line = line.map_err(|e| damaged(1, e.to_string()))?;
                serde_json::from_str(&line).map_err(|e| damaged(1, e.to_string()))?
            }
        };
        let lines: Vec<String> = lines
            .enumerate()
            .map(|(i, l)| l.map_err(|e| damaged(i + 2, e.to_string())))
            .collect::<Result<_, _>>()?;
        let mut inputs = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            match serde_json::from_str(line) {
                Ok(input) => inputs.push(input),
                // The last line cut off by a kill: the inputs before it stand.
                Err(_) if i + 1 == lines.len() || line.trim().is_empty() => {}
                Err(e) => return Err(damaged(i + 2, e.to_string())),
            }
        }
        Ok(Some((header.seed, inputs)))
    }

    /// Opens the journal for appending (writing the header first for a new one).
    pub fn append_to(dir: &Path, seed: u64) -> io::Result<Journal> {
        fs::create_dir_all(dir)?;
        let path = Self::path(dir);
        let mut fresh = !path.exists();
        if !fresh {
            // A line a killed `sim` cut off (skipped when read) goes, so the next is whole.
            let bytes = fs::read(&path)?;
            if bytes.last().is_some_and(|b| *b != b'\n') {
                let keep = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
                OpenOptions::new()
                    .write(true)
                    .open(&path)?
                    .set_len(keep as u64)?;
                // Even the header was cut off: nothing was recorded.
                fresh = keep == 0;
            }
        }
        let mut file = OpenOptions::new().create(true).append(true).open(&path)?;
        if fresh {
            let header = Header {
                mode: "real".into(),
                seed,
            };
            writeln!(file, "{}", serde_json::to_string(&header)?)?;
        }
        Ok(Journal {
            path,
            file: Some(file),
        })
    }

    pub fn record(&mut self, input: &Input) -> io::Result<()> {
        let Some(file) = &mut self.file else {
            return Ok(());
        };
        let mut line = serde_json::to_string(input)?;
        line.push('\n');
        file.write_all(line.as_bytes())
    }

    pub fn file_path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_cut_off_by_a_kill_is_skipped_and_the_journal_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = Journal::append_to(dir.path(), 7).unwrap();
        journal.record(&Input::Timeout(5)).unwrap();
        drop(journal);
        let path = Journal::path(dir.path());
        let mut text = fs::read_to_string(&path).unwrap();
        text.push_str("{\"timeout\":");
        fs::write(&path, text).unwrap();
        let (seed, inputs) = Journal::read(dir.path()).unwrap().unwrap();
        assert_eq!((seed, inputs), (7, vec![Input::Timeout(5)]));
        let mut journal = Journal::append_to(dir.path(), 7).unwrap();
        journal.record(&Input::Timeout(9)).unwrap();
        let (_, inputs) = Journal::read(dir.path()).unwrap().unwrap();
        assert_eq!(inputs, vec![Input::Timeout(5), Input::Timeout(9)]);
    }
}
