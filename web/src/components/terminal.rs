//! The terminal: a labelled command prompt under the transcript of what ran. Up/Down walk the
//! history, Tab completes commands, flags and names (the core's completion, shared with the
//! `sim` REPL), and pasting several lines runs them in order.

use std::rc::Rc;

use sim_core::command::complete::{candidates, common_prefix, Names};
use sim_core::command::FIRST_WORDS;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::use_texts;
use crate::components::stderr::line_kind;
use crate::state::session::SharedEntry;

/// Entries drawn at most; older ones are summarised (the timeline keeps every event). They are
/// hidden in steps of HIDE_STEP, and drawn into a fixed number of slots: Yew matches an unkeyed
/// list from its end (and re-inserts every node of a keyed one), so only a list whose length
/// never changes lets a new command touch nothing but its own slot.
const SHOWN_ENTRIES: usize = 200;
const HIDE_STEP: usize = 50;
const SLOTS: usize = SHOWN_ENTRIES + HIDE_STEP;

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    pub transcript: Rc<Vec<SharedEntry>>,
    /// Lines typed before, oldest first, for Up/Down.
    pub history: Rc<Vec<String>>,
    /// The names Tab completes, asked of the World only when Tab is pressed (gathering every
    /// pod's name after each command would cost more than the command).
    pub names: Callback<(), Names>,
    pub on_run: Callback<Vec<String>>,
    /// Text to put into the prompt (a lesson's "try this"), with a counter so the same text can
    /// be offered twice.
    #[prop_or_default]
    pub offer: Option<(u32, String)>,
}

