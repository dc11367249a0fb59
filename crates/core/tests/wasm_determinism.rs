//! The wasm32 half of the determinism check: the corpus runs in a real browser and must give
//! the trace hashes that the native build gives.
//!
//! The native hashes are not checked in: scripts/test.sh runs `examples/corpus_hashes.rs`
//! natively and passes its output in `SIM_NATIVE_CORPUS_HASHES` when it compiles this test.
//! Without that variable (a plain `cargo test --target wasm32-unknown-unknown`) the test only
//! checks that the browser run is repeatable, and logs its lines for a manual comparison.
#![cfg(target_arch = "wasm32")]

#[path = "corpus/mod.rs"]
mod corpus;

use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn corpus_hashes_match_native() {
    let wasm = corpus::report();
    console_log!("wasm32 corpus hashes:\n{wasm}");
    assert_eq!(wasm, corpus::report(), "the same run gave another hash");
    match option_env!("SIM_NATIVE_CORPUS_HASHES") {
        Some(native) => assert_eq!(
            wasm.trim_end(),
            native.trim_end(),
            "trace hashes differ between wasm32 (left) and native (right)"
        ),
        None => console_log!("SIM_NATIVE_CORPUS_HASHES unset: not compared with native"),
    }
}
