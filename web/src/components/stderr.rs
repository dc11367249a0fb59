//! What a stderr line is, for the terminal's colours: docker writes progress (pulls, build
//! steps) there as well as warnings and errors, so the stream alone does not make a line red.

/// How a line of stderr is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// Pull and build progress, server logs: neutral.
    Progress,
    Warning,
    Error,
    /// The simulator explaining itself (`(simulator) cache miss: ...`): not docker's output.
    Simulator,
}

impl LineKind {
    pub fn class(self) -> &'static str {
        match self {
            LineKind::Progress => "progress",
            LineKind::Warning => "warning",
            LineKind::Error => "error",
            LineKind::Simulator => "simulator",
        }
    }
}

/// Classifies one line; `failed` is whether the command exited non-zero, which makes a line
/// no rule recognises an error (a program's complaint such as `sh: x: not found`).
pub fn line_kind(line: &str, failed: bool) -> LineKind {
    let trimmed = line.trim_start();
    let after_step = trimmed
        .strip_prefix('#')
        .and_then(|rest| rest.split_once(' '))
        .map_or(trimmed, |(_, text)| text);
    if after_step.starts_with("(simulator)") {
        return LineKind::Simulator;
    }
    let upper = trimmed.to_ascii_uppercase();
    if upper.starts_with("WARNING") || trimmed.contains("[Warning]") || upper.starts_with("WARN") {
        return LineKind::Warning;
    }
    let error_words = ["ERROR", "Error", "error:", "docker: ", "fatal", "FATAL"];
    if error_words.iter().any(|w| trimmed.starts_with(w)) || trimmed.contains("[ERROR]") {
        return LineKind::Error;
    }
    if failed && !after_step.starts_with('[') && !trimmed.starts_with('#') && !is_pull(trimmed) {
        LineKind::Error
    } else {
        LineKind::Progress
    }
}

/// `latest: Pulling from library/busybox`, `abc: Pull complete`, `Digest: ...`, `Status: ...`.
fn is_pull(line: &str) -> bool {
    ["Unable to find image", "Digest:", "Status:"]
        .iter()
        .any(|w| line.starts_with(w))
        || line.ends_with("Pull complete")
        || line.contains(": Pulling from ")
        || line.ends_with("Already exists")
}

#[cfg(test)]
mod tests {
    use super::{line_kind, LineKind};

    #[test]
    fn stderr_lines_are_styled_by_what_they_say() {
        let pull = "Unable to find image 'busybox:latest' locally";
        assert_eq!(line_kind(pull, false), LineKind::Progress);
        assert_eq!(line_kind(pull, true), LineKind::Progress);
        assert_eq!(
            line_kind("a3ed95caeb02: Pull complete", true),
            LineKind::Progress
        );
        assert_eq!(
            line_kind("#5 [3/4] COPY hello.txt .", true),
            LineKind::Progress
        );
        assert_eq!(
            line_kind("#5 (simulator) cache miss: hello.txt changed", false),
            LineKind::Simulator
        );
        assert_eq!(
            line_kind(
                "mysql: [Warning] Using a password on the command line",
                false
            ),
            LineKind::Warning
        );
        assert_eq!(
            line_kind("docker: Error response from daemon: Conflict.", true),
            LineKind::Error
        );
        assert_eq!(
            line_kind("ERROR: failed to solve: x", true),
            LineKind::Error
        );
        assert_eq!(line_kind("sh: nope: not found", true), LineKind::Error);
        assert_eq!(line_kind("sh: nope: not found", false), LineKind::Progress);
    }
}
