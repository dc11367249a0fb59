//! The cluster: nodes as boxes with CPU and memory bars (requested against allocatable) and
//! their pods as chips coloured by owner; failed or NotReady nodes greyed, cordoned ones marked.
//! Past [`SUMMARY_NODES`] nodes it summarises: counts per state and pods per node.

use std::rc::Rc;

use sim_core::view::{ClusterView, NodeView, PodChip, Snapshot};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::labels::{t, Label};
use super::svg::{clip, empty, frame, mem_size, text};

/// Above this many nodes the picture summarises instead of drawing every box.
pub const SUMMARY_NODES: usize = 200;
/// Chips drawn per node; the rest are counted.
pub const MAX_CHIPS: usize = 44;

const COLUMNS: usize = 3;
const BOX_W: i32 = 196;
const GAP: i32 = 10;
const CHIP: i32 = 13;
const CHIPS_PER_ROW: usize = 11;
const BAR_W: i32 = 84;

#[derive(Properties, PartialEq)]
pub struct ClusterPictureProps {
    pub snapshot: Rc<Snapshot>,
    pub lang: &'static str,
    /// The pod chosen for the scheduling picture (its chip is outlined).
    #[prop_or_default]
    pub selected: Option<u64>,
    /// Called with a pod's id when its chip is clicked.
    #[prop_or_default]
    pub on_select: Callback<u64>,
}

#[component]
pub fn ClusterPicture(props: &ClusterPictureProps) -> Html {
    let lang = props.lang;
    let Some(cluster) = &props.snapshot.cluster else {
        return empty(t(lang, Label::NoCluster));
    };
    if cluster.nodes.len() > SUMMARY_NODES {
        return summary(cluster, lang);
    }
    boxes(cluster, lang, props.selected, &props.on_select)
}

/// The colour class of a pod's owner (bare pods get their own).
pub fn owner_class(owner: u32) -> String {
    if owner == u32::MAX {
        "pic-pod-bare".to_string()
    } else {
        format!("pic-pod-{}", owner % 8)
    }
}

fn box_height(node: &NodeView) -> i32 {
    let chips = node.pods.len().min(MAX_CHIPS);
    let rows = chips.div_ceil(CHIPS_PER_ROW).max(1) as i32;
    64 + rows * (CHIP + 3) + if node.pods.len() > MAX_CHIPS { 14 } else { 0 }
}

fn boxes(
    cluster: &ClusterView,
    lang: &'static str,
    selected: Option<u64>,
    on_select: &Callback<u64>,
) -> Html {
    let mut y = 0;
    let mut drawn = Vec::with_capacity(cluster.nodes.len());
    for row in cluster.nodes.chunks(COLUMNS) {
        let height = row.iter().map(box_height).max().unwrap_or(0);
        for (column, node) in row.iter().enumerate() {
            let x = column as i32 * (BOX_W + GAP);
            // Only the box holding the selected pod hears of the selection, so a click
            // redraws one box; the others compare equal and are skipped.
            let selected = selected.filter(|id| node.pods.iter().any(|c| c.id == *id));
            drawn.push(html! {
                <NodeBox key={node.name.clone()} node={node.clone()} {x} {y} {height} {lang} {selected} />
            });
        }
        y += height + GAP;
    }
    let pending = (!cluster.pending.is_empty()).then(|| {
        let label = format!("{} {}", t(lang, Label::PendingPods), cluster.pending.len());
        let chips = cluster
            .pending
            .iter()
            .take(MAX_CHIPS)
            .enumerate()
            .map(|(i, chip)| pod_chip(chip, 110 + i as i32 * (CHIP + 3), y + 2, selected));
        html! { <g class="pic-pending">{ text(0, y + 13, "pic-label", label) }{ for chips }</g> }
    });
    let height = y + if pending.is_some() { 24 } else { 0 };
    let failed = cluster
        .nodes
        .iter()
        .filter(|n| !n.ready || n.failed)
        .count();
    let cordoned = cluster.nodes.iter().filter(|n| n.unschedulable).count();
    let pods: usize = cluster.nodes.iter().map(|n| n.pods.len()).sum();
    let description = if lang == "ko" {
        format!("클러스터: 노드 {}개(NotReady {failed}개, cordon {cordoned}개), 노드에 놓인 파드 {pods}개, 대기 중인 파드 {}개. 스케줄링 전략 {}.", cluster.nodes.len(), cluster.pending.len(), cluster.strategy)
    } else {
        format!("Cluster: {} nodes ({failed} NotReady, {cordoned} cordoned), {pods} pods on nodes, {} pending. Scheduling strategy {}.", cluster.nodes.len(), cluster.pending.len(), cluster.strategy)
    };
    // One listener for every chip: the clicked chip names its pod in `data-pod`.
    let on_select = on_select.clone();
    let onclick = Callback::from(move |e: MouseEvent| {
        let pod = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.get_attribute("data-pod"))
            .and_then(|id| id.parse::<u64>().ok());
        if let Some(id) = pod {
            on_select.emit(id);
        }
    });
    let width = COLUMNS as i32 * (BOX_W + GAP) - GAP;
    frame(
        width,
        height,
        description,
        html! { <g class="pic-cluster" {onclick}>{ for drawn }{ pending }</g> },
    )
}

