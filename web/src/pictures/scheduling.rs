//! One pod's scheduling decision drawn as a table (nodes × filter verdicts, scores, the pick),
//! and "what if": where the same pods would have gone under another strategy on the same seed
//! (replayed by the core, `cluster::what_if`, never here).

use std::rc::Rc;

use sim_core::cluster::scheduler::filters::FILTERS;
use sim_core::view::{ClusterView, DecisionView, Snapshot};
use yew::prelude::*;

use super::cluster::owner_class;
use super::labels::{t, Label};
use super::svg::{clip, empty, frame, text};

const NODE_W: i32 = 96;
const FILTER_W: i32 = 30;
const ROW: i32 = 20;

#[derive(Properties, PartialEq)]
pub struct SchedulingPictureProps {
    pub snapshot: Rc<Snapshot>,
    pub lang: &'static str,
    /// The pod whose decision to draw; the newest decision when None or not kept.
    #[prop_or_default]
    pub selected: Option<u64>,
}

#[component]
pub fn SchedulingPicture(props: &SchedulingPictureProps) -> Html {
    let lang = props.lang;
    // The strategy to compare with; None shows the decision table.
    let what_if = use_state(|| None::<String>);
    let Some(cluster) = &props.snapshot.cluster else {
        return empty(t(lang, Label::NoCluster));
    };
    let decision = props
        .selected
        .and_then(|id| cluster.decisions.iter().find(|d| d.pod_id == id))
        .or(cluster.decisions.first());
    let buttons = cluster.what_if.iter().map(|w| {
        let name = w.strategy.clone();
        let active = what_if.as_deref() == Some(name.as_str());
        let state = what_if.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            state.set(if active { None } else { Some(name.clone()) })
        });
        html! {
            <button type="button" class={classes!("pic-strategy", active.then_some("pic-active"))}
                aria-pressed={active.to_string()} {onclick}>{ w.strategy.clone() }</button>
        }
    });
    let body = match (what_if.as_deref(), decision) {
        (Some(strategy), _) => compare(cluster, strategy, lang),
        (None, Some(d)) => table(d, lang),
        (None, None) => empty(t(lang, Label::NoDecision)),
    };
    html! {
        <div class="pic-scheduling">
            if !cluster.what_if.is_empty() {
                <div class="pic-strategies" role="group" aria-label={t(lang, Label::WhatIf)}>
                    <span class="pic-small">{ t(lang, Label::WhatIf) }</span>
                    { for buttons }
                </div>
            }
            { body }
        </div>
    }
}

/// Short column headings for the filters, in [`FILTERS`] order.
fn filter_heading(i: usize) -> &'static str {
    ["Unsch", "Name", "Taint", "Affin", "Fit"]
        .get(i)
        .copied()
        .unwrap_or("?")
}

fn table(d: &DecisionView, lang: &'static str) -> Html {
    let score_x = NODE_W + FILTERS.len() as i32 * FILTER_W + 6;
    let reason_x = score_x + 46;
    let headings = (0..FILTERS.len()).map(|i| {
        text(
            NODE_W + i as i32 * FILTER_W,
            34,
            "pic-tiny",
            filter_heading(i),
        )
    });
    let rows = d.rows.iter().enumerate().map(|(r, row)| {
        let y = 40 + r as i32 * ROW;
        let verdicts = row.verdicts.iter().enumerate().map(|(i, v)| {
            let (mark, class) = if v.is_some() { ("✗", "pic-small pic-rejected") } else { ("✓", "pic-small pic-passed") };
            text(NODE_W + i as i32 * FILTER_W + 6, y + 14, class, mark)
        });
        let reason: String = row.verdicts.iter().flatten().cloned().collect::<Vec<_>>().join("; ");
        let score = row.score.map_or("–".to_string(), |s| s.to_string());
        html! {
            <g class={classes!("pic-decision-row", row.picked.then_some("pic-picked"))}>
                if row.picked {
                    <rect class="pic-pick" x="0" y={y.to_string()} width={(reason_x + 240).to_string()} height={ROW.to_string()} rx="3" />
                }
                { text(4, y + 14, "pic-label", clip(&row.node, 12)) }
                { for verdicts }
                { text(score_x, y + 14, "pic-small", score) }
                { text(reason_x, y + 14, "pic-tiny pic-reason", clip(&reason, 44)) }
            </g>
        }
    });
    let outcome = match (&d.picked, &d.failure) {
        (Some(node), _) => format!("{} → {node} ({})", d.pod, d.strategy),
        (None, Some(message)) => format!("{}: {message}", d.pod),
        (None, None) => d.pod.clone(),
    };
    let summary = if lang == "ko" {
        format!(
            "노드 {}개 중 {}개 통과, 선택: {}",
            d.nodes,
            d.feasible,
            d.picked.as_deref().unwrap_or("없음 (Pending)")
        )
    } else {
        format!(
            "{} of {} nodes passed the filters; picked: {}",
            d.feasible,
            d.nodes,
            d.picked.as_deref().unwrap_or("none (Pending)")
        )
    };
    let height = 40 + d.rows.len() as i32 * ROW + 8;
    let description = format!("{outcome}. {summary}.");
    let body = html! {
        <>
            { text(0, 14, "pic-label", clip(&outcome, 70)) }
            { text(4, 34, "pic-tiny", t(lang, Label::Node)) }
            { for headings }
            { text(score_x, 34, "pic-tiny", t(lang, Label::Score)) }
            { text(reason_x, 34, "pic-tiny", t(lang, Label::Reason)) }
            { for rows }
            if d.rows.is_empty() {
                { text(4, 54, "pic-small", summary.clone()) }
            }
        </>
    };
    frame(reason_x + 240, height.max(64), description, body)
}

