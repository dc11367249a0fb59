//! `docker run`/`create` flags, validated into [`RunOptions`] before anything changes.

use super::Invocation;
use crate::fs::{normalize, FsTree};
use crate::world::{is_docker_name, Mount, MountKind, RestartPolicy};

/// A `-p` request: host IP, host port (none: pick a free one), container port, protocol.
pub(crate) type PublishSpec = (Option<String>, Option<u16>, u16, String);

/// `docker run`/`create` options, validated.
pub(crate) struct RunOptions {
    pub detach: bool,
    pub name: Option<String>,
    /// `-e NAME=value`; `-e NAME` alone is `None`: docker takes NAME from the client's
    /// environment (empty here), so the container has no NAME, not the image's nor an empty one.
    pub env: Vec<(String, Option<String>)>,
    pub mounts: Vec<Mount>,
    pub publish: Vec<PublishSpec>,
    pub publish_all: bool,
    pub auto_remove: bool,
    pub restart: RestartPolicy,
    pub hostname: Option<String>,
    pub workdir: Option<String>,
    pub entrypoint: Option<String>,
    pub memory: Option<u64>,
    pub nano_cpus: Option<u64>,
    /// `--read-only`: the root filesystem cannot be written (mounts can).
    pub read_only: bool,
    /// `--pids-limit N` (N > 0; 0 and -1 mean unlimited, as in docker).
    pub pids_limit: Option<u64>,
    pub user: Option<String>,
    pub labels: Vec<(String, String)>,
}

/// Why `docker run`/`create` refused its options, in docker's words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RunOptionsError {
    #[error("Error response from daemon: Invalid container name ({0}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")]
    InvalidName(String),
    #[error("open {0}: no such file or directory (env files are read from the simulated host; create it with a bind mount first)")]
    EnvFileMissing(String),
    #[error("invalid argument \"{0}\" for \"-e, --env\" flag: invalid environment variable: {0}")]
    InvalidEnv(String),
    #[error(
        "invalid argument \"{0}\" for \"-v, --volume\" flag: invalid spec: {0}: too many colons"
    )]
    VolumeTooManyColons(String),
    #[error("Error response from daemon: invalid volume specification: '{spec}': invalid mount config for type \"volume\": invalid mount path: '{target}' mount path must be absolute")]
    VolumeRelativeTarget { spec: String, target: String },
    #[error("Error response from daemon: invalid mode: {0}")]
    VolumeMode(String),
    #[error("Error response from daemon: create {0}: \"{0}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path")]
    VolumeName(String),
    #[error("invalid argument \"{spec}\" for \"-p, --publish\" flag: invalid proto: {proto}")]
    PublishProto { spec: String, proto: String },
    #[error("invalid argument \"{0}\" for \"-p, --publish\" flag: invalid containerPort: {0}")]
    PublishPort(String),
    #[error("invalid restart policy: maximum retry count must be a number: {0}")]
    RestartRetryCount(String),
    #[error("invalid restart policy: unknown policy '{0}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'")]
    RestartPolicy(String),
    #[error("invalid restart policy: maximum retry count can only be used with 'on-failure'")]
    RestartRetryNotOnFailure,
    #[error("Conflicting options: --restart and --rm")]
    RestartWithRm,
    #[error("invalid argument \"{0}\" for \"-m, --memory\" flag: invalid size: '{0}'")]
    Memory(String),
    #[error("Error response from daemon: Minimum memory limit allowed is 6MB")]
    MemoryTooSmall,
    #[error(
        "invalid argument \"{0}\" for \"--cpus\" flag: failed to parse {0} as a rational number"
    )]
    Cpus(String),
    #[error("invalid argument \"{0}\" for \"--pids-limit\" flag: strconv.ParseInt: parsing \"{0}\": invalid syntax")]
    PidsLimit(String),
    #[error("Error response from daemon: range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available")]
    CpusRange,
}

type Parsed<T> = Result<T, RunOptionsError>;