#[derive(Properties, PartialEq)]
struct NodeBoxProps {
    node: NodeView,
    x: i32,
    y: i32,
    height: i32,
    lang: &'static str,
    selected: Option<u64>,
}

#[component]
fn NodeBox(props: &NodeBoxProps) -> Html {
    let NodeBoxProps {
        node,
        x,
        y,
        height,
        lang,
        selected,
    } = props;
    let (x, y, height, lang, selected) = (*x, *y, *height, *lang, *selected);
    let down = !node.ready || node.failed;
    let class = classes!(
        "pic-node",
        down.then_some("pic-node-failed"),
        node.unschedulable.then_some("pic-node-cordoned")
    );
    let state = if node.failed {
        format!("{} · {}", node.status, t(lang, Label::KubeletStopped))
    } else {
        node.status.clone()
    };
    let chips = node
        .pods
        .iter()
        .take(MAX_CHIPS)
        .enumerate()
        .map(|(i, chip)| {
            let cx = x + 8 + (i % CHIPS_PER_ROW) as i32 * (CHIP + 3);
            let cy = y + 62 + (i / CHIPS_PER_ROW) as i32 * (CHIP + 3);
            pod_chip(chip, cx, cy, selected)
        });
    let hidden = node.pods.len().saturating_sub(MAX_CHIPS);
    let cpu = format!("{}m / {}m", node.cpu_m_requested, node.cpu_m);
    let memory = format!(
        "{} / {}",
        mem_size(node.memory_requested),
        mem_size(node.memory)
    );
    html! {
        <g class={class}>
            <rect class="pic-node-box" x={x.to_string()} y={y.to_string()} width={BOX_W.to_string()} height={height.to_string()} rx="6" />
            { text(x + 8, y + 16, "pic-label", clip(&node.name, 16)) }
            { text(x + 8, y + 30, "pic-small pic-node-state", clip(&state, 34)) }
            { bar(x + 8, y + 36, t(lang, Label::Cpu), node.cpu_m_requested, node.cpu_m, cpu) }
            { bar(x + 8, y + 47, t(lang, Label::MemoryShort), node.memory_requested, node.memory, memory) }
            { for chips }
            if hidden > 0 {
                { text(x + 8, y + height - 4, "pic-small", super::labels::more(lang, hidden)) }
            }
        </g>
    }
}

