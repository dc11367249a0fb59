//! Checks on where data lives: a named volume exists, a file is in a container's own
//! filesystem, in a volume, or on the simulated host (behind a bind mount).

use super::{absolute, quoted, required, CheckResult};
use crate::lang::Localized;
use serde::{Deserialize, Serialize};
use sim_core::{FsTree, World};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeCheck {
    pub name: String,
}

impl VolumeCheck {
    pub(crate) fn validate(&self) -> Result<(), String> {
        required(&self.name, "name")
    }

    pub(crate) fn evaluate(&self, world: &World) -> CheckResult {
        let name = quoted(&self.name);
        if world.volumes().any(|v| v.name == self.name) {
            CheckResult::pass(
                format!("볼륨 {name}이(가) 있습니다."),
                format!("Volume {name} exists."),
            )
        } else {
            CheckResult::fail(
                format!(
                    "볼륨 {name}이(가) 없습니다 (docker volume create {}).",
                    self.name
                ),
                format!(
                    "There is no volume {name} (docker volume create {}).",
                    self.name
                ),
            )
        }
    }
}

/// What a file check found at its path.
enum Found<'a> {
    NoPlace,
    NoFile,
    File(&'a [u8]),
}

/// Passes when the file is there (and holds `contains`, if given). `place` says where, in both
/// languages ("in volume `notes`").
fn file_result(
    found: Found<'_>,
    path: &str,
    contains: Option<&str>,
    place: Localized,
) -> CheckResult {
    let file = quoted(path);
    match found {
        Found::NoPlace => CheckResult::fail(
            format!("{}이(가) 없습니다.", place.ko),
            format!("There is no {}.", place.en),
        ),
        Found::NoFile => CheckResult::fail(
            format!("{}에 {file} 파일이 없습니다.", place.ko),
            format!("There is no file {file} in {}.", place.en),
        ),
        Found::File(bytes) => {
            let text = String::from_utf8_lossy(bytes);
            match contains {
                Some(wanted) if !text.contains(wanted) => CheckResult::fail(
                    format!(
                        "{}의 {file} 파일에 {}이(가) 들어 있지 않습니다.",
                        place.ko,
                        quoted(wanted)
                    ),
                    format!(
                        "The file {file} in {} does not contain {}.",
                        place.en,
                        quoted(wanted)
                    ),
                ),
                _ => CheckResult::pass(
                    format!("{}에 {file} 파일이 있습니다.", place.ko),
                    format!("The file {file} is in {}.", place.en),
                ),
            }
        }
    }
}

fn lookup<'a>(tree: &'a FsTree, path: &str) -> Found<'a> {
    match tree.read_file(path) {
        Ok(bytes) => Found::File(bytes),
        Err(_) => Found::NoFile,
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerFileCheck {
    /// The container's name.
    pub container: String,
    /// The file's path inside the container, e.g. `/data/note.txt`.
    pub path: String,
    /// Text the file must contain.
    pub contains: Option<String>,
}

impl ContainerFileCheck {
    pub(crate) fn validate(&self) -> Result<(), String> {
        required(&self.container, "container")?;
        absolute(&self.path, "path")
    }

    /// Looks in the container's image and writable layer: mounts are not part of the
    /// container's own filesystem, and go away from this view with it.
    pub(crate) fn evaluate(&self, world: &World) -> CheckResult {
        let name = quoted(&self.container);
        let place = Localized::new(
            format!("{name} 컨테이너의 파일 시스템"),
            format!("the filesystem of container {name}"),
        );
        let fs = world
            .containers()
            .find(|c| c.name == self.container)
            .map(|c| {
                let mut fs = world
                    .images()
                    .image(&c.image_id)
                    .map(|image| image.rootfs.clone())
                    .unwrap_or_default();
                c.upper.apply_to(&mut fs);
                fs
            });
        let found = match &fs {
            None => Found::NoPlace,
            Some(fs) => lookup(fs, &self.path),
        };
        let place = match found {
            Found::NoPlace => Localized::new(
                format!("{name} 컨테이너"),
                format!("container named {name}"),
            ),
            _ => place,
        };
        file_result(found, &self.path, self.contains.as_deref(), place)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeFileCheck {
    pub volume: String,
    /// The file's path inside the volume: `/note.txt` for `/data/note.txt` in a container that
    /// mounts the volume at `/data`.
    pub path: String,
    pub contains: Option<String>,
}

impl VolumeFileCheck {
    pub(crate) fn validate(&self) -> Result<(), String> {
        required(&self.volume, "volume")?;
        absolute(&self.path, "path")
    }

    pub(crate) fn evaluate(&self, world: &World) -> CheckResult {
        let name = quoted(&self.volume);
        let found = match world.volumes().find(|v| v.name == self.volume) {
            None => Found::NoPlace,
            Some(v) => lookup(&v.files, &self.path),
        };
        let place = Localized::new(format!("볼륨 {name}"), format!("volume {name}"));
        file_result(found, &self.path, self.contains.as_deref(), place)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostFileCheck {
    /// The path on the simulated host, e.g. `/srv/notes/note.txt`.
    pub path: String,
    pub contains: Option<String>,
}

impl HostFileCheck {
    pub(crate) fn validate(&self) -> Result<(), String> {
        absolute(&self.path, "path")
    }

    pub(crate) fn evaluate(&self, world: &World) -> CheckResult {
        let found = match world.host_file(&self.path) {
            Some(bytes) => Found::File(bytes),
            None => Found::NoFile,
        };
        let place = Localized::new(
            "호스트(바인드 마운트 쪽)",
            "the host (the bind mount's side)",
        );
        file_result(found, &self.path, self.contains.as_deref(), place)
    }
}
