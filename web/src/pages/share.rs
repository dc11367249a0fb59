//! `#/share/<payload>`: a scenario shared as a link. A good link replaces the playground's
//! scenario and opens it; a damaged one says what is wrong and leaves everything as it was.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::use_texts;
use crate::route::Route;
use crate::state::progress::{save_scenario, PLAYGROUND};
use crate::state::scenario::from_link_payload;

#[derive(Properties, PartialEq)]
pub struct SharePageProps {
    pub payload: AttrValue,
}

#[component]
pub fn SharePage(props: &SharePageProps) -> Html {
    let texts = use_texts();
    let navigator = use_navigator();
    let decoded = use_memo(props.payload.clone(), |payload| from_link_payload(payload));
    {
        let decoded = decoded.clone();
        use_effect_with(props.payload.clone(), move |_| {
            if let (Ok(scenario), Some(navigator)) = (&*decoded, navigator) {
                save_scenario(PLAYGROUND, scenario);
                navigator.replace(&Route::Playground);
            }
        });
    }
    match &*decoded {
        Ok(_) => html! { <main><p role="status">{ texts.link_loaded }</p></main> },
        Err(e) => html! {
            <main>
                <h1>{ texts.link_failed }</h1>
                <p class="error" role="alert">{ e.to_string() }</p>
                <p><Link<Route> to={Route::Playground}>{ texts.nav_playground }</Link<Route>></p>
            </main>
        },
    }
}
