//! What one command gives back to the front that ran it.

use serde::{Deserialize, Serialize};

/// The result of one command line, as a terminal would show it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    /// The docker CLI's exit code for this command (0 ok, 1 usage or not found, 125 daemon
    /// error, 126/127 exec errors, or the container's own code for `run`/`exec`/`start -a`).
    pub exit_code: i32,
    /// Sequence numbers of the events this command added: `first_event..end_event`.
    pub first_event: u64,
    pub end_event: u64,
}
