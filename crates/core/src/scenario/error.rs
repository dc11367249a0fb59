//! Why a scenario (a share link, an exported file, a state journal) cannot be used, in words
//! for the person who has it, with what to do about it.

use super::FORMAT_VERSION;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// Not the JSON of a scenario (cut off, edited by hand, another kind of file).
    #[error("the scenario is damaged ({0}); it cannot be replayed: make or export it again, or start over")]
    Damaged(String),
    /// Written by a newer simulator than this one.
    #[error(
        "the scenario has format version {0}, but this simulator reads versions 1 to {FORMAT_VERSION}; open it with a newer version of the simulator"
    )]
    NewerVersion(u32),
    /// Over one of the limits in [`super`], checked before anything is replayed.
    #[error("the scenario is too big: {what} (the limit is {limit}); make it shorter or leave files out")]
    TooBig { what: String, limit: String },
}

impl ScenarioError {
    pub(super) fn too_big(what: impl Into<String>, limit: impl std::fmt::Display) -> Self {
        ScenarioError::TooBig {
            what: what.into(),
            limit: limit.to_string(),
        }
    }

    pub(super) fn damaged(reason: impl std::fmt::Display) -> Self {
        ScenarioError::Damaged(reason.to_string())
    }
}
