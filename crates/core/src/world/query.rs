//! Read-only questions fronts ask about the World that its public fields do not answer.

use super::World;

impl World {
    /// The contents of a regular file on the simulated host (where bind mounts such as
    /// `-v /srv/data:/data` keep their data), or `None` if there is no such file.
    pub fn host_file(&self, path: &str) -> Option<&[u8]> {
        self.engine.host.read_file(path).ok()
    }
}
