//! What image commands refuse, in docker's words.
//!
//! `Display` is the message itself; [`ImageError::from_daemon`] says whether the docker CLI
//! prints it after "Error response from daemon: " (the daemon refused) or alone (the CLI did).

use super::id::DiffId;
use super::reference::ReferenceError;
use crate::registry::RegistryError;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("No such image: {0}")]
    NoSuchImage(String),
    #[error("multiple IDs found with provided prefix: {0}")]
    AmbiguousPrefix(String),
    /// `docker push` of a reference with no local image.
    #[error("An image does not exist locally with the tag: {0}")]
    NotTaggedLocally(String),
    /// A malformed reference given to pull or push.
    #[error(transparent)]
    Reference(#[from] ReferenceError),
    /// A malformed target of `docker tag` or `docker commit`.
    #[error("Error parsing reference: \"{text}\" is not a valid repository/tag: {error}")]
    InvalidTarget { text: String, error: ReferenceError },
    /// `docker rmi NAME:TAG` of the last tag of an image a container uses.
    #[error("conflict: unable to remove repository reference \"{reference}\" (must force) - container {container} is using its referenced image {image}")]
    ReferenceInUse {
        reference: String,
        container: String,
        image: String,
    },
    /// `docker rmi ID` of an image a container uses.
    #[error("conflict: unable to delete {image} (must be forced) - container {container} is using its referenced image {image}")]
    ImageInUse { image: String, container: String },
    #[error("conflict: unable to delete {0} (must be forced) - image is referenced in multiple repositories")]
    MultipleRepositories(String),
    /// A layer the store should hold is missing (moby's `layer.ErrLayerDoesNotExist`).
    #[error("layer does not exist")]
    LayerDoesNotExist(DiffId),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error("--change is not supported by the simulator yet")]
    ChangeUnsupported,
}

impl ImageError {
    /// The exit code of the docker CLI: 1 for every image command.
    pub fn exit_code(&self) -> i32 {
        1
    }

    /// True when the daemon refused (the CLI prefixes "Error response from daemon: ").
    pub fn from_daemon(&self) -> bool {
        !matches!(
            self,
            ImageError::Reference(_)
                | ImageError::InvalidTarget { .. }
                | ImageError::ChangeUnsupported
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_dockers() {
        assert_eq!(
            ImageError::NoSuchImage("nginx:9".into()).to_string(),
            "No such image: nginx:9"
        );
        assert_eq!(
            ImageError::ImageInUse {
                image: "a1b2c3d4e5f6".into(),
                container: "0123456789ab".into()
            }
            .to_string(),
            "conflict: unable to delete a1b2c3d4e5f6 (must be forced) - container 0123456789ab is using its referenced image a1b2c3d4e5f6"
        );
        assert_eq!(
            ImageError::MultipleRepositories("a1b2c3d4e5f6".into()).to_string(),
            "conflict: unable to delete a1b2c3d4e5f6 (must be forced) - image is referenced in multiple repositories"
        );
        assert_eq!(
            ImageError::InvalidTarget {
                text: "App".into(),
                error: ReferenceError::Uppercase("App".into())
            }
            .to_string(),
            "Error parsing reference: \"App\" is not a valid repository/tag: invalid reference format: repository name (App) must be lowercase"
        );
        assert_eq!(
            ImageError::NotTaggedLocally("me/app".into()).to_string(),
            "An image does not exist locally with the tag: me/app"
        );
    }

    #[test]
    fn only_daemon_refusals_get_the_daemon_prefix() {
        assert!(ImageError::NoSuchImage("x".into()).from_daemon());
        assert!(
            ImageError::LayerDoesNotExist(DiffId::from_digest(crate::digest::sha256_digest(
                b"gone"
            )))
            .from_daemon()
        );
        assert!(!ImageError::Reference(ReferenceError::Empty).from_daemon());
        assert_eq!(ImageError::ChangeUnsupported.exit_code(), 1);
    }
}
