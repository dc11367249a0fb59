//! `--filter key=value` (`-f`) for `docker ps`, `docker images` and `docker volume ls`, read as
//! docker reads it: values of the same key are alternatives, different keys must all match.

use super::{Container, Failure, Volume};
use crate::command::Invocation;
use std::collections::BTreeMap;

pub(crate) struct Filters(BTreeMap<String, Vec<String>>);

/// A `--filter` docker refuses.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FilterError {
    /// No `=` (the CLI refuses it before asking the daemon).
    #[error("invalid argument \"{given}\" for \"-f, --filter\" flag: bad format of filter (expected name=value)\nSee 'docker {verb} --help'.")]
    Format { given: String, verb: String },
    #[error("invalid filter '{0}'")]
    UnknownKey(String),
    #[error("invalid filter '{key}={value}'")]
    BadValue { key: String, value: String },
}

impl FilterError {
    /// 125 for the CLI's flag error, as for every bad flag; 1 for the daemon's refusals.
    pub fn exit_code(&self) -> i32 {
        match self {
            FilterError::Format { .. } => 125,
            _ => 1,
        }
    }
}

impl From<FilterError> for Failure {
    fn from(error: FilterError) -> Failure {
        match error {
            FilterError::Format { .. } => Failure::new(error.to_string(), error.exit_code()),
            _ => Failure::daemon(error),
        }
    }
}

impl Filters {
    /// The filters given to `verb`, each key one of `known`.
    pub fn parse(inv: &Invocation, verb: &str, known: &[&str]) -> Result<Filters, FilterError> {
        let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for given in inv.flags.values("filter") {
            let Some((key, value)) = given.split_once('=') else {
                return Err(FilterError::Format {
                    given: given.clone(),
                    verb: verb.to_string(),
                });
            };
            let key = key.trim().to_ascii_lowercase();
            if !known.contains(&key.as_str()) {
                return Err(FilterError::UnknownKey(key));
            }
            filters.entry(key).or_default().push(value.to_string());
        }
        Ok(Filters(filters))
    }

    pub fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// `true` when `key` was not given, or `test` holds for one of its values.
    pub fn accepts(&self, key: &str, test: impl Fn(&str) -> bool) -> bool {
        self.0
            .get(key)
            .is_none_or(|values| values.iter().any(|v| test(v)))
    }

    /// Every value of `key` must be one of `allowed` (docker refuses e.g. `status=paused2`).
    pub fn check_values(&self, key: &str, allowed: &[&str]) -> Result<(), FilterError> {
        match self
            .0
            .get(key)
            .into_iter()
            .flatten()
            .find(|v| !allowed.contains(&v.as_str()))
        {
            Some(bad) => Err(FilterError::BadValue {
                key: key.to_string(),
                value: bad.clone(),
            }),
            None => Ok(()),
        }
    }
}

/// docker matches names with a regular expression; this covers what people type: a part of
/// the name, optionally anchored with `^` and `$`.
pub(crate) fn name_matches(pattern: &str, name: &str) -> bool {
    let (start, rest) = match pattern.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (false, pattern),
    };
    let (end, core) = match rest.strip_suffix('$') {
        Some(core) => (true, core),
        None => (false, rest),
    };
    match (start, end) {
        (true, true) => name == core,
        (true, false) => name.starts_with(core),
        (false, true) => name.ends_with(core),
        (false, false) => name.contains(core),
    }
}

/// `label=key` or `label=key=value`.
pub(crate) fn label_matches(wanted: &str, labels: &[(String, String)]) -> bool {
    match wanted.split_once('=') {
        Some((key, value)) => labels.iter().any(|(k, v)| k == key && v == value),
        None => labels.iter().any(|(k, _)| k == wanted),
    }
}

/// `true`/`1` or `false`/`0`, as docker reads `dangling=`.
pub(crate) fn truth(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// `volume=NAME` or `volume=/mount/point` for `docker ps`.
pub(crate) fn mounts_volume(c: &Container, wanted: &str) -> bool {
    c.mounts
        .iter()
        .any(|m| m.source == wanted || m.target == wanted)
}

/// A volume no container uses (`docker volume ls -f dangling=true`).
pub(crate) fn is_dangling<'a>(
    volume: &Volume,
    mut containers: impl Iterator<Item = &'a Container>,
) -> bool {
    !containers.any(|c| c.mounts.iter().any(|m| m.source == volume.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_a_part_or_an_anchored_pattern() {
        assert!(name_matches("web", "my-web-1"));
        assert!(name_matches("^web", "web-1") && !name_matches("^web", "my-web"));
        assert!(name_matches("^web$", "web") && !name_matches("^web$", "web2"));
        assert!(name_matches("1$", "web-1") && !name_matches("1$", "web-12"));
    }

    #[test]
    fn refusals_are_worded_and_coded_like_docker() {
        let format = FilterError::Format {
            given: "dangling".into(),
            verb: "images".into(),
        };
        assert_eq!(
            format.to_string(),
            "invalid argument \"dangling\" for \"-f, --filter\" flag: bad format of filter (expected name=value)\nSee 'docker images --help'."
        );
        assert_eq!(format.exit_code(), 125);
        let key = Failure::from(FilterError::UnknownKey("colour".into()));
        assert_eq!(
            (key.message.as_str(), key.exit_code),
            ("Error response from daemon: invalid filter 'colour'", 1)
        );
        let value = FilterError::BadValue {
            key: "status".into(),
            value: "paused2".into(),
        };
        assert_eq!(value.to_string(), "invalid filter 'status=paused2'");
    }

    #[test]
    fn labels_match_by_key_or_key_and_value() {
        let labels = vec![("tier".to_string(), "db".to_string())];
        assert!(label_matches("tier", &labels));
        assert!(label_matches("tier=db", &labels));
        assert!(!label_matches("tier=web", &labels) && !label_matches("app", &labels));
    }
}
