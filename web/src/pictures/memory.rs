//! Memory per container against its `--memory` limit; OOM-killed containers marked.

use std::rc::Rc;

use sim_core::view::Snapshot;
use yew::prelude::*;

use super::labels::{more, t, Label};
use super::svg::{clip, empty, frame, mem_size, text};

/// Bars drawn; the rest are counted.
pub const MAX_BARS: usize = 20;

const NAME_W: i32 = 150;
const BAR_W: i32 = 420;
const ROW: i32 = 30;

#[derive(Properties, PartialEq)]
pub struct MemoryPictureProps {
    pub snapshot: Rc<Snapshot>,
    pub lang: &'static str,
}

#[component]
pub fn MemoryPicture(props: &MemoryPictureProps) -> Html {
    let lang = props.lang;
    let all = &props.snapshot.memory;
    if all.is_empty() {
        return empty(t(lang, Label::NoContainers));
    }
    // Limited and OOM-killed containers first: they are what this picture is about.
    let mut shown: Vec<_> = all.iter().collect();
    sim_core::order::sort_by_key(&mut shown, |m| {
        (!m.oom_killed, m.limit.is_none(), !m.running)
    });
    let hidden = shown.len().saturating_sub(MAX_BARS);
    shown.truncate(MAX_BARS);
    // Unlimited containers are drawn against the largest figure in the picture.
    let scale = shown
        .iter()
        .map(|m| m.limit.unwrap_or(m.used).max(m.used))
        .max()
        .unwrap_or(1)
        .max(1);

    let bars = shown.iter().enumerate().map(|(i, m)| {
        let y = 8 + i as i32 * ROW;
        let (track, fraction) = match m.limit {
            Some(limit) => (BAR_W, m.used.min(limit) as f64 / limit.max(1) as f64),
            None => (BAR_W, m.used as f64 / scale as f64),
        };
        let fill_class = classes!(
            "pic-mem-used",
            m.oom_killed.then_some("pic-oom"),
            m.limit.is_some_and(|l| m.used * 10 >= l * 9).then_some("pic-near")
        );
        let figure = match (m.limit, m.oom_killed) {
            (_, true) => format!("OOMKilled · {} {}", t(lang, Label::Limit), mem_size(m.limit.unwrap_or(m.used))),
            (Some(limit), false) => format!("{} {} / {} {}", t(lang, Label::Used), mem_size(m.used), t(lang, Label::Limit), mem_size(limit)),
            (None, false) => format!("{} {} · {}", t(lang, Label::Used), mem_size(m.used), t(lang, Label::NoLimit)),
        };
        let track_class = classes!("pic-mem-track", m.limit.is_none().then_some("pic-unlimited"));
        html! {
            <g class="pic-mem">
                { text(0, y + 15, "pic-label", clip(&m.name, 20)) }
                <rect class={track_class} x={NAME_W.to_string()} y={y.to_string()} width={track.to_string()} height="20" rx="3" />
                <rect class={fill_class} x={NAME_W.to_string()} y={y.to_string()} width={track.to_string()} height="20" rx="3"
                    style={format!("transform: scaleX({fraction:.4})")} />
                if m.limit.is_some() {
                    <line class="pic-limit" x1={(NAME_W + track).to_string()} y1={(y - 2).to_string()} x2={(NAME_W + track).to_string()} y2={(y + 22).to_string()} />
                }
                { text(NAME_W + 6, y + 14, "pic-small pic-on-bar", figure) }
            </g>
        }
    });
    let oom = all.iter().filter(|m| m.oom_killed).count();
    let limited = all.iter().filter(|m| m.limit.is_some()).count();
    let description = if lang == "ko" {
        format!("컨테이너 {}개의 메모리 사용량. {limited}개는 --memory 한도가 있고, {oom}개는 한도를 넘어 OOMKilled(종료 코드 137).", all.len())
    } else {
        format!("Memory use of {} containers. {limited} have a --memory limit; {oom} went over it and were OOM-killed (exit code 137).", all.len())
    };
    let height = 8 + shown.len() as i32 * ROW + if hidden > 0 { 20 } else { 0 } + 4;
    let body = html! {
        <>
            { for bars }
            if hidden > 0 {
                { text(0, height - 8, "pic-small", more(lang, hidden)) }
            }
        </>
    };
    frame(NAME_W + BAR_W + 10, height, description, body)
}
