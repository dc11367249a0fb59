# Sourced by the other scripts: puts the project's tools on PATH.
# Cargo-installed tools (trunk, wasm-bindgen) live in ~/.cargo/bin; wasm-opt comes from the npm
# package binaryen in .tools/ because Debian's binaryen is too old to read current wasm.
SIM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIM_TOOLS="$SIM_ROOT/.tools"
export SIM_ROOT SIM_TOOLS
case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) PATH="$HOME/.cargo/bin:$PATH" ;; esac
case ":$PATH:" in *":$SIM_TOOLS/node_modules/.bin:"*) ;; *) PATH="$SIM_TOOLS/node_modules/.bin:$PATH" ;; esac
export PATH
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
