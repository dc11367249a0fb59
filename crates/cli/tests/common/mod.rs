//! What the `sim` binary's tests share: a scratch directory per test (from `tempfile`, removed
//! when dropped) with the `--state` folder inside it.
// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub struct TempDir(tempfile::TempDir);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = tempfile::Builder::new()
            .prefix(&format!("sim-test-{name}-"))
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot make a scratch directory: {e}"));
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// The `--state` directory, as an argument.
    pub fn state(&self) -> String {
        self.path().join("state").display().to_string()
    }

    pub fn journal(&self) -> PathBuf {
        self.path().join("state").join("journal.jsonl")
    }
}

/// A real-mode session is reset when its test ends, passed or failed, so no container it
/// started keeps running (and holding a bridge address) after the test.
impl Drop for TempDir {
    fn drop(&mut self) {
        if self.path().join("state").join("real").exists() {
            let _ = std::process::Command::new(env!("CARGO_BIN_EXE_sim"))
                .args(["--state", &self.state(), "--real", "reset"])
                .output();
        }
    }
}