#[component]
pub fn Terminal(props: &TerminalProps) -> Html {
    let texts = use_texts();
    let input = use_node_ref();
    // Position in the history while walking it with Up/Down; None = editing a new line.
    let walking = use_mut_ref(|| None::<usize>);
    let draft = use_mut_ref(String::new);
    let shown_candidates = use_state(Vec::<String>::new);

    {
        let input = input.clone();
        use_effect_with(props.offer.clone(), move |offer| {
            if let (Some((_, text)), Some(input)) = (offer, input.cast::<HtmlInputElement>()) {
                input.set_value(text);
                let _ = input.focus();
            }
        });
    }

    let onkeydown = {
        let on_run = props.on_run.clone();
        let history = Rc::clone(&props.history);
        let names = props.names.clone();
        let shown_candidates = shown_candidates.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.is_composing() {
                return;
            }
            let input: HtmlInputElement = event.target_unchecked_into();
            match event.key().as_str() {
                "Enter" => {
                    let line = input.value();
                    shown_candidates.set(Vec::new());
                    *walking.borrow_mut() = None;
                    if !line.trim().is_empty() {
                        input.set_value("");
                        on_run.emit(vec![line.trim().to_string()]);
                    }
                }
                "ArrowUp" | "ArrowDown" if !history.is_empty() => {
                    event.prevent_default();
                    let mut walking = walking.borrow_mut();
                    let next = match (*walking, event.key() == "ArrowUp") {
                        (None, true) => {
                            *draft.borrow_mut() = input.value();
                            Some(history.len() - 1)
                        }
                        (None, false) => None,
                        (Some(i), true) => Some(i.saturating_sub(1)),
                        (Some(i), false) if i + 1 < history.len() => Some(i + 1),
                        (Some(_), false) => None,
                    };
                    *walking = next;
                    let text = next.map_or_else(|| draft.borrow().clone(), |i| history[i].clone());
                    input.set_value(&text);
                    let end = text.len() as u32;
                    let _ = input.set_selection_range(end, end);
                }
                // Shift+Tab always moves focus back: keyboard users must be able to leave.
                "Tab" if !event.shift_key() => {
                    let line = input.value();
                    let pos = input
                        .selection_start()
                        .ok()
                        .flatten()
                        .map_or(line.len(), |p| utf16_to_byte(&line, p as usize));
                    let (start, options) = candidates(&line, pos, &names.emit(()), FIRST_WORDS);
                    if options.is_empty() {
                        // Nothing to complete: let Tab move focus on, for keyboard users.
                        return;
                    }
                    event.prevent_default();
                    let fill = if options.len() == 1 {
                        format!("{} ", options[0])
                    } else {
                        common_prefix(&options).to_string()
                    };
                    let completed = format!("{}{}{}", &line[..start], fill, &line[pos..]);
                    let caret = utf16_len(&line[..start]) + utf16_len(&fill);
                    input.set_value(&completed);
                    let _ = input.set_selection_range(caret, caret);
                    shown_candidates.set(if options.len() > 1 {
                        options
                    } else {
                        Vec::new()
                    });
                }
                _ => {}
            }
        })
    };

    let onpaste = {
        let on_run = props.on_run.clone();
        Callback::from(move |event: Event| {
            let Some(event) = event.dyn_ref::<web_sys::ClipboardEvent>() else {
                return;
            };
            let Some(text) = event.clipboard_data().and_then(|d| d.get_data("text").ok()) else {
                return;
            };
            if !text.contains('\n') {
                return;
            }
            event.prevent_default();
            let input: HtmlInputElement = event.target_unchecked_into();
            let joined = format!("{}{}", input.value(), text);
            let lines: Vec<String> = joined
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect();
            input.set_value("");
            if !lines.is_empty() {
                on_run.emit(lines);
            }
        })
    };

    let focus_input = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            // Clicking the output should not steal a text selection being made.
            let selecting = web_sys::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .is_some_and(|s| !s.is_collapsed());
            if let (false, Some(input)) = (selecting, input.cast::<HtmlInputElement>()) {
                let _ = input.focus();
            }
        })
    };

    let hidden = match props.transcript.len().checked_sub(SHOWN_ENTRIES) {
        Some(over) => (over / HIDE_STEP + 1) * HIDE_STEP,
        None => 0,
    };
    html! {
        <section class="terminal" aria-label={texts.terminal}>
            // The output box is a reversed column, so the browser keeps its newest line in view
            // without a script measuring it (which would force a layout on every command).
            <div id="output" class="output" role="log" aria-live="polite" onclick={focus_input}>
                <div class="output-lines">
                    if hidden > 0 {
                        <p class="muted">{ format!("… {hidden}") }</p>
                    }
                    { for (hidden..hidden + SLOTS).map(|i| html! {
                        <EntryView entry={props.transcript.get(i).cloned()} />
                    }) }
                </div>
            </div>
            if !shown_candidates.is_empty() {
                <div class="candidates" role="status" aria-label={texts.completions}>
                    { for shown_candidates.iter().map(|c| html! { <span>{ c }</span> }) }
                </div>
            }
            <div class="prompt-line">
                <label for="command" class="visually-hidden">{ texts.command_label }</label>
                <span class="prompt" aria-hidden="true">{ "$" }</span>
                <input id="command" ref={input} type="text" autocomplete="off" autocapitalize="off"
                    spellcheck="false" placeholder="docker run --rm busybox echo hello"
                    {onkeydown} {onpaste} />
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct EntryProps {
    /// None for a slot not used yet.
    entry: Option<SharedEntry>,
}

/// One command and its output; a component so that old lines are not redrawn.
#[component]
fn EntryView(props: &EntryProps) -> Html {
    let Some(entry) = &props.entry else {
        return Html::default();
    };
    let outcome = &entry.outcome;
    let class = classes!("entry", (outcome.exit_code != 0).then_some("failed"));
    html! {
        <div {class} data-exit-code={outcome.exit_code.to_string()}>
            <div class="command"><span class="prompt" aria-hidden="true">{ "$ " }</span>{ &entry.line }</div>
            if !outcome.stdout.is_empty() {
                <pre class="stdout">{ outcome.stdout.trim_end_matches('\n') }</pre>
            }
            if !outcome.stderr.is_empty() {
                <pre class="stderr">{ for outcome.stderr.trim_end_matches('\n').split('\n').map(|line| {
                    let kind = line_kind(line, outcome.exit_code != 0);
                    html! { <span class={classes!("line", kind.class())}>{ line }</span> }
                }) }</pre>
            }
        </div>
    }
}

/// The DOM counts caret positions in UTF-16 units; Rust strings index bytes.
fn utf16_to_byte(text: &str, units: usize) -> usize {
    let mut seen = 0;
    for (byte, c) in text.char_indices() {
        if seen >= units {
            return byte;
        }
        seen += c.len_utf16();
    }
    text.len()
}

fn utf16_len(text: &str) -> u32 {
    text.encode_utf16().count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_positions_convert_across_korean_text() {
        let line = "echo 안녕 x";
        assert_eq!(utf16_to_byte(line, 5), 5);
        assert_eq!(utf16_to_byte(line, 6), 8);
        assert_eq!(utf16_to_byte(line, 99), line.len());
        assert_eq!(utf16_len("안녕"), 2);
    }
}
