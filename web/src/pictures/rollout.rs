//! A Deployment's rollout over the timeline: after each event that moved its pods, a column of
//! the new ReplicaSet's pods on the old ones' (solid ready, pale not ready), with the surge
//! bound (replicas + maxSurge) and the unavailable bound (replicas − maxUnavailable) as lines.
//! A bad release shows as pale new pods that never turn solid while the old ones hold the line.
//! The points come from the core (`view::rollouts`), never recomputed here.

use std::rc::Rc;

use sim_core::view::{RolloutPoint, RolloutView};
use yew::prelude::*;

use super::labels::{t, Label};
use super::svg::{clip, empty, frame, text};

const LEFT: i32 = 30;
const PLOT_W: i32 = 300;
const PLOT_H: i32 = 150;
const TOP: i32 = 40;

#[derive(Properties, PartialEq)]
pub struct RolloutPictureProps {
    pub rollouts: Rc<Vec<RolloutView>>,
    pub lang: &'static str,
}

#[component]
pub fn RolloutPicture(props: &RolloutPictureProps) -> Html {
    let lang = props.lang;
    // The Deployment drawn; the first one that rolled (else the first) when None.
    let chosen = use_state(|| None::<String>);
    let rollouts = &props.rollouts;
    let shown = chosen
        .as_deref()
        .and_then(|name| rollouts.iter().find(|r| r.deployment == name))
        .or_else(|| rollouts.iter().find(|r| r.points.iter().any(moved)))
        .or(rollouts.first());
    let Some(r) = shown else {
        return empty(t(lang, Label::NoDeployment));
    };
    let buttons = rollouts.iter().map(|other| {
        let name = other.deployment.clone();
        let active = other.deployment == r.deployment;
        let state = chosen.clone();
        let onclick = Callback::from(move |_: MouseEvent| state.set(Some(name.clone())));
        html! {
            <button type="button" class={classes!("pic-strategy", active.then_some("pic-active"))}
                aria-pressed={active.to_string()} {onclick}>{ other.deployment.clone() }</button>
        }
    });
    html! {
        <div class="pic-rollout">
            if rollouts.len() > 1 {
                <div class="pic-strategies" role="group">{ for buttons }</div>
            }
            { chart(r, lang) }
        </div>
    }
}

/// Old pods present alongside new ones: a rollout, not just a scale-up.
fn moved(p: &RolloutPoint) -> bool {
    p.old_ready + p.old_unready > 0 && p.new_ready + p.new_unready > 0
}

fn total(p: &RolloutPoint) -> u32 {
    p.old_ready + p.old_unready + p.new_ready + p.new_unready
}

