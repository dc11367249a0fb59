//! Inside vs outside: the host sees every container's process among its own, under host PIDs;
//! each container sees only itself, with its own hostname and its main program as PID 1.

use std::rc::Rc;

use sim_core::view::Snapshot;
use yew::prelude::*;

use super::labels::{more, t, Label};
use super::svg::{clip, frame, text};

/// Host process lines listed.
pub const MAX_HOST_LINES: usize = 14;
/// Container boxes drawn (running ones first).
pub const MAX_BOXES: usize = 6;

const HOST_W: i32 = 390;
const BOX_X: i32 = 450;
const BOX_W: i32 = 300;
const BOX_H: i32 = 74;
const LINE: i32 = 18;
/// The host's `PID COMMAND` header line, and the baseline of its first process row one full
/// line below it (closer, the header is drawn over the first row).
const HOST_HEADER_Y: i32 = 36;
const HOST_ROWS_Y: i32 = HOST_HEADER_Y + LINE;

#[derive(Properties, PartialEq)]
pub struct IsolationPictureProps {
    pub snapshot: Rc<Snapshot>,
    pub lang: &'static str,
}

#[component]
pub fn IsolationPicture(props: &IsolationPictureProps) -> Html {
    let lang = props.lang;
    let snap = &props.snapshot;
    let host = &snap.host;

    // Running containers first (they have processes), then the rest, each in ID order.
    let mut boxes: Vec<_> = snap.containers.iter().collect();
    sim_core::order::sort_by_key(&mut boxes, |c| c.processes.is_empty());
    let hidden_boxes = boxes.len().saturating_sub(MAX_BOXES);
    boxes.truncate(MAX_BOXES);

    // Host lines: its own daemons, then container processes of the drawn boxes, up to the cap.
    let mut lines: Vec<_> = host.processes.iter().collect();
    sim_core::order::sort_by_key(&mut lines, |p| (p.container.is_some(), p.pid));
    let hidden_lines = lines.len().saturating_sub(MAX_HOST_LINES);
    lines.truncate(MAX_HOST_LINES);
    sim_core::order::sort_by_key(&mut lines, |p| p.pid);

    let host_h =
        HOST_ROWS_Y - 4 + lines.len() as i32 * LINE + if hidden_lines > 0 { LINE } else { 0 };
    let boxes_h = boxes.len() as i32 * (BOX_H + 10) + if hidden_boxes > 0 { 24 } else { 0 };
    let height = host_h.max(boxes_h) + 16;

    let host_rows = lines.iter().enumerate().map(|(i, p)| {
        let y = HOST_ROWS_Y + i as i32 * LINE;
        let class = if p.container.is_some() { "pic-proc pic-proc-container" } else { "pic-proc" };
        let who = p
            .container
            .as_ref()
            .map(|c| format!("  [{c}]"))
            .unwrap_or_default();
        html! {
            <g class={class}>
                { text(12, y, "pic-small pic-mono", format!("{:>6}  {}{who}", p.pid, clip(&p.command, 34))) }
            </g>
        }
    });

    let container_boxes = boxes.iter().enumerate().map(|(i, c)| {
        let y = 4 + i as i32 * (BOX_H + 10);
        let host_row = lines
            .iter()
            .position(|p| p.container.as_deref() == Some(c.name.as_str()) && p.container_pid == Some(1));
        let link = host_row.map(|row| {
            let hy = HOST_ROWS_Y + row as i32 * LINE - 5;
            html! {
                <line class="pic-link pic-same-process" x1={(HOST_W - 4).to_string()} y1={hy.to_string()}
                    x2={BOX_X.to_string()} y2={(y + 50).to_string()}>
                    <title>{ t(lang, Label::SameProcess) }</title>
                </line>
            }
        });
        let ps = if c.processes.is_empty() {
            text(BOX_X + 10, y + 54, "pic-small pic-muted", t(lang, Label::NotRunning))
        } else {
            html! {
                <>
                    { text(BOX_X + 10, y + 40, "pic-small pic-mono pic-muted", "PID  COMMAND") }
                    { for c.processes.iter().take(2).enumerate().map(|(j, p)| {
                        text(BOX_X + 10, y + 54 + j as i32 * 14, "pic-small pic-mono",
                            format!("{:>3}  {}", p.pid, clip(&p.command, 34)))
                    }) }
                </>
            }
        };
        html! {
            <g class="pic-isolated">
                { link.unwrap_or_default() }
                <rect class="pic-box pic-container-box" x={BOX_X.to_string()} y={y.to_string()} width={BOX_W.to_string()} height={BOX_H.to_string()} rx="8" />
                { text(BOX_X + 10, y + 16, "pic-label pic-strong", format!("{} · {}", clip(&c.name, 16), c.state)) }
                { text(BOX_X + 10, y + 30, "pic-small", format!("{}: {}", t(lang, Label::Hostname), clip(&c.hostname, 22))) }
                { ps }
            </g>
        }
    });

    let running = snap
        .containers
        .iter()
        .filter(|c| !c.processes.is_empty())
        .count();
    let description = if lang == "ko" {
        format!(
            "호스트 \"{}\"는 프로세스 {}개를 모두 봅니다. 실행 중인 컨테이너 {running}개는 각자 자기 호스트 이름과 자기 PID 1만 봅니다.",
            host.hostname,
            host.processes.len()
        )
    } else {
        format!(
            "The host \"{}\" sees all {} processes; each of the {running} running containers sees only itself: its own hostname, its main program as PID 1.",
            host.hostname,
            host.processes.len()
        )
    };
    let body = html! {
        <>
            <rect class="pic-box pic-host" x="0" y="4" width={HOST_W.to_string()} height={(host_h - 4).to_string()} rx="10" />
            { text(12, 22, "pic-label pic-strong", format!("{} · {}: {}", t(lang, Label::Host), t(lang, Label::Hostname), host.hostname)) }
            { text(12, HOST_HEADER_Y, "pic-small pic-mono pic-muted", "   PID  COMMAND") }
            { for host_rows }
            if hidden_lines > 0 {
                { text(12, HOST_ROWS_Y + lines.len() as i32 * LINE, "pic-small", more(lang, hidden_lines)) }
            }
            { for container_boxes }
            if hidden_boxes > 0 {
                { text(BOX_X + 10, boxes_h - 6, "pic-label", more(lang, hidden_boxes)) }
            }
        </>
    };
    frame(BOX_X + BOX_W + 4, height, description, body)
}
