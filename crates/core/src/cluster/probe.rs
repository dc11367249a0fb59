//! A container's `readinessProbe` as a manifest gives it, defaulted and validated the way the
//! API server does (a zero means the default; a negative number or a bad port is refused with
//! the field's path).

use serde::{Deserialize, Serialize};

/// What the kubelet runs to ask a container whether it is ready.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ProbeAction {
    /// A command inside the container: exit status 0 is a success.
    Exec(Vec<String>),
    /// A GET to the pod's IP: a 2xx or 3xx status is a success. `named` keeps the container
    /// port's name when the manifest gave one (`port: http`), as kubectl describe shows it.
    HttpGet {
        path: String,
        port: u16,
        named: Option<String>,
        https: bool,
    },
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

/// A port as a number or as the name of one of the container's ports (IntOrString).
#[derive(Deserialize)]
#[serde(untagged)]
pub enum PortM {
    Number(i64),
    Name(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpGetM {
    #[serde(default)]
    path: Option<String>,
    port: PortM,
    /// `HTTP` (the default) or `HTTPS`.
    #[serde(default)]
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
    /// (`spec.containers[0].readinessProbe`), `ports` are the container's named ports.
    pub fn check(self, path: &str, ports: &[(String, u16)]) -> Result<Probe, String> {
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
                let (port, named) = match h.port {
                    PortM::Number(n) if (1..=65535).contains(&n) => (n as u16, None),
                    PortM::Number(n) => {
                        return Err(format!(
                            "{path}.httpGet.port: Invalid value: {n}: must be between 1 and 65535, inclusive"
                        ))
                    }
                    // The API server takes any name; the kubelet would fail the probe on each
                    // try. Refused here, where the learner can still fix the file.
                    PortM::Name(name) => match ports.iter().find(|(n, _)| *n == name) {
                        Some((_, number)) => (*number, Some(name)),
                        None => {
                            return Err(format!(
                                "{path}.httpGet.port: Invalid value: \"{name}\": no container port is named so (the kubelet would fail every probe)"
                            ))
                        }
                    },
                };
                let https = match h.scheme.as_deref() {
                    None | Some("HTTP") => false,
                    Some("HTTPS") => true,
                    Some(other) => {
                        return Err(format!(
                            "{path}.httpGet.scheme: Unsupported value: \"{other}\": supported values: \"HTTP\", \"HTTPS\""
                        ))
                    }
                };
                let path_text = h.path.unwrap_or_else(|| "/".into());
                ProbeAction::HttpGet {
                    path: if path_text.starts_with('/') {
                        path_text
                    } else {
                        format!("/{path_text}")
                    },
                    port,
                    named,
                    https,
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
