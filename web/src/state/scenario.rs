//! The page's side of the core's scenario ([`sim_core::scenario`]): the timeline replays one, a
//! share link carries its JSON as base64url in the URL fragment, exported files hold it as
//! JSON. Here: the link encoding, and the files editor's text files as a build context.

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sim_core::fs::Node;
use sim_core::BuildContext;

pub use sim_core::scenario::{Scenario, ScenarioError, Step, FORMAT_VERSION};

/// The files editor's content: file name (relative, `/`-separated) to its text.
pub type Files = BTreeMap<String, String>;

/// Why a link could not be opened, in words for the person who pasted it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    NotBase64,
    Scenario(ScenarioError),
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::NotBase64 => write!(
                f,
                "the link is damaged (it is not valid base64url; was it cut off?): copy the whole link again"
            ),
            LinkError::Scenario(e) => e.fmt(f),
        }
    }
}

/// The text for a link's fragment: base64url of the JSON (no padding, URL-safe).
pub fn to_link_payload(scenario: &Scenario) -> String {
    URL_SAFE_NO_PAD.encode(scenario.to_json())
}

/// Reads a link's fragment, from this app or from the first one (format version 1).
pub fn from_link_payload(payload: &str) -> Result<Scenario, LinkError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim().trim_end_matches('='))
        .map_err(|_| LinkError::NotBase64)?;
    Scenario::from_json(&bytes).map_err(LinkError::Scenario)
}

/// The files as a build context rooted at `/`, where `docker build .` looks for them.
pub fn build_context(files: &Files) -> BuildContext {
    BuildContext::from_files(files)
}

/// The text files of a context, for the editor (which has no place for binary files,
/// directories or links: a scenario made by the `sim` CLI may hold those).
pub fn editor_files(context: &BuildContext) -> Files {
    context
        .iter()
        .filter_map(|(path, node)| match node {
            Node::File { data, .. } => {
                let text = String::from_utf8(data.clone()).ok()?;
                Some((path.trim_start_matches('/').to_string(), text))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        let mut files = Files::new();
        files.insert("Dockerfile".into(), "FROM busybox\nCOPY app.txt /\n".into());
        files.insert("app.txt".into(), "안녕\n".into());
        files
    }

    fn sample() -> Scenario {
        Scenario {
            seed: 7,
            steps: vec![
                Step::new("docker build -t app .", Some(build_context(&files()))),
                Step::new("docker run --rm app cat /app.txt", None),
            ],
            files: build_context(&files()),
        }
    }

    #[test]
    fn a_link_payload_round_trips() {
        let scenario = sample();
        let payload = to_link_payload(&scenario);
        assert!(payload
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(from_link_payload(&payload), Ok(scenario));
    }

    /// A link made by the first app (format version 1), kept as it was shared.
    const VERSION_1_LINK: &str = "eyJ2IjoxLCJzZWVkIjo3LCJzdGVwcyI6W3sibGluZSI6ImRvY2tlciBidWlsZCAtdCBhcHAgLiIsImZpbGVzIjp7IkRvY2tlcmZpbGUiOiJGUk9NIGJ1c3lib3hcbkNPUFkgYXBwLnR4dCAvXG4iLCJhcHAudHh0Ijoi7JWI64WVXG4ifX0seyJsaW5lIjoiZG9ja2VyIHJ1biAtLXJtIGFwcCBjYXQgL2FwcC50eHQifV0sImZpbGVzIjp7IkRvY2tlcmZpbGUiOiJGUk9NIGJ1c3lib3hcbkNPUFkgYXBwLnR4dCAvXG4iLCJhcHAudHh0Ijoi7JWI64WVXG4ifX0";

    #[test]
    fn links_of_the_first_app_still_open() {
        let scenario = from_link_payload(VERSION_1_LINK).unwrap();
        assert_eq!(scenario, sample());
        assert_eq!(editor_files(&scenario.files), files());
        let (_, outcomes) = scenario.replay();
        assert_eq!(outcomes[1].stdout, "안녕\n");
    }

    #[test]
    fn damaged_links_are_errors_not_panics() {
        let payload = to_link_payload(&sample());
        for cut in [1, payload.len() / 2, payload.len() - 1] {
            let err = from_link_payload(&payload[..cut]).unwrap_err();
            assert!(!err.to_string().is_empty());
        }
        assert_eq!(from_link_payload("%%%"), Err(LinkError::NotBase64));
        let newer = URL_SAFE_NO_PAD.encode(br#"{"v":99,"seed":1,"steps":[]}"#);
        assert_eq!(
            from_link_payload(&newer),
            Err(LinkError::Scenario(ScenarioError::NewerVersion(99)))
        );
    }

    #[test]
    fn files_become_a_context_at_the_root_and_back() {
        let context = build_context(&files());
        assert_eq!(
            context.read_file("/app.txt").ok(),
            Some("안녕\n".as_bytes())
        );
        assert!(context.exists("/Dockerfile"));
        let mut nested = files();
        nested.insert("src/main.py".into(), "print(1)\n".into());
        assert_eq!(editor_files(&build_context(&nested)), nested);
    }
}
