//! The page: title, terminal, and the trace hash that identifies the run so far.

use yew::prelude::*;

use crate::session::{Action, Session};
use crate::terminal::Terminal;

#[component]
pub fn App() -> Html {
    let session = use_reducer(Session::default);
    let on_run = {
        let session = session.dispatcher();
        Callback::from(move |line: String| session.dispatch(Action::Run(line)))
    };

    html! {
        <>
            <header>
                <h1>{ "Container simulator" }</h1>
                <p class="lead">{ "Type docker commands; nothing runs on your machine." }</p>
            </header>
            <main>
                <Terminal transcript={session.transcript.clone()} {on_run} />
            </main>
            <footer>
                <small>{ "trace " }<code id="trace-hash">{ session.trace_hash.clone() }</code></small>
            </footer>
        </>
    }
}
