//! A scenario is everything needed to rebuild a World: the seed and the command lines in order,
//! each with the build-context files it ran with. The timeline replays it, a share link carries
//! it in the URL fragment, and exported files hold it as JSON.

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sim_core::BuildContext;

/// Fixed so that a lesson replayed in the browser gives the same events as in the `sim` CLI.
pub const DEFAULT_SEED: u64 = 42;

/// Bumped when the format changes incompatibly; older links then get a clear message.
pub const FORMAT_VERSION: u32 = 1;

/// Lines beyond this are refused on import: a link is typed by people, not generated forever.
const MAX_STEPS: usize = 10_000;
const MAX_LINE_BYTES: usize = 4_096;
const MAX_FILE_BYTES: usize = 256 * 1024;

/// The build context: file name (relative, `/`-separated) to its text.
pub type Files = BTreeMap<String, String>;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioStep {
    pub line: String,
    /// The context a `docker build` on this line used; absent for other lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Files>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    #[serde(rename = "v")]
    pub version: u32,
    pub seed: u64,
    pub steps: Vec<ScenarioStep>,
    /// The files editor's content at the end, so a shared link shows the same files.
    #[serde(default)]
    pub files: Files,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            version: FORMAT_VERSION,
            seed: DEFAULT_SEED,
            steps: Vec::new(),
            files: Files::new(),
        }
    }
}

/// Why a link or file could not be read, in words for the person who pasted it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    NotBase64,
    NotJson(String),
    NewerVersion(u32),
    TooBig(&'static str),
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScenarioError::NotBase64 => {
                write!(
                    f,
                    "the link is damaged (it is not valid base64url; was it cut off?)"
                )
            }
            ScenarioError::NotJson(e) => write!(f, "the scenario is damaged: {e}"),
            ScenarioError::NewerVersion(v) => write!(
                f,
                "the scenario has format version {v}; this app reads version {FORMAT_VERSION}"
            ),
            ScenarioError::TooBig(what) => write!(f, "the scenario is too big ({what})"),
        }
    }
}

impl Scenario {
    /// The text for a link's fragment: base64url of the JSON (no padding, URL-safe).
    pub fn to_link_payload(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    pub fn from_link_payload(payload: &str) -> Result<Scenario, ScenarioError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(payload.trim().trim_end_matches('='))
            .map_err(|_| ScenarioError::NotBase64)?;
        Scenario::from_json(&bytes)
    }

    pub fn from_json(bytes: &[u8]) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario =
            serde_json::from_slice(bytes).map_err(|e| ScenarioError::NotJson(e.to_string()))?;
        scenario.validated()
    }

    /// Checks limits and version, so that nothing imported can hang or confuse the app.
    pub fn validated(self) -> Result<Scenario, ScenarioError> {
        if self.version > FORMAT_VERSION {
            return Err(ScenarioError::NewerVersion(self.version));
        }
        if self.steps.len() > MAX_STEPS {
            return Err(ScenarioError::TooBig("more than 10000 commands"));
        }
        if self.steps.iter().any(|s| s.line.len() > MAX_LINE_BYTES) {
            return Err(ScenarioError::TooBig("a command longer than 4 KiB"));
        }
        let file_sets = self
            .steps
            .iter()
            .filter_map(|s| s.files.as_ref())
            .chain(std::iter::once(&self.files));
        for files in file_sets {
            if files.values().map(String::len).sum::<usize>() > MAX_FILE_BYTES {
                return Err(ScenarioError::TooBig("files larger than 256 KiB"));
            }
        }
        Ok(self)
    }
}

/// The files as a build context rooted at `/`, where `docker build .` looks for them.
pub fn build_context(files: &Files) -> BuildContext {
    BuildContext::from_files(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Scenario {
        let mut files = Files::new();
        files.insert("Dockerfile".into(), "FROM busybox\nCOPY app.txt /\n".into());
        files.insert("app.txt".into(), "안녕\n".into());
        Scenario {
            version: FORMAT_VERSION,
            seed: 7,
            steps: vec![
                ScenarioStep {
                    line: "docker build -t app .".into(),
                    files: Some(files.clone()),
                },
                ScenarioStep {
                    line: "docker run --rm app cat /app.txt".into(),
                    files: None,
                },
            ],
            files,
        }
    }

    #[test]
    fn a_link_payload_round_trips() {
        let scenario = sample();
        let payload = scenario.to_link_payload();
        assert!(payload
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(Scenario::from_link_payload(&payload), Ok(scenario));
    }

    #[test]
    fn damaged_links_are_errors_not_panics() {
        let payload = sample().to_link_payload();
        for cut in [1, payload.len() / 2, payload.len() - 1] {
            assert!(Scenario::from_link_payload(&payload[..cut]).is_err());
        }
        assert_eq!(
            Scenario::from_link_payload("%%%"),
            Err(ScenarioError::NotBase64)
        );
        let newer = br#"{"v":99,"seed":1,"steps":[]}"#;
        assert_eq!(
            Scenario::from_json(newer),
            Err(ScenarioError::NewerVersion(99))
        );
    }

    #[test]
    fn files_become_a_context_at_the_root() {
        let context = build_context(&sample().files);
        assert_eq!(
            context.read_file("/app.txt").ok(),
            Some("안녕\n".as_bytes())
        );
        assert!(context.exists("/Dockerfile"));
    }
}
