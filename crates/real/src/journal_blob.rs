//! Observations that carry file contents (a RUN step's or a container's changed files), kept
//! out of the journal's lines: inline JSON writes each byte as a number (8 MB of layer made a
//! 29 MB journal, parsed again by every invocation). Such an observation goes to
//! `blobs/journal/<sha256>`, its line holds only the digest.
//!
//! A blob: a first line naming the format, a JSON line with the observation whose file
//! contents are emptied plus the length of each, then the contents themselves, raw, in the
//! order the observation lists its files.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sim_core::driver::{FilesNow, Observation};
use sim_core::fs::{Change, LayerDiff, Node};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

const MAGIC: &str = "sim-journal-blob 1";

#[derive(Serialize, Deserialize)]
struct Head {
    observation: Observation,
    lengths: Vec<u64>,
}

/// Whether `observation` goes to a blob: only one with file contents.
pub fn wanted(observation: &Observation) -> bool {
    matches!(observation, Observation::Files { .. })
}

pub fn dir(journal_dir: &Path) -> PathBuf {
    journal_dir.join("blobs").join("journal")
}

/// Writes `observation` as a blob under `journal_dir` (once: same content, same name) and
/// returns its digest.
pub fn write(journal_dir: &Path, observation: &Observation) -> io::Result<String> {
    let bytes = encode(observation)?;
    let digest = hex(&Sha256::digest(&bytes));
    let dir = dir(journal_dir);
    let path = dir.join(&digest);
    if path.exists() {
        return Ok(digest);
    }
    fs::create_dir_all(&dir)?;
    // Whole or absent: a killed `sim` leaves at most a temporary file, never a short blob.
    let tmp = dir.join(format!(".{digest}.{}", std::process::id()));
    let mut file = fs::File::create(&tmp)?;
    file.write_all(&bytes)?;
    file.sync_all()?;
    fs::rename(&tmp, &path)?;
    Ok(digest)
}

/// Reads the blob `digest`, checking it still has that digest; the error names the file.
pub fn read(journal_dir: &Path, digest: &str) -> Result<Observation, String> {
    let path = dir(journal_dir).join(digest);
    let damaged = |why: &str| {
        format!(
            "the real-mode journal's blob {} is {why}\n  run `sim --real reset` to start over",
            path.display()
        )
    };
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(damaged("missing")),
        Err(e) => return Err(damaged(&format!("unreadable: {e}"))),
    };
    if hex(&Sha256::digest(&bytes)) != digest {
        return Err(damaged("damaged: its content does not match its digest"));
    }
    decode(&bytes).ok_or_else(|| damaged("damaged: not a journal blob"))
}

fn encode(observation: &Observation) -> io::Result<Vec<u8>> {
    let mut contents: Vec<&[u8]> = Vec::new();
    let stripped = map_contents(observation, &mut |data| {
        contents.push(data);
        Some(Vec::new())
    })
    .unwrap_or_else(|| observation.clone());
    let head = Head {
        observation: stripped,
        lengths: contents.iter().map(|c| c.len() as u64).collect(),
    };
    let mut out = format!("{MAGIC}\n").into_bytes();
    serde_json::to_writer(&mut out, &head)?;
    out.push(b'\n');
    for c in contents {
        out.extend_from_slice(c);
    }
    Ok(out)
}

fn decode(bytes: &[u8]) -> Option<Observation> {
    let rest = bytes.strip_prefix(format!("{MAGIC}\n").as_bytes())?;
    let end = rest.iter().position(|b| *b == b'\n')?;
    let head: Head = serde_json::from_slice(&rest[..end]).ok()?;
    let mut data = &rest[end + 1..];
    let mut lengths = head.lengths.iter();
    let observation = map_contents(&head.observation, &mut |_| {
        let n = usize::try_from(*lengths.next()?).ok()?;
        if n > data.len() {
            return None;
        }
        let (content, after) = data.split_at(n);
        data = after;
        Some(content.to_vec())
    })?;
    // Every length used and every byte accounted for.
    (lengths.next().is_none() && data.is_empty()).then_some(observation)
}

/// The observation with each file's content replaced by `f(content)`, files taken in path
/// order; `None` when `f` says so (or the observation has no files).
fn map_contents<'a>(
    observation: &'a Observation,
    f: &mut dyn FnMut(&'a [u8]) -> Option<Vec<u8>>,
) -> Option<Observation> {
    let Observation::Files { of, files } = observation else {
        return None;
    };
    let mut node = |n: &'a Node| -> Option<Node> {
        Some(match n {
            Node::File { data, mode, filler } => Node::File {
                data: f(data)?,
                mode: *mode,
                filler: *filler,
            },
            other => other.clone(),
        })
    };
    let files = match files {
        FilesNow::Layer(diff) => {
            let mut out = LayerDiff::new();
            for (path, change) in diff.iter() {
                match change {
                    Change::Put(n) => out.put(path.clone(), node(n)?),
                    Change::Whiteout => out.whiteout(path.clone()),
                    Change::OpaqueDir { mode } => out.opaque(path.clone(), *mode),
                }
            }
            FilesNow::Layer(out)
        }
        FilesNow::Tree(tree) => {
            let mut out = tree.clone();
            for (path, n) in tree.iter() {
                if matches!(n, Node::File { .. }) {
                    out.put(path, node(n)?);
                }
            }
            out.freeze();
            FilesNow::Tree(out)
        }
    };
    Some(Observation::Files {
        of: of.clone(),
        files,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
