//! `#/`: the lesson map, in order, with prerequisites and progress.

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
    html! {
        <main class="lesson-map">
            <h1>{ texts.lesson_map }</h1>
            <p class="lead">{ texts.tagline }{ " " }{ texts.lesson_map_intro }</p>
            <ol class="lesson-cards" role="list">
                { for catalog.lessons.iter().map(|lesson| {
                    let done = app.progress.passed_count(&lesson.id).min(lesson.steps.len());
                    let total = lesson.steps.len();
                    let complete = total > 0 && done == total;
                    let action = match (done, complete) {
                        (_, true) => texts.done,
                        (0, _) => texts.start,
                        _ => texts.continue_,
                    };
                    html! {
                        <li class={classes!("lesson-card", complete.then_some("complete"))}
                            data-lesson={lesson.id.clone()}>
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
                                <p class="muted">
                                    { texts.needs }{ ": " }
                                    { lesson.prerequisites.iter().map(|p| title_of(p)).collect::<Vec<_>>().join(", ") }
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