/// Per node: its pods now and under `strategy` on a replay of the same pods.
fn compare(cluster: &ClusterView, strategy: &str, lang: &'static str) -> Html {
    let Some(replay) = cluster.what_if.iter().find(|w| w.strategy == strategy) else {
        return empty(t(lang, Label::NoDecision));
    };
    // A pod's owner colour by its id, from where it is now.
    let owners: std::collections::BTreeMap<u64, u32> = cluster
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter())
        .chain(cluster.pending.iter())
        .map(|c| (c.id, c.owner))
        .collect();
    let chips = |ids: Vec<u64>, x: i32, y: i32| {
        let drawn: Vec<Html> = ids
            .iter()
            .take(16)
            .enumerate()
            .map(|(i, id)| {
                let class = classes!("pic-pod", owner_class(owners.get(id).copied().unwrap_or(u32::MAX)));
                html! { <rect {class} x={(x + i as i32 * 12).to_string()} y={y.to_string()} width="10" height="10" rx="2" /> }
            })
            .collect();
        html! { <>{ for drawn }</> }
    };
    let rows = cluster.nodes.iter().enumerate().map(|(i, node)| {
        let y = 36 + i as i32 * ROW;
        let now: Vec<u64> = node
            .pods
            .iter()
            .filter(|c| c.status != "terminating")
            .map(|c| c.id)
            .collect();
        let then: Vec<u64> = replay
            .placements
            .iter()
            .filter(|(_, n)| *n == Some(i as u32))
            .map(|(id, _)| *id)
            .collect();
        html! {
            <g class="pic-what-if-row">
                { text(4, y + 10, "pic-label", clip(&node.name, 12)) }
                { text(NODE_W, y + 10, "pic-small", now.len().to_string()) }
                { chips(now, NODE_W + 22, y + 1) }
                { text(NODE_W + 220, y + 10, "pic-small", then.len().to_string()) }
                { chips(then, NODE_W + 242, y + 1) }
            </g>
        }
    });
    let pending = replay
        .placements
        .iter()
        .filter(|(_, n)| n.is_none())
        .count();
    let height = 36 + cluster.nodes.len() as i32 * ROW + if pending > 0 { 20 } else { 0 } + 6;
    let description = if lang == "ko" {
        format!("같은 파드를 같은 시드로 {strategy} 전략으로 다시 배치하면 노드마다 몇 개가 갔을지, 지금({})과 비교.", cluster.strategy)
    } else {
        format!("Where the same pods would have gone under {strategy} on the same seed, per node, against now ({}).", cluster.strategy)
    };
    let body = html! {
        <>
            { text(4, 24, "pic-tiny", t(lang, Label::Node)) }
            { text(NODE_W, 24, "pic-tiny", format!("{} ({})", t(lang, Label::Now), cluster.strategy)) }
            { text(NODE_W + 220, 24, "pic-tiny", format!("{} {strategy}", t(lang, Label::WhatIfUnder))) }
            { for rows }
            if pending > 0 {
                { text(4, height - 8, "pic-small", format!("{} {pending}", t(lang, Label::PendingPods))) }
            }
        </>
    };
    frame(NODE_W + 450, height, description, body)
}
