//! A container's filesystem as the model knows it (image layers + writable layer + mounts),
//! for inspecting and drawing it; and filling new volumes from the image.

use super::container::{Container, MountKind};
use super::engine::Engine;
use super::{ContainerId, World};
use crate::driver::Effect;
use crate::event::EventKind;
use crate::fs::overlay::{container_lower, graft, overlay_mounts};
use crate::fs::FsTree;
use crate::image::ImageStore;

/// The lower part of a container's filesystem: its image plus runtime files and empty mount
/// points. The writable layer is the difference between this and what processes leave.
fn lower_fs(images: &ImageStore, c: &Container) -> FsTree {
    let image = images
        .image(&c.image_id)
        .map(|img| img.rootfs.clone())
        .unwrap_or_default();
    let points: Vec<String> = c.mounts.iter().map(|m| m.target.clone()).collect();
    container_lower(
        image,
        &c.hostname,
        &c.ip,
        c.resolv_conf().as_deref(),
        &points,
    )
}

/// The merged filesystem of a container of `engine` now, as the model knows it.
pub(super) fn container_fs_in(engine: &Engine, c: &Container) -> FsTree {
    let mut fs = lower_fs(&engine.images, c);
    c.upper.apply_to(&mut fs);
    overlay_mounts(&mut fs, &c.mounts, |kind, source| match kind {
        MountKind::Volume => engine
            .volumes
            .get(source)
            .map(|v| (&v.files, "/".to_string())),
        MountKind::Bind => Some((&engine.host, source.to_string())),
    });
    fs
}

impl World {
    /// A container's files as the model knows them (image, writable layer and mounts), by
    /// name or ID: what its processes would see now.
    pub fn container_files(&self, key: &str) -> Option<FsTree> {
        let id = self.find_container(key).ok()?;
        self.engine
            .containers
            .get(&id)
            .map(|c| self.container_fs(c))
    }

    /// The merged filesystem of a container now, as the model knows it.
    pub(crate) fn container_fs(&self, c: &Container) -> FsTree {
        container_fs_in(&self.engine, c)
    }

    /// Fills empty named volumes from the image's files at their mount paths, as docker does
    /// the first time a volume is mounted.
    pub(crate) fn copy_up_volumes(&mut self, id: &ContainerId) {
        let Some(c) = self.engine.containers.get(id) else {
            return;
        };
        let Some(image) = self.engine.images.image(&c.image_id) else {
            return;
        };
        let mut filled = Vec::new();
        for m in &c.mounts {
            if m.kind != MountKind::Volume {
                continue;
            }
            let Some(volume) = self.engine.volumes.get(m.source.as_str()) else {
                continue;
            };
            let has_content = image.rootfs.descendants(&m.target).next().is_some();
            if volume.files.is_empty() && has_content {
                let mut content = FsTree::new();
                graft(&image.rootfs, &m.target, &mut content, "");
                filled.push((volume.name.clone(), m.target.clone(), content));
            }
        }
        for (name, path, content) in filled {
            self.issue(Effect::CopyUp {
                container: id.clone(),
                volume: name.clone(),
                path: path.clone(),
                files: content.clone(),
            });
            if let Some(v) = self.engine.volumes.get_mut(name.as_str()) {
                v.files = content;
            }
            self.emit(EventKind::VolumeCopiedUp { name, path });
        }
    }
}