fn chart(r: &RolloutView, lang: &'static str) -> Html {
    let top = r
        .points
        .iter()
        .map(total)
        .max()
        .unwrap_or(0)
        .max(r.max_pods)
        .max(1);
    let n = r.points.len().max(1) as i32;
    let step = (PLOT_W / n).clamp(2, 24);
    let bar = (step - 1).max(1);
    let y_of =
        |count: u32| TOP + PLOT_H - (count as f64 / top as f64 * PLOT_H as f64).round() as i32;
    let columns = r.points.iter().enumerate().map(|(i, p)| {
        let x = LEFT + i as i32 * step;
        // Bottom to top: old ready, old not ready, new ready, new not ready.
        let parts = [
            (p.old_ready, "pic-roll-old"),
            (p.old_unready, "pic-roll-old pic-roll-unready"),
            (p.new_ready, "pic-roll-new"),
            (p.new_unready, "pic-roll-new pic-roll-unready"),
        ];
        let mut below = 0;
        let rects = parts.iter().filter(|(c, _)| *c > 0).map(|&(c, class)| {
            let (y0, y1) = (y_of(below + c), y_of(below));
            below += c;
            html! { <rect class={class} x={x.to_string()} y={y0.to_string()} width={bar.to_string()} height={(y1 - y0).max(1).to_string()} /> }
        }).collect::<Vec<_>>();
        let tip = format!(
            "t={}s: {} {}+{}, {} {}+{}",
            p.at / 1000,
            t(lang, Label::OldPods),
            p.old_ready,
            p.old_unready,
            t(lang, Label::NewPods),
            p.new_ready,
            p.new_unready
        );
        html! { <g class="pic-roll-step"><title>{ tip }</title>{ for rects }</g> }
    });
    let right = LEFT + n * step;
    let bound = |count: u32, class: &'static str, label: String| {
        let y = y_of(count);
        html! {
            <g class={class}>
                <line x1={LEFT.to_string()} x2={(right + 4).to_string()} y1={y.to_string()} y2={y.to_string()} />
                { text(right + 8, y + 4, "pic-tiny", label) }
            </g>
        }
    };
    let first = r.points.first().map_or(0, |p| p.at / 1000);
    let last = r.points.last().map_or(0, |p| p.at / 1000);
    let stalled = r.status == "stalled" || r.waiting.is_some();
    let state = match &r.waiting {
        Some(why) => format!("{} · {why}", status_word(lang, r.status)),
        None => status_word(lang, r.status).to_string(),
    };
    let heading = format!(
        "deployment/{} · {} · {}",
        r.deployment,
        clip(&r.image, 20),
        r.strategy
    );
    let end = r.points.last().copied().unwrap_or_default();
    let description = if lang == "ko" {
        format!(
            "디플로이먼트 {}의 롤아웃: 이벤트 {}개 동안 새 레플리카셋과 옛 레플리카셋의 파드 수. 최대 파드 수 {} (replicas + maxSurge), 최소 Ready {} (replicas − maxUnavailable). 지금 옛 파드 Ready {} / 준비 안 됨 {}, 새 파드 Ready {} / 준비 안 됨 {}. 상태: {state}.",
            r.deployment, r.points.len(), r.max_pods, r.min_ready, end.old_ready, end.old_unready, end.new_ready, end.new_unready
        )
    } else {
        format!(
            "Rollout of deployment {}: the new and old ReplicaSets' pods over {} events. At most {} pods (replicas + maxSurge), at least {} ready (replicas − maxUnavailable). Now old {} ready / {} not ready, new {} ready / {} not ready. State: {state}.",
            r.deployment, r.points.len(), r.max_pods, r.min_ready, end.old_ready, end.old_unready, end.new_ready, end.new_unready
        )
    };
    let legend = [
        ("pic-roll-old", t(lang, Label::OldReady)),
        ("pic-roll-old pic-roll-unready", t(lang, Label::OldNotReady)),
        ("pic-roll-new", t(lang, Label::NewReady)),
        ("pic-roll-new pic-roll-unready", t(lang, Label::NewNotReady)),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (class, label))| {
        let x = LEFT + (i % 2) as i32 * 150;
        let y = TOP + PLOT_H + 30 + (i / 2) as i32 * 14;
        html! {
            <g>
                <rect class={class} x={x.to_string()} y={(y - 9).to_string()} width="10" height="10" />
                { text(x + 14, y, "pic-tiny", label) }
            </g>
        }
    });
    let body = html! {
        <>
            { text(0, 14, "pic-label", heading) }
            <text x="0" y="30" class={classes!("pic-small", stalled.then_some("pic-down"))}>{ state }</text>
            <line class="pic-roll-axis" x1={LEFT.to_string()} x2={LEFT.to_string()} y1={TOP.to_string()} y2={(TOP + PLOT_H).to_string()} />
            <line class="pic-roll-axis" x1={LEFT.to_string()} x2={right.to_string()} y1={(TOP + PLOT_H).to_string()} y2={(TOP + PLOT_H).to_string()} />
            { text(LEFT - 14, y_of(0) + 3, "pic-tiny", "0") }
            { text(LEFT - 20, y_of(top) + 3, "pic-tiny", top.to_string()) }
            { for columns }
            { bound(r.max_pods, "pic-roll-bound pic-roll-surge", format!("{} {}", t(lang, Label::MaxPods), r.max_pods)) }
            { bound(r.min_ready, "pic-roll-bound pic-roll-floor", format!("{} {}", t(lang, Label::MinReady), r.min_ready)) }
            { text(LEFT, TOP + PLOT_H + 12, "pic-tiny", format!("t={first}s")) }
            { text((right - 30).max(LEFT + 40), TOP + PLOT_H + 12, "pic-tiny", format!("t={last}s")) }
            { for legend }
        </>
    };
    frame(LEFT + PLOT_W + 110, TOP + PLOT_H + 50, description, body)
}

fn status_word(lang: &str, status: &str) -> &'static str {
    let label = match status {
        "complete" => Label::RolloutComplete,
        "stalled" => Label::RolloutStalled,
        "paused" => Label::RolloutPaused,
        _ => Label::RolloutProgressing,
    };
    t(lang, label)
}
