//! Every event in order, grouped under the command that caused it. Stepping goes one event at
//! a time: inside a command the pictures show the state right after each of its events (a
//! container created but not yet started, stopped but not yet removed); across commands it
//! replays the scenario up to an earlier one, or re-applies the undone ones.

use std::rc::Rc;

use sim_core::Event;
use sim_core::Language;
use yew::prelude::*;

use crate::app::{use_app, use_texts};
use crate::state::scenario::Step;
use crate::state::session::{Position, SharedEntry};

/// Commands drawn at first (the newest); "show all" draws the rest. Older ones are hidden in
/// steps of HIDE_STEP into a fixed number of slots (see the terminal's transcript for why).
const SHOWN_STEPS: usize = 40;
const HIDE_STEP: usize = 20;
const SLOTS: usize = SHOWN_STEPS + HIDE_STEP;
/// Events listed per command (see [`event_window`]).
const MAX_EVENTS: usize = 200;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub steps: Rc<Vec<Step>>,
    pub transcript: Rc<Vec<SharedEntry>>,
    pub cursor: usize,
    /// The event of the step at the cursor the pictures show, if not the end of the step.
    pub focus: Option<usize>,
    /// Where the step buttons lead (`None`: at the start or the end).
    pub previous: Option<Position>,
    pub next: Option<Position>,
    pub on_seek: Callback<Position>,
    pub on_reset: Callback<()>,
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let texts = use_texts();
    let show_all = use_state(|| false);
    let cursor = props.cursor;
    let total = props.steps.len();
    let seek = |to: Option<Position>| {
        let on_seek = props.on_seek.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(to) = to {
                on_seek.emit(to);
            }
        })
    };
    let focused_event = props.focus.and_then(|i| {
        let entry = props.transcript.get(cursor.checked_sub(1)?)?;
        Some((i + 1, entry.events.len()))
    });
    let reset = {
        let on_reset = props.on_reset.clone();
        Callback::from(move |_: MouseEvent| on_reset.emit(()))
    };
    let hidden = match total.checked_sub(SHOWN_STEPS) {
        Some(over) if !*show_all => (over / HIDE_STEP + 1) * HIDE_STEP,
        _ => 0,
    };
    let reveal = {
        let show_all = show_all.clone();
        Callback::from(move |_: MouseEvent| show_all.set(true))
    };

    html! {
        <section class="timeline panel" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{ texts.timeline }</h2>
            <div class="timeline-controls">
                <button type="button" id="step-back" onclick={seek(props.previous)}
                    disabled={props.previous.is_none()}>{ "◀ " }{ texts.step_back }</button>
                <button type="button" id="step-forward" onclick={seek(props.next)}
                    disabled={props.next.is_none()}>{ texts.step_forward }{ " ▶" }</button>
                <button type="button" id="reset" onclick={reset}
                    disabled={total == 0}>{ texts.reset }</button>
                <span class="muted" aria-live="polite">
                    <span id="timeline-position">{ format!("{cursor} / {total}") }</span>
                    if let Some((n, of)) = focused_event {
                        <span id="timeline-event">{ format!(" · {} {n}/{of}", texts.event) }</span>
                    }
                </span>
            </div>
            if focused_event.is_some() {
                <p class="muted mid-command">{ texts.mid_command }</p>
            }
            if total == 0 {
                <p class="muted">{ texts.no_events }</p>
            } else {
                if hidden > 0 {
                    <button type="button" class="show-all" onclick={reveal}>
                        { format!("{} (+{hidden})", texts.show_all) }
                    </button>
                }
                <ol class="timeline-list" start={(hidden + 1).to_string()}>
                    { for (hidden..if *show_all { total } else { hidden + SLOTS }).map(|index| {
                        let Some(step) = props.steps.get(index) else {
                            return html! { <TimelineStep index={usize::MAX} state="empty" /> };
                        };
                        let state = if index + 1 == cursor {
                            "current"
                        } else if index < cursor {
                            "applied"
                        } else {
                            "undone"
                        };
                        html! {
                            <TimelineStep {index} {state}
                                line={step.line.clone()}
                                entry={props.transcript.get(index).filter(|_| index < cursor).cloned()}
                                focus={if index + 1 == cursor { props.focus } else { None }}
                                on_seek={props.on_seek.clone()} />
                        }
                    }) }
                </ol>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TimelineStepProps {
    index: usize,
    /// "applied", "current", "undone", or "empty" for a slot not used yet.
    state: &'static str,
    #[prop_or_default]
    line: AttrValue,
    /// What the line did, when it is applied.
    #[prop_or_default]
    entry: Option<SharedEntry>,
    /// The event the pictures show, when this is the current step and not at its end.
    #[prop_or_default]
    focus: Option<usize>,
    #[prop_or_default]
    on_seek: Callback<Position>,
}

/// One command and its events; a component so that old steps are not redrawn.
#[component]
fn TimelineStep(props: &TimelineStepProps) -> Html {
    let texts = use_texts();
    let language = match use_app().lang.code() {
        "ko" => Language::Korean,
        _ => Language::English,
    };
    if props.state == "empty" {
        return Html::default();
    }
    let index = props.index;
    let seek = |event: Option<usize>| {
        let on_seek = props.on_seek.clone();
        Callback::from(move |_: MouseEvent| {
            on_seek.emit(Position {
                step: index + 1,
                event,
            })
        })
    };
    let onclick = seek(None);
    // Where the pictures stand within this step: every event up to it has happened.
    let shown_up_to = match (props.state, props.focus) {
        ("current", Some(i)) => i,
        _ => usize::MAX,
    };
    let listed = props.entry.as_ref().map(|entry| {
        let (shown, more) = event_window(&entry.events, shown_up_to);
        (entry, shown, more)
    });
    html! {
        <li class={classes!("timeline-step", props.state)}
            aria-current={(props.state == "current").then_some("step")}>
            <button type="button" class="timeline-line" {onclick} title={texts.now_at}>
                { "$ " }{ props.line.clone() }
            </button>
            if let Some((entry, shown, more)) = listed {
                <ul class="events">
                    { for shown.into_iter().map(|(i, e)| {
                        let last = i + 1 == entry.events.len();
                        let at = if i == shown_up_to { "current" } else if i > shown_up_to { "undone" } else { "applied" };
                        html! {
                            <li class={classes!("event", e.kind.name(), at)} data-seq={e.seq.to_string()}
                                aria-current={(at == "current").then_some("step")}>
                                <button type="button" class="event-line" title={texts.show_event}
                                    onclick={seek((!last).then_some(i))}>
                                    <span class="event-time">{ format!("{:.1}s", e.at as f64 / 1000.0) }</span>
                                    { " " }{ e.kind.summary_in(language) }
                                </button>
                            </li>
                        }
                    }) }
                    if more > 0 {
                        <li class="event event-more muted">{ format!("… +{more}") }</li>
                    }
                </ul>
            }
        </li>
    }
}

/// The events of one step drawn in its list: at most [`MAX_EVENTS`] (a command that starts 3,000
/// pods records tens of thousands, too many list items to lay out), centred on `focus` when the
/// pictures stand inside the step; also how many were left out.
fn event_window(events: &[Event], focus: usize) -> (Vec<(usize, &Event)>, usize) {
    let listed: Vec<(usize, &Event)> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind.name() != "command")
        .collect();
    let total = listed.len();
    let at = listed.iter().position(|(i, _)| *i >= focus).unwrap_or(0);
    let start = at
        .saturating_sub(MAX_EVENTS / 2)
        .min(total.saturating_sub(MAX_EVENTS));
    let shown: Vec<_> = listed.into_iter().skip(start).take(MAX_EVENTS).collect();
    let more = total - shown.len();
    (shown, more)
}

#[cfg(test)]
mod tests {
    use super::{event_window, MAX_EVENTS};
    use sim_core::{BuildContext, World};

    fn many_events() -> Vec<sim_core::Event> {
        let mut world = World::new(1);
        let none = BuildContext::default();
        world.run_line("cluster create --nodes 3", &none);
        let first = world.events().len();
        world.run_line(
            "kubectl create deployment web --image=nginx --replicas=90",
            &none,
        );
        world.events()[first..].to_vec()
    }

    #[test]
    fn a_long_command_lists_a_window_around_the_focus_and_counts_the_rest() {
        let events = many_events();
        let listed = events.iter().filter(|e| e.kind.name() != "command").count();
        assert!(listed > MAX_EVENTS, "the command records {listed} events");
        let (shown, more) = event_window(&events, usize::MAX);
        assert_eq!(shown.len(), MAX_EVENTS);
        assert_eq!(shown.len() + more, listed);
        let focus = events.len() / 2;
        let (shown, _) = event_window(&events, focus);
        assert!(
            shown.iter().any(|(i, _)| *i == focus),
            "the focused event is listed"
        );
        let (shown, _) = event_window(&events, events.len() - 1);
        assert_eq!(shown.last().map(|(i, _)| *i), Some(events.len() - 1));
    }

    #[test]
    fn a_short_command_lists_every_event() {
        let mut world = World::new(1);
        world.run_line("docker volume create a", &BuildContext::default());
        let events = world.events().to_vec();
        let (shown, more) = event_window(&events, usize::MAX);
        let listed = events.iter().filter(|e| e.kind.name() != "command").count();
        assert_eq!((shown.len(), more), (listed, 0));
    }
}
