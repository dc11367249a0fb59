//! The state of a `sim --real` session: the Machine's inputs, not its command lines.
//!
//! Replaying command lines would run real processes again. The core is deterministic, so
//! its inputs are enough: each command line (with its build context), each observation with
//! the logical time it was taken in at, each timeout. Replayed into a fresh Machine with no
//! driver (effects dropped), they rebuild the same World; the LinuxDriver then carries on.
//! One JSON object a line, written as each input happens, so a killed `sim` loses nothing
//! that reached the Machine. An observation with file contents is kept beside it as a blob
//! ([`crate::journal_blob`]), its line holding only the digest.

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
    /// An observation kept in `blobs/journal/<digest>`: only in the file ([`Journal::read`]
    /// gives it back as [`Input::Observation`]).
    ObservationBlob {
        at: Tick,
        host: String,
        digest: String,
    },
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
                Ok(Input::ObservationBlob { at, host, digest }) => {
                    let observation = crate::journal_blob::read(dir, &digest)?;
                    inputs.push(Input::Observation {
                        at,
                        host,
                        observation,
                    });
                }
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
        let blob;
        let input = match input {
            Input::Observation {
                at,
                host,
                observation,
            } if crate::journal_blob::wanted(observation) => {
                let dir = self.path.parent().unwrap_or(Path::new("."));
                blob = Input::ObservationBlob {
                    at: *at,
                    host: host.clone(),
                    digest: crate::journal_blob::write(dir, observation)?,
                };
                &blob
            }
            other => other,
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

    fn with_files() -> Vec<Input> {
        use sim_core::driver::{FilesNow, FilesOf};
        use sim_core::fs::{FsTree, LayerDiff, Node};
        let mut diff = LayerDiff::new();
        diff.put("/big", Node::file(vec![200u8; 3000]));
        diff.put(
            "/bin/tool",
            Node::executable(b"#!/bin/sh\n".to_vec()).sized(9000),
        );
        diff.put("/etc", Node::dir());
        diff.whiteout("/gone");
        let mut tree = FsTree::new();
        tree.put("/data/a", Node::file(b"volume file".to_vec()));
        tree.put("/data/empty", Node::file(Vec::new()));
        tree.put("/link", Node::symlink("/data/a"));
        tree.freeze();
        let observation = |of, files| Input::Observation {
            at: 3,
            host: "node-1".into(),
            observation: Observation::Files { of, files },
        };
        vec![
            observation(FilesOf::Container("c1".into()), FilesNow::Layer(diff)),
            Input::Timeout(4),
            observation(
                FilesOf::Volume(sim_core::VolumeName::parse("v").unwrap()),
                FilesNow::Tree(tree),
            ),
        ]
    }

    #[test]
    fn file_contents_go_to_blobs_and_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = with_files();
        let mut journal = Journal::append_to(dir.path(), 7).unwrap();
        for input in &inputs {
            journal.record(input).unwrap();
        }
        drop(journal);
        let text = fs::read_to_string(Journal::path(dir.path())).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        for line in [lines[1], lines[3]] {
            assert!(line.contains("\"observation_blob\""), "{line}");
            assert!(!line.contains("200,200"), "contents inline: {line}");
            assert!(line.len() < 200, "{line}");
        }
        let blobs = fs::read_dir(crate::journal_blob::dir(dir.path())).unwrap();
        assert_eq!(blobs.count(), 2);
        let (seed, read) = Journal::read(dir.path()).unwrap().unwrap();
        assert_eq!((seed, read), (7, inputs));
    }

    #[test]
    fn journals_with_inline_contents_still_load() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = with_files();
        let mut text = String::from("{\"mode\":\"real\",\"seed\":7}\n");
        for input in &inputs {
            text.push_str(&serde_json::to_string(input).unwrap());
            text.push('\n');
        }
        assert!(text.contains("200,200"));
        fs::write(Journal::path(dir.path()), text).unwrap();
        let (_, read) = Journal::read(dir.path()).unwrap().unwrap();
        assert_eq!(read, inputs);
    }

    #[test]
    fn a_damaged_or_missing_blob_is_named_with_the_way_out() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = Journal::append_to(dir.path(), 7).unwrap();
        journal.record(&with_files()[0]).unwrap();
        drop(journal);
        let blob = fs::read_dir(crate::journal_blob::dir(dir.path()))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let mut bytes = fs::read(&blob).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(&blob, &bytes).unwrap();
        let err = Journal::read(dir.path()).err().unwrap();
        assert!(err.contains(&blob.display().to_string()), "{err}");
        assert!(err.contains("does not match its digest"), "{err}");
        assert!(err.contains("sim --real reset"), "{err}");
        fs::remove_file(&blob).unwrap();
        let err = Journal::read(dir.path()).err().unwrap();
        assert!(
            err.contains("missing") && err.contains("sim --real reset"),
            "{err}"
        );
    }
}
