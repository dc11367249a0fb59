//! sim-web: the browser front of the simulator. Trunk builds this binary to wasm32 and loads it
//! from web/index.html.

mod app;
mod components;
mod markdown;
mod pages;
mod panic;
mod pictures;
mod route;
mod state;
mod text;

fn main() {
    panic::install_hook();
    yew::Renderer::<app::App>::new().render();
}
