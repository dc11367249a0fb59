#!/usr/bin/env bash
# The benchmark workloads of crates/core/src/bench.rs, natively (`sim bench --json`, release)
# and in WebAssembly under Node (crates/bench-wasm, wasm32-unknown-unknown --release, timed with
# performance.now()), with the same iteration counts and medians on both sides, then one table:
# workload, native ms, wasm ms (all functions compiled by TurboFan up front), wasm/native, and
# wasm ms with V8's default tiering. Figures only: nothing is asserted.
#
# Both sides build with the release profile: opt-level 3 for sim-core and for the final crate
# (sim-cli natively, sim-bench-wasm in wasm), "z" for the other dependencies, fat LTO,
# codegen-units 1, panic=abort. No wasm-opt pass on the wasm side.
#
# Usage: scripts/bench.sh [--containers N] [--events N]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

containers=10000
events=100000
while [ $# -gt 0 ]; do
  case "$1" in
    --containers) containers="$2"; shift 2 ;;
    --events) events="$2"; shift 2 ;;
    *) echo "usage: $0 [--containers N] [--events N]" >&2; exit 2 ;;
  esac
done

out="target/bench-wasm"
echo "==> building sim (native, release)" >&2
cargo build -q --release -p sim-cli
echo "==> building sim-bench-wasm (wasm32-unknown-unknown, release)" >&2
cargo build -q --release -p sim-bench-wasm --target wasm32-unknown-unknown
rm -rf "$out"
wasm-bindgen --target nodejs --out-dir "$out" \
  target/wasm32-unknown-unknown/release/sim_bench_wasm.wasm

echo "==> running natively" >&2
# bench keeps no state, but sim wants a state directory: give it a throwaway one.
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT
native="$(target/release/sim --state "$state" --json bench --containers "$containers" --events "$events")"

# V8 normally starts wasm on its baseline compiler (Liftoff) and recompiles hot functions with
# its optimizing compiler (TurboFan) as they run, so the first milliseconds pay for compilation
# and the short cold-build figure mostly measures that. The compared column runs with every
# function compiled by TurboFan at load, the counterpart of native ahead-of-time code; the last
# column is the same single pass with V8's defaults, as a page would first run it.
echo "==> running wasm under node $(node --version)" >&2
run_wasm() {
  node "$@" -e '
    const bench = require(process.argv[1]);
    console.log(bench.run_all(Number(process.argv[2]), Number(process.argv[3])));
    console.log(bench.run_cluster(5000, 150000, 10000));
  ' "$PWD/$out/sim_bench_wasm.js" "$containers" "$events"
}
wasm="$(run_wasm --no-liftoff --no-wasm-lazy-compilation)"
wasm_default="$(run_wasm)"

NATIVE="$native" WASM="$wasm" WASM_DEFAULT="$wasm_default" node -e '
  // Each side prints one JSON line of core figures, then one of cluster figures.
  const lines = (text) => text.trim().split("\n").map((l) => JSON.parse(l));
  const [n, nc] = lines(process.env.NATIVE);
  const [w, wc] = lines(process.env.WASM);
  const [d, dc] = lines(process.env.WASM_DEFAULT);
  // The cluster figures under the same keys on both sides.
  const flat = (c) => {
    const out = { rollout_ms: c.rollout_ms ?? c.discovery.rollout_ms };
    for (const [name, ms] of c.schedule_ms) out["schedule_" + name] = ms;
    return out;
  };
  Object.assign(n, flat(nc));
  Object.assign(w, flat(wc));
  Object.assign(d, flat(dc));
  const rows = [
    ["cold build, 12 instructions", "cold_build_ms"],
    ["fully cached build", "cached_build_ms"],
    [`create + start ${n.containers} containers`, "containers_ms"],
    [`record + hash ${n.events} events`, "hash_ms"],
    ...nc.schedule_ms.map(([name]) => [`schedule 150k pods/5k nodes, ${name}`, "schedule_" + name]),
    ["rolling update, 10k replicas", "rollout_ms"],
  ];
  const ms = (x) => x.toFixed(3);
  const line = (a, b, c, d, e) =>
    a.padEnd(44) + b.padStart(12) + c.padStart(12) + d.padStart(13) + e.padStart(20);
  console.log(line("workload", "native ms", "wasm ms", "wasm/native", "wasm, V8 defaults"));
  // Targets of issue 8: scheduling <= 300 ms natively and <= 1 s in wasm.
  for (const [label, key] of rows) {
    const ratio = n[key] > 0 ? (w[key] / n[key]).toFixed(2) + "x" : "n/a";
    console.log(line(label, ms(n[key]), ms(w[key]), ratio, ms(d[key])));
  }
'
echo "(release profile both sides: opt-level 3 for sim-core and the final crate, \"z\" for other"
echo " dependencies, fat LTO, codegen-units 1, panic=abort; wasm without wasm-opt; wasm ms: every"
echo " function compiled by TurboFan at load; node $(node --version); nothing asserted)"
