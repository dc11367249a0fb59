//! `docker inspect`: low-level JSON of containers, images and volumes, in the field names of
//! the Docker Engine API, and `--format` templates over it.

use super::container::{Container, MountKind, Status};
use super::{Failure, Handled, Reply, World};
use crate::command::Invocation;
use crate::image::Image;
use crate::output::{render_template, rfc3339};
use serde_json::{json, Map, Value};

/// What `docker inspect` refuses, as the docker CLI prints it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum InspectError {
    /// No container, image or volume by that name (or not of the `--type` asked).
    #[error("Error: No such object: {0}")]
    NoSuchObject(String),
    #[error("Error: No such container: {0}")]
    NoSuchContainer(String),
    #[error("Error: No such image: {0}")]
    NoSuchImage(String),
    /// A `--format` template that does not parse or run (its own words).
    #[error("{0}")]
    Template(String),
}

impl From<InspectError> for Failure {
    fn from(error: InspectError) -> Failure {
        // The CLI prints both itself, and exits 1.
        Failure::new(error.to_string(), 1)
    }
}

/// Prints inspect items: a JSON array, or one rendered template line per item.
pub(crate) fn print_items(items: &[Value], format: Option<&str>) -> Handled {
    match format {
        Some(template) => {
            let mut out = String::new();
            for item in items {
                out.push_str(&render_template(template, item).map_err(InspectError::Template)?);
                out.push('\n');
            }
            Ok(Reply::out(out))
        }
        // Pretty-printing JSON values cannot fail; the empty fallback is never taken.
        None => Ok(Reply::out(format!(
            "{}\n",
            serde_json::to_string_pretty(&Value::Array(items.to_vec())).unwrap_or_default()
        ))),
    }
}

fn string_map(pairs: &[(String, String)]) -> Value {
    Value::Object(json_map(pairs.iter().map(|(k, v)| (k.clone(), json!(v)))))
}

/// A JSON object's map from `entries`, inserted one by one (see [`crate::order::map_from`] for
/// why not `collect()`).
pub(crate) fn json_map(entries: impl IntoIterator<Item = (String, Value)>) -> Map<String, Value> {
    let mut map = Map::new();
    map.extend(entries);
    map
}

/// The kinds of object `docker inspect` looks up, in the order it tries them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ObjectKind {
    Container,
    Image,
    Volume,
}

impl ObjectKind {
    const ALL: [ObjectKind; 3] = [ObjectKind::Container, ObjectKind::Image, ObjectKind::Volume];

    fn name(self) -> &'static str {
        match self {
            ObjectKind::Container => "container",
            ObjectKind::Image => "image",
            ObjectKind::Volume => "volume",
        }
    }
}

impl World {
    /// `docker inspect`: each name as a container, else an image, else a volume (or only the
    /// `--type` asked).
    pub(crate) fn cmd_inspect(&mut self, inv: &Invocation) -> Handled {
        let kind = inv.flags.value("type");
        let mut items = Vec::new();
        for key in &inv.args {
            let item = ObjectKind::ALL
                .into_iter()
                .filter(|k| kind.is_none_or(|name| name == k.name()))
                .find_map(|k| self.inspect_json(k, key));
            items.push(item.ok_or_else(|| InspectError::NoSuchObject(key.clone()))?);
        }
        print_items(&items, inv.flags.value("format"))
    }

    /// `docker container inspect` and `docker image inspect`: one kind only, whose own
    /// "No such ..." names what is missing.
    pub(crate) fn cmd_inspect_one_kind(&mut self, inv: &Invocation, kind: ObjectKind) -> Handled {
        let mut items = Vec::new();
        for key in &inv.args {
            let missing = || match kind {
                ObjectKind::Image => InspectError::NoSuchImage(key.clone()),
                _ => InspectError::NoSuchContainer(key.clone()),
            };
            items.push(self.inspect_json(kind, key).ok_or_else(missing)?);
        }
        print_items(&items, inv.flags.value("format"))
    }

    fn inspect_json(&self, kind: ObjectKind, key: &str) -> Option<Value> {
        match kind {
            ObjectKind::Container => {
                let id = self.find_container(key).ok()?;
                self.engine
                    .containers
                    .get(&id)
                    .map(|c| self.container_json(c))
            }
            ObjectKind::Image => self
                .engine
                .images
                .lookup(key)
                .ok()
                .map(|i| self.image_json(i)),
            ObjectKind::Volume => self.engine.volumes.get(key).map(|v| self.volume_json(v)),
        }
    }

