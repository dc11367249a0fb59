//! Why a build stops, in BuildKit's words. The typed errors of the parts (a Dockerfile that
//! does not parse, a COPY source that is not there, an image that is not stored) fold in.
//!
//! `Display` is the reason; the docker CLI prints it as `ERROR: failed to solve: <reason>`,
//! except a bad `-t`, which it refuses before solving (`ERROR: invalid tag ...`).

use super::context::SourceError;
use super::dockerfile::DockerfileError;
use crate::fs::FsError;
use crate::image::{ImageError, ReferenceError};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("invalid tag \"{tag}\": {error}")]
    InvalidTag { tag: String, error: ReferenceError },
    #[error("failed to read dockerfile: open {0}: no such file or directory")]
    NoDockerfile(String),
    #[error(transparent)]
    Dockerfile(#[from] DockerfileError),
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("target stage \"{0}\" could not be found")]
    NoTarget(String),
    #[error("no build stage in current context")]
    NoStage,
    /// FROM an image the registry does not have.
    #[error("{reference}: failed to resolve source metadata for {qualified}: pull access denied, repository does not exist or may require authorization")]
    ResolveSource {
        reference: String,
        qualified: String,
    },
    #[error("failed to parse stage name \"{base}\": {error}")]
    StageName { base: String, error: ReferenceError },
    #[error("invalid --from {from}: {error}")]
    InvalidFrom { from: String, error: ReferenceError },
    /// A base or `--from` image still missing after its pull.
    #[error("{0}: not found")]
    ImageNotFound(String),
    /// `ADD https://...`: the simulated builder has no network.
    #[error("failed to load {0}: the simulated builder has no internet; COPY the file from the build context instead")]
    NoInternet(String),
    #[error("mkdir {dir}: {error}")]
    Mkdir { dir: String, error: FsError },
    #[error("process \"{command}\" did not complete successfully: exit code: {code}")]
    ProcessFailed { command: String, code: i32 },
    #[error("process \"{0}\" was still running after 10 minutes of logical time (a server or an endless loop in RUN?)")]
    StillRunning(String),
    /// The image store refused (a layer of the stage is gone).
    #[error(transparent)]
    Image(#[from] ImageError),
}

impl BuildError {
    /// `docker build` exits 1 whatever stopped it.
    pub fn exit_code(&self) -> i32 {
        1
    }

    /// The whole line the docker CLI prints.
    pub fn message(&self) -> String {
        match self {
            BuildError::InvalidTag { .. } => format!("ERROR: {self}"),
            _ => format!("ERROR: failed to solve: {self}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::DiffId;

    #[test]
    fn messages_are_buildkits() {
        assert_eq!(
            BuildError::ProcessFailed {
                command: "/bin/sh -c false".into(),
                code: 1
            }
            .message(),
            "ERROR: failed to solve: process \"/bin/sh -c false\" did not complete successfully: exit code: 1"
        );
        assert_eq!(
            BuildError::NoDockerfile("Dockerfile".into()).message(),
            "ERROR: failed to solve: failed to read dockerfile: open Dockerfile: no such file or directory"
        );
        assert_eq!(
            BuildError::NoTarget("prod".into()).message(),
            "ERROR: failed to solve: target stage \"prod\" could not be found"
        );
        assert_eq!(
            BuildError::InvalidTag {
                tag: "App".into(),
                error: ReferenceError::Uppercase("App".into())
            }
            .message(),
            "ERROR: invalid tag \"App\": invalid reference format: repository name (App) must be lowercase"
        );
    }

    #[test]
    fn the_parts_errors_keep_their_words() {
        let source = SourceError::NotInContext("app.py".into());
        assert_eq!(
            BuildError::from(source.clone()).message(),
            format!("ERROR: failed to solve: {source}")
        );
        assert_eq!(
            BuildError::from(ImageError::LayerDoesNotExist(DiffId::from_digest(
                crate::digest::sha256_digest(b"gone")
            )))
            .message(),
            "ERROR: failed to solve: layer does not exist"
        );
        assert_eq!(BuildError::NoStage.exit_code(), 1);
    }
}
