//! What the learner has done, kept in the browser's localStorage: the language, which lesson
//! steps passed, and the scenario of every lesson and of the playground (so a reload restores
//! the terminal too). Damaged or foreign data reads as empty instead of breaking the page.

use std::collections::{BTreeMap, BTreeSet};

use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use sim_lessons::Lang;

use super::scenario::{Scenario, ScenarioError};

const LANG_KEY: &str = "sim.lang";
const PROGRESS_KEY: &str = "sim.progress";
const SCENARIO_PREFIX: &str = "sim.scenario.";
pub const PLAYGROUND: &str = "playground";

/// Passed steps per lesson id, and the answers chosen in quiz and prediction steps.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub passed: BTreeMap<String, BTreeSet<usize>>,
    /// Lesson id → step index → choice index.
    #[serde(default)]
    pub answers: BTreeMap<String, BTreeMap<usize, usize>>,
}

impl Progress {
    pub fn load() -> Progress {
        LocalStorage::get(PROGRESS_KEY).unwrap_or_default()
    }

    pub fn save(&self) {
        // Storage can be full or disabled (private windows); progress then lives in memory.
        let _ = LocalStorage::set(PROGRESS_KEY, self);
    }

    pub fn passed_count(&self, lesson: &str) -> usize {
        self.passed.get(lesson).map_or(0, BTreeSet::len)
    }

    pub fn answer(&self, lesson: &str, step: usize) -> Option<usize> {
        self.answers.get(lesson).and_then(|a| a.get(&step)).copied()
    }

    pub fn is_passed(&self, lesson: &str, step: usize) -> bool {
        self.passed.get(lesson).is_some_and(|s| s.contains(&step))
    }
}

/// The saved language, else Korean for Korean browsers, else English.
pub fn initial_lang() -> Lang {
    if let Some(lang) = LocalStorage::get::<String>(LANG_KEY)
        .ok()
        .and_then(|code| Lang::parse(&code))
    {
        return lang;
    }
    let browser = web_sys::window()
        .map(|w| w.navigator().language().unwrap_or_default())
        .unwrap_or_default();
    Lang::from_locale(&browser)
}

pub fn save_lang(lang: Lang) {
    let _ = LocalStorage::set(LANG_KEY, lang.code());
}

/// The saved scenario of a lesson (by id) or of the playground.
pub fn load_scenario(owner: &str) -> Option<Scenario> {
    let scenario: Scenario = LocalStorage::get(format!("{SCENARIO_PREFIX}{owner}")).ok()?;
    scenario.check().ok()?;
    Some(scenario)
}

pub fn save_scenario(owner: &str, scenario: &Scenario) {
    let _ = LocalStorage::set(format!("{SCENARIO_PREFIX}{owner}"), scenario);
}

/// An exported file: progress and every saved scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Export {
    pub format: String,
    pub version: u32,
    pub progress: Progress,
    pub scenarios: BTreeMap<String, Scenario>,
}

pub const EXPORT_FORMAT: &str = "container-simulator-export";

impl Export {
    /// What this browser holds now, for `owners` (lesson ids and the playground).
    pub fn collect<'a>(owners: impl Iterator<Item = &'a str>) -> Export {
        Export {
            format: EXPORT_FORMAT.into(),
            version: super::scenario::FORMAT_VERSION,
            progress: Progress::load(),
            scenarios: sim_core::order::map_from(
                owners.filter_map(|owner| load_scenario(owner).map(|s| (owner.to_string(), s))),
            ),
        }
    }

    /// Reads an exported file; a single shared scenario is accepted too (it goes to the
    /// playground).
    pub fn parse(bytes: &[u8]) -> Result<Export, String> {
        if bytes.len() > sim_core::scenario::MAX_JSON_BYTES {
            return Err(format!(
                "the file is too big ({} bytes, at most {} are read); choose an exported file",
                bytes.len(),
                sim_core::scenario::MAX_JSON_BYTES
            ));
        }
        if let Ok(export) = serde_json::from_slice::<Export>(bytes) {
            if export.format != EXPORT_FORMAT {
                return Err(format!("unknown format `{}`", export.format));
            }
            if export.version > super::scenario::FORMAT_VERSION {
                return Err(ScenarioError::NewerVersion(export.version).to_string());
            }
            for scenario in export.scenarios.values() {
                scenario.check().map_err(|e| e.to_string())?;
            }
            return Ok(export);
        }
        let scenario = Scenario::from_json(bytes).map_err(|e| {
            format!("this is neither an exported progress file nor a scenario ({e})")
        })?;
        Ok(Export {
            format: EXPORT_FORMAT.into(),
            version: super::scenario::FORMAT_VERSION,
            progress: Progress::default(),
            scenarios: BTreeMap::from([(PLAYGROUND.to_string(), scenario)]),
        })
    }

    /// Merges into this browser's storage: passed steps add up, scenarios replace.
    pub fn apply(&self) {
        let mut progress = Progress::load();
        for (lesson, steps) in &self.progress.passed {
            progress
                .passed
                .entry(lesson.clone())
                .or_default()
                .extend(steps);
        }
        progress.save();
        for (owner, scenario) in &self.scenarios {
            save_scenario(owner, scenario);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_parse_and_foreign_files_are_refused_with_a_reason() {
        let export = Export {
            format: EXPORT_FORMAT.into(),
            version: 1,
            progress: Progress {
                passed: BTreeMap::from([("01-container".to_string(), BTreeSet::from([0, 1]))]),
                answers: BTreeMap::from([("01-container".to_string(), BTreeMap::from([(2, 1)]))]),
            },
            scenarios: BTreeMap::from([(PLAYGROUND.to_string(), Scenario::default())]),
        };
        let bytes = serde_json::to_vec(&export).unwrap();
        assert_eq!(Export::parse(&bytes), Ok(export));
        let scenario = serde_json::to_vec(&Scenario::default()).unwrap();
        assert!(Export::parse(&scenario)
            .unwrap()
            .scenarios
            .contains_key(PLAYGROUND));
        assert!(Export::parse(b"{\"hello\": 1}").is_err());
        assert!(Export::parse(b"\x00\x01garbage").is_err());
        let truncated = &bytes[..bytes.len() / 2];
        assert!(Export::parse(truncated).is_err());
    }

    /// An export of the first app (format version 1), kept as it was written.
    const VERSION_1_EXPORT: &str = r#"{"format":"container-simulator-export","version":1,"progress":{"passed":{"01-containers":[0,2]}},"scenarios":{"playground":{"v":1,"seed":42,"steps":[{"line":"docker build -t app .","files":{"Dockerfile":"FROM busybox\nCOPY a.txt /\n","a.txt":"one\n"}},{"line":"docker run --rm app cat /a.txt"}],"files":{"Dockerfile":"FROM busybox\nCOPY a.txt /\n","a.txt":"one\n"}}}}"#;

    #[test]
    fn files_exported_by_the_first_app_still_import() {
        let export = Export::parse(VERSION_1_EXPORT.as_bytes()).unwrap();
        assert!(export.progress.is_passed("01-containers", 2));
        let (_, outcomes) = export.scenarios[PLAYGROUND].replay();
        assert_eq!(outcomes[1].stdout, "one\n");

        let newer = VERSION_1_EXPORT.replacen("\"version\":1", "\"version\":9", 1);
        let err = Export::parse(newer.as_bytes()).unwrap_err();
        assert!(err.contains("newer version of the simulator"), "{err}");
    }
}
