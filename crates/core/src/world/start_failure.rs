//! How a process start the host refused reads, in the words of whatever asked for it: the
//! one place the World turns a [`StartError`] into a command's failure.

use super::Failure;
use crate::driver::StartError;

/// What started the process that failed.
pub(crate) enum StartedBy<'a> {
    /// A container's main process (`docker run`, `docker start`).
    Container,
    /// `docker exec`.
    Exec,
    /// A program typed at the host's prompt (`curl`), by its name.
    HostShell(&'a str),
}

/// The failure `by` reports for `error`, and docker's exit code.
pub(crate) fn start_failure(by: StartedBy, error: &StartError) -> Failure {
    let code = error.exit_code();
    let message = match (by, error) {
        (StartedBy::HostShell(name), _) => format!("bash: {name}: {error}"),
        // Not a runtime error: the host has no such ability, and its reason says why.
        (_, StartError::Unsupported { reason }) => {
            format!("Error response from daemon: {reason}")
        }
        (StartedBy::Container, _) => format!(
            "Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: {error}: unknown"
        ),
        (StartedBy::Exec, _) => format!(
            "OCI runtime exec failed: exec failed: unable to start container process: {error}: unknown"
        ),
    };
    Failure::new(message, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_shows_the_hosts_reason_and_a_runtime_error_docker_words() {
        let refused = StartError::Unsupported {
            reason: "no host programs here".into(),
        };
        let shell = start_failure(StartedBy::HostShell("curl"), &refused);
        assert_eq!(shell.message, "bash: curl: no host programs here");
        assert_eq!(shell.exit_code, 126);
        let exec = start_failure(StartedBy::Exec, &refused);
        assert_eq!(
            exec.message,
            "Error response from daemon: no host programs here"
        );
        let format = start_failure(StartedBy::Container, &StartError::ExecFormat);
        assert!(
            format
                .message
                .ends_with("error during container init: exec format error: unknown"),
            "{}",
            format.message
        );
    }
}