/// One bar: requested against allocatable.
fn bar(x: i32, y: i32, label: &'static str, used: u64, total: u64, figure: String) -> Html {
    let fraction = if total == 0 {
        0.0
    } else {
        (used as f64 / total as f64).min(1.0)
    };
    html! {
        <g class="pic-node-bar">
            { text(x, y + 8, "pic-tiny", label) }
            <rect class="pic-bar-track" x={(x + 30).to_string()} y={y.to_string()} width={BAR_W.to_string()} height="8" rx="2" />
            <rect class="pic-bar-fill" x={(x + 30).to_string()} y={y.to_string()} width={format!("{:.1}", BAR_W as f64 * fraction)} height="8" rx="2" />
            { text(x + 34 + BAR_W, y + 8, "pic-tiny", figure) }
        </g>
    }
}

fn pod_chip(chip: &PodChip, x: i32, y: i32, selected: Option<u64>) -> Html {
    let class = classes!(
        "pic-pod",
        owner_class(chip.owner),
        format!("pic-pod-{}", chip.status),
        (selected == Some(chip.id)).then_some("pic-pod-selected")
    );
    html! {
        <rect {class} data-pod={chip.id.to_string()} x={x.to_string()} y={y.to_string()} width={CHIP.to_string()} height={CHIP.to_string()} rx="3" />
    }
}

/// Counts per node state and a histogram of pods per node, for clusters too big to draw.
fn summary(cluster: &ClusterView, lang: &'static str) -> Html {
    let ready = cluster
        .nodes
        .iter()
        .filter(|n| n.ready && !n.failed && !n.unschedulable)
        .count();
    let cordoned = cluster
        .nodes
        .iter()
        .filter(|n| n.ready && n.unschedulable)
        .count();
    let down = cluster.nodes.len() - ready - cordoned;
    let pods: usize = cluster.nodes.iter().map(|n| n.pods.len()).sum();
    // Pods per node in buckets of ten (0-9, 10-19, ... 110+).
    const BUCKETS: usize = 12;
    let mut counts = [0usize; BUCKETS];
    for n in &cluster.nodes {
        counts[(n.pods.len() / 10).min(BUCKETS - 1)] += 1;
    }
    let highest = counts.iter().copied().max().unwrap_or(1).max(1);
    let bars = counts.iter().enumerate().map(|(i, &c)| {
        let h = (c as f64 / highest as f64 * 80.0).round() as i32;
        let x = 10 + i as i32 * 46;
        html! {
            <g class="pic-histogram-bar">
                <rect class="pic-bar-fill" x={x.to_string()} y={(140 - h).to_string()} width="36" height={h.max(1).to_string()} />
                { text(x, 154, "pic-tiny", format!("{}", i * 10)) }
                { text(x, 136 - h, "pic-tiny", c.to_string()) }
            </g>
        }
    });
    let line =
        |label: Label, n: usize, class: &'static str| (format!("{} {n}", t(lang, label)), class);
    let states = [
        line(Label::NodesReady, ready, "pic-label"),
        line(Label::NodesCordoned, cordoned, "pic-label"),
        line(Label::NodesDown, down, "pic-label pic-down"),
    ];
    let state_texts = states
        .iter()
        .enumerate()
        .map(|(i, (s, class))| text(10 + i as i32 * 180, 16, class, s.clone()));
    let description = if lang == "ko" {
        format!("노드 {}개 요약: Ready {ready}, cordon {cordoned}, NotReady {down}; 파드 {pods}개, 대기 {}개. 막대는 노드당 파드 수(10개 단위)의 분포.", cluster.nodes.len(), cluster.pending.len())
    } else {
        format!("Summary of {} nodes: {ready} Ready, {cordoned} cordoned, {down} NotReady; {pods} pods, {} pending. The bars are the nodes per count of pods (in tens).", cluster.nodes.len(), cluster.pending.len())
    };
    let body = html! {
        <g class="pic-cluster-summary">
            { for state_texts }
            { text(10, 36, "pic-small", format!("{} · {} {pods}", t(lang, Label::PodsPerNode), t(lang, Label::Pods))) }
            { for bars }
        </g>
    };
    frame(COLUMNS as i32 * (BOX_W + GAP) - GAP, 160, description, body)
}
