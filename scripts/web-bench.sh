#!/usr/bin/env bash
# Web app figures (printed, never asserted): release bundle size (wasm + js, raw and gzip), time
# to an interactive terminal and command + redraw with 200 containers in headless Chromium.
# Builds dist/ with `trunk build --release` unless SIM_DIST points at an existing build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
source scripts/env.sh
dist="${SIM_DIST:-dist}"
if [ -z "${SIM_DIST:-}" ]; then
  trunk build --release >/dev/null
fi
total_raw=0
total_gz=0
printf '%-44s %12s %12s\n' "bundle file" "raw bytes" "gzip -9"
for file in "$dist"/*.wasm "$dist"/*.js; do
  raw=$(wc -c <"$file")
  gz=$(gzip -9c "$file" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '%-44s %12d %12d\n' "$(basename "$file")" "$raw" "$gz"
done
printf '%-44s %12d %12d   (target 358400 gzip, ratio %s)\n' "total" "$total_raw" "$total_gz" \
  "$(awk "BEGIN { printf \"%.2f\", $total_gz / 358400 }")"
abs_dist="$(realpath "$dist")"
(cd tests/e2e && SIM_DIST="$abs_dist" node bench.mjs)
