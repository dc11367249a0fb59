#!/usr/bin/env bash
# Serves the web app with live reload: `bash scripts/serve.sh`, then open http://127.0.0.1:8080/.
# For a workshop room, listen on every interface so other laptops can connect:
#   bash scripts/serve.sh --public        (or SIM_PUBLIC=1; port with --port N or SIM_PORT=N)
# Extra arguments after `--` go to `trunk serve` unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

address=127.0.0.1
port="${SIM_PORT:-8080}"
[ "${SIM_PUBLIC:-0}" = 1 ] && address=0.0.0.0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --public) address=0.0.0.0 ;;
    --port) port="$2"; shift ;;
    --port=*) port="${1#--port=}" ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "serve.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

bash scripts/setup.sh
source scripts/env.sh
if [ "$address" = 0.0.0.0 ]; then
  echo "serve: listening on every interface, port $port; others open http://<this machine's address>:$port/"
fi
# Release: a room of laptops loads a small, fast build (developers can run `trunk serve`).
exec trunk serve --release --address "$address" --port "$port" "${extra[@]}"
