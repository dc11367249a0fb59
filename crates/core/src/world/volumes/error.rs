//! Volume names and what `docker volume` refuses, in docker's words.

/// A local volume's name, checked against docker's rule `[a-zA-Z0-9][a-zA-Z0-9_.-]*`. It
/// serialises as the plain name (events, effects).
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct VolumeName(String);

impl VolumeName {
    pub fn parse(text: &str) -> Result<VolumeName, VolumeError> {
        if crate::world::is_docker_name(text) {
            Ok(VolumeName(text.to_string()))
        } else {
            Err(VolumeError::InvalidName(text.to_string()))
        }
    }

    /// A name that was checked on its way in (a `-v name:/path` mount, parsed by the run
    /// options) or made by the World itself (an anonymous volume's 64 hex digits).
    pub(crate) fn checked(text: &str) -> VolumeName {
        debug_assert!(crate::world::is_docker_name(text), "volume name {text:?}");
        VolumeName(text.to_string())
    }
}

crate::text_id::text_id_impls!(VolumeName);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VolumeError {
    /// `docker volume create a --name b` (the CLI refuses).
    #[error("Conflicting options: either specify --name or provide positional arg, not both")]
    ConflictingName,
    #[error("create {0}: \"{0}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path")]
    InvalidName(String),
    #[error(
        "create {name}: error looking up volume plugin {driver}: plugin \"{driver}\" not found"
    )]
    PluginNotFound { name: String, driver: String },
    /// `docker volume inspect` of a missing volume (the CLI's own wording).
    #[error("No such volume: {0}")]
    NoSuchVolume(String),
    /// `docker volume rm` of a missing volume.
    #[error("get {0}: no such volume")]
    NotFound(String),
    #[error("remove {name}: volume is in use - [{}]", users.join(", "))]
    InUse { name: String, users: Vec<String> },
}

impl VolumeError {
    pub fn exit_code(&self) -> i32 {
        1
    }

    /// The whole line the docker CLI prints.
    pub fn message(&self) -> String {
        match self {
            VolumeError::ConflictingName => self.to_string(),
            VolumeError::NoSuchVolume(_) => format!("Error: {self}"),
            _ => format!("Error response from daemon: {self}"),
        }
    }
}

impl From<VolumeError> for crate::world::Failure {
    fn from(error: VolumeError) -> Self {
        crate::world::Failure::new(error.message(), error.exit_code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_dockers_rule() {
        assert_eq!(VolumeName::parse("data_1.x").unwrap().as_str(), "data_1.x");
        assert_eq!(
            VolumeName::parse("-data"),
            Err(VolumeError::InvalidName("-data".into()))
        );
        assert!(VolumeName::parse("a/b").is_err());
        assert!(VolumeName::parse("").is_err());
    }

    #[test]
    fn messages_are_dockers() {
        assert_eq!(
            VolumeError::InUse {
                name: "data".into(),
                users: vec!["abc".into(), "def".into()]
            }
            .message(),
            "Error response from daemon: remove data: volume is in use - [abc, def]"
        );
        assert_eq!(
            VolumeError::NotFound("data".into()).message(),
            "Error response from daemon: get data: no such volume"
        );
        assert_eq!(
            VolumeError::NoSuchVolume("data".into()).message(),
            "Error: No such volume: data"
        );
        assert_eq!(
            VolumeError::PluginNotFound {
                name: "v".into(),
                driver: "nfs".into()
            }
            .message(),
            "Error response from daemon: create v: error looking up volume plugin nfs: plugin \"nfs\" not found"
        );
        assert_eq!(
            VolumeError::InvalidName("a b".into()).message(),
            "Error response from daemon: create a b: \"a b\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path"
        );
        assert_eq!(VolumeError::ConflictingName.exit_code(), 1);
    }
}
