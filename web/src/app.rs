//! The app shell: language and progress shared by every page (a Yew context), the header with
//! navigation and the language switch, and the router.

use std::rc::Rc;

use sim_lessons::Lang;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::pages::{lesson::LessonPage, map::LessonMap, playground::Playground, share::SharePage};
use crate::route::Route;
use crate::state::progress::{initial_lang, save_lang, Progress};
use crate::text::{texts, Texts};

/// What every page may read and change.
#[derive(Clone, PartialEq)]
pub struct AppContext {
    pub lang: Lang,
    pub set_lang: Callback<Lang>,
    pub progress: Rc<Progress>,
    /// Saves and shares new progress.
    pub set_progress: Callback<Progress>,
}

#[hook]
pub fn use_app() -> AppContext {
    use_context::<AppContext>().unwrap_or_else(|| AppContext {
        lang: Lang::En,
        set_lang: Callback::noop(),
        progress: Rc::default(),
        set_progress: Callback::noop(),
    })
}

#[hook]
pub fn use_texts() -> &'static Texts {
    texts(use_app().lang)
}

#[component]
pub fn App() -> Html {
    let lang = use_state(initial_lang);
    let progress = use_state(|| Rc::new(Progress::load()));

    // The document's language drives screen readers, fonts and hyphenation.
    use_effect_with(*lang, |lang| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", lang.code());
        }
    });

    let context = AppContext {
        lang: *lang,
        set_lang: {
            let lang = lang.clone();
            Callback::from(move |next: Lang| {
                save_lang(next);
                lang.set(next);
            })
        },
        progress: Rc::clone(&progress),
        set_progress: {
            let progress = progress.clone();
            Callback::from(move |next: Progress| {
                next.save();
                progress.set(Rc::new(next));
            })
        },
    };

    html! {
        <ContextProvider<AppContext> {context}>
            <HashRouter>
                <a class="skip-link" href="#main">{ texts(*lang).skip_to_content }</a>
                <Header />
                <div id="main" tabindex="-1">
                    <Switch<Route> render={switch} />
                </div>
            </HashRouter>
        </ContextProvider<AppContext>>
    }
}

fn switch(route: Route) -> Html {
    match route {
        Route::Map => html! { <LessonMap /> },
        Route::Lesson { id } => html! { <LessonPage key={id.clone()} id={id.clone()} /> },
        Route::Playground => html! { <Playground /> },
        Route::Share { payload } => html! { <SharePage {payload} /> },
        Route::NotFound => html! { <LessonMap /> },
    }
}

#[component]
fn Header() -> Html {
    let app = use_app();
    let texts = texts(app.lang);
    let route = use_route::<Route>();
    let current = |is: bool| is.then_some("page");
    let switch_lang = {
        let set_lang = app.set_lang.clone();
        let next = match app.lang {
            Lang::Ko => Lang::En,
            Lang::En => Lang::Ko,
        };
        Callback::from(move |_: MouseEvent| set_lang.emit(next))
    };
    html! {
        <header class="app-header">
            <Link<Route> to={Route::Map} classes="brand">{ texts.app_title }</Link<Route>>
            <nav aria-label={texts.app_title}>
                <Link<Route> to={Route::Map}>
                    <span aria-current={current(matches!(route, Some(Route::Map) | Some(Route::Lesson { .. })))}>
                        { texts.nav_lessons }
                    </span>
                </Link<Route>>
                <Link<Route> to={Route::Playground}>
                    <span aria-current={current(route == Some(Route::Playground))}>
                        { texts.nav_playground }
                    </span>
                </Link<Route>>
            </nav>
            <button type="button" id="lang-switch" class="lang-switch" onclick={switch_lang}
                lang={match app.lang { Lang::Ko => "en", Lang::En => "ko" }}>
                { texts.language_switch }
            </button>
        </header>
    }
}
