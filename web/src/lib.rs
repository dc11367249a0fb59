//! sim-web: the browser front of the simulator, as a library so that component tests
//! (web/tests/) can mount the same app the binary starts.

pub mod app;
pub mod components;
pub mod lesson_text;
pub mod pages;
pub mod panic;
pub mod pictures;
pub mod prose;
pub mod route;
pub mod state;
pub mod text;

/// Mounts the app on the page's body, with the panic hook that keeps a crash visible.
pub fn start() {
    panic::install_hook();
    yew::Renderer::<app::App>::new().render();
}
