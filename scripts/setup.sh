#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian 12 machine, skipping whatever is
# already there, so running it again costs a few seconds. Run as root (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

say() { printf 'setup: %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages: the browser and its driver for the wasm and e2e tests, a static busybox for
# the real executor's base image.
missing=()
# fonts-nanum: Korean glyphs for the browser tests' screenshots (Debian's Chromium has none).
# umoci, skopeo, podman: check `sim --real docker save` tarballs (crates/cli/tests/real_save_load.rs).
for pkg in chromium chromium-driver busybox-static fonts-nanum umoci skopeo podman; do
  if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    say "skip apt $pkg (installed)"
  else
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "install apt ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "install apt nodejs npm"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
else
  say "skip node $(node --version) (installed)"
fi

if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "skip rustup target wasm32-unknown-unknown (installed)"
else
  say "install rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# trunk 0.22 needs a newer rustc than this machine has; 0.21.14 builds with --locked.
want_trunk=0.21.14
have_trunk="$(trunk --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have_trunk" = "$want_trunk" ]; then
  say "skip trunk $want_trunk (installed)"
else
  say "install trunk $want_trunk (had '${have_trunk:-none}'; about 15 minutes)"
  cargo install trunk --version "$want_trunk" --locked
fi

# The CLI must equal the wasm-bindgen crate in Cargo.lock exactly. No --locked: one of its
# locked dependencies is missing from the registry index here.
want_wbg="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)"
have_wbg="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ -z "$want_wbg" ]; then
  say "error: no wasm-bindgen in Cargo.lock" >&2
  exit 1
elif [ "$have_wbg" = "$want_wbg" ] && command -v wasm-bindgen-test-runner >/dev/null; then
  say "skip wasm-bindgen-cli $want_wbg (installed)"
else
  say "install wasm-bindgen-cli $want_wbg (had '${have_wbg:-none}'; about 10 minutes)"
  cargo install wasm-bindgen-cli --version "$want_wbg" --force
fi

# wasm-opt for trunk's release build, from npm into the project-local .tools/ (gitignored).
want_binaryen=132
have_binaryen="$(node -p 'require("./.tools/node_modules/binaryen/package.json").version' 2>/dev/null || true)"
if [ "${have_binaryen%%.*}" = "$want_binaryen" ] && [ -x .tools/node_modules/.bin/wasm-opt ]; then
  say "skip npm binaryen $have_binaryen (installed in .tools)"
else
  say "install npm binaryen@$want_binaryen into .tools"
  mkdir -p .tools
  [ -f .tools/package.json ] || echo '{ "private": true }' > .tools/package.json
  npm install --prefix .tools --no-audit --no-fund --loglevel=error "binaryen@$want_binaryen"
fi

# playwright-core for the end-to-end test, pinned by tests/e2e/package-lock.json.
want_pw="$(node -p 'require("./tests/e2e/package-lock.json").packages["node_modules/playwright-core"].version')"
have_pw="$(node -p 'require("./tests/e2e/node_modules/playwright-core/package.json").version' 2>/dev/null || true)"
if [ "$have_pw" = "$want_pw" ]; then
  say "skip npm playwright-core $have_pw (installed in tests/e2e)"
else
  say "install npm playwright-core $want_pw into tests/e2e"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

say "done"
