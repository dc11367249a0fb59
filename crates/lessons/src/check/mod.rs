//! Checks: declarative questions about the World ("is there a running container named box1?",
//! "did a build of `hello` use the cache for every step?") written in `lesson.toml` as
//! `[steps.check]` tables with a `kind`, and answered with what is still missing, in Korean and
//! English.
//!
//! Checks read only what the World shows: its containers, images, volumes, host files and the
//! event trace. They never change it and never panic.

mod cluster;
mod container;
mod files;
mod image;
mod trace;

pub use cluster::{NodeCheck, PodCheck};
pub use container::{ContainerCheck, ContainerState};
pub use files::{ContainerFileCheck, HostFileCheck, VolumeCheck, VolumeFileCheck};
pub use image::{BuildCheck, CacheUse, ImageCheck};
pub(crate) use trace::command_end;
pub use trace::{CommandCheck, EventCheck, ProcessCheck, Via};

use crate::lang::Localized;
use serde::{Deserialize, Serialize};
use sim_core::World;

/// What a step asks for. In TOML: `[steps.check]` with `kind = "container"` and the fields of
/// that kind; `all` and `any` group other checks under `[[steps.check.checks]]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Check {
    /// Containers matching a description (name, image, state, env, mounts...) exist.
    Container(ContainerCheck),
    /// An image with this tag exists (with at least N layers).
    Image(ImageCheck),
    /// A `docker build` of this tag happened, using the cache for all, some or no steps.
    Build(BuildCheck),
    /// A process ran in a container (`docker run ... CMD` or `docker exec`).
    Process(ProcessCheck),
    /// A command line starting with these words ran without a docker error.
    Command(CommandCheck),
    /// An event of this kind with these fields is in the trace.
    Event(EventCheck),
    /// A named volume exists.
    Volume(VolumeCheck),
    /// A file is in a container's own filesystem (its image plus its writable layer).
    ContainerFile(ContainerFileCheck),
    /// A file is in a named volume.
    VolumeFile(VolumeFileCheck),
    /// A file is on the simulated host (where bind mounts keep their data).
    HostFile(HostFileCheck),
    /// Live pods of the cluster matching a description (Deployment, phase, node, spread).
    Pod(PodCheck),
    /// A node of the cluster is (not) Ready, (not) cordoned, with so many pods.
    Node(NodeCheck),
    /// Every one of the checks passes.
    All(GroupCheck),
    /// At least one of the checks passes.
    Any(GroupCheck),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupCheck {
    pub checks: Vec<Check>,
    /// For `all`: each check must be met after the one before it (remove, then read).
    #[serde(default)]
    pub in_order: bool,
}

/// The answer of a check: passed or not, and for the learner what was found or what is missing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    pub passed: bool,
    pub detail: Localized,
}

impl CheckResult {
    pub(crate) fn pass(ko: impl Into<String>, en: impl Into<String>) -> CheckResult {
        CheckResult {
            passed: true,
            detail: Localized::new(ko, en),
        }
    }

    pub(crate) fn fail(ko: impl Into<String>, en: impl Into<String>) -> CheckResult {
        CheckResult {
            passed: false,
            detail: Localized::new(ko, en),
        }
    }
}

/// A check's answer over part of the trace, and where in the trace it was met.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub result: CheckResult,
    /// For a check on what happened (a process, a command, an event, a build): the trace index
    /// of the last event of the command that met it. `None` for a check on the present state
    /// only (a container, an image, a file), or one that failed.
    pub at: Option<usize>,
}

impl Evaluation {
    fn state(result: CheckResult) -> Evaluation {
        Evaluation { result, at: None }
    }
}

impl Check {
    /// Whether the check holds, counting everything in the trace.
    pub fn evaluate(&self, world: &World) -> CheckResult {
        self.evaluate_since(world, 0).result
    }

