//! Each container as its image's layers (drawn once per image, under all its containers), its
//! own writable layer on top, and the volumes it mounts beside it. A container the latest
//! command removed stays as a ghost whose writable layer fades away; its volumes stay.

use std::rc::Rc;

use sim_core::view::{ContainerView, MountType, Snapshot};
use yew::prelude::*;

use super::labels::{more, t, Label};
use super::svg::{clip, empty, frame, hue, size, text};

/// Container columns drawn (removed ghosts included); the rest are counted.
pub const MAX_CONTAINERS: usize = 8;
/// Volume boxes drawn.
pub const MAX_VOLUMES: usize = 8;
/// Image layers drawn under a group of containers (the top ones).
const MAX_GROUP_LAYERS: usize = 4;
/// Mounts listed per container.
const MAX_MOUNTS: usize = 3;

const COL_W: i32 = 170;
const GAP: i32 = 12;
const VOL_Y: i32 = 8;
const VOL_H: i32 = 50;
const NAME_Y: i32 = 96;
const PILL_H: i32 = 18;
const WRITABLE_H: i32 = 48;
const LAYER_H: i32 = 20;

#[derive(Properties, PartialEq)]
pub struct ContainersPictureProps {
    pub snapshot: Rc<Snapshot>,
    pub lang: &'static str,
}

/// One column: a live container or a ghost.
enum Column<'a> {
    Live(&'a ContainerView),
    Removed {
        name: &'a str,
        id: &'a str,
        bytes: u64,
    },
}

