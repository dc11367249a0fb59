//! Share the scenario as a link, export progress and scenarios to a file, import one back.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::use_texts;
use crate::state::progress::Export;
use crate::state::scenario::{to_link_payload, Scenario};

#[derive(Properties, PartialEq)]
pub struct ScenarioToolsProps {
    pub scenario: Rc<Scenario>,
    /// Storage owners (lesson ids and the playground) to include in an export.
    pub owners: Rc<Vec<String>>,
    pub on_imported: Callback<Export>,
}

/// The address that opens `scenario` in the playground of this same app.
pub fn share_link(scenario: &Scenario) -> String {
    let base = web_sys::window()
        .and_then(|w| {
            let location = w.location();
            Some(format!(
                "{}{}",
                location.origin().ok()?,
                location.pathname().ok()?
            ))
        })
        .unwrap_or_default();
    format!("{base}#/share/{}", to_link_payload(scenario))
}

#[component]
pub fn ScenarioTools(props: &ScenarioToolsProps) -> Html {
    let texts = use_texts();
    let link = use_state(|| None::<String>);
    let message = use_state(|| None::<(bool, String)>);

    let share = {
        let link = link.clone();
        let scenario = Rc::clone(&props.scenario);
        Callback::from(move |_: MouseEvent| link.set(Some(share_link(&scenario))))
    };
    let copy = {
        let link = link.clone();
        Callback::from(move |_: MouseEvent| {
            if let (Some(window), Some(text)) = (web_sys::window(), link.as_ref()) {
                // Only in secure contexts (https, localhost); the text stays selectable anyway.
                let _ = window.navigator().clipboard().write_text(text);
            }
        })
    };
    let export = {
        let owners = Rc::clone(&props.owners);
        Callback::from(move |_: MouseEvent| {
            let export = Export::collect(owners.iter().map(String::as_str));
            let json = serde_json::to_string_pretty(&export).unwrap_or_default();
            download("container-simulator-progress.json", &json);
        })
    };
    let import = {
        let on_imported = props.on_imported.clone();
        let message = message.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            let on_imported = on_imported.clone();
            let message = message.clone();
            let file = gloo_file::File::from(file);
            wasm_bindgen_futures::spawn_local(async move {
                let result = match gloo_file::futures::read_as_bytes(&file).await {
                    Ok(bytes) => Export::parse(&bytes),
                    Err(e) => Err(e.to_string()),
                };
                match result {
                    Ok(export) => {
                        export.apply();
                        message.set(Some((true, format!("{} {}", texts.imported, file.name()))));
                        on_imported.emit(export);
                    }
                    Err(e) => message.set(Some((false, format!("{}: {e}", texts.import_failed)))),
                }
            });
        })
    };

    html! {
        <div class="scenario-tools">
            <button type="button" id="share" onclick={share}>{ texts.share }</button>
            <button type="button" id="export" onclick={export}>{ texts.export }</button>
            <label class="button" for="import-file">{ texts.import }</label>
            <input id="import-file" class="visually-hidden" type="file"
                accept=".json,application/json" onchange={import} />
            if let Some(link) = link.as_ref() {
                <div class="share-link">
                    <label for="share-link">{ texts.share_hint }</label>
                    <input id="share-link" type="text" readonly=true value={link.clone()}
                        onfocus={Callback::from(|e: FocusEvent| {
                            let input: HtmlInputElement = e.target_unchecked_into();
                            input.select();
                        })} />
                    <button type="button" onclick={copy}>{ texts.copy }</button>
                </div>
            }
            if let Some((ok, text)) = message.as_ref() {
                <p class={if *ok { "notice" } else { "error" }} role="status">{ text }</p>
            }
        </div>
    }
}

/// Saves `text` as a file through a temporary link, as browsers allow without a server.
fn download(name: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(anchor) = document
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
