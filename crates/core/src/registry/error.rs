//! What the registry refuses, in the words docker prints for it.

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// No manifest for the reference (Docker Hub answers a missing repository this way).
    #[error("pull access denied for {0}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied")]
    PullAccessDenied(String),
    /// A manifest names a layer the registry does not hold (distribution's BLOB_UNKNOWN).
    #[error("blob unknown: blob unknown to registry")]
    BlobUnknown(String),
}

impl RegistryError {
    /// The docker CLI's exit code for a failed pull or push.
    pub fn exit_code(&self) -> i32 {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_dockers() {
        assert_eq!(
            RegistryError::PullAccessDenied("nosuchimage".into()).to_string(),
            "pull access denied for nosuchimage, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"
        );
        assert_eq!(
            RegistryError::BlobUnknown("sha256:00".into()).to_string(),
            "blob unknown: blob unknown to registry"
        );
        assert_eq!(RegistryError::BlobUnknown(String::new()).exit_code(), 1);
    }
}
