//! A lesson's texts (prose, prompts, hints, choices as HTML): the wasm embeds only the lessons'
//! structure, and the texts are fetched from `lessons/<id>.json` beside the bundle when a
//! lesson opens (Trunk's pre-build hook writes them, see Trunk.toml). Each is fetched once.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use sim_lessons::{Lesson, LessonHtml};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// Loading, loaded, or why not (the address and what went wrong).
#[derive(Clone, Debug, PartialEq)]
pub enum LessonText {
    Loading,
    Ready(Rc<LessonHtml>),
    Failed(String),
}

thread_local! {
    static FETCHED: RefCell<BTreeMap<String, Rc<LessonHtml>>> = const { RefCell::new(BTreeMap::new()) };
}

/// Where the texts of lesson `id` are, relative to the page (dist/ works from any path).
pub fn address(id: &str) -> String {
    format!("lessons/{id}.json")
}

/// The texts of `lesson`: its embedded HTML when the build kept it (tests, or sim-lessons'
/// `text` feature), else fetched once per lesson.
#[hook]
pub fn use_lesson_text(lesson: Option<&Lesson>) -> LessonText {
    let id = lesson.map(|l| l.id.clone()).unwrap_or_default();
    let embedded = lesson
        .filter(|l| !l.html.prose.en.is_empty())
        .map(|l| Rc::new(l.html.clone()));
    let cached = FETCHED.with(|f| f.borrow().get(&id).cloned());
    let fetched = use_state(|| None::<(String, Result<Rc<LessonHtml>, String>)>);
    {
        let fetched = fetched.clone();
        let wanted = lesson.is_some() && embedded.is_none() && cached.is_none();
        use_effect_with(id.clone(), move |id| {
            if wanted {
                let id = id.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let result = fetch_text(&address(&id)).await.map(Rc::new);
                    if let Ok(html) = &result {
                        FETCHED.with(|f| f.borrow_mut().insert(id.clone(), Rc::clone(html)));
                    }
                    fetched.set(Some((id, result)));
                });
            }
        });
    }
    if let Some(html) = embedded.or(cached) {
        return LessonText::Ready(html);
    }
    match &*fetched {
        Some((for_id, Ok(html))) if *for_id == id => LessonText::Ready(Rc::clone(html)),
        Some((for_id, Err(e))) if *for_id == id => LessonText::Failed(e.clone()),
        _ => LessonText::Loading,
    }
}

/// GETs `url` and reads it as [`LessonHtml`]; the error says which address and what failed.
async fn fetch_text(url: &str) -> Result<LessonHtml, String> {
    let fail = |what: String| format!("{url}: {what}");
    let window = web_sys::window().ok_or_else(|| fail("no window".into()))?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| fail(js_message(&e)))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| fail("not a response".into()))?;
    if !response.ok() {
        return Err(fail(format!("HTTP {}", response.status())));
    }
    let text = response.text().map_err(|e| fail(js_message(&e)))?;
    let text = JsFuture::from(text)
        .await
        .map_err(|e| fail(js_message(&e)))?;
    let text = text.as_string().unwrap_or_default();
    serde_json::from_str(&text).map_err(|e| fail(e.to_string()))
}

/// A thrown JS value as text (a TypeError's message for a network failure).
fn js_message(value: &wasm_bindgen::JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "the request failed".to_string())
}
