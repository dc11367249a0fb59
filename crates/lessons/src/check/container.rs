//! `kind = "container"`: containers that match a description exist (or, with `count`, exactly
//! that many do).

use super::{quoted, reference, CheckResult};
use crate::lang::Localized;
use serde::{Deserialize, Serialize};
use sim_core::image::Reference;
use sim_core::{Container, MountKind, Status, World};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContainerState {
    Created,
    Running,
    Exited,
}

impl ContainerState {
    fn status(self) -> Status {
        match self {
            ContainerState::Created => Status::Created,
            ContainerState::Running => Status::Running,
            ContainerState::Exited => Status::Exited,
        }
    }

    fn words(self) -> (&'static str, &'static str) {
        match self {
            ContainerState::Created => ("생성만 된(created)", "created"),
            ContainerState::Running => ("실행 중인(running)", "running"),
            ContainerState::Exited => ("종료된(exited)", "exited"),
        }
    }
}

/// Every field is optional; a container matches when it meets all that are given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerCheck {
    /// Its name, as `docker ps` shows it.
    pub name: Option<String>,
    /// The image it was made from: `busybox` matches any tag of busybox, `hello:v2` only that.
    pub image: Option<String>,
    pub state: Option<ContainerState>,
    /// The exit code of its last run.
    pub exit_code: Option<i32>,
    /// Environment variables it has, with their values.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// A named volume mounted in it.
    pub volume: Option<String>,
    /// A host path bind-mounted in it.
    pub bind: Option<String>,
    /// Where the volume or bind mount is (or, alone, any mount at this path).
    pub target: Option<String>,
    pub hostname: Option<String>,
    /// A memory limit (`-m`) of at least this many MiB.
    pub memory_mib_at_least: Option<u64>,
    /// A CPU limit (`--cpus`), e.g. `0.5`.
    pub cpus: Option<String>,
    /// The restart policy's name (`no`, `always`, `on-failure`, `unless-stopped`).
    pub restart: Option<String>,
    /// Whether the kernel killed its last run for using more memory than its limit.
    pub oom_killed: Option<bool>,
    /// Exactly this many containers must match.
    pub count: Option<usize>,
    /// At least this many must match (1 when neither this nor `count` is given).
    pub at_least: Option<usize>,
}