#[component]
pub fn ContainersPicture(props: &ContainersPictureProps) -> Html {
    let lang = props.lang;
    let snap = &props.snapshot;
    if snap.containers.is_empty() && snap.removed.is_empty() && snap.volumes.is_empty() {
        return empty(t(lang, Label::NoContainers));
    }
    // Containers grouped by image, in the order images are listed; ghosts last.
    let mut live: Vec<&ContainerView> = snap.containers.iter().collect();
    let image_rank = |id: &str| {
        snap.images
            .iter()
            .position(|i| i.id == id)
            .unwrap_or(usize::MAX)
    };
    sim_core::order::sort_by_key(&mut live, |c| (image_rank(&c.image_id), c.image_id.clone()));
    let ghosts = snap.removed.len().min(3);
    let live_room = MAX_CONTAINERS.saturating_sub(ghosts);
    let hidden = live.len().saturating_sub(live_room);
    let mut columns: Vec<Column> = live
        .iter()
        .take(live_room)
        .map(|c| Column::Live(c))
        .collect();
    columns.extend(snap.removed.iter().take(ghosts).map(|r| Column::Removed {
        name: &r.name,
        id: &r.id,
        bytes: r.discarded_bytes,
    }));

    let volumes = &snap.volumes[..snap.volumes.len().min(MAX_VOLUMES)];
    let vol_x = |i: usize| i as i32 * (COL_W + GAP);
    let max_mounts = columns
        .iter()
        .map(|c| match c {
            Column::Live(c) => c.mounts.len().min(MAX_MOUNTS) as i32,
            Column::Removed { .. } => 0,
        })
        .max()
        .unwrap_or(0);
    let writable_y = NAME_Y + 26 + max_mounts * PILL_H;
    let layers_y = writable_y + WRITABLE_H + 8;
    let height = layers_y + MAX_GROUP_LAYERS as i32 * LAYER_H + 34;
    let width = (columns.len().max(volumes.len()) as i32 * (COL_W + GAP) + 100).max(COL_W + 100);

    let volume_boxes = volumes.iter().enumerate().map(|(i, v)| {
        let x = vol_x(i);
        let users = if v.used_by.is_empty() {
            t(lang, Label::UnusedVolume).to_string()
        } else {
            format!("← {}", v.used_by.join(", "))
        };
        html! {
            <g class="pic-volume-box">
                <rect class="pic-volume" x={x.to_string()} y={VOL_Y.to_string()} width={COL_W.to_string()} height={VOL_H.to_string()} rx="10" />
                { text(x + 8, VOL_Y + 16, "pic-label pic-strong", format!("{} {}", t(lang, Label::Volume), clip(&v.name, 16))) }
                { text(x + 8, VOL_Y + 30, "pic-small", format!("{} {} · {}", v.files, t(lang, Label::Files), size(v.bytes))) }
                { text(x + 8, VOL_Y + 43, "pic-small", clip(&users, 26)) }
            </g>
        }
    });

    let column_x = |i: usize| i as i32 * (COL_W + GAP);
    let drawn = columns.iter().enumerate().map(|(i, column)| {
        let x = column_x(i);
        match column {
            Column::Live(c) => live_column(c, x, writable_y, lang, |name| {
                volumes.iter().position(|v| v.name == name).map(vol_x)
            }),
            Column::Removed { name, id, bytes } => html! {
                <g class="pic-removed">
                    { text(x, NAME_Y, "pic-label pic-strong pic-gone-name", clip(name, 18)) }
                    { text(x, NAME_Y + 14, "pic-small", format!("{id} · {}", t(lang, Label::Removed))) }
                    <g class="pic-discarded">
                        <rect class="pic-writable" x={x.to_string()} y={writable_y.to_string()} width={COL_W.to_string()} height={WRITABLE_H.to_string()} rx="4" />
                        { text(x + 6, writable_y + 18, "pic-label", t(lang, Label::Discarded)) }
                        { text(x + 6, writable_y + 34, "pic-small", size(*bytes)) }
                    </g>
                </g>
            },
        }
    });

    // One image stack under each run of neighbouring live columns with the same image.
    let mut groups: Vec<(usize, usize, &str)> = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        if let Column::Live(c) = column {
            match groups.last_mut() {
                Some((_, end, id)) if *id == c.image_id && *end == i => *end = i + 1,
                _ => groups.push((i, i + 1, &c.image_id)),
            }
        }
    }
    let stacks = groups.into_iter().map(|(start, end, id)| {
        let x = column_x(start);
        let w = (end - start) as i32 * (COL_W + GAP) - GAP;
        let image = snap.images.iter().find(|i| i.id == id);
        let layers: Vec<_> = image.map(|i| i.layers.iter().rev().take(MAX_GROUP_LAYERS).collect()).unwrap_or_default();
        let total = image.map(|i| i.layers.len()).unwrap_or(0);
        let name = image
            .and_then(|i| i.tags.first().cloned())
            .unwrap_or_else(|| id.to_string());
        let rows = layers.iter().enumerate().map(|(j, layer)| {
            let y = layers_y + j as i32 * LAYER_H;
            html! {
                <g>
                    <rect class={classes!("pic-layer", hue(&layer.diff_id))} x={x.to_string()} y={y.to_string()} width={w.to_string()} height={(LAYER_H - 2).to_string()} rx="3" />
                    { text(x + 6, y + 13, "pic-small", clip(&format!("{} {}", layer.diff_id, layer.created_by.trim_end_matches(" # buildkit")), (w / 6).max(12) as usize)) }
                </g>
            }
        });
        // Every group's label on one line below the deepest stack; as long as the group is wide.
        let label_y = layers_y + MAX_GROUP_LAYERS as i32 * LAYER_H + 14;
        let chars = (w / 6).max(12) as usize;
        html! {
            <g class="pic-image-group">
                { for rows }
                { text(x, label_y, "pic-small pic-strong", clip(&format!("{} · {total} {}", name, t(lang, Label::Layers)), chars)) }
                { text(x, label_y + 13, "pic-small pic-muted", clip(t(lang, Label::ImageLayers), chars)) }
            </g>
        }
    });

    let live_count = snap.containers.len();
    let description = if lang == "ko" {
        format!(
            "컨테이너 {live_count}개: 각자 쓰기 레이어를 갖고 이미지 레이어는 함께 씁니다. 볼륨 {}개는 컨테이너와 따로 남습니다.{}",
            snap.volumes.len(),
            if snap.removed.is_empty() { String::new() } else { format!(" 방금 삭제된 컨테이너 {}개의 쓰기 레이어는 버려졌습니다.", snap.removed.len()) }
        )
    } else {
        format!(
            "{live_count} containers, each with its own writable layer over shared image layers; {} volumes live apart from them.{}",
            snap.volumes.len(),
            if snap.removed.is_empty() { String::new() } else { format!(" {} container(s) just removed: their writable layers were discarded, their volumes stay.", snap.removed.len()) }
        )
    };
    let extra_volumes = snap.volumes.len() - volumes.len();
    let right = columns.len().max(volumes.len()) as i32 * (COL_W + GAP);
    let body = html! {
        <>
            { for volume_boxes }
            if extra_volumes > 0 {
                { text(right + 4, VOL_Y + 30, "pic-small", more(lang, extra_volumes)) }
            }
            { for stacks }
            { for drawn }
            if hidden > 0 {
                { text(right + 4, writable_y + 24, "pic-label", more(lang, hidden)) }
            }
        </>
    };
    frame(width, height, description, body)
}

