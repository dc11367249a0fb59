//! `#/lesson/<id>`: the lesson's prose, its steps with live checks, and a workbench. A step
//! passes when its check holds on the World; passed steps are remembered, so stepping back in
//! the timeline or reloading never takes progress away.

use std::rc::Rc;

use sim_lessons::{Lang, Lesson, Localized, Step};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::use_app;
use crate::components::workbench::Workbench;
use crate::pages::storage_owners;
use crate::prose::{trusted_html, without_title};
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

    // After every change: pass every step whose check now holds, in order.
    {
        let app = app.clone();
        let session = session.clone();
        let lesson = lesson.cloned();
        use_effect_with(session.revision, move |_| {
            let Some(lesson) = lesson else { return };
            let mut progress = (*app.progress).clone();
            let mut changed = false;
            while let Some(index) = current_step(&lesson, &progress) {
                if !lesson.steps[index].check.evaluate(&session.world()).passed {
                    break;
                }
                progress
                    .passed
                    .entry(lesson.id.clone())
                    .or_default()
                    .insert(index);
                changed = true;
            }
            if changed {
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

    let step_view = |(index, step): (usize, &Step)| -> Html {
        let passed = app.progress.is_passed(&lesson.id, index);
        let is_current = current == Some(index);
        let status = if passed {
            html! { <span class="check passed" aria-label={texts.check_passed}>{ "✓" }</span> }
        } else {
            html! { <span class="check waiting" aria-label={texts.check_waiting}>{ "○" }</span> }
        };
        let live = is_current.then(|| step.check.evaluate(&session.world()));
        html! {
            <li class={classes!("step", passed.then_some("passed"), is_current.then_some("current"))}
                id={format!("step-{}", index + 1)} data-passed={passed.to_string()}
                aria-current={is_current.then_some("step")}>
                <h3>{ status }{ " " }{ texts.step }{ " " }{ index + 1 }</h3>
                <div class="prompt-text">{ html_or_text(lesson.html.prompts.get(index), &step.prompt, app.lang) }</div>
                if let Some(result) = live {
                    <p class="check-detail" role="status" aria-live="polite">
                        { texts.check_waiting }{ ": " }{ result.detail.get(app.lang) }
                    </p>
                }
                if passed || is_current {
                    <details class="hint">
                        <summary>{ texts.hint }</summary>
                        { html_or_text(lesson.html.hints.get(index), &step.hint, app.lang) }
                    </details>
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
                    <article class="prose">{ trusted_html(without_title(lesson.html.prose.get(app.lang))) }</article>
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
                </div>
                <Workbench session={session.clone()} {owner} owners={Rc::clone(&owners)}
                    offer={(*offer).clone()} {on_imported} />
            </div>
        </main>
    }
}
