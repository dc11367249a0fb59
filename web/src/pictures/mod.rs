//! Pictures: SVG drawings of the model, from `sim_core::view::snapshot` (never recomputed here).
//!
//! Each component takes the whole snapshot (`Rc`, so props compare by pointer first) and the
//! language ("ko" or "en"). Every picture is an accessible SVG (role="img", described in words)
//! styled by static/pictures.css, and caps what it draws so 200 containers stay a small DOM.

mod containers;
mod isolation;
mod labels;
mod layers;
mod memory;
mod registry;
mod svg;

use std::rc::Rc;

use sim_core::view::Snapshot;
use yew::prelude::*;

pub use containers::ContainersPicture;
pub use isolation::IsolationPicture;
pub use labels::{t, Label};
pub use layers::LayerStack;
pub use memory::MemoryPicture;
pub use registry::RegistryPicture;

#[derive(Properties, PartialEq)]
pub struct PicturesProps {
    pub snapshot: Rc<Snapshot>,
    /// "ko" or "en".
    pub lang: &'static str,
}

/// All pictures, each under its heading.
#[component]
pub fn Pictures(props: &PicturesProps) -> Html {
    let lang = props.lang;
    let snapshot = props.snapshot.clone();
    let section = |label: Label, picture: Html| {
        html! {
            <section class="pic-section">
                <h3>{ t(lang, label) }</h3>
                { picture }
            </section>
        }
    };
    html! {
        <div class="pictures">
            { section(Label::LayersHeading, html! { <LayerStack snapshot={snapshot.clone()} {lang} /> }) }
            { section(Label::ContainersHeading, html! { <ContainersPicture snapshot={snapshot.clone()} {lang} /> }) }
            { section(Label::IsolationHeading, html! { <IsolationPicture snapshot={snapshot.clone()} {lang} /> }) }
            { section(Label::RegistryHeading, html! { <RegistryPicture snapshot={snapshot.clone()} {lang} /> }) }
            { section(Label::MemoryHeading, html! { <MemoryPicture {snapshot} {lang} /> }) }
        </div>
    }
}
