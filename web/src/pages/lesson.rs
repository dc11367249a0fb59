//! `#/lesson/<id>`: the lesson's prose, its steps with live checks, and a workbench. The steps
//! sit beside the terminal. A step passes when what the learner did after it became current
//! meets its check (or, for a quiz, when the right answer is chosen); passed steps are
//! remembered, so stepping back in the timeline or reloading never takes progress away.

use std::rc::Rc;

use sim_lessons::{Lang, Lesson, Localized, Step, StepKind};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::use_app;
use crate::components::workbench::Workbench;
use crate::lesson_text::{use_lesson_text, LessonText};
use crate::pages::storage_owners;
use crate::prose::{inline, trusted_html, with_code, without_title};
use crate::route::Route;
use crate::state::progress::{load_scenario, Export, Progress};
use crate::state::scenario::{build_context, Scenario};
use crate::state::session::{Action, Session};
use crate::text::texts;

#[derive(Properties, PartialEq)]
pub struct LessonPageProps {
    pub id: String,
}

/// The first step not passed yet (None when all are).
fn current_step(lesson: &Lesson, progress: &Progress) -> Option<usize> {
    (0..lesson.steps.len()).find(|&i| !progress.is_passed(&lesson.id, i))
}

/// The files step `index` brings that are new or differ from what earlier steps brought.
fn step_file_changes(lesson: &Lesson, index: usize) -> Vec<(String, String)> {
    let mut before: std::collections::BTreeMap<&str, &str> = Default::default();
    for step in &lesson.steps[..index] {
        before.extend(step.files.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    }
    lesson.steps[index]
        .files
        .iter()
        .filter(|(name, text)| before.get(name.as_str()) != Some(&text.as_str()))
        .map(|(n, t)| (n.clone(), t.clone()))
        .collect()
}

/// A new lesson starts with the files its first steps bring (a Dockerfile to build).
fn starting_scenario(lesson: Option<&Lesson>) -> Scenario {
    let mut scenario = Scenario::default();
    if let Some(step) = lesson.and_then(|l| l.steps.iter().find(|s| !s.files.is_empty())) {
        scenario.files = build_context(&step.files);
    }
    scenario
}

/// The label of a step that is not plain commands.
fn kind_label(kind: StepKind, texts: &crate::text::Texts) -> Option<&'static str> {
    match kind {
        StepKind::Do => None,
        StepKind::Predict => Some(texts.kind_predict),
        StepKind::Quiz => Some(texts.kind_quiz),
        StepKind::Write => Some(texts.kind_write),
        StepKind::Fix => Some(texts.kind_fix),
    }
}

/// The second hint: which commands the solution uses (`docker run`, `tick`), not their
/// arguments.
fn commands_of(step: &Step) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for line in &step.solution {
        let words: Vec<&str> = line.split_whitespace().collect();
        let take = if words.first() == Some(&"docker") {
            2
        } else {
            1
        };
        let command = words
            .iter()
            .take(take)
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        if !command.is_empty() && !seen.contains(&command) {
            seen.push(command);
        }
    }
    seen
}

/// The build-time HTML of a short text without its paragraph, or the text itself.
fn inline_or_text(html: Option<&Localized>, text: &Localized, lang: Lang) -> Html {
    match html.map(|h| h.get(lang)).filter(|h| !h.is_empty()) {
        Some(html) => trusted_html(inline(html)),
        None => html! { { text.get(lang).to_string() } },
    }
}

/// Whether a build-time HTML text is there and not empty.
fn has_text(html: Option<&Localized>, lang: Lang) -> bool {
    html.is_some_and(|h| !h.get(lang).is_empty())
}

/// The build-time HTML of a text, or the text itself where there is none.
fn html_or_text(html: Option<&Localized>, text: &Localized, lang: Lang) -> Html {
    match html.map(|h| h.get(lang)).filter(|h| !h.is_empty()) {
        Some(html) => trusted_html(html),
        None => html! { <p>{ text.get(lang).to_string() }</p> },
    }
}

