#!/usr/bin/env bash
# Bounded fuzzing through the sans-IO seam: command lines (command_line), observations that come
# late and out of order (seam_timing) and Dockerfiles (dockerfile), each a Machine driven by the
# simulated host. Each target runs for FUZZ_SECONDS (default 20) with libFuzzer via cargo-fuzz,
# starting from fuzz/seeds/TARGET and the words in fuzz/commands.dict, and prints its
# executions per second. Any panic or broken invariant is a failure; the crashing input is left
# in fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-20}"
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
# No AddressSanitizer: sim-core has no unsafe code, and ASan's allocator made each execution
# several times slower. Debug assertions (overflow checks) stay on.
flags=(--sanitizer none)
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
for target in command_line seam_timing dockerfile; do
  echo "fuzz: $target for ${seconds}s"
  mkdir -p "fuzz/corpus/$target"
  status=0
  cargo "${toolchain[@]}" fuzz run "${flags[@]}" "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -dict=fuzz/commands.dict -print_final_stats=1 \
    >"$logs/$target.log" 2>&1 || status=$?
  grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$logs/$target.log" || true
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$target.log")"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$logs/$target.log")"
  echo "fuzz: $target: ${runs:-?} executions, ${rate:-?} exec/s"
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$logs/$target.log"
    echo "fuzz: $target failed (input in fuzz/artifacts/$target/)"
    exit "$status"
  fi
done
echo "fuzz: no crashes"
