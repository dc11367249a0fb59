//! `#/`: the lesson map: the lessons as one numbered path, each with its prerequisites (done or
//! not), its progress, and the next lesson to take marked.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::use_app;
use crate::route::Route;
use crate::text::texts;

#[component]
pub fn LessonMap() -> Html {
    let app = use_app();
    let texts = texts(app.lang);
    let catalog = match sim_lessons::catalog() {
        Ok(catalog) => catalog,
        // The lessons are compiled in and tested, but a broken one must not blank the page.
        Err(e) => return html! { <main><p class="error" role="alert">{ e.to_string() }</p></main> },
    };
    let title_of = |id: &str| {
        catalog
            .get(id)
            .map_or_else(|| id.to_string(), |l| l.title.get(app.lang).to_string())
    };
    let is_complete = |id: &str| {
        catalog
            .get(id)
            .is_some_and(|l| !l.steps.is_empty() && app.progress.passed_count(id) >= l.steps.len())
    };
    let ready = |lesson: &sim_lessons::Lesson| lesson.prerequisites.iter().all(|p| is_complete(p));
    // The next lesson to take: the first on the path not finished whose prerequisites are.
    let next = catalog
        .lessons
        .iter()
        .find(|l| !is_complete(&l.id) && ready(l))
        .map(|l| l.id.clone());
    html! {
        <main class="lesson-map">
            <h1>{ texts.lesson_map }</h1>
            <p class="lead">{ texts.tagline }{ " " }{ texts.lesson_map_intro }</p>
            <ol class="lesson-cards lesson-path" role="list">
                { for catalog.lessons.iter().enumerate().map(|(position, lesson)| {
                    let done = app.progress.passed_count(&lesson.id).min(lesson.steps.len());
                    let total = lesson.steps.len();
                    let complete = total > 0 && done == total;
                    let action = match (done, complete) {
                        (_, true) => texts.done,
                        (0, _) => texts.start,
                        _ => texts.continue_,
                    };
                    let is_next = next.as_deref() == Some(lesson.id.as_str());
                    let waiting = !ready(lesson);
                    html! {
                        <li class={classes!("lesson-card", complete.then_some("complete"),
                                is_next.then_some("next"), waiting.then_some("waiting"))}
                            data-lesson={lesson.id.clone()}
                            aria-current={is_next.then_some("step")}>
                            <span class="path-no" aria-hidden="true">{ position + 1 }</span>
                            <h2>
                                <Link<Route> to={Route::Lesson { id: lesson.id.clone() }}>
                                    { lesson.title.get(app.lang) }
                                </Link<Route>>
                            </h2>
                            <progress max={total.to_string()} value={done.to_string()}
                                aria-label={texts.steps_done} />
                            <p class="muted progress-text">
                                { format!("{done} / {total} {}", texts.steps_done) }
                                if complete { { " ✓" } }
                            </p>
                            if !lesson.prerequisites.is_empty() {
                                <p class="muted prerequisites">
                                    { texts.needs }{ ": " }
                                    { for lesson.prerequisites.iter().map(|p| {
                                        let done = is_complete(p);
                                        html! {
                                            <span class={classes!("prerequisite", done.then_some("done"))}
                                                data-done={done.to_string()}>
                                                { if done { "✓ " } else { "○ " } }{ title_of(p) }
                                            </span>
                                        }
                                    }) }
                                </p>
                            }
                            <Link<Route> to={Route::Lesson { id: lesson.id.clone() }} classes="button">
                                { action }
                            </Link<Route>>
                        </li>
                    }
                }) }
            </ol>
        </main>
    }
}
