//! What the real-mode tests share.

use std::path::Path;

/// A state directory that, when a test ends (passed or failed), kills and removes whatever
/// its containers left (processes, mounts, cgroups, network namespaces), so a failing test
/// leaves nothing running on the machine to hold a bridge address the next run needs.
pub struct Scratch(tempfile::TempDir);

impl Scratch {
    pub fn new() -> Scratch {
        Scratch(tempfile::tempdir().expect("a temporary directory"))
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let none = Default::default();
        sim_real::prune::prune(&self.path().join("real"), &none, &none);
    }
}
