//! What the lesson page and the playground share: terminal, files, pictures and timeline over
//! one session, saved to localStorage after every change.

use std::rc::Rc;

use sim_core::command::complete::Names;
use yew::prelude::*;

use crate::app::{use_app, use_texts};
use crate::components::files::FilesEditor;
use crate::components::preview::Preview;
use crate::components::scenario_tools::ScenarioTools;
use crate::components::terminal::Terminal;
use crate::components::timeline::Timeline;
use crate::pictures::{discovery_of, Pictures};
use crate::state::progress::{save_scenario, Export};
use crate::state::session::{Action, Session};

#[derive(Properties, PartialEq)]
pub struct WorkbenchProps {
    pub session: UseReducerHandle<Session>,
    /// Where the scenario is saved: a lesson id or the playground.
    pub owner: AttrValue,
    /// Every storage owner, for exports.
    pub owners: Rc<Vec<String>>,
    #[prop_or_default]
    pub offer: Option<(u32, String)>,
    /// After an import was stored (the page reloads what concerns it).
    pub on_imported: Callback<Export>,
}

#[component]
pub fn Workbench(props: &WorkbenchProps) -> Html {
    let texts = use_texts();
    let app = use_app();
    let session = &props.session;

    // Save after every change; a reload then replays it.
    {
        let owner = props.owner.clone();
        let scenario = session.scenario();
        use_effect_with(session.revision, move |_| save_scenario(&owner, &scenario));
    }

    let names = use_callback(session.revision, {
        let session = session.clone();
        move |(), _| Names::of_world(&session.world())
    });
    let history = use_memo(session.revision, {
        let steps = Rc::clone(&session.steps);
        move |_| steps.iter().map(|s| s.line.clone()).collect::<Vec<_>>()
    });
    let scenario = use_memo(session.revision, {
        let session = session.clone();
        move |_| session.scenario()
    });

    // The rollout and discovery pictures read the World's trace and store: once per command
    // (and per Service clicked), not per redraw.
    let rollouts = use_memo(session.revision, {
        let session = session.clone();
        move |_| session.rollouts()
    });
    let picked = use_state(|| None::<String>);
    let discovery = use_memo((session.revision, (*picked).clone()), {
        let session = session.clone();
        move |(_, picked)| discovery_of(&session.world(), picked.as_deref()).map(Rc::new)
    });
    let on_pick = {
        let picked = picked.clone();
        use_callback((), move |name: String, _| picked.set(Some(name)))
    };

    // Callbacks made once: a new one each render would make every timeline step and the
    // terminal compare unequal and redraw on every command.
    let dispatcher = session.dispatcher();
    let on_run = {
        let dispatcher = dispatcher.clone();
        use_callback((), move |lines: Vec<String>, _| {
            dispatcher.dispatch(Action::RunAll(lines))
        })
    };
    let on_set = {
        let dispatcher = dispatcher.clone();
        use_callback((), move |(name, text), _| {
            dispatcher.dispatch(Action::SetFile { name, text })
        })
    };
    let on_rename = {
        let dispatcher = dispatcher.clone();
        use_callback((), move |(from, to), _| {
            dispatcher.dispatch(Action::RenameFile { from, to })
        })
    };
    let on_delete = {
        let dispatcher = dispatcher.clone();
        use_callback((), move |name, _| {
            dispatcher.dispatch(Action::DeleteFile(name))
        })
    };
    let on_seek = {
        let dispatcher = dispatcher.clone();
        use_callback((), move |to, _| dispatcher.dispatch(Action::Seek(to)))
    };
    let on_reset = use_callback((), move |(), _| dispatcher.dispatch(Action::Reset));
    let lang_code = app.lang.code();

    html! {
        <div class="workbench">
            <div class="work-main">
                <Terminal transcript={Rc::clone(&session.transcript)} {history}
                    {names} {on_run} offer={props.offer.clone()} />
                if let Some(refused) = session.refused.as_deref() {
                    <p class="error" role="alert">{ refused }</p>
                }
                <FilesEditor files={Rc::clone(&session.files)} {on_set} {on_rename} {on_delete} />
            </div>
            <section class="panel pictures-panel" aria-labelledby="pictures-heading">
                <h2 id="pictures-heading">{ texts.pictures }</h2>
                <Pictures snapshot={Rc::clone(&session.snapshot)} lang={lang_code}
                    rollouts={rollouts.clone()} discovery={(*discovery).clone()} {on_pick} />
            </section>
            <Preview session={session.clone()} />
            <Timeline steps={Rc::clone(&session.steps)} transcript={Rc::clone(&session.transcript)}
                cursor={session.cursor} focus={session.focus} previous={session.previous()}
                next={session.next()} {on_seek} {on_reset} />
            <ScenarioTools scenario={scenario} owners={Rc::clone(&props.owners)}
                on_imported={props.on_imported.clone()} />
            <p class="trace muted"><small>{ texts.trace }{ " " }<code id="trace-hash">{ session.trace_hash.clone() }</code></small></p>
        </div>
    }
}
