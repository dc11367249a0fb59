//! Pictures: SVG drawings of the model, from `sim_core::view::snapshot` (never recomputed here).
//!
//! Each component takes the whole snapshot (`Rc`, so props compare by pointer first) and the
//! language ("ko" or "en"). Every picture is an accessible SVG (role="img", described in words)
//! styled by static/pictures.css, and caps what it draws so 200 containers stay a small DOM.

mod cluster;
mod containers;
mod discovery;
mod isolation;
mod labels;
mod layers;
mod memory;
mod registry;
mod rollout;
mod scheduling;
mod svg;

use std::rc::Rc;

use sim_core::view::{RolloutView, Snapshot};
use yew::prelude::*;

pub use cluster::ClusterPicture;
pub use containers::ContainersPicture;
pub use discovery::{discovery_of, Discovery, DiscoveryPicture};
pub use isolation::IsolationPicture;
pub use labels::{t, Label};
pub use layers::LayerStack;
pub use memory::MemoryPicture;
pub use registry::RegistryPicture;
pub use rollout::RolloutPicture;
pub use scheduling::SchedulingPicture;

#[derive(Properties, PartialEq)]
pub struct PicturesProps {
    pub snapshot: Rc<Snapshot>,
    /// "ko" or "en".
    pub lang: &'static str,
    /// Deployments' rollouts (`view::rollouts`), taken once per command.
    #[prop_or_default]
    pub rollouts: Rc<Vec<RolloutView>>,
    /// The lookup the discovery picture draws; None without a cluster.
    #[prop_or_default]
    pub discovery: Option<Rc<Discovery>>,
    /// A Service chosen in the discovery picture.
    #[prop_or_default]
    pub on_pick: Callback<String>,
}

/// All pictures, each under its heading; the cluster's first once there is one.
#[component]
pub fn Pictures(props: &PicturesProps) -> Html {
    let lang = props.lang;
    let snapshot = props.snapshot.clone();
    // The pod whose scheduling decision is drawn (a click on its chip).
    let selected = use_state(|| None::<u64>);
    let section = |label: Label, picture: Html| {
        html! {
            <section class="pic-section">
                <h3>{ t(lang, label) }</h3>
                { picture }
            </section>
        }
    };
    let cluster = snapshot.cluster.is_some().then(|| {
        let on_select = {
            let selected = selected.clone();
            Callback::from(move |id: u64| selected.set(Some(id)))
        };
        let chosen = *selected;
        html! {
            <>
                { section(Label::ClusterHeading, html! { <ClusterPicture snapshot={snapshot.clone()} {lang} selected={chosen} {on_select} /> }) }
                { section(Label::SchedulingHeading, html! { <SchedulingPicture snapshot={snapshot.clone()} {lang} selected={chosen} /> }) }
                if !props.rollouts.is_empty() {
                    { section(Label::RolloutHeading, html! { <RolloutPicture rollouts={props.rollouts.clone()} {lang} /> }) }
                }
                if let Some(discovery) = props.discovery.clone() {
                    { section(Label::DiscoveryHeading, html! { <DiscoveryPicture {discovery} {lang} on_pick={props.on_pick.clone()} /> }) }
                }
            </>
        }
    });
    html! {
        <div class="pictures">
            { for cluster }
            { section(Label::LayersHeading, html! { <LayerStack snapshot={snapshot.clone()} {lang} /> }) }
            { section(Label::ContainersHeading, html! { <ContainersPicture snapshot={snapshot.clone()} {lang} /> }) }
            { section(Label::IsolationHeading, html! { <IsolationPicture snapshot={snapshot.clone()} {lang} /> }) }
            { section(Label::RegistryHeading, html! { <RegistryPicture snapshot={snapshot.clone()} {lang} /> }) }
            { section(Label::MemoryHeading, html! { <MemoryPicture {snapshot} {lang} /> }) }
        </div>
    }
}
