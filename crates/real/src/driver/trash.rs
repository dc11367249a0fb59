//! Removing a container's or sandbox's directory off the command's path: on this kind of disk
//! each unlink waits for I/O (a `run --rm` spent ~40 ms deleting a dozen entries), so the
//! directory is renamed into `trash/` at once and a detached `rm -rf` empties the trash after
//! the command, while the next one runs.

use super::LinuxDriver;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

/// Where removed directories wait, and the prefix of a batch handed to `rm`.
pub(super) const TRASH: &str = "trash";
pub(super) const BATCH: &str = "trash-";

impl LinuxDriver {
    /// Takes `dir` away at once (a rename); its files go with the next [`Self::empty_trash`].
    pub(super) fn discard_dir(&mut self, dir: &Path) {
        let trash = self.root.join(TRASH);
        let _ = fs::create_dir_all(&trash);
        let name = format!("{}-{}", self.trash_count, std::process::id());
        self.trash_count += 1;
        if fs::rename(dir, trash.join(name)).is_err() {
            let _ = fs::remove_dir_all(dir);
        }
    }

    /// Hands what was discarded to a detached `rm -rf` (it outlives `sim` if need be).
    pub fn empty_trash(&mut self) {
        let trash = self.root.join(TRASH);
        let is_empty = fs::read_dir(&trash).map_or(true, |mut d| d.next().is_none());
        if is_empty {
            return;
        }
        let batch = self.root.join(format!(
            "{BATCH}{}-{}",
            std::process::id(),
            self.trash_count
        ));
        self.trash_count += 1;
        if fs::rename(&trash, &batch).is_err() {
            return;
        }
        let spawned = Command::new("rm")
            .arg("-rf")
            .arg(&batch)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            // Not waited for: when `sim` exits first, init reaps it.
            Ok(child) => drop(child),
            Err(_) => {
                let _ = fs::remove_dir_all(&batch);
            }
        }
    }
}
