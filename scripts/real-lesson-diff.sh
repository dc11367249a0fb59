#!/usr/bin/env bash
# The differential run of issue 10: every lesson's solutions in the simulation and for real,
# outputs compared with ids and times masked; prints the share identical (goal 95%) and each
# difference (README: "Differences between the two modes"). Exit 1 below the goal.
# Skipped (exit 0, with the reason) when not root: real containers need root.
#
# Usage: scripts/real-lesson-diff.sh [LESSON_ID...]   (SIM=path/to/sim to use another build)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "real-lesson-diff: SKIPPED: sim --real needs root" >&2
  exit 0
fi
sim="${SIM:-}"
if [ -z "$sim" ]; then
  cargo build -q -p sim-cli
  sim="${CARGO_TARGET_DIR:-target}/debug/sim"
fi
state="$(mktemp -d)"
# reset first: the lessons' containers leave cgroups (and possibly processes) outside $state.
trap '"$sim" --real --state "$state" reset >/dev/null 2>&1 || true; rm -rf "$state"' EXIT
"$sim" --real --state "$state" lesson diff "$@"
