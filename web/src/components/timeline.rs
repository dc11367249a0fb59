//! Every event in order, grouped under the command that caused it. Stepping back replays the
//! scenario up to an earlier command (the pictures follow); stepping forward re-applies the
//! undone ones.

use std::rc::Rc;

use yew::prelude::*;

use crate::app::use_texts;
use crate::state::scenario::ScenarioStep;
use crate::state::session::SharedEntry;

/// Commands drawn at first (the newest); "show all" draws the rest. Older ones are hidden in
/// steps of HIDE_STEP into a fixed number of slots (see the terminal's transcript for why).
const SHOWN_STEPS: usize = 40;
const HIDE_STEP: usize = 20;
const SLOTS: usize = SHOWN_STEPS + HIDE_STEP;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub steps: Rc<Vec<ScenarioStep>>,
    pub transcript: Rc<Vec<SharedEntry>>,
    pub cursor: usize,
    pub on_step_to: Callback<usize>,
    pub on_reset: Callback<()>,
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let texts = use_texts();
    let show_all = use_state(|| false);
    let cursor = props.cursor;
    let total = props.steps.len();
    let step_to = |n: usize| {
        let on_step_to = props.on_step_to.clone();
        Callback::from(move |_: MouseEvent| on_step_to.emit(n))
    };
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
                <button type="button" id="step-back" onclick={step_to(cursor.saturating_sub(1))}
                    disabled={cursor == 0}>{ "◀ " }{ texts.step_back }</button>
                <button type="button" id="step-forward" onclick={step_to(cursor + 1)}
                    disabled={cursor >= total}>{ texts.step_forward }{ " ▶" }</button>
                <button type="button" id="reset" onclick={reset}
                    disabled={total == 0}>{ texts.reset }</button>
                <span class="muted" id="timeline-position" aria-live="polite">
                    { format!("{cursor} / {total}") }
                </span>
            </div>
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
                                on_step_to={props.on_step_to.clone()} />
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
    #[prop_or_default]
    on_step_to: Callback<usize>,
}

/// One command and its events; a component so that old steps are not redrawn.
#[component]
fn TimelineStep(props: &TimelineStepProps) -> Html {
    let texts = use_texts();
    if props.state == "empty" {
        return Html::default();
    }
    let index = props.index;
    let onclick = {
        let on_step_to = props.on_step_to.clone();
        Callback::from(move |_: MouseEvent| on_step_to.emit(index + 1))
    };
    html! {
        <li class={classes!("timeline-step", props.state)}
            aria-current={(props.state == "current").then_some("step")}>
            <button type="button" class="timeline-line" {onclick} title={texts.now_at}>
                { "$ " }{ props.line.clone() }
            </button>
            if let Some(entry) = &props.entry {
                <ul class="events">
                    { for entry.events.iter().filter(|e| e.kind.name() != "command").map(|e| html! {
                        <li class={classes!("event", e.kind.name())} data-seq={e.seq.to_string()}>
                            <span class="event-time">{ format!("{:.1}s", e.at as f64 / 1000.0) }</span>
                            { " " }{ e.kind.summary() }
                        </li>
                    }) }
                </ul>
            }
        </li>
    }
}
