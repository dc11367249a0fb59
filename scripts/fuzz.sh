#!/usr/bin/env bash
# Bounded fuzzing of the command-line parser and the Dockerfile parser (plus the World behind
# them): each target runs for FUZZ_SECONDS (default 30) with libFuzzer via cargo-fuzz. Any panic
# is a failure; the crashing input is left in fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-30}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz (once)"
  cargo install cargo-fuzz --locked
fi
# cargo-fuzz needs nightly flags (-Zsanitizer); use nightly when installed, else let stable
# accept them.
toolchain=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
else
  export RUSTC_BOOTSTRAP=1
fi
for target in command_line dockerfile; do
  echo "fuzz: $target for ${seconds}s"
  cargo "${toolchain[@]}" fuzz run "$target" -- -max_total_time="$seconds" -rss_limit_mb=2048
done
echo "fuzz: no crashes"