impl ContainerCheck {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.count.is_some() && self.at_least.is_some() {
            return Err("give `count` or `at_least`, not both".into());
        }
        if let Some(image) = &self.image {
            reference(image, "image")?;
        }
        if let Some(target) = &self.target {
            super::absolute(target, "target")?;
        }
        if let Some(cpus) = &self.cpus {
            nano_cpus(cpus).ok_or_else(|| format!("`cpus` = `{cpus}` is not a number of CPUs"))?;
        }
        if let Some(restart) = &self.restart {
            if !["no", "always", "on-failure", "unless-stopped"].contains(&restart.as_str()) {
                return Err(format!("`restart` = `{restart}` is not a restart policy"));
            }
        }
        Ok(())
    }

    pub(crate) fn evaluate(&self, world: &World) -> CheckResult {
        let found = world
            .containers()
            .filter(|c| self.unmet(c).is_none())
            .count();
        let what = self.describe();
        match self.count {
            Some(n) if found == n => CheckResult::pass(
                format!("{}: 정확히 {n}개 있습니다.", what.ko),
                format!("Exactly {n} × {}: done.", what.en),
            ),
            Some(n) => CheckResult::fail(
                format!(
                    "{}가 정확히 {n}개 있어야 하는데 지금은 {found}개입니다.",
                    what.ko
                ),
                format!("Expected exactly {n} × {}, found {found}.", what.en),
            ),
            None => {
                let n = self.at_least.unwrap_or(1);
                if found >= n {
                    return CheckResult::pass(
                        format!("{}: {found}개 확인했습니다.", what.ko),
                        format!("Found {found} × {}.", what.en),
                    );
                }
                let mut result = CheckResult::fail(
                    format!("{}가 {n}개 이상 필요한데 지금은 {found}개입니다.", what.ko),
                    format!("Need at least {n} × {}, found {found}.", what.en),
                );
                if let Some(why) = self.why_not_named(world) {
                    result.detail.ko.push(' ');
                    result.detail.ko.push_str(&why.ko);
                    result.detail.en.push(' ');
                    result.detail.en.push_str(&why.en);
                }
                result
            }
        }
    }

    /// For a check by name: why the container of that name does not match, or that there is
    /// none.
    fn why_not_named(&self, world: &World) -> Option<Localized> {
        let name = self.name.as_ref()?;
        match world.containers().find(|c| &c.name == name) {
            None => Some(Localized::new(
                format!(
                    "이름이 {}인 컨테이너가 없습니다 (docker ps -a로 확인하세요).",
                    quoted(name)
                ),
                format!(
                    "There is no container named {} (docker ps -a lists them all).",
                    quoted(name)
                ),
            )),
            Some(c) => self.unmet(c),
        }
    }

    /// The first condition `c` does not meet, said about `c`.
    fn unmet(&self, c: &Container) -> Option<Localized> {
        let who = quoted(&c.name);
        // Korean particles attach to 컨테이너, whatever the name ends with.
        let who_ko = format!("{who} 컨테이너");
        if let Some(name) = &self.name {
            if &c.name != name {
                return Some(Localized::new(
                    format!("{who_ko}는 이름이 다릅니다."),
                    format!("{who} has another name."),
                ));
            }
        }
        if let Some(image) = &self.image {
            if !same_image(image, &c.image_ref) {
                return Some(Localized::new(
                    format!(
                        "{who_ko}는 {} 이미지가 아니라 {} 이미지로 만들어졌습니다.",
                        quoted(image),
                        quoted(&c.image_ref)
                    ),
                    format!(
                        "{who} was made from image {}, not {}.",
                        quoted(&c.image_ref),
                        quoted(image)
                    ),
                ));
            }
        }
        if let Some(state) = self.state {
            if c.status != state.status() {
                let (ko, en) = state.words();
                return Some(Localized::new(
                    format!(
                        "{who_ko}는 지금 {} 상태입니다. {ko} 상태여야 합니다.",
                        c.status.as_str()
                    ),
                    format!("{who} is {}, not {en}.", c.status.as_str()),
                ));
            }
        }
        if let Some(code) = self.exit_code {
            if c.status != Status::Exited || c.exit_code != code {
                return Some(Localized::new(
                    format!("{who_ko}가 종료 코드 {code}로 끝나지 않았습니다."),
                    format!("{who} has not exited with code {code}."),
                ));
            }
        }
        for (key, value) in &self.env {
            let has = c
                .env
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str());
            if has != Some(value.as_str()) {
                let now = match has {
                    Some(v) => (format!("{key}={v}입니다"), format!("it has {key}={v}")),
                    None => (format!("{key}가 없습니다"), format!("it has no {key}")),
                };
                return Some(Localized::new(
                    format!(
                        "{who_ko}에는 환경 변수 {key}={value}가 필요한데 {} (-e {key}={value}).",
                        now.0
                    ),
                    format!(
                        "{who} needs the environment variable {key}={value}, but {} (-e {key}={value}).",
                        now.1
                    ),
                ));
            }
        }
        let wanted_mount = self.volume.is_some() || self.bind.is_some() || self.target.is_some();
        if wanted_mount && !c.mounts.iter().any(|m| self.mount_matches(m)) {
            let what = self.describe_mount();
            return Some(Localized::new(
                format!("{who_ko}에 {} 마운트가 없습니다.", what.ko),
                format!("{who} does not have {} mounted.", what.en),
            ));
        }
        if let Some(unmet) = self.unmet_limits(c, &who, &who_ko) {
            return Some(unmet);
        }
        if let Some(hostname) = &self.hostname {
            if &c.hostname != hostname {
                return Some(Localized::new(
                    format!(
                        "{who_ko}의 호스트 이름은 {}입니다. {}이어야 합니다.",
                        quoted(&c.hostname),
                        quoted(hostname)
                    ),
                    format!(
                        "{who} has hostname {}, not {}.",
                        quoted(&c.hostname),
                        quoted(hostname)
                    ),
                ));
            }
        }
        None
    }

    /// Limits, restart policy and the OOM kill: what `docker run -m/--cpus/--restart` set.
    fn unmet_limits(&self, c: &Container, who: &str, who_ko: &str) -> Option<Localized> {
        const MIB: u64 = 1024 * 1024;
        if let Some(min) = self.memory_mib_at_least {
            if c.memory.is_none_or(|m| m < min * MIB) {
                let now = c.memory.map_or_else(
                    || "없음(no limit)".to_string(),
                    |m| format!("{} MiB", m / MIB),
                );
                return Some(Localized::new(
                    format!(
                        "{who_ko}의 메모리 제한(-m)이 {min} MiB 이상이어야 합니다. 지금: {now}."
                    ),
                    format!("{who} needs a memory limit (-m) of at least {min} MiB; it has {now}."),
                ));
            }
        }
        if let Some(cpus) = &self.cpus {
            if c.nano_cpus != nano_cpus(cpus) {
                return Some(Localized::new(
                    format!("{who_ko}에 CPU 제한 --cpus {cpus}가 없습니다."),
                    format!("{who} does not have the CPU limit --cpus {cpus}."),
                ));
            }
        }
        if let Some(restart) = &self.restart {
            if &c.restart.name != restart {
                return Some(Localized::new(
                    format!(
                        "{who_ko}의 재시작 정책은 {}입니다 (--restart {restart}가 필요합니다).",
                        quoted(&c.restart.name)
                    ),
                    format!(
                        "{who} has the restart policy {}, not --restart {restart}.",
                        quoted(&c.restart.name)
                    ),
                ));
            }
        }
        if let Some(oom) = self.oom_killed {
            if c.oom_killed != oom {
                return Some(if oom {
                    Localized::new(
                        format!("{who_ko}는 메모리 부족으로 강제 종료(OOM kill)되지 않았습니다."),
                        format!("{who} was not killed for running out of memory (OOM)."),
                    )
                } else {
                    Localized::new(
                        format!("{who_ko}는 메모리 부족으로 강제 종료(OOM kill)되었습니다."),
                        format!("{who} was killed for running out of memory (OOM)."),
                    )
                });
            }
        }
        None
    }

    fn mount_matches(&self, m: &sim_core::Mount) -> bool {
        let source_ok = match (&self.volume, &self.bind) {
            (Some(v), _) => m.kind == MountKind::Volume && &m.source == v,
            (None, Some(b)) => m.kind == MountKind::Bind && same_path(&m.source, b),
            (None, None) => true,
        };
        let target_ok = self.target.as_ref().is_none_or(|t| same_path(&m.target, t));
        source_ok && target_ok
    }

    fn describe_mount(&self) -> Localized {
        let at = |t: &Option<String>| match t {
            Some(t) => (format!(" ({t})"), format!(" at {t}")),
            None => (String::new(), String::new()),
        };
        let (ko_at, en_at) = at(&self.target);
        match (&self.volume, &self.bind) {
            (Some(v), _) => Localized::new(
                format!("볼륨 {}{ko_at}", quoted(v)),
                format!("volume {}{en_at}", quoted(v)),
            ),
            (None, Some(b)) => Localized::new(
                format!("호스트 경로 {} 바인드{ko_at}", quoted(b)),
                format!("host path {} (bind){en_at}", quoted(b)),
            ),
            (None, None) => Localized::new(
                format!("{} 경로", self.target.as_deref().unwrap_or("/")),
                format!("a mount{en_at}"),
            ),
        }
    }

    /// "a running container named `box1` from image `busybox`" and its Korean counterpart.
    fn describe(&self) -> Localized {
        let mut ko: Vec<String> = Vec::new();
        let mut en = String::new();
        if let Some(state) = self.state {
            en.push_str(state.words().1);
            en.push(' ');
        }
        en.push_str("container");
        if let Some(name) = &self.name {
            ko.push(format!("이름이 {}인", quoted(name)));
            en.push_str(&format!(" named {}", quoted(name)));
        }
        if let Some(image) = &self.image {
            ko.push(format!("{} 이미지로 만든", quoted(image)));
            en.push_str(&format!(" from image {}", quoted(image)));
        }
        for (key, value) in &self.env {
            ko.push(format!("환경 변수 {key}={value}를 가진"));
            en.push_str(&format!(" with {key}={value}"));
        }
        if self.volume.is_some() || self.bind.is_some() || self.target.is_some() {
            let mount = self.describe_mount();
            ko.push(format!("{}를 마운트한", mount.ko));
            en.push_str(&format!(" with {} mounted", mount.en));
        }
        if let Some(hostname) = &self.hostname {
            ko.push(format!("호스트 이름이 {}인", quoted(hostname)));
            en.push_str(&format!(" with hostname {}", quoted(hostname)));
        }
        if let Some(min) = self.memory_mib_at_least {
            ko.push(format!("메모리 제한이 {min} MiB 이상인"));
            en.push_str(&format!(" with a memory limit of at least {min} MiB"));
        }
        if let Some(cpus) = &self.cpus {
            ko.push(format!("--cpus {cpus}로 제한한"));
            en.push_str(&format!(" limited to --cpus {cpus}"));
        }
        if let Some(restart) = &self.restart {
            ko.push(format!("재시작 정책이 {restart}인"));
            en.push_str(&format!(" with restart policy {restart}"));
        }
        if self.oom_killed == Some(true) {
            ko.push("메모리 부족으로 강제 종료된".to_string());
            en.push_str(" killed for running out of memory");
        }
        if let Some(code) = self.exit_code {
            ko.push(format!("종료 코드 {code}로 끝난"));
            en.push_str(&format!(" that exited with code {code}"));
        }
        if let Some(state) = self.state {
            ko.push(state.words().0.to_string());
        }
        ko.push("컨테이너".to_string());
        Localized::new(ko.join(" "), en)
    }
}

/// `0.5` CPUs as docker stores them (nano CPUs), or None for text that is no such number.
fn nano_cpus(text: &str) -> Option<u64> {
    let value: f64 = text.trim().parse().ok()?;
    (value.is_finite() && value > 0.0).then(|| (value * 1e9).round() as u64)
}

/// `busybox` matches every tag of busybox; `hello:v2` only that tag.
pub(crate) fn same_image(wanted: &str, actual: &str) -> bool {
    match (Reference::parse(wanted), Reference::parse(actual)) {
        (Ok(w), Ok(a)) if wanted.contains(':') => w == a,
        (Ok(w), Ok(a)) => w.repository == a.repository,
        _ => wanted == actual,
    }
}

fn same_path(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}
