//! Reading a journal line by line, each line bounded, in either format.

use super::{v1, StateError};
use sim_core::scenario::{journal, ScenarioError, Step, MAX_JSON_BYTES};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

pub struct Header {
    pub seed: u64,
    /// Written by the first `sim` ([`v1`]): to be rewritten in the current format.
    pub old_format: bool,
}

pub struct Journal {
    path: PathBuf,
    /// `None` when there is no journal yet.
    reader: Option<BufReader<File>>,
    buffer: Vec<u8>,
    /// Lines read so far (the number of the current one, from 1).
    line: usize,
    old_format: bool,
    /// The last line read had no newline after it.
    unterminated: bool,
}

impl Journal {
    pub fn open(path: &Path) -> Result<Journal, StateError> {
        let reader = match File::open(path) {
            Ok(file) => Some(BufReader::new(file)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(StateError::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        Ok(Journal {
            path: path.to_path_buf(),
            reader,
            buffer: Vec::new(),
            line: 0,
            old_format: false,
            unterminated: false,
        })
    }

    /// The number of the line read last (from 1).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The last line lacked its newline: the next write must start a new line first.
    pub fn ends_without_newline(&self) -> bool {
        self.unterminated
    }

    /// The first line; `None` for an absent or empty journal (nothing was recorded yet).
    pub fn header(&mut self) -> Result<Option<Header>, StateError> {
        if !self.next_line()? || self.buffer.is_empty() {
            return Ok(None);
        }
        let at = |e| StateError::at(&self.path, 1, e);
        let (seed, old_format) = match v1::read_header(&self.buffer) {
            Some(old) => (old.map_err(at)?, true),
            None => (journal::read_header(&self.buffer).map_err(at)?, false),
        };
        self.old_format = old_format;
        Ok(Some(Header { seed, old_format }))
    }

    /// The next step, skipping blank lines; `number` (from 1) names it in messages.
    pub fn next_step(&mut self, number: usize) -> Result<Option<Step>, StateError> {
        loop {
            if !self.next_line()? {
                return Ok(None);
            }
            if self.buffer.is_empty() {
                continue;
            }
            let step = if self.old_format {
                v1::read_entry(&self.buffer, number)
            } else {
                journal::read_step(&self.buffer, number)
            };
            return step
                .map(Some)
                .map_err(|e| StateError::at(&self.path, self.line, e));
        }
    }

    /// Reads the next line into the buffer (without its newline); false at the end.
    fn next_line(&mut self) -> Result<bool, StateError> {
        let Some(reader) = &mut self.reader else {
            return Ok(false);
        };
        self.buffer.clear();
        // One byte over the limit is enough to know that a line is too long.
        let limit = MAX_JSON_BYTES as u64 + 2;
        let read = reader
            .by_ref()
            .take(limit)
            .read_until(b'\n', &mut self.buffer)
            .map_err(|source| StateError::Read {
                path: self.path.clone(),
                source,
            })?;
        if read == 0 {
            return Ok(false);
        }
        self.line += 1;
        self.unterminated = self.buffer.last() != Some(&b'\n');
        if !self.unterminated {
            self.buffer.pop();
        }
        if self.buffer.len() > MAX_JSON_BYTES {
            return Err(StateError::TooBig {
                path: self.path.clone(),
                line: self.line,
                source: ScenarioError::TooBig {
                    what: format!("line {} is longer than {MAX_JSON_BYTES} bytes", self.line),
                    limit: format!("{MAX_JSON_BYTES} bytes"),
                },
            });
        }
        Ok(true)
    }
}
