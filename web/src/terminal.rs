//! A one-line command prompt above the transcript of everything run so far.

use std::rc::Rc;

use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use crate::session::Entry;

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    pub transcript: Rc<Vec<Entry>>,
    pub on_run: Callback<String>,
}

#[component]
pub fn Terminal(props: &TerminalProps) -> Html {
    let output = use_node_ref();

    // Keep the newest output in view, as a terminal does.
    {
        let output = output.clone();
        use_effect_with(props.transcript.len(), move |_| {
            if let Some(output) = output.cast::<Element>() {
                output.set_scroll_top(output.scroll_height());
            }
        });
    }

    let onkeydown = {
        let on_run = props.on_run.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() != "Enter" || event.is_composing() {
                return;
            }
            let input: HtmlInputElement = event.target_unchecked_into();
            let line = input.value();
            if line.trim().is_empty() {
                return;
            }
            input.set_value("");
            on_run.emit(line.trim().to_string());
        })
    };

    html! {
        <section class="terminal">
            <div id="output" class="output" role="log" aria-live="polite" ref={output}>
                { for props.transcript.iter().map(entry) }
            </div>
            <div class="prompt-line">
                <label for="command" class="visually-hidden">{ "Command" }</label>
                <span class="prompt" aria-hidden="true">{ "$" }</span>
                <input id="command" type="text" autocomplete="off" autocapitalize="off"
                    spellcheck="false" autofocus=true placeholder="docker run --rm busybox echo hello"
                    {onkeydown} />
            </div>
        </section>
    }
}

fn entry(entry: &Entry) -> Html {
    let outcome = &entry.outcome;
    let class = classes!("entry", (outcome.exit_code != 0).then_some("failed"));
    html! {
        <div {class} data-exit-code={outcome.exit_code.to_string()}>
            <div class="command"><span class="prompt" aria-hidden="true">{ "$ " }</span>{ &entry.line }</div>
            if !outcome.stdout.is_empty() {
                <pre class="stdout">{ outcome.stdout.trim_end_matches('\n') }</pre>
            }
            if !outcome.stderr.is_empty() {
                <pre class="stderr">{ outcome.stderr.trim_end_matches('\n') }</pre>
            }
        </div>
    }
}
