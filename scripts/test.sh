#!/usr/bin/env bash
# Everything CI checks, in order, stopping at the first failing step:
# setup, format, lints, native tests, wasm32 tests in Chromium (with the native/wasm32
# determinism comparison), the release web bundle, the end-to-end page test, and the bounded
# fuzz run when scripts/fuzz.sh exists. The last line is always `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
summary() { echo; echo "$passed passed, $failed failed"; }

# step NAME COMMAND...: runs one step under a header; on failure prints the summary and exits.
step() {
  local name="$1"
  shift
  printf '\n==> [%d] %s\n' "$((passed + failed + 1))" "$name"
  local started=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    printf '==> ok: %s (%ds)\n' "$name" "$((SECONDS - started))"
  else
    local code=$?
    failed=$((failed + 1))
    printf '==> FAILED: %s (exit %d after %ds)\n' "$name" "$code" "$((SECONDS - started))"
    summary
    exit 1
  fi
}

# Determinism across platforms: the same corpus (crates/core/tests/corpus) must give the same
# trace hashes natively and in the browser. The native hashes are computed here, now, by an
# example binary, and handed to the wasm32 test at compile time (option_env!), which asserts
# equality inside the browser. We do not scrape console.log from the browser run:
# wasm-bindgen-test-runner captures a test's console output and prints it only when that test
# fails, so a comparison outside the test would depend on runner internals. Asserting inside
# the test makes a mismatch an ordinary test failure, with both sides in its message.
wasm_tests() {
  local native
  native="$(cargo run -q -p sim-core --example corpus_hashes)" || return 1
  echo "native corpus hashes:"
  echo "$native"
  SIM_NATIVE_CORPUS_HASHES="$native" CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" \
    cargo test --target wasm32-unknown-unknown -p sim-core -p sim-web
}

e2e() {
  (cd tests/e2e && node --test app.test.mjs cluster.test.mjs rollout.test.mjs)
}

step "setup (install missing tools)" bash scripts/setup.sh
source scripts/env.sh
step "cargo fmt --check" cargo fmt --all --check
step "cargo clippy -D warnings" cargo clippy --workspace --all-targets -- -D warnings
step "cargo test (native)" cargo test --workspace
step "cargo test (wasm32 in Chromium, determinism vs native)" wasm_tests
step "trunk build --release" trunk build --release
step "end-to-end page test (Chromium)" e2e
if [ -f scripts/fuzz.sh ]; then
  step "bounded fuzz run" bash scripts/fuzz.sh
else
  echo
  echo "==> skip: bounded fuzz run (scripts/fuzz.sh not present)"
fi
summary
