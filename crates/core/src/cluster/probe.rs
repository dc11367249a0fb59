//! A container's `readinessProbe` as a manifest gives it, defaulted and validated the way the
//! API server does (a zero means the default; a negative number or a bad port is refused with
//! the field's path).

use serde::{Deserialize, Serialize};

/// What the kubelet runs to ask a container whether it is ready.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ProbeAction {
    /// A command inside the container: exit status 0 is a success.
    Exec(Vec<String>),
    /// A GET to the pod's IP: a 2xx or 3xx status is a success.
    HttpGet { path: String, port: u16 },
}

/// A readiness probe with Kubernetes' defaults filled in (seconds).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Probe {
    pub action: ProbeAction,
    pub initial_delay_seconds: u64,
    pub period_seconds: u64,
    pub timeout_seconds: u64,
    pub success_threshold: u32,
    pub failure_threshold: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecM {
    #[serde(default)]
    command: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpGetM {
    #[serde(default)]
    path: Option<String>,
    port: i64,
    // Accepted so that real manifests read; the probe always asks the pod's own IP over HTTP.
    #[serde(default)]
    #[allow(dead_code)]
    scheme: Option<String>,
}

/// `readinessProbe:` as written (numbers signed, so that a negative one reaches validation).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProbeM {
    #[serde(default)]
    exec: Option<ExecM>,
    #[serde(default)]
    http_get: Option<HttpGetM>,
    #[serde(default)]
    initial_delay_seconds: i64,
    #[serde(default)]
    period_seconds: i64,
    #[serde(default)]
    timeout_seconds: i64,
    #[serde(default)]
    success_threshold: i64,
    #[serde(default)]
    failure_threshold: i64,
}

/// A zero takes the default; a negative value is refused naming `path.field`.
fn seconds(path: &str, field: &str, value: i64, default: u64) -> Result<u64, String> {
    match value {
        0 => Ok(default),
        v if v < 0 => Err(format!(
            "{path}.{field}: Invalid value: {v}: must be greater than or equal to 0"
        )),
        v => Ok(v as u64),
    }
}

impl ProbeM {
    /// The probe, or the API server's message; `path` names the probe
    /// (`spec.containers[0].readinessProbe`).
    pub fn check(self, path: &str) -> Result<Probe, String> {
        let action = match (self.exec, self.http_get) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "{path}.httpGet: Forbidden: may not specify more than 1 handler type"
                ))
            }
            (None, None) => {
                return Err(format!(
                    "{path}: Required value: must specify a handler type"
                ))
            }
            (Some(e), None) if e.command.is_empty() => {
                return Err(format!("{path}.exec.command: Required value"))
            }
            (Some(e), None) => ProbeAction::Exec(e.command),
            (None, Some(h)) => {
                if !(1..=65535).contains(&h.port) {
                    return Err(format!(
                        "{path}.httpGet.port: Invalid value: {}: must be between 1 and 65535, inclusive",
                        h.port
                    ));
                }
                let path_text = h.path.unwrap_or_else(|| "/".into());
                ProbeAction::HttpGet {
                    path: if path_text.starts_with('/') {
                        path_text
                    } else {
                        format!("/{path_text}")
                    },
                    port: h.port as u16,
                }
            }
        };
        Ok(Probe {
            action,
            initial_delay_seconds: seconds(
                path,
                "initialDelaySeconds",
                self.initial_delay_seconds,
                0,
            )?,
            period_seconds: seconds(path, "periodSeconds", self.period_seconds, 10)?,
            timeout_seconds: seconds(path, "timeoutSeconds", self.timeout_seconds, 1)?,
            success_threshold: seconds(path, "successThreshold", self.success_threshold, 1)? as u32,
            failure_threshold: seconds(path, "failureThreshold", self.failure_threshold, 3)? as u32,
        })
    }
}
