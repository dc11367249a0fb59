//! sim-web: the browser front of the simulator. Trunk builds this binary to wasm32 and loads it
//! from web/index.html.

mod app;
mod panic;
mod session;
mod terminal;

fn main() {
    panic::install_hook();
    yew::Renderer::<app::App>::new().render();
}
