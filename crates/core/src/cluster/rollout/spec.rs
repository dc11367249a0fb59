//! A Deployment manifest's rollout fields (`strategy`, `minReadySeconds`,
//! `progressDeadlineSeconds`, `revisionHistoryLimit`, `paused`), checked as the API server
//! validates them.

use super::{IntOrPercent, Rollout, Strategy};
use crate::cluster::labels::Labels;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StrategyM {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    rolling_update: Option<RollingUpdateM>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RollingUpdateM {
    #[serde(default)]
    max_surge: Option<IntOrString>,
    #[serde(default)]
    max_unavailable: Option<IntOrString>,
}

/// `3` or `"25%"`, as YAML gives it.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    Int(u32),
    Text(String),
}

fn value(field: &str, v: Option<IntOrString>) -> Result<IntOrPercent, String> {
    match v {
        None => Ok(IntOrPercent::Percent(25)),
        Some(IntOrString::Int(n)) => Ok(IntOrPercent::Int(n)),
        Some(IntOrString::Text(t)) => match IntOrPercent::parse(&t) {
            Some(IntOrPercent::Percent(p)) if p <= 100 || field == "maxSurge" => {
                Ok(IntOrPercent::Percent(p))
            }
            Some(IntOrPercent::Percent(_)) => Err(format!(
                "spec.strategy.rollingUpdate.{field}: Invalid value: \"{t}\": must not be greater than 100%"
            )),
            _ => Err(format!(
                "spec.strategy.rollingUpdate.{field}: Invalid value: \"{t}\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
            )),
        },
    }
}

/// The Deployment's rollout settings from its manifest fields; kube-apiserver's message when
/// they are invalid.
pub fn rollout(
    strategy: Option<StrategyM>,
    min_ready_seconds: Option<u64>,
    progress_deadline_seconds: Option<u64>,
    revision_history_limit: Option<u32>,
    paused: bool,
    annotations: Labels,
) -> Result<Rollout, String> {
    let s = strategy.unwrap_or_default();
    let strategy = match s.kind.as_deref().unwrap_or("RollingUpdate") {
        "RollingUpdate" => {
            let r = s.rolling_update.unwrap_or_default();
            let max_surge = value("maxSurge", r.max_surge)?;
            let max_unavailable = value("maxUnavailable", r.max_unavailable)?;
            let zero = |v: IntOrPercent| matches!(v, IntOrPercent::Int(0) | IntOrPercent::Percent(0));
            if zero(max_surge) && zero(max_unavailable) {
                return Err("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0".into());
            }
            Strategy::RollingUpdate {
                max_surge,
                max_unavailable,
            }
        }
        "Recreate" => {
            if s.rolling_update.is_some() {
                return Err("spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'".into());
            }
            Strategy::Recreate
        }
        other => {
            return Err(format!(
                "spec.strategy.type: Unsupported value: \"{other}\": supported values: \"Recreate\", \"RollingUpdate\""
            ))
        }
    };
    let defaults = Rollout::default();
    let min_ready_seconds = min_ready_seconds.unwrap_or(0);
    let progress_deadline_seconds =
        progress_deadline_seconds.unwrap_or(defaults.progress_deadline_seconds);
    if progress_deadline_seconds <= min_ready_seconds {
        return Err(format!("spec.progressDeadlineSeconds: Invalid value: {progress_deadline_seconds}: must be greater than minReadySeconds"));
    }
    Ok(Rollout {
        strategy,
        min_ready_seconds,
        progress_deadline_seconds,
        revision_history_limit: revision_history_limit.unwrap_or(defaults.revision_history_limit),
        paused,
        annotations,
        ..defaults
    })
}