impl RunOptions {
    /// Validates the flags of `inv`; `--env-file`s are read from the simulated `host`.
    pub(crate) fn parse(inv: &Invocation, host: &FsTree) -> Parsed<RunOptions> {
        let f = &inv.flags;
        if let Some(name) = f.value("name") {
            if !is_docker_name(name) {
                return Err(RunOptionsError::InvalidName(name.to_string()));
            }
        }
        let mut env = Vec::new();
        for file in f.values("env-file") {
            let path = normalize("/", file);
            let data = host
                .read_file(&path)
                .map_err(|_| RunOptionsError::EnvFileMissing(file.clone()))?;
            for line in String::from_utf8_lossy(data).lines() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                // A bare NAME in an env file passes the client's NAME through, if it has one
                // (the docker CLI drops the line otherwise).
                if let (name, Some(value)) = split_env(line)? {
                    env.push((name, Some(value)));
                }
            }
        }
        for entry in f.values("env") {
            env.push(split_env(entry)?);
        }
        let mut mounts = Vec::new();
        for spec in f.values("volume") {
            mounts.push(parse_volume(spec)?);
        }
        let mut publish = Vec::new();
        for spec in f.values("publish") {
            publish.push(parse_publish(spec)?);
        }
        let restart = match f.value("restart") {
            None => RestartPolicy {
                name: "no".into(),
                max_retries: 0,
            },
            Some(r) => parse_restart(r)?,
        };
        let auto_remove = f.has("rm");
        if auto_remove && restart.name != "no" {
            return Err(RunOptionsError::RestartWithRm);
        }
        let memory = match f.value("memory") {
            None => None,
            Some(m) => {
                let bytes = parse_bytes(m).ok_or_else(|| RunOptionsError::Memory(m.to_string()))?;
                if bytes < 6 * 1024 * 1024 {
                    return Err(RunOptionsError::MemoryTooSmall);
                }
                Some(bytes)
            }
        };
        let nano_cpus = match f.value("cpus") {
            None => None,
            Some(c) => {
                let cpus: f64 = c
                    .parse()
                    .map_err(|_| RunOptionsError::Cpus(c.to_string()))?;
                if !(cpus > 0.0 && cpus <= 2.0) {
                    return Err(RunOptionsError::CpusRange);
                }
                Some((cpus * 1e9) as u64)
            }
        };
        let pids_limit = match f.value("pids-limit") {
            None => None,
            Some(n) => {
                let n: i64 = n
                    .parse()
                    .map_err(|_| RunOptionsError::PidsLimit(n.to_string()))?;
                u64::try_from(n).ok().filter(|n| *n > 0)
            }
        };
        let mut labels = Vec::new();
        for l in f.values("label") {
            let (k, v) = l.split_once('=').unwrap_or((l.as_str(), ""));
            labels.push((k.to_string(), v.to_string()));
        }
        Ok(RunOptions {
            detach: f.has("detach"),
            name: f.value("name").map(str::to_string),
            env,
            mounts,
            publish,
            publish_all: f.has("publish-all"),
            auto_remove,
            restart,
            hostname: f.value("hostname").map(str::to_string),
            workdir: f.value("workdir").map(|w| normalize("/", w)),
            entrypoint: f.value("entrypoint").map(str::to_string),
            memory,
            nano_cpus,
            read_only: f.has("read-only"),
            pids_limit,
            user: f.value("user").map(str::to_string),
            labels,
        })
    }
}

/// `--restart no|always|unless-stopped|on-failure[:N]`.
fn parse_restart(r: &str) -> Parsed<RestartPolicy> {
    let (name, retries) = r.split_once(':').unwrap_or((r, "0"));
    let max_retries: u32 = retries
        .parse()
        .map_err(|_| RunOptionsError::RestartRetryCount(r.to_string()))?;
    if !["no", "always", "on-failure", "unless-stopped"].contains(&name) {
        return Err(RunOptionsError::RestartPolicy(name.to_string()));
    }
    if max_retries > 0 && name != "on-failure" {
        return Err(RunOptionsError::RestartRetryNotOnFailure);
    }
    Ok(RestartPolicy {
        name: name.into(),
        max_retries,
    })
}

/// `NAME=value`, or `NAME` alone (no value: see [`RunOptions::env`]).
fn split_env(entry: &str) -> Parsed<(String, Option<String>)> {
    let (k, v) = match entry.split_once('=') {
        Some((k, v)) => (k, Some(v.to_string())),
        None => (entry, None),
    };
    if k.is_empty() {
        return Err(RunOptionsError::InvalidEnv(entry.to_string()));
    }
    Ok((k.to_string(), v))
}

/// `-v name:/path[:ro]`, `-v /host:/path[:ro]`, `-v /path` (anonymous).
fn parse_volume(spec: &str) -> Parsed<Mount> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (source, target, mode) = match parts.as_slice() {
        [target] => ("", *target, ""),
        [source, target] => (*source, *target, ""),
        [source, target, mode] => (*source, *target, *mode),
        _ => return Err(RunOptionsError::VolumeTooManyColons(spec.to_string())),
    };
    if !target.starts_with('/') {
        return Err(RunOptionsError::VolumeRelativeTarget {
            spec: spec.to_string(),
            target: target.to_string(),
        });
    }
    if !["", "ro", "rw", "z", "Z"].contains(&mode) {
        return Err(RunOptionsError::VolumeMode(mode.to_string()));
    }
    let kind = if source.starts_with('/') || source.starts_with('.') {
        MountKind::Bind
    } else {
        MountKind::Volume
    };
    if kind == MountKind::Volume && !source.is_empty() && !is_docker_name(source) {
        return Err(RunOptionsError::VolumeName(source.to_string()));
    }
    Ok(Mount {
        kind,
        source: if kind == MountKind::Bind {
            normalize("/", source)
        } else {
            source.to_string()
        },
        target: normalize("/", target),
        read_only: mode == "ro",
        anonymous: source.is_empty(),
    })
}

