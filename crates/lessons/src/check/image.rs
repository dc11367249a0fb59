//! `kind = "image"` (an image with this tag exists) and `kind = "build"` (a `docker build` of
//! this tag happened, and how much of it came from the build cache).

use super::{quoted, reference, CheckResult, Evaluation};
use serde::{Deserialize, Serialize};
use sim_core::image::Reference;
use sim_core::{EventKind, World};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageCheck {
    /// `hello` (meaning `hello:latest`) or `hello:v2`.
    pub tag: String,
    /// The image has at least this many layers (`docker history` rows with a size).
    pub min_layers: Option<usize>,
    /// Text in the image's command (`CMD`, after any `ENTRYPOINT`), joined by spaces.
    pub cmd: Option<String>,
}

impl ImageCheck {
    pub(crate) fn validate(&self) -> Result<(), String> {
        reference(&self.tag, "tag")
    }

    pub(crate) fn evaluate(&self, world: &World) -> CheckResult {
        let tag = quoted(&self.tag);
        let image = Reference::parse(&self.tag)
            .ok()
            .and_then(|r| world.images().tagged(&r).map(str::to_string))
            .and_then(|id| world.images().image(&id));
        let Some(image) = image else {
            return CheckResult::fail(
                format!("{tag} 태그가 붙은 이미지가 아직 없습니다 (docker images로 확인하세요)."),
                format!("There is no image tagged {tag} yet (docker images lists them)."),
            );
        };
        let layers = image.config.diff_ids.len();
        let run = &image.config.config;
        let command: Vec<String> = run
            .entrypoint
            .iter()
            .chain(run.cmd.iter())
            .flatten()
            .cloned()
            .collect();
        let command = command.join(" ");
        if let Some(wanted) = self.cmd.as_ref().filter(|w| !command.contains(w.as_str())) {
            return CheckResult::fail(
                format!(
                    "{tag} 이미지의 명령은 {}입니다. {}이(가) 들어가야 합니다 (Dockerfile의 CMD).",
                    quoted(&command),
                    quoted(wanted)
                ),
                format!(
                    "Image {tag} runs {}; it should run {} (the Dockerfile's CMD).",
                    quoted(&command),
                    quoted(wanted)
                ),
            );
        }
        match self.min_layers {
            Some(min) if layers < min => CheckResult::fail(
                format!("{tag} 이미지의 레이어는 {layers}개입니다. {min}개 이상이어야 합니다."),
                format!("Image {tag} has {layers} layers; it needs at least {min}."),
            ),
            _ => CheckResult::pass(
                format!("{tag} 이미지가 있습니다 (레이어 {layers}개)."),
                format!("Image {tag} exists ({layers} layers)."),
            ),
        }
    }
}

/// How much of a build came from the cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CacheUse {
    /// Any build counts.
    #[default]
    Any,
    /// Every step was CACHED.
    All,
    /// Some steps were CACHED and some ran again.
    Partial,
    /// No step was CACHED.
    None,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildCheck {
    /// The tag the build gave (`-t hello`).
    pub tag: String,
    #[serde(default)]
    pub cache: CacheUse,
    /// The host it was built on (`docker -H build build ...`); any host if not given.
    pub host: Option<String>,
}

/// One finished build in the trace: the tags it gave and, per step, whether it was cached.
struct Build {
    host: String,
    tags: Vec<String>,
    cached: Vec<bool>,
    /// Trace index of its `image_built` event.
    index: usize,
}

impl Build {
    fn cache_use(&self) -> CacheUse {
        let hits = self.cached.iter().filter(|c| **c).count();
        if hits == self.cached.len() {
            CacheUse::All
        } else if hits == 0 {
            CacheUse::None
        } else {
            CacheUse::Partial
        }
    }
}

fn builds(world: &World) -> Vec<Build> {
    let mut found = Vec::new();
    let mut steps = Vec::new();
    for (index, event) in world.events().iter().enumerate() {
        match &event.kind {
            EventKind::Command { .. } => steps.clear(),
            EventKind::BuildStep { cached, .. } => steps.push(*cached),
            EventKind::ImageBuilt { tags, .. } => found.push(Build {
                host: event.host.to_string(),
                tags: tags.clone(),
                cached: std::mem::take(&mut steps),
                index,
            }),
            _ => {}
        }
    }
    found
}

impl BuildCheck {
    pub(crate) fn validate(&self) -> Result<(), String> {
        reference(&self.tag, "tag")
    }

    pub(crate) fn evaluate(&self, world: &World, since: usize) -> Evaluation {
        let tag = quoted(&self.tag);
        let wanted = Reference::parse(&self.tag).ok();
        let of_tag: Vec<Build> = builds(world)
            .into_iter()
            .filter(|b| {
                b.index >= since
                    && self.host.as_ref().is_none_or(|h| &b.host == h)
                    && b.tags
                        .iter()
                        .any(|t| Reference::parse(t).ok() == wanted && wanted.is_some())
            })
            .collect();
        let (ko_kind, en_kind) = match self.cache {
            CacheUse::Any => ("", ""),
            CacheUse::All => (
                "모든 단계가 캐시(CACHED)에서 온 ",
                " where every step was CACHED",
            ),
            CacheUse::Partial => (
                "일부 단계만 다시 실행된 ",
                " where some steps were CACHED and some ran again",
            ),
            CacheUse::None => ("캐시 없이 모든 단계를 실행한 ", " where no step was CACHED"),
        };
        let (ko_kind, en_kind, docker) = match &self.host {
            Some(h) => (
                format!("{} 호스트에서 {ko_kind}", quoted(h)),
                format!("{en_kind} on host {}", quoted(h)),
                format!("docker -H {h}"),
            ),
            None => (
                ko_kind.to_string(),
                en_kind.to_string(),
                "docker".to_string(),
            ),
        };
        let matching = of_tag
            .iter()
            .find(|b| self.cache == CacheUse::Any || b.cache_use() == self.cache);
        if let Some(build) = matching {
            return Evaluation {
                result: CheckResult::pass(
                    format!("{ko_kind}{tag} 빌드를 확인했습니다."),
                    format!("Found a build of {tag}{en_kind}."),
                ),
                at: Some(super::trace::command_end(world, build.index)),
            };
        }
        let last = of_tag.last().map(|b| {
            let hits = b.cached.iter().filter(|c| **c).count();
            (
                format!(
                    " 마지막 빌드는 {}단계 중 {hits}단계가 캐시에서 왔습니다.",
                    b.cached.len()
                ),
                format!(
                    " The last one had {hits} of {} steps CACHED.",
                    b.cached.len()
                ),
            )
        });
        let (ko_last, en_last) = last.unwrap_or_else(|| {
            (
                format!(
                    " 아직 {tag}로 빌드한 적이 없습니다 ({docker} build -t {} .).",
                    self.tag
                ),
                format!(
                    " There has been no build of {tag} yet ({docker} build -t {} .).",
                    self.tag
                ),
            )
        });
        Evaluation {
            result: CheckResult::fail(
                format!("{ko_kind}{tag} 빌드가 필요합니다.{ko_last}"),
                format!("Need a build of {tag}{en_kind}.{en_last}"),
            ),
            at: None,
        }
    }
}
