//! Checks on what happened, read from the event trace: `process` (a program ran in a
//! container), `command` (a command line ran) and `event` (any event kind with given fields).

use super::container::same_image;
use super::{quoted, required, CheckResult, Evaluation};
use serde::{Deserialize, Serialize};
use sim_core::{EventKind, World};
use std::collections::BTreeMap;

/// How the process was started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// As the container's main process (`docker run IMAGE CMD`, `docker start`).
    Run,
    /// With `docker exec`.
    Exec,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessCheck {
    /// Text in its command line (the argv joined by spaces), e.g. `hostname` or
    /// `printenv MYSQL_PASS`.
    pub command: String,
    /// The container's name.
    pub container: Option<String>,
    /// Started as the main process (`run`) or by `docker exec` (`exec`); either if not given.
    pub via: Option<Via>,
    /// The exit code it ended with (a main process that is still running has none yet).
    pub exit_code: Option<i32>,
    /// The image its container was made from (`busybox` matches any tag).
    pub image: Option<String>,
    /// The host it ran on (`docker -H prod ...`); any host if not given.
    pub host: Option<String>,
}

/// One process start found in the trace.
struct Ran {
    host: String,
    container: String,
    image: String,
    argv: String,
    via: Via,
    exit_code: Option<i32>,
    /// The trace index where it started, and where it was last heard of (its exit).
    start: usize,
    end: usize,
}

fn processes(world: &World) -> Vec<Ran> {
    // Container ID to (name, image).
    let mut names: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    let mut found: Vec<Ran> = Vec::new();
    // Main processes still waiting for their exit: container ID to index in `found`.
    let mut open: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, event) in world.events().iter().enumerate() {
        match &event.kind {
            EventKind::ContainerCreated { id, name, image } => {
                names.insert(id, (name, image));
            }
            EventKind::ContainerRenamed { id, name, .. } => {
                if let Some(entry) = names.get_mut(id.as_str()) {
                    entry.0 = name;
                }
            }
            EventKind::ContainerStarted { id, name, argv } => {
                open.insert(id, found.len());
                found.push(Ran {
                    host: event.host.to_string(),
                    container: name.clone(),
                    image: names.get(id.as_str()).map_or("", |n| n.1).to_string(),
                    argv: argv.join(" "),
                    via: Via::Run,
                    exit_code: None,
                    start: index,
                    end: index,
                });
            }
            EventKind::ContainerExited { id, exit_code, .. } => {
                if let Some(ran) = open.remove(id.as_str()).and_then(|i| found.get_mut(i)) {
                    ran.exit_code = Some(*exit_code);
                    ran.end = index;
                }
            }
            EventKind::ExecRan {
                id,
                argv,
                exit_code,
            } => {
                let (name, image) = names.get(id.as_str()).copied().unwrap_or((id, ""));
                found.push(Ran {
                    host: event.host.to_string(),
                    container: name.to_string(),
                    image: image.to_string(),
                    argv: argv.join(" "),
                    via: Via::Exec,
                    exit_code: Some(*exit_code),
                    start: index,
                    end: index,
                });
            }
            _ => {}
        }
    }
    found
}

/// The last event of the command that event `index` belongs to: a step done by a command
/// leaves the rest of that command's events to it, not to the next step.
pub(crate) fn command_end(world: &World, index: usize) -> usize {
    let events = world.events();
    events
        .get(index + 1..)
        .unwrap_or_default()
        .iter()
        .position(|e| matches!(e.kind, EventKind::Command { .. }))
        .map_or(events.len().saturating_sub(1), |offset| index + offset)
}