    fn container_json(&self, c: &Container) -> Value {
        let ports = json_map(c.ports.iter().map(|p| {
            (
                format!("{}/{}", p.container_port, p.proto),
                json!([{"HostIp": p.host_ip, "HostPort": p.host_port.to_string()}]),
            )
        }));
        // Docker copies these into the container at create; an image in use is never
        // deleted (rmi refuses, prune skips it), so the lookup always finds it.
        let exposed = self
            .engine
            .images
            .image(&c.image_id)
            .map(|i| {
                let ports = &i.config.config.exposed_ports;
                json_map(ports.iter().map(|p| (p.clone(), json!({}))))
            })
            .unwrap_or_default();
        let mounts: Vec<Value> = c
            .mounts
            .iter()
            .map(|m| match m.kind {
                MountKind::Volume => json!({
                    "Type": "volume", "Name": m.source,
                    "Source": format!("/var/lib/docker/volumes/{}/_data", m.source),
                    "Destination": m.target, "Driver": "local", "Mode": if m.read_only { "ro" } else { "z" },
                    "RW": !m.read_only, "Propagation": "",
                }),
                MountKind::Bind => json!({
                    "Type": "bind", "Source": m.source, "Destination": m.target, "Mode": if m.read_only { "ro" } else { "" },
                    "RW": !m.read_only, "Propagation": "rprivate",
                }),
            })
            .collect();
        let binds: Vec<String> = c
            .mounts
            .iter()
            .filter(|m| !m.anonymous)
            .map(|m| {
                format!(
                    "{}:{}{}",
                    m.source,
                    m.target,
                    if m.read_only { ":ro" } else { "" }
                )
            })
            .collect();
        json!({
            "Id": c.id,
            "Created": rfc3339(c.created),
            "Path": c.argv.first().cloned().unwrap_or_default(),
            "Args": c.argv.iter().skip(1).cloned().collect::<Vec<_>>(),
            "State": {
                "Status": if c.restart_at.is_some() { "restarting" } else { c.status.as_str() },
                "Running": c.is_running(),
                "Paused": false,
                "Restarting": c.restart_at.is_some(),
                "OOMKilled": c.oom_killed,
                "Dead": false,
                "Pid": if c.is_running() { 1000 + self.container_index(&c.id) } else { 0 },
                "ExitCode": c.exit_code,
                "Error": c.error,
                "StartedAt": c.started_at.map(rfc3339).unwrap_or_else(|| "0001-01-01T00:00:00Z".into()),
                "FinishedAt": c.finished_at.map(rfc3339).unwrap_or_else(|| "0001-01-01T00:00:00Z".into()),
            },
            "Image": c.image_id,
            "Name": format!("/{}", c.name),
            "RestartCount": c.restart_count,
            "HostConfig": {
                "Binds": if binds.is_empty() { Value::Null } else { json!(binds) },
                "PortBindings": Value::Object(json_map(c.ports.iter().map(|p| (format!("{}/{}", p.container_port, p.proto), json!([{"HostIp": if p.host_ip == "0.0.0.0" { "" } else { p.host_ip.as_str() }, "HostPort": p.host_port.to_string()}]))))),
                "RestartPolicy": {"Name": c.restart.name, "MaximumRetryCount": c.restart.max_retries},
                "AutoRemove": c.auto_remove,
                "Memory": c.memory.unwrap_or(0),
                "NanoCpus": c.nano_cpus.unwrap_or(0),
                "ReadonlyRootfs": c.read_only,
                "PidsLimit": c.pids_limit,
            },
            "Mounts": mounts,
            "Config": {
                "Hostname": c.hostname,
                "User": c.user,
                "ExposedPorts": if exposed.is_empty() { Value::Null } else { Value::Object(exposed) },
                "Env": c.env.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(),
                "Cmd": c.argv,
                "Image": c.image_ref,
                "WorkingDir": c.workdir,
                "Labels": string_map(&c.labels),
            },
            "NetworkSettings": {
                "IPAddress": if c.status == Status::Running { c.ip.clone() } else { String::new() },
                "Ports": Value::Object(ports),
            },
        })
    }

    /// A stable pseudo host PID for a running container (its position among containers).
    fn container_index(&self, id: &str) -> usize {
        self.engine
            .containers
            .keys()
            .position(|k| k == id)
            .unwrap_or(0)
    }

    fn image_json(&self, image: &Image) -> Value {
        let cfg = &image.config.config;
        let tags: Vec<String> = self
            .engine
            .images
            .tags_of(&image.id)
            .map(|r| r.to_string())
            .collect();
        json!({
            "Id": image.id,
            "RepoTags": tags,
            "Created": rfc3339(image.config.created),
            "Config": {
                "Env": cfg.env,
                "Cmd": cfg.cmd,
                "Entrypoint": cfg.entrypoint,
                "WorkingDir": cfg.working_dir,
                "User": cfg.user,
                "ExposedPorts": Value::Object(json_map(cfg.exposed_ports.iter().map(|p| (p.clone(), json!({}))))),
                "Volumes": Value::Object(json_map(cfg.volumes.iter().map(|p| (p.clone(), json!({}))))),
                "Labels": Value::Object(json_map(cfg.labels.iter().map(|(k, v)| (k.clone(), json!(v))))),
                "StopSignal": cfg.stop_signal,
                "OnBuild": (!cfg.on_build.is_empty()).then_some(&cfg.on_build),
            },
            "Architecture": image.config.architecture,
            "Os": image.config.os,
            "Size": image.size(&self.engine.images),
            "RootFS": {"Type": "layers", "Layers": image.config.diff_ids},
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_worded_like_docker() {
        let missing = Failure::from(InspectError::NoSuchObject("web".into()));
        assert_eq!(
            (missing.message.as_str(), missing.exit_code),
            ("Error: No such object: web", 1)
        );
        let template = print_items(&[json!({"Name": "x"})], Some("{{.Name")).err();
        assert!(template.is_some_and(|f| f.exit_code == 1 && !f.message.is_empty()));
    }
}
