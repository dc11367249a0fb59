//! Prints `name hash` for every determinism-corpus scenario, computed natively.
//! scripts/test.sh hands this to the wasm32 test (tests/wasm_determinism.rs), which must
//! compute the same lines in the browser.

#[path = "../tests/corpus/mod.rs"]
mod corpus;

fn main() {
    print!("{}", corpus::report());
}