    /// Whether the check holds, counting only what happened from trace index `since` on (the
    /// present state counts as it is): a step's check counts what the learner did after the
    /// step became current.
    pub fn evaluate_since(&self, world: &World, since: usize) -> Evaluation {
        match self {
            Check::Container(c) => Evaluation::state(c.evaluate(world)),
            Check::Image(c) => Evaluation::state(c.evaluate(world)),
            Check::Build(c) => c.evaluate(world, since),
            Check::Process(c) => c.evaluate(world, since),
            Check::Command(c) => c.evaluate(world, since),
            Check::Event(c) => c.evaluate(world, since),
            Check::Volume(c) => Evaluation::state(c.evaluate(world)),
            Check::ContainerFile(c) => Evaluation::state(c.evaluate(world)),
            Check::VolumeFile(c) => Evaluation::state(c.evaluate(world)),
            Check::HostFile(c) => Evaluation::state(c.evaluate(world)),
            Check::Pod(c) => Evaluation::state(c.evaluate(world)),
            Check::Node(c) => Evaluation::state(c.evaluate(world)),
            Check::All(group) => all(group, world, since),
            Check::Any(group) => any(group, world, since),
        }
    }

    /// Rules the TOML shape cannot express; the message says what is wrong.
    pub(crate) fn validate(&self) -> Result<(), String> {
        match self {
            Check::Container(c) => c.validate(),
            Check::Image(c) => c.validate(),
            Check::Build(c) => c.validate(),
            Check::Process(c) => c.validate(),
            Check::Command(c) => c.validate(),
            Check::Event(c) => c.validate(),
            Check::Volume(c) => c.validate(),
            Check::ContainerFile(c) => c.validate(),
            Check::VolumeFile(c) => c.validate(),
            Check::HostFile(c) => c.validate(),
            Check::Pod(c) => c.validate(),
            Check::Node(c) => c.validate(),
            Check::All(group) | Check::Any(group) => {
                if group.checks.is_empty() {
                    return Err("`all`/`any` needs at least one check in `checks`".into());
                }
                group.checks.iter().try_for_each(Check::validate)
            }
        }
    }
}

fn all(group: &GroupCheck, world: &World, since: usize) -> Evaluation {
    let mut parts: Vec<Evaluation> = Vec::with_capacity(group.checks.len());
    let mut from = since;
    for check in &group.checks {
        let part = check.evaluate_since(world, from);
        if group.in_order {
            if let Some(at) = part.at {
                from = at + 1;
            }
        }
        parts.push(part);
    }
    if let Some(missing) = parts.iter().find(|p| !p.result.passed) {
        return Evaluation::state(missing.result.clone());
    }
    let results: Vec<CheckResult> = parts.iter().map(|p| p.result.clone()).collect();
    Evaluation {
        result: joined(true, &results),
        at: parts.iter().filter_map(|p| p.at).max(),
    }
}

fn any(group: &GroupCheck, world: &World, since: usize) -> Evaluation {
    let parts: Vec<Evaluation> = group
        .checks
        .iter()
        .map(|c| c.evaluate_since(world, since))
        .collect();
    let results: Vec<CheckResult> = parts.iter().map(|p| p.result.clone()).collect();
    match parts.iter().find(|p| p.result.passed) {
        Some(found) => found.clone(),
        None => Evaluation::state({
            let options = joined(false, &results);
            CheckResult::fail(
                format!("다음 중 하나가 필요합니다: {}", options.detail.ko),
                format!("One of these is needed: {}", options.detail.en),
            )
        }),
    }
}

fn joined(passed: bool, results: &[CheckResult]) -> CheckResult {
    let text = |pick: fn(&Localized) -> &str| {
        results
            .iter()
            .map(|r| pick(&r.detail))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    CheckResult {
        passed,
        detail: Localized::new(text(|l| &l.ko), text(|l| &l.en)),
    }
}

/// `text` in backticks, as the details quote names and commands.
pub(crate) fn quoted(text: &str) -> String {
    format!("`{text}`")
}

/// Checks a field that must hold something.
pub(crate) fn required(value: &str, field: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        Err(format!("`{field}` must not be empty"))
    } else {
        Ok(())
    }
}

/// Checks a path that must be absolute.
pub(crate) fn absolute(path: &str, field: &str) -> Result<(), String> {
    if path.starts_with('/') {
        Ok(())
    } else {
        Err(format!("`{field}` must be an absolute path, not `{path}`"))
    }
}

/// Checks an image reference such as `busybox` or `hello:v2`.
pub(crate) fn reference(text: &str, field: &str) -> Result<(), String> {
    sim_core::image::Reference::parse(text)
        .map(|_| ())
        .map_err(|e| format!("`{field}` = `{text}` is not an image reference: {e}"))
}
