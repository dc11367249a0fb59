//! The binary Trunk builds to wasm32 and loads from web/index.html.

fn main() {
    sim_web::start();
}
