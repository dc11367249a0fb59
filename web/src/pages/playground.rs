//! `#/playground`: a free terminal with files, pictures and the timeline.

use yew::prelude::*;

use crate::app::use_texts;
use crate::components::workbench::Workbench;
use crate::pages::storage_owners;
use crate::state::progress::{load_scenario, Export, PLAYGROUND};
use crate::state::session::{Action, Session};

#[component]
pub fn Playground() -> Html {
    let texts = use_texts();
    let session =
        use_reducer(|| Session::from_scenario(load_scenario(PLAYGROUND).unwrap_or_default()));
    let owners = use_memo((), |_| (*storage_owners()).clone());
    let on_imported = {
        let dispatcher = session.dispatcher();
        Callback::from(move |export: Export| {
            if let Some(scenario) = export.scenarios.get(PLAYGROUND) {
                dispatcher.dispatch(Action::Load(scenario.clone()));
            }
        })
    };
    html! {
        <main class="playground">
            <h1>{ texts.nav_playground }</h1>
            <p class="lead">{ texts.playground_intro }</p>
            <Workbench {session} owner={PLAYGROUND} {owners} {on_imported} />
        </main>
    }
}
