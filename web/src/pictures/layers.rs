//! The layer stack of each image, shared layers marked, and the steps of the last build:
//! which came from the cache and why the others did not.

use std::rc::Rc;

use sim_core::view::{BuildView, ImageView, Snapshot};
use yew::prelude::*;

use super::labels::{more, reason, t, Label};
use super::svg::{clip, empty, frame, hue, size, text};

/// Images drawn side by side; the rest are counted.
pub const MAX_IMAGES: usize = 6;
/// Layers drawn per image (the top ones); the rest are counted.
pub const MAX_LAYERS: usize = 10;
/// Build steps listed.
pub const MAX_STEPS: usize = 16;

const COL_W: i32 = 190;
const GAP: i32 = 14;
const LAYER_H: i32 = 30;

#[derive(Properties, PartialEq)]
pub struct LayerStackProps {
    pub snapshot: Rc<Snapshot>,
    pub lang: &'static str,
}

#[component]
pub fn LayerStack(props: &LayerStackProps) -> Html {
    let lang = props.lang;
    let snap = &props.snapshot;
    html! {
        <div class="pic-layers">
            if snap.images.is_empty() {
                { empty(t(lang, Label::NoImages)) }
            } else {
                { images(&snap.images, lang) }
            }
            <h4>{ t(lang, Label::BuildHeading) }</h4>
            if let Some(build) = &snap.last_build {
                { steps(build, lang) }
            } else {
                { empty(t(lang, Label::NoBuild)) }
            }
        </div>
    }
}

fn images(all: &[ImageView], lang: &'static str) -> Html {
    let shown = &all[..all.len().min(MAX_IMAGES)];
    let tallest = shown
        .iter()
        .map(|i| i.layers.len().min(MAX_LAYERS) as i32 + i32::from(i.layers.len() > MAX_LAYERS))
        .max()
        .unwrap_or(1);
    let stack_h = tallest * LAYER_H;
    let top = 10;
    let base = top + stack_h;
    let extra = all.len() - shown.len();
    let width = shown.len() as i32 * (COL_W + GAP) + if extra > 0 { 90 } else { 0 };
    let height = base + 44;
    let shared: usize = shown
        .iter()
        .flat_map(|i| i.layers.iter())
        .filter(|l| l.shared_by > 1)
        .count();
    let description = if lang == "ko" {
        format!(
            "이미지 {}개의 레이어 스택. 아래가 기반 레이어, 위가 마지막 단계. 여러 이미지가 함께 쓰는 레이어 {}개는 한 번만 저장됩니다.",
            all.len(),
            shared
        )
    } else {
        format!(
            "Layer stacks of {} images, base layer at the bottom. {} layer slots are shared with other images and stored once.",
            all.len(),
            shared
        )
    };
    let columns = shown.iter().enumerate().map(|(i, image)| {
        let x = i as i32 * (COL_W + GAP);
        let hidden = image.layers.len().saturating_sub(MAX_LAYERS);
        let layers = image.layers[hidden..].iter().enumerate().map(|(j, layer)| {
            let y = base - (j as i32 + 1) * LAYER_H;
            let class = classes!(
                "pic-layer",
                hue(&layer.diff_id),
                (layer.shared_by > 1).then_some("pic-shared")
            );
            let what = if layer.created_by.is_empty() {
                layer.diff_id.clone()
            } else {
                clip(layer.created_by.trim_end_matches(" # buildkit"), 26)
            };
            let badge = if layer.shared_by > 1 {
                format!(" · {} ×{}", t(lang, Label::Shared), layer.shared_by)
            } else {
                String::new()
            };
            html! {
                <g class="pic-enter">
                    <title>{ format!("{} {} ({})", layer.diff_id, layer.created_by, size(layer.size)) }</title>
                    <rect class={class} x={x.to_string()} y={y.to_string()}
                        width={COL_W.to_string()} height={(LAYER_H - 3).to_string()} rx="4" />
                    { text(x + 6, y + 12, "pic-label", what) }
                    { text(x + 6, y + 24, "pic-small", format!("{} · {}{badge}", layer.diff_id, size(layer.size))) }
                </g>
            }
        });
        let name = image.tags.first().cloned().unwrap_or_else(|| "<none>".to_string());
        html! {
            <g>
                if hidden > 0 {
                    { text(x + 6, base - (MAX_LAYERS as i32 + 1) * LAYER_H + 18, "pic-small", more(lang, hidden)) }
                }
                { for layers }
                { text(x + 2, base + 16, "pic-label pic-strong", clip(&name, 26)) }
                { text(x + 2, base + 32, "pic-small", format!("{} · {} · {} {}", image.id, size(image.size), image.layers.len(), t(lang, Label::Layers))) }
            </g>
        }
    });
    let body = html! {
        <>
            { for columns }
            if extra > 0 {
                { text(shown.len() as i32 * (COL_W + GAP) + 4, base - 8, "pic-label", more(lang, extra)) }
            }
        </>
    };
    frame(width.max(COL_W), height, description, body)
}

fn steps(build: &BuildView, lang: &'static str) -> Html {
    const ROW: i32 = 36;
    let shown = &build.steps[..build.steps.len().min(MAX_STEPS)];
    let cached = build.steps.iter().filter(|s| s.cached).count();
    let description = if lang == "ko" {
        format!(
            "{}: 단계 {}개 중 {}개는 캐시에서, {}개는 실행.",
            build.command,
            build.steps.len(),
            cached,
            build.steps.len() - cached
        )
    } else {
        format!(
            "{}: {} of {} steps came from the cache, {} ran.",
            build.command,
            cached,
            build.steps.len(),
            build.steps.len() - cached
        )
    };
    let rows = shown.iter().enumerate().map(|(i, step)| {
        let y = 30 + i as i32 * ROW;
        let (class, badge) = if step.cached {
            ("pic-step pic-cached", t(lang, Label::Cached))
        } else {
            ("pic-step pic-missed", t(lang, Label::Rebuilt))
        };
        let why = step.reason.as_deref().map(|r| reason(lang, r)).unwrap_or_default();
        html! {
            <g class={class}>
                <rect class="pic-badge" x="0" y={y.to_string()} width="70" height={(ROW - 6).to_string()} rx="4" />
                { text(8, y + 19, "pic-label pic-strong", badge) }
                { text(80, y + 13, "pic-label", clip(&step.instruction, 70)) }
                { text(80, y + 27, "pic-small pic-reason", clip(&why, 90)) }
            </g>
        }
    });
    let extra = build.steps.len() - shown.len();
    let footer_y = 30 + shown.len() as i32 * ROW + 16;
    let result = match (&build.image, &build.error) {
        (Some(id), _) => format!("→ {id} {}", build.tags.join(" ")),
        (None, Some(e)) => format!("{}: {}", t(lang, Label::BuildFailed), clip(e, 80)),
        (None, None) => String::new(),
    };
    let body = html! {
        <>
            { text(0, 16, "pic-label pic-strong", clip(&build.command, 80)) }
            { for rows }
            if extra > 0 {
                { text(80, footer_y, "pic-small", more(lang, extra)) }
            }
            { text(0, footer_y + if extra > 0 { 18 } else { 0 }, "pic-label", result) }
        </>
    };
    frame(680, footer_y + 26, description, body)
}
