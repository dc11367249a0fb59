//! Containers with their writable layer and mounts, volumes, removals and memory.

use super::{
    short, ContainerView, MemoryView, MountType, MountView, PathChange, ProcessView,
    RemovedContainer, VolumeView, WritableLayerView, MAX_CHANGES,
};
use crate::event::{Event, EventKind};
use crate::fs::FsTree;
use crate::{Container, MountKind, World};
use std::collections::BTreeMap;

pub(super) fn state(c: &Container) -> &'static str {
    if !c.is_running() && c.restart_at.is_some() {
        "restarting"
    } else {
        c.status.as_str()
    }
}

fn user(c: &Container) -> String {
    if c.user.is_empty() {
        "root".to_string()
    } else {
        c.user.clone()
    }
}

/// `ps` inside: only PID 1 stays (exec'd processes end within their own command).
pub(super) fn processes(c: &Container) -> Vec<ProcessView> {
    if c.is_running() {
        vec![ProcessView {
            pid: 1,
            user: user(c),
            command: c.argv.join(" "),
        }]
    } else {
        Vec::new()
    }
}

fn writable(world: &World, c: &Container) -> WritableLayerView {
    // A picture never fails: an image in use is never deleted (`docker diff` reports the
    // broken case), so the empty base is only a guard.
    let empty = FsTree::new();
    let lower = world
        .images()
        .image(&c.image_id)
        .map(|i| &i.rootfs)
        .unwrap_or(&empty);
    let summary = c.upper.summary(lower);
    WritableLayerView {
        change_count: summary.len(),
        changes: summary
            .into_iter()
            .take(MAX_CHANGES)
            .map(|(kind, path)| PathChange {
                kind: kind.letter(),
                path,
            })
            .collect(),
        bytes: c.upper.size(),
    }
}

pub(super) fn containers(world: &World) -> Vec<ContainerView> {
    world
        .containers()
        .map(|c| ContainerView {
            name: c.name.clone(),
            id: short(&c.id),
            image: c.image_ref.clone(),
            image_id: short(&c.image_id),
            state: state(c).to_string(),
            exit_code: c.exit_code,
            oom_killed: c.oom_killed,
            hostname: c.hostname.clone(),
            pid1: c.argv.clone(),
            processes: processes(c),
            writable: writable(world, c),
            mounts: c
                .mounts
                .iter()
                .map(|m| MountView {
                    kind: match m.kind {
                        MountKind::Volume => MountType::Volume,
                        MountKind::Bind => MountType::Bind,
                    },
                    source: m.source.clone(),
                    target: m.target.clone(),
                    read_only: m.read_only,
                })
                .collect(),
        })
        .collect()
}

/// See [`MemoryView`] for where the figure comes from.
pub(super) fn memory(world: &World) -> Vec<MemoryView> {
    world
        .containers()
        .map(|c| {
            let running = c.is_running();
            let used = if running {
                c.peak_memory
            } else if c.oom_killed {
                c.memory.unwrap_or(0)
            } else {
                0
            };
            MemoryView {
                name: c.name.clone(),
                used,
                limit: c.memory,
                running,
                oom_killed: c.oom_killed,
            }
        })
        .collect()
}

/// Containers removed by the latest command (the events since its `Command`).
pub(super) fn removed(events: &[Event]) -> Vec<RemovedContainer> {
    let start = events
        .iter()
        .rposition(|e| matches!(e.kind, EventKind::Command { .. }))
        .unwrap_or(0);
    events[start..]
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ContainerRemoved {
                id,
                name,
                discarded_bytes,
            } => Some(RemovedContainer {
                name: name.clone(),
                id: short(id),
                discarded_bytes: *discarded_bytes,
            }),
            _ => None,
        })
        .collect()
}

pub(super) fn volumes(world: &World) -> Vec<VolumeView> {
    let mut users: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for c in world.containers() {
        for m in c.mounts.iter().filter(|m| m.kind == MountKind::Volume) {
            let list = users.entry(m.source.as_str()).or_default();
            if !list.contains(&c.name) {
                list.push(c.name.clone());
            }
        }
    }
    world
        .volumes()
        .map(|v| {
            let mut used_by = users.get(v.name.as_str()).cloned().unwrap_or_default();
            crate::order::sort(&mut used_by);
            VolumeView {
                name: v.name.to_string(),
                anonymous: v.anonymous,
                files: v.files.iter().filter(|(_, n)| !n.is_dir()).count(),
                bytes: v.files.total_size(),
                used_by,
            }
        })
        .collect()
}