fn live_column(
    c: &ContainerView,
    x: i32,
    writable_y: i32,
    lang: &'static str,
    volume_x: impl Fn(&str) -> Option<i32>,
) -> Html {
    let mounts = c.mounts.iter().take(MAX_MOUNTS).enumerate().map(|(j, m)| {
        let y = NAME_Y + 22 + j as i32 * PILL_H;
        let (class, kind) = match m.kind {
            MountType::Volume => ("pic-mount pic-mount-volume", t(lang, Label::Volume)),
            MountType::Bind => ("pic-mount pic-mount-bind", t(lang, Label::Bind)),
        };
        let link = match m.kind {
            MountType::Volume => volume_x(&m.source).map(|vx| {
                html! {
                    <line class="pic-link" x1={(vx + COL_W / 2).to_string()} y1={(VOL_Y + VOL_H).to_string()}
                        x2={(x + 10 + j as i32 * 8).to_string()} y2={(y + 2).to_string()} />
                }
            }),
            MountType::Bind => None,
        };
        html! {
            <g class={class}>
                { link.unwrap_or_default() }
                <rect x={x.to_string()} y={y.to_string()} width={COL_W.to_string()} height={(PILL_H - 3).to_string()} rx="7" />
                { text(x + 8, y + 11, "pic-small", clip(&format!("{} ← {kind} {}{}", m.target, m.source, if m.read_only { " (ro)" } else { "" }), 30)) }
            </g>
        }
    });
    let first = c
        .writable
        .changes
        .iter()
        .take(1)
        .map(|p| format!("{} {}", p.kind, p.path))
        .next()
        .unwrap_or_default();
    let state_class = classes!("pic-small", format!("pic-state-{}", c.state));
    html! {
        <g class="pic-container">
            { text(x, NAME_Y, "pic-label pic-strong", clip(&c.name, 20)) }
            <text x={x.to_string()} y={(NAME_Y + 14).to_string()} class={state_class}>
                { format!("{} · {}{}", c.id, c.state, if c.oom_killed { " (OOMKilled)" } else { "" }) }
            </text>
            { for mounts }
            <g class="pic-writable-group">
                <rect class="pic-writable" x={x.to_string()} y={writable_y.to_string()} width={COL_W.to_string()} height={WRITABLE_H.to_string()} rx="4" />
                { text(x + 6, writable_y + 14, "pic-label", t(lang, Label::WritableLayer)) }
                { text(x + 6, writable_y + 28, "pic-small", format!("{} {} · {}", c.writable.change_count, t(lang, Label::Changes), size(c.writable.bytes))) }
                { text(x + 6, writable_y + 42, "pic-small pic-mono", clip(&first, 28)) }
            </g>
        </g>
    }
}