impl ProcessCheck {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if let Some(image) = &self.image {
            super::reference(image, "image")?;
        }
        required(&self.command, "command")
    }

    pub(crate) fn evaluate(&self, world: &World, since: usize) -> Evaluation {
        let all = processes(world);
        let hit = all.iter().find(|r| {
            r.start >= since
                && r.argv.contains(self.command.as_str())
                && self.host.as_ref().is_none_or(|h| &r.host == h)
                && self.container.as_ref().is_none_or(|c| &r.container == c)
                && self.image.as_ref().is_none_or(|i| same_image(i, &r.image))
                && self.via.is_none_or(|v| r.via == v)
                && self.exit_code.is_none_or(|code| r.exit_code == Some(code))
        });
        let at = hit.map(|r| command_end(world, r.end));
        Evaluation {
            result: self.explain(hit),
            at,
        }
    }

    fn explain(&self, hit: Option<&Ran>) -> CheckResult {
        let command = quoted(&self.command);
        let (ko_where, en_where) = match &self.container {
            Some(c) => (
                format!("{} 컨테이너 안에서 ", quoted(c)),
                format!(" in container {}", quoted(c)),
            ),
            None => (
                "컨테이너 안에서 ".to_string(),
                " in a container".to_string(),
            ),
        };
        let (ko_where, en_where) = match &self.host {
            Some(h) => (
                format!("{} 호스트의 {ko_where}", quoted(h)),
                format!("{en_where} on host {}", quoted(h)),
            ),
            None => (ko_where, en_where),
        };
        let (ko_how, en_how) = match self.via {
            Some(Via::Exec) => ("docker exec로 ", " with docker exec"),
            Some(Via::Run) => (
                "메인 프로세스(docker run)로 ",
                " as its main process (docker run)",
            ),
            None => ("", ""),
        };
        let (ko_code, en_code) = match self.exit_code {
            Some(code) => (
                format!(" 종료 코드가 {code}이어야 합니다."),
                format!(", ending with exit code {code}"),
            ),
            None => (String::new(), String::new()),
        };
        match hit {
            Some(r) => CheckResult::pass(
                format!(
                    "{} 컨테이너에서 {command}이(가) 실행되었습니다.",
                    quoted(&r.container)
                ),
                format!("{command} ran in container {}.", quoted(&r.container)),
            ),
            // A bare program name reads as "run hostname"; a fragment of a longer command line
            // as "a command with ... in it".
            None if self.command.contains([' ', '/']) => CheckResult::fail(
                format!(
                    "{ko_where}{ko_how}{command}이(가) 들어간 명령을 실행해야 합니다.{ko_code}"
                ),
                format!("Run a command with {command} in it{en_where}{en_how}{en_code}."),
            ),
            None => CheckResult::fail(
                format!("{ko_where}{ko_how}{command}을(를) 실행해야 합니다.{ko_code}"),
                format!("Run {command}{en_where}{en_how}{en_code}."),
            ),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandCheck {
    /// The first words of the line, e.g. `docker history` or `docker volume ls`.
    pub starts_with: String,
}

impl CommandCheck {
    pub(crate) fn validate(&self) -> Result<(), String> {
        required(&self.starts_with, "starts_with")
    }

    pub(crate) fn evaluate(&self, world: &World, since: usize) -> Evaluation {
        let wanted: Vec<&str> = self.starts_with.split_whitespace().collect();
        let events = world.events();
        let ran = events.iter().enumerate().skip(since).find(|(i, event)| {
            let i = *i;
            let EventKind::Command { line } = &event.kind else {
                return false;
            };
            let words: Vec<&str> = line.split_whitespace().collect();
            if !words.starts_with(&wanted) {
                return false;
            }
            // A docker error comes as CommandFailed before the next command.
            let failed = events
                .get(i + 1..)
                .unwrap_or_default()
                .iter()
                .take_while(|e| !matches!(e.kind, EventKind::Command { .. }))
                .any(|e| matches!(e.kind, EventKind::CommandFailed { .. }));
            !failed
        });
        let at = ran.map(|(i, _)| command_end(world, i));
        let command = quoted(&self.starts_with);
        let result = if ran.is_some() {
            CheckResult::pass(
                format!("{command} 명령을 실행했습니다."),
                format!("{command} ran."),
            )
        } else {
            CheckResult::fail(
                format!("{command}(으)로 시작하는 명령을 성공적으로 실행해야 합니다."),
                format!("Run a command starting with {command} (without an error)."),
            )
        };
        Evaluation { result, at }
    }
}

/// The event kinds of the trace, as `kind` names them in JSON.
pub const EVENT_KINDS: &[&str] = &[
    "command",
    "command_failed",
    "image_pulled",
    "image_pushed",
    "image_tagged",
    "image_untagged",
    "image_deleted",
    "build_step",
    "image_built",
    "image_committed",
    "container_created",
    "container_started",
    "container_exited",
    "container_restarting",
    "container_renamed",
    "host_added",
    "host_removed",
    "container_removed",
    "exec_ran",
    "host_command_ran",
    "volume_created",
    "volume_copied_up",
    "volume_removed",
    "cluster_created",
    "cluster_deleted",
    "kube_event",
    "pod_readiness",
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventCheck {
    /// The event kind, e.g. `container_removed`.
    pub event: String,
    /// Fields the event must have, compared as text: a list field matches when one of its
    /// items does (`argv = "hostname"`).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

impl EventCheck {
    /// Plain words for the events lessons ask about most: something named was removed.
    fn plain_words(&self, found: bool) -> Option<CheckResult> {
        let name = self.fields.get("name").filter(|_| self.fields.len() == 1)?;
        let n = quoted(name);
        let (ko_what, en_what, command) = match self.event.as_str() {
            "container_removed" => ("컨테이너", "Container", "docker rm"),
            "volume_removed" => ("볼륨", "Volume", "docker volume rm"),
            _ => return None,
        };
        Some(if found {
            CheckResult::pass(
                format!("{ko_what} {n}이(가) 삭제되었습니다."),
                format!("{en_what} {n} was removed."),
            )
        } else {
            CheckResult::fail(
                format!("{ko_what} {n}이(가) 아직 삭제되지 않았습니다 ({command} {name})."),
                format!("{en_what} {n} has not been removed yet ({command} {name})."),
            )
        })
    }
}

fn field_matches(value: &serde_json::Value, wanted: &str) -> bool {
    match value {
        serde_json::Value::String(s) => s == wanted,
        serde_json::Value::Array(items) => items.iter().any(|v| field_matches(v, wanted)),
        serde_json::Value::Number(n) => n.to_string() == wanted,
        serde_json::Value::Bool(b) => wanted.parse() == Ok(*b),
        serde_json::Value::Null | serde_json::Value::Object(_) => false,
    }
}

impl EventCheck {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if EVENT_KINDS.contains(&self.event.as_str()) {
            Ok(())
        } else {
            Err(format!(
                "unknown event `{}` (known: {})",
                self.event,
                EVENT_KINDS.join(", ")
            ))
        }
    }

    pub(crate) fn evaluate(&self, world: &World, since: usize) -> Evaluation {
        let found_at = world
            .events()
            .iter()
            .enumerate()
            .skip(since)
            .find(|(_, event)| {
                let Ok(serde_json::Value::Object(map)) = serde_json::to_value(event) else {
                    return false;
                };
                map.get("kind").and_then(|k| k.as_str()) == Some(self.event.as_str())
                    && self
                        .fields
                        .iter()
                        .all(|(k, v)| map.get(k).is_some_and(|value| field_matches(value, v)))
            });
        let at = found_at.map(|(i, _)| command_end(world, i));
        Evaluation {
            result: self.explain(at.is_some()),
            at,
        }
    }

    fn explain(&self, found: bool) -> CheckResult {
        if let Some(result) = self.plain_words(found) {
            return result;
        }
        let fields: Vec<String> = self
            .fields
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let what = if fields.is_empty() {
            quoted(&self.event)
        } else {
            format!("{} ({})", quoted(&self.event), fields.join(", "))
        };
        if found {
            CheckResult::pass(
                format!("{what} 이벤트가 기록되어 있습니다."),
                format!("The trace has a {what} event."),
            )
        } else {
            CheckResult::fail(
                format!("아직 {what} 이벤트가 없습니다."),
                format!("No {what} event yet."),
            )
        }
    }
}
