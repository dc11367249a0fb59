//! What the daemon refuses about containers, in its words (the handlers print them after
//! "Error response from daemon: ").

use super::ids::ContainerId;
use super::Failure;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ContainerError {
    #[error("No such container: {0}")]
    NoSuchContainer(String),
    #[error("multiple IDs found with provided prefix: {0}")]
    AmbiguousPrefix(String),
    #[error("container {0} is not running")]
    NotRunning(ContainerId),
    #[error("cannot kill container: {key}: container {id} is not running")]
    CannotKill { key: String, id: ContainerId },
    #[error("cannot remove container \"/{0}\": container is running: stop the container before removing or force remove")]
    RemoveRunning(String),
    #[error("failed to create task for container: no command specified")]
    NoCommand,
    #[error("driver failed programming external connectivity on endpoint {name} ({id}): Bind for {host_ip}:{port} failed: port is already allocated")]
    PortAllocated {
        name: String,
        id: ContainerId,
        host_ip: String,
        port: u16,
    },
    #[error("failed to start container {id}: context deadline exceeded ({detail})")]
    StartTimedOut { id: ContainerId, detail: String },
    #[error("Invalid container name ({0}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")]
    InvalidName(String),
    #[error("Renaming a container with the same name as its current name")]
    SameName,
    #[error("Error when allocating new name: Conflict. The container name \"/{name}\" is already in use by container \"{other}\". You have to remove (or rename) that container to be able to reuse that name.")]
    NameInUse { name: String, other: ContainerId },
}

impl From<ContainerError> for Failure {
    fn from(error: ContainerError) -> Failure {
        // docker run/start exit 125 when the daemon could not create the task.
        let code = match error {
            ContainerError::NoCommand | ContainerError::PortAllocated { .. } => 125,
            _ => 1,
        };
        Failure::new(format!("Error response from daemon: {error}"), code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_as_the_daemon_words_them_with_its_exit_codes() {
        let busy = Failure::from(ContainerError::PortAllocated {
            name: "web2".into(),
            id: ContainerId::from("abc"),
            host_ip: "0.0.0.0".into(),
            port: 8080,
        });
        assert_eq!(busy.exit_code, 125);
        assert!(busy
            .message
            .starts_with("Error response from daemon: driver failed"));
        assert!(busy
            .message
            .ends_with("Bind for 0.0.0.0:8080 failed: port is already allocated"));
        let gone = Failure::from(ContainerError::NoSuchContainer("x".into()));
        assert_eq!(
            (gone.message.as_str(), gone.exit_code),
            ("Error response from daemon: No such container: x", 1)
        );
    }
}
