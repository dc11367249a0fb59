//! The build context editor: the Dockerfile and the files `docker build .` sends, as a list of
//! named texts (create, rename, delete, edit).

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::app::use_texts;
use crate::state::scenario::Files;

#[derive(Properties, PartialEq)]
pub struct FilesProps {
    pub files: Rc<Files>,
    pub on_set: Callback<(String, String)>,
    pub on_rename: Callback<(String, String)>,
    pub on_delete: Callback<String>,
}

/// A relative path of ordinary names: no `..`, no absolute paths, no empty parts.
pub fn valid_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && !name.chars().any(char::is_control)
}

#[component]
pub fn FilesEditor(props: &FilesProps) -> Html {
    let texts = use_texts();
    let selected = use_state(|| props.files.keys().next().cloned());
    let new_name = use_node_ref();
    let problem = use_state(|| None::<&'static str>);

    // The selected file can vanish (deleted, or a scenario loaded): fall back to the first.
    let current = selected
        .as_ref()
        .filter(|name| props.files.contains_key(*name))
        .cloned()
        .or_else(|| props.files.keys().next().cloned());

    let add = {
        let new_name = new_name.clone();
        let files = Rc::clone(&props.files);
        let on_set = props.on_set.clone();
        let selected = selected.clone();
        let problem = problem.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(input) = new_name.cast::<HtmlInputElement>() else {
                return;
            };
            let name = input.value().trim().to_string();
            if !valid_file_name(&name) || files.contains_key(&name) {
                problem.set(Some(texts.bad_file_name));
                return;
            }
            problem.set(None);
            input.set_value("");
            on_set.emit((name.clone(), String::new()));
            selected.set(Some(name));
        })
    };

    let editor = current.as_ref().map(|name| {
        let text = props.files.get(name).cloned().unwrap_or_default();
        let oninput = {
            let on_set = props.on_set.clone();
            let name = name.clone();
            Callback::from(move |event: InputEvent| {
                let area: HtmlTextAreaElement = event.target_unchecked_into();
                on_set.emit((name.clone(), area.value()));
            })
        };
        let rename = {
            let on_rename = props.on_rename.clone();
            let files = Rc::clone(&props.files);
            let name = name.clone();
            let selected = selected.clone();
            let problem = problem.clone();
            Callback::from(move |event: Event| {
                let input: HtmlInputElement = event.target_unchecked_into();
                let to = input.value().trim().to_string();
                if to == name {
                    return;
                }
                if !valid_file_name(&to) || files.contains_key(&to) {
                    problem.set(Some(texts.bad_file_name));
                    input.set_value(&name);
                    return;
                }
                problem.set(None);
                on_rename.emit((name.clone(), to.clone()));
                selected.set(Some(to));
            })
        };
        let delete = {
            let on_delete = props.on_delete.clone();
            let name = name.clone();
            Callback::from(move |_| on_delete.emit(name.clone()))
        };
        html! {
            <div class="file-editor">
                <div class="file-bar">
                    <label>{ texts.rename }{ " " }
                        <input class="file-name" type="text" value={name.clone()} onchange={rename}
                            spellcheck="false" />
                    </label>
                    <button type="button" onclick={delete}>{ texts.delete }</button>
                </div>
                <label class="visually-hidden" for="file-text">{ name.clone() }</label>
                <textarea id="file-text" class="file-text" spellcheck="false" rows="10"
                    value={text} {oninput} />
            </div>
        }
    });

    html! {
        <section class="files panel" aria-labelledby="files-heading">
            <h2 id="files-heading">{ texts.files }</h2>
            if props.files.is_empty() {
                <p class="muted">{ texts.no_files }</p>
            } else {
                <ul class="file-list" role="list">
                    { for props.files.keys().map(|name| {
                        let pick = {
                            let selected = selected.clone();
                            let name = name.clone();
                            Callback::from(move |_| selected.set(Some(name.clone())))
                        };
                        let pressed = (current.as_ref() == Some(name)).to_string();
                        html! {
                            <li><button type="button" class="file-tab" aria-pressed={pressed}
                                onclick={pick}>{ name }</button></li>
                        }
                    }) }
                </ul>
            }
            { editor.unwrap_or_default() }
            <form class="new-file" onsubmit={add}>
                <label for="new-file-name">{ texts.new_file }</label>
                <input id="new-file-name" ref={new_name} type="text" placeholder="Dockerfile"
                    spellcheck="false" />
                <button type="submit">{ texts.add }</button>
            </form>
            if let Some(problem) = *problem {
                <p class="error" role="alert">{ problem }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::valid_file_name;

    #[test]
    fn file_names_stay_inside_the_context() {
        for ok in ["Dockerfile", "src/app.py", ".dockerignore", "한글.txt"] {
            assert!(valid_file_name(ok), "{ok}");
        }
        for bad in ["", "/etc/passwd", "../x", "a//b", "a/./b", "a\nb"] {
            assert!(!valid_file_name(bad), "{bad:?}");
        }
    }
}
