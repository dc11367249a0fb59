//! The latest pull or push: each layer either crossed between this machine and the registry
//! or was skipped because the other side already had it.

use std::rc::Rc;

use sim_core::view::{Direction, Snapshot};
use yew::prelude::*;

use super::labels::{more, t, Label};
use super::svg::{empty, frame, hue, size, text};

/// Layers listed; the rest are counted.
pub const MAX_LAYERS: usize = 14;

const SIDE_W: i32 = 150;
const MID_W: i32 = 280;
const ROW: i32 = 26;

#[derive(Properties, PartialEq)]
pub struct RegistryPictureProps {
    pub snapshot: Rc<Snapshot>,
    pub lang: &'static str,
}

#[component]
pub fn RegistryPicture(props: &RegistryPictureProps) -> Html {
    let lang = props.lang;
    let Some(transfer) = &props.snapshot.transfer else {
        return empty(t(lang, Label::NoTransfer));
    };
    let pull = transfer.direction == Direction::Pull;
    let shown = &transfer.layers[..transfer.layers.len().min(MAX_LAYERS)];
    let hidden = transfer.layers.len() - shown.len();
    let left = 0;
    let mid = SIDE_W;
    let right = SIDE_W + MID_W;
    let top = 44;
    let height = top + shown.len() as i32 * ROW + if hidden > 0 { 20 } else { 0 } + 30;
    let moved = transfer.layers.iter().filter(|l| l.transferred).count();

    // Top layer first, as docker prints them.
    let rows = shown.iter().rev().enumerate().map(|(i, layer)| {
        let y = top + i as i32 * ROW;
        // Both sides hold every layer afterwards; the ones that crossed arrive on the far side.
        let cell = |x: i32, arriving: bool| {
            let class = classes!("pic-layer", hue(&layer.diff_id), arriving.then_some("pic-arrived"));
            html! {
                <g>
                    <rect class={class} x={(x + 8).to_string()} y={y.to_string()} width={(SIDE_W - 16).to_string()} height={(ROW - 4).to_string()} rx="3" />
                    { text(x + 14, y + 15, "pic-small pic-mono", format!("{} {}", layer.diff_id, size(layer.size))) }
                </g>
            }
        };
        let arrow = if layer.transferred {
            let (x1, x2) = if pull { (right - 6, mid + 6) } else { (mid + 6, right - 6) };
            let word = if pull { t(lang, Label::Pulled) } else { t(lang, Label::Pushed) };
            html! {
                <g class="pic-moved">
                    <line class="pic-arrow pic-moving" x1={x1.to_string()} y1={(y + 11).to_string()} x2={x2.to_string()} y2={(y + 11).to_string()} marker-end="url(#pic-arrowhead)" />
                    { text(mid + MID_W / 2 - 40, y + 8, "pic-small", word) }
                </g>
            }
        } else {
            html! {
                <g class="pic-skipped">
                    <line class="pic-arrow pic-skip" x1={(mid + 6).to_string()} y1={(y + 11).to_string()} x2={(right - 6).to_string()} y2={(y + 11).to_string()} />
                    { text(mid + MID_W / 2 - 60, y + 8, "pic-small", t(lang, Label::AlreadyExists)) }
                </g>
            }
        };
        html! {
            <g>
                { cell(left, pull && layer.transferred) }
                { arrow }
                { cell(right, !pull && layer.transferred) }
            </g>
        }
    });

    let verb = if pull { "docker pull" } else { "docker push" };
    let description = if lang == "ko" {
        format!(
            "{verb} {}: 레이어 {}개 중 {moved}개 전송({}), {}개는 이미 있어 건너뜀({}).",
            transfer.reference,
            transfer.layers.len(),
            size(transfer.transferred_bytes),
            transfer.layers.len() - moved,
            size(transfer.skipped_bytes)
        )
    } else {
        format!(
            "{verb} {}: {moved} of {} layers transferred ({}), {} skipped because they were already there ({} not transferred).",
            transfer.reference,
            transfer.layers.len(),
            size(transfer.transferred_bytes),
            transfer.layers.len() - moved,
            size(transfer.skipped_bytes)
        )
    };
    let footer_y = top + shown.len() as i32 * ROW + if hidden > 0 { 20 } else { 0 } + 16;
    let body = html! {
        <>
            <defs>
                <marker id="pic-arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="pic-arrowhead" />
                </marker>
            </defs>
            { text(left + 8, 16, "pic-label pic-strong", format!("{verb} {}", transfer.reference)) }
            { text(left + 8, 36, "pic-label", t(lang, Label::Local)) }
            { text(right + 8, 36, "pic-label", t(lang, Label::Registry)) }
            { for rows }
            if hidden > 0 {
                { text(mid + 8, top + shown.len() as i32 * ROW + 12, "pic-small", more(lang, hidden)) }
            }
            { text(left + 8, footer_y, "pic-small", format!("{} {} · {}: {}", if pull { t(lang, Label::Pulled) } else { t(lang, Label::Pushed) }, size(transfer.transferred_bytes), t(lang, Label::NotTransferred), size(transfer.skipped_bytes))) }
        </>
    };
    frame(right + SIDE_W, height, description, body)
}