#[component]
pub fn LessonPage(props: &LessonPageProps) -> Html {
    let app = use_app();
    let texts = texts(app.lang);
    let lesson = sim_lessons::catalog().ok().and_then(|c| c.get(&props.id));
    let session = use_reducer(|| {
        Session::from_scenario(
            load_scenario(&props.id).unwrap_or_else(|| starting_scenario(lesson)),
        )
    });
    let owners = use_memo((), |_| (*storage_owners()).clone());
    let offer = use_state(|| None::<(u32, String)>);
    // Where the current step began in the trace: what happened before does not count for it.
    let since = use_state(|| session.world().events().len());
    let answers = lesson
        .and_then(|l| app.progress.answers.get(&l.id).cloned())
        .unwrap_or_default();

    // After every change and every answer: pass the current step if what was done since it
    // began meets it; the next step then begins here.
    {
        let app = app.clone();
        let session = session.clone();
        let lesson = lesson.cloned();
        let since = since.clone();
        use_effect_with((session.revision, answers.clone()), move |(_, answers)| {
            let Some(lesson) = lesson else { return };
            let mut progress = (*app.progress).clone();
            let world = session.world();
            let now = world.events().len();
            let mut from = (*since).min(now);
            let mut changed = false;
            while let Some(index) = current_step(&lesson, &progress) {
                let step = &lesson.steps[index];
                if !step
                    .judge(&world, from, answers.get(&index).copied())
                    .passed
                {
                    break;
                }
                progress
                    .passed
                    .entry(lesson.id.clone())
                    .or_default()
                    .insert(index);
                from = now;
                changed = true;
            }
            // Stepping back in the timeline shows a shorter trace for a while; only a pass
            // moves where the next step begins.
            if changed {
                since.set(from);
                app.set_progress.emit(progress);
            }
        });
    }

    // A step that brings files puts them in the editor: new ones are added, and a file the step
    // changes (its text differs from what earlier steps gave) is replaced, as the prompt says.
    let current = lesson.and_then(|l| current_step(l, &app.progress));
    {
        let session = session.clone();
        let changes = lesson
            .zip(current)
            .map(|(l, i)| step_file_changes(l, i))
            .unwrap_or_default();
        use_effect_with(current, move |_| {
            for (name, text) in changes {
                if session.files.get(&name) != Some(&text) {
                    session.dispatch(Action::SetFile { name, text });
                }
            }
        });
    }

    let text = use_lesson_text(lesson);

    let Some(lesson) = lesson else {
        return html! {
            <main>
                <p class="error" role="alert">{ texts.unknown_lesson }</p>
                <p><Link<Route> to={Route::Map}>{ texts.back_to_map }</Link<Route>></p>
            </main>
        };
    };

    let on_imported = {
        let dispatcher = session.dispatcher();
        let id = lesson.id.clone();
        let set_progress = app.set_progress.clone();
        Callback::from(move |export: Export| {
            set_progress.emit(Progress::load());
            if let Some(scenario) = export.scenarios.get(&id) {
                dispatcher.dispatch(Action::Load(scenario.clone()));
            }
        })
    };
    let try_line = {
        let offer = offer.clone();
        Callback::from(move |line: String| {
            let counter = offer.as_ref().map_or(0, |(n, _)| n + 1);
            offer.set(Some((counter, line)));
        })
    };

    let choose = {
        let app = app.clone();
        let id = lesson.id.clone();
        Callback::from(move |(step, choice): (usize, usize)| {
            let mut progress = (*app.progress).clone();
            progress
                .answers
                .entry(id.clone())
                .or_default()
                .insert(step, choice);
            app.set_progress.emit(progress);
        })
    };
    let use_file = {
        let dispatcher = session.dispatcher();
        Callback::from(move |(name, text): (String, String)| {
            dispatcher.dispatch(Action::SetFile { name, text });
        })
    };

    // The texts as HTML; empty while they load (the steps and their checks work meanwhile).
    let html = match &text {
        LessonText::Ready(html) => Rc::clone(html),
        _ => Rc::default(),
    };
    let choice_html =
        |step: usize, choice: usize| html.choices.get(step).and_then(|c| c.get(choice));

    let step_view = |(index, step): (usize, &Step)| -> Html {
        let passed = app.progress.is_passed(&lesson.id, index);
        let is_current = current == Some(index);
        let status = if passed {
            html! { <span class="check passed" aria-label={texts.check_passed}>{ "✓" }</span> }
        } else {
            html! { <span class="check waiting" aria-label={texts.check_waiting}>{ "○" }</span> }
        };
        let answer = app.progress.answer(&lesson.id, index);
        let live = is_current.then(|| {
            step.judge(
                &session.world(),
                (*since).min(session.world().events().len()),
                answer,
            )
        });
        let kind = kind_label(step.kind, texts);
        let choices = (!step.choices.is_empty() && (passed || is_current)).then(|| {
            html! {
                <div class="choices" role="group" aria-label={texts.choose}>
                    { for step.choices.iter().enumerate().map(|(c, choice)| {
                        let chosen = answer == Some(c);
                        let choose = choose.clone();
                        let class = classes!("choice", chosen.then_some("chosen"),
                            (chosen && choice.correct).then_some("right"),
                            (chosen && !choice.correct).then_some("wrong"));
                        html! {
                            <button type="button" {class} aria-pressed={chosen.to_string()}
                                data-correct={choice.correct.to_string()}
                                disabled={passed}
                                onclick={Callback::from(move |_| choose.emit((index, c)))}>
                                { inline_or_text(choice_html(index, c).map(|h| &h.0), &choice.text, app.lang) }
                            </button>
                        }
                    }) }
                    if let Some((c, choice)) = answer.and_then(|c| step.choices.get(c).map(|x| (c, x))) {
                        <p class={classes!("choice-why", if choice.correct { "right" } else { "wrong" })} role="status">
                            { if choice.correct { texts.right } else { texts.not_quite } }{ " " }
                            { inline_or_text(choice_html(index, c).map(|h| &h.1), &choice.why, app.lang) }
                            if step.kind == StepKind::Predict && !passed { { " " }{ texts.now_run_it } }
                        </p>
                    }
                </div>
            }
        });
        html! {
            <li class={classes!("step", passed.then_some("passed"), is_current.then_some("current"))}
                id={format!("step-{}", index + 1)} data-passed={passed.to_string()}
                data-kind={format!("{:?}", step.kind).to_lowercase()}
                aria-current={is_current.then_some("step")}>
                <h3>{ status }{ " " }{ texts.step }{ " " }{ index + 1 }
                    if let Some(kind) = kind { <span class="step-kind">{ kind }</span> }
                </h3>
                <div class="prompt-text">{ html_or_text(html.prompts.get(index), &step.prompt, app.lang) }</div>
                { choices.unwrap_or_default() }
                if let Some(result) = live {
                    <p class="check-detail" role="status" aria-live="polite">
                        { texts.check_waiting }{ ": " }{ with_code(result.detail.get(app.lang)) }
                    </p>
                }
                if passed && (has_text(html.whys.get(index), app.lang) || !step.why.get(app.lang).is_empty()) {
                    <p class="why"><strong>{ texts.why_passed }{ ": " }</strong>
                        { inline_or_text(html.whys.get(index), &step.why, app.lang) }</p>
                }
                if passed || is_current {
                    <details class="hint">
                        <summary>{ texts.hint }</summary>
                        { html_or_text(html.hints.get(index), &step.hint, app.lang) }
                    </details>
                    if !step.solution.is_empty() {
                        <details class="hint commands">
                            <summary>{ texts.hint_commands }</summary>
                            <p>{ for commands_of(step).into_iter().map(|c| html! { <><code>{ c }</code>{ " " }</> }) }</p>
                        </details>
                    }
                    <details class="solution">
                        <summary>{ texts.solution }</summary>
                        <ul class="solution-lines">
                            { for step.solution.iter().map(|line| {
                                let try_line = try_line.clone();
                                let text = line.clone();
                                html! {
                                    <li><button type="button" class="solution-line"
                                        onclick={Callback::from(move |_| try_line.emit(text.clone()))}>
                                        <code>{ line }</code>
                                    </button></li>
                                }
                            }) }
                        </ul>
                        { for step.solution_files.iter().map(|(name, text)| {
                            let use_file = use_file.clone();
                            let pair = (name.clone(), text.clone());
                            html! {
                                <div class="solution-file">
                                    <p><code>{ name }</code>{ " " }
                                        <button type="button" class="use-file"
                                            onclick={Callback::from(move |_| use_file.emit(pair.clone()))}>
                                            { texts.use_file }
                                        </button>
                                    </p>
                                    <pre>{ text }</pre>
                                </div>
                            }
                        }) }
                        if let Some(right) = step.choices.iter().position(|c| c.correct) {
                            <p class="solution-answer">
                                { inline_or_text(choice_html(index, right).map(|h| &h.0), &step.choices[right].text, app.lang) }
                            </p>
                        }
                    </details>
                }
            </li>
        }
    };

    let complete = current.is_none();
    let next = sim_lessons::catalog().ok().and_then(|c| {
        c.lessons
            .iter()
            .filter(|l| l.order > lesson.order)
            .min_by_key(|l| l.order)
    });
    let owner: AttrValue = lesson.id.clone().into();

    html! {
        <main class="lesson-page" data-lesson={lesson.id.clone()}>
            <p class="breadcrumb"><Link<Route> to={Route::Map}>{ "← " }{ texts.back_to_map }</Link<Route>></p>
            <h1>{ lesson.title.get(app.lang) }</h1>
            <div class="lesson-grid">
                <div class="lesson-text">
                    <article class="prose" aria-busy={(text == LessonText::Loading).to_string()}>
                        { match &text {
                            LessonText::Ready(html) => trusted_html(without_title(html.prose.get(app.lang))),
                            LessonText::Loading => html! { <p class="muted" role="status">{ texts.lesson_text_loading }</p> },
                            LessonText::Failed(why) => html! {
                                <p class="error" role="alert" id="lesson-text-error">
                                    { texts.lesson_text_failed }{ " (" }{ why.clone() }{ ")" }
                                </p>
                            },
                        } }
                    </article>
                </div>
                <div class="lesson-work">
                    <ol class="steps" role="list">
                        { for lesson.steps.iter().enumerate().map(step_view) }
                    </ol>
                    if complete {
                        <div class="lesson-complete" role="status" id="lesson-complete">
                            <p>{ texts.lesson_complete }</p>
                            if let Some(next) = next {
                                <Link<Route> to={Route::Lesson { id: next.id.clone() }} classes="button">
                                    { texts.next_lesson }{ ": " }{ next.title.get(app.lang) }
                                </Link<Route>>
                            }
                        </div>
                    }
                    <Workbench session={session.clone()} {owner} owners={Rc::clone(&owners)}
                        offer={(*offer).clone()} {on_imported} />
                </div>
            </div>
        </main>
    }
}