/// `-p 8080:80`, `-p 127.0.0.1:8080:80/tcp`, `-p 80`.
fn parse_publish(spec: &str) -> Parsed<PublishSpec> {
    let (addr, proto) = spec.split_once('/').unwrap_or((spec, "tcp"));
    if proto != "tcp" && proto != "udp" && proto != "sctp" {
        return Err(RunOptionsError::PublishProto {
            spec: spec.to_string(),
            proto: proto.to_string(),
        });
    }
    let bad = || RunOptionsError::PublishPort(spec.to_string());
    let port = |p: &str| p.parse::<u16>().ok().filter(|n| *n > 0);
    let parts: Vec<&str> = addr.split(':').collect();
    let (ip, host, container) = match parts.as_slice() {
        [c] => (None, None, port(c).ok_or_else(bad)?),
        [h, c] => (
            None,
            Some(port(h).ok_or_else(bad)?),
            port(c).ok_or_else(bad)?,
        ),
        [ip, h, c] => (
            Some(ip.to_string()),
            if h.is_empty() {
                None
            } else {
                Some(port(h).ok_or_else(bad)?)
            },
            port(c).ok_or_else(bad)?,
        ),
        _ => return Err(bad()),
    };
    Ok((ip, host, container, proto.to_string()))
}

/// `512m`, `1g`, `100k`, `1048576`, `1.5g` in bytes (docker uses binary units here).
pub(crate) fn parse_bytes(text: &str) -> Option<u64> {
    let lower = text.to_ascii_lowercase();
    let trimmed = lower.trim_end_matches('b');
    let (number, scale) = match trimmed.chars().last()? {
        'k' => (&trimmed[..trimmed.len() - 1], 1u64 << 10),
        'm' => (&trimmed[..trimmed.len() - 1], 1u64 << 20),
        'g' => (&trimmed[..trimmed.len() - 1], 1u64 << 30),
        't' => (&trimmed[..trimmed.len() - 1], 1u64 << 40),
        _ => (trimmed, 1),
    };
    let value: f64 = number.parse().ok()?;
    let bytes = value * scale as f64;
    (0.0..1e18).contains(&bytes).then_some(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_forms() {
        assert_eq!(parse_publish("80"), Ok((None, None, 80, "tcp".into())));
        assert_eq!(
            parse_publish("127.0.0.1::53/udp"),
            Ok((Some("127.0.0.1".into()), None, 53, "udp".into()))
        );
        assert_eq!(
            parse_publish("8080:0"),
            Err(RunOptionsError::PublishPort("8080:0".into()))
        );
        let proto = parse_publish("80/icmp").unwrap_err().to_string();
        assert!(proto.ends_with("flag: invalid proto: icmp"), "{proto}");
    }

    #[test]
    fn volume_kinds_and_errors() {
        let bind = parse_volume("./data/../srv:/data:ro").unwrap();
        assert_eq!((bind.kind, bind.source.as_str()), (MountKind::Bind, "/srv"));
        assert!(bind.read_only && !bind.anonymous);
        let anon = parse_volume("/cache").unwrap();
        assert_eq!((anon.kind, anon.anonymous), (MountKind::Volume, true));
        assert_eq!(
            parse_volume("a:b:c:d"),
            Err(RunOptionsError::VolumeTooManyColons("a:b:c:d".into()))
        );
        let relative = parse_volume("data:app").unwrap_err().to_string();
        assert!(relative.contains("invalid mount path: 'app' mount path must be absolute"));
    }

    #[test]
    fn sizes_use_binary_units() {
        assert_eq!(parse_bytes("512m"), Some(512 << 20));
        assert_eq!(parse_bytes("1.5g"), Some(3 << 29));
        assert_eq!(parse_bytes("100kb"), Some(100 << 10));
        assert_eq!(parse_bytes("lots"), None);
    }

    #[test]
    fn restart_policies() {
        assert_eq!(parse_restart("on-failure:3").map(|r| r.max_retries), Ok(3));
        assert_eq!(
            parse_restart("always:2"),
            Err(RunOptionsError::RestartRetryNotOnFailure)
        );
        assert_eq!(
            parse_restart("sometimes"),
            Err(RunOptionsError::RestartPolicy("sometimes".into()))
        );
    }
}
