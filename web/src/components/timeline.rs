//! Every event in order, grouped under the command that caused it. Stepping back replays the
//! scenario up to an earlier command (the pictures follow); stepping forward re-applies the
//! undone ones.

use std::rc::Rc;

use sim_core::Event;
use yew::prelude::*;

use crate::app::use_texts;
use crate::state::scenario::ScenarioStep;
use crate::state::session::Entry;

/// Commands drawn at most (the newest); the rest are counted.
const SHOWN_STEPS: usize = 150;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub steps: Rc<Vec<ScenarioStep>>,
    pub transcript: Rc<Vec<Entry>>,
    pub events: Rc<Vec<Event>>,
    pub cursor: usize,
    pub on_step_to: Callback<usize>,
    pub on_reset: Callback<()>,
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let texts = use_texts();
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
    let hidden = total.saturating_sub(SHOWN_STEPS);

    let item = |index: usize| -> Html {
        let step = &props.steps[index];
        let applied = index < cursor;
        let state = if index + 1 == cursor {
            "current"
        } else if applied {
            "applied"
        } else {
            "undone"
        };
        let events: Html = match props.transcript.get(index).filter(|_| applied) {
            Some(entry) => {
                let from = index
                    .checked_sub(1)
                    .and_then(|i| props.transcript.get(i))
                    .map_or(0, |e| e.events_after);
                let list = props
                    .events
                    .get(from..entry.events_after.min(props.events.len()))
                    .unwrap_or_default();
                html! {
                    <ul class="events">
                        { for list.iter().filter(|e| e.kind.name() != "command").map(|e| html! {
                            <li class={classes!("event", e.kind.name())} data-seq={e.seq.to_string()}>
                                <span class="event-time">{ format!("{:.1}s", e.at as f64 / 1000.0) }</span>
                                { " " }{ e.kind.summary() }
                            </li>
                        }) }
                    </ul>
                }
            }
            None => Html::default(),
        };
        html! {
            <li class={classes!("timeline-step", state)}
                aria-current={(index + 1 == cursor).then_some("step")}>
                <button type="button" class="timeline-line" onclick={step_to(index + 1)}
                    title={texts.now_at}>
                    <span class="step-no">{ index + 1 }</span>{ " $ " }{ &step.line }
                </button>
                { events }
            </li>
        }
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
                <ol class="timeline-list" start={(hidden + 1).to_string()}>
                    { for (hidden..total).map(item) }
                </ol>
            }
        </section>
    }
}
