//! Checks: declarative questions about the World ("is there a running container named box1?",
//! "did a build of `hello` use the cache for every step?") written in `lesson.toml` as
//! `[steps.check]` tables with a `kind`, and answered with what is still missing, in Korean and
//! English.
//!
//! Checks read only what the World shows: its containers, images, volumes, host files and the
//! event trace. They never change it and never panic.

mod container;
mod files;
mod image;
mod trace;

pub use container::{ContainerCheck, ContainerState};
pub use files::{ContainerFileCheck, HostFileCheck, VolumeCheck, VolumeFileCheck};
pub use image::{BuildCheck, CacheUse, ImageCheck};
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
    /// Every one of the checks passes.
    All(GroupCheck),
    /// At least one of the checks passes.
    Any(GroupCheck),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupCheck {
    pub checks: Vec<Check>,
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

impl Check {
    pub fn evaluate(&self, world: &World) -> CheckResult {
        match self {
            Check::Container(c) => c.evaluate(world),
            Check::Image(c) => c.evaluate(world),
            Check::Build(c) => c.evaluate(world),
            Check::Process(c) => c.evaluate(world),
            Check::Command(c) => c.evaluate(world),
            Check::Event(c) => c.evaluate(world),
            Check::Volume(c) => c.evaluate(world),
            Check::ContainerFile(c) => c.evaluate(world),
            Check::VolumeFile(c) => c.evaluate(world),
            Check::HostFile(c) => c.evaluate(world),
            Check::All(group) => all(group, world),
            Check::Any(group) => any(group, world),
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
            Check::All(group) | Check::Any(group) => {
                if group.checks.is_empty() {
                    return Err("`all`/`any` needs at least one check in `checks`".into());
                }
                group.checks.iter().try_for_each(Check::validate)
            }
        }
    }
}

fn all(group: &GroupCheck, world: &World) -> CheckResult {
    let results: Vec<CheckResult> = group.checks.iter().map(|c| c.evaluate(world)).collect();
    match results.iter().find(|r| !r.passed) {
        Some(missing) => missing.clone(),
        None => joined(true, &results),
    }
}

fn any(group: &GroupCheck, world: &World) -> CheckResult {
    let results: Vec<CheckResult> = group.checks.iter().map(|c| c.evaluate(world)).collect();
    match results.iter().find(|r| r.passed) {
        Some(found) => found.clone(),
        None => {
            let options = joined(false, &results);
            CheckResult::fail(
                format!("다음 중 하나가 필요합니다: {}", options.detail.ko),
                format!("One of these is needed: {}", options.detail.en),
            )
        }
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
