#!/usr/bin/env bash
# Start-to-exit of a container running `true` in a busybox root: `sim --real docker run --rm
# busybox true` beside runc and crun running the same root filesystem from an OCI bundle, in
# the same run (the machine is noisy: compare only within one run). Median of N (50) each,
# printed with the ratios. Figures only: nothing is asserted. Not part of CI.
#
# Needs root. runc and crun come from Debian's packages (installed here when missing). crun
# refuses hybrid cgroups, so it runs in its own mount namespace with /sys/fs/cgroup/unified
# unmounted. sim is timed per invocation: each one also replays its session's journal.
#
# After the runs (and CYCLES more `run --rm` in one `sim --real script`, default 1000) it
# prints what was left behind: mounts under the state directory, its cgroups, container
# directories, processes of its cgroups (all should be 0).
#
# Then two more figures: a fully cached rebuild of a 12-step Dockerfile (median of N), and a
# new image's layer extraction (`docker load` of a saved multi-layer image into a fresh state
# directory, then its first run), per MB.
#
# Usage: scripts/real-bench.sh [N]   (SIM=path/to/sim to time another build, CYCLES=n,
#        EXTRACTS=n fresh loads)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-50}"

if [ "$(id -u)" != 0 ]; then
  echo "real-bench: needs root (namespaces, overlayfs, cgroups)" >&2
  exit 1
fi
missing=()
command -v runc >/dev/null || missing+=(runc)
command -v crun >/dev/null || missing+=(crun)
[ -x /usr/bin/busybox ] || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing ${missing[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

sim="${SIM:-target/release/sim}"
if [ -z "${SIM:-}" ]; then
  echo "==> building sim (release)" >&2
  source scripts/env.sh 2>/dev/null || true
  cargo build -q --release -p sim-cli
fi

work="$(mktemp -d)"
cleanup() {
  for st in "$work"/state*; do
    "$sim" --state "$st" --real reset >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# The OCI bundle: busybox and its applet links, the same files sim's busybox layer has.
bundle="$work/bundle"
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/sys"
cp /usr/bin/busybox "$bundle/rootfs/bin/busybox"
for applet in $(/usr/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$bundle/rootfs/bin/$applet"
done
(cd "$bundle" && runc spec)
python3 - "$bundle/config.json" <<'PY'
import json, sys
path = sys.argv[1]
spec = json.load(open(path))
spec["process"]["terminal"] = False
spec["process"]["args"] = ["/bin/true"]
spec["root"]["readonly"] = False
json.dump(spec, open(path, "w"), indent=1)
PY

# Milliseconds of each of $runs runs of "$@", one per line.
time_runs() {
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "real-bench: failed: $*" >&2; return 1; }
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 ))
  done
}
median() { sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }'; }

echo "==> warming up (layer store, page cache)" >&2
"$sim" --state "$work/state" --real docker run --rm busybox true >/dev/null 2>&1
runc run -b "$bundle" warm >/dev/null 2>&1 || true

echo "==> sim --real: $runs runs" >&2
sim_ms=$(time_runs "$sim" --state "$work/state" --real docker run --rm busybox true | median)
echo "==> runc: $runs runs" >&2
runc_ms=$(time_runs runc run -b "$bundle" "bench-$$" | median)
echo "==> crun (own mount namespace, cgroup2 mount removed): $runs runs" >&2
export -f time_runs
export runs bundle
crun_ms=$(unshare -m bash -c 'umount /sys/fs/cgroup/unified 2>/dev/null || true; time_runs crun run -b "$bundle" "bench-$$"' | median)

cycles="${CYCLES:-1000}"
echo "==> sim --real: $cycles more run --rm cycles in one script, then leftovers" >&2
for _ in $(seq "$cycles"); do echo "docker run --rm busybox true"; done > "$work/cycles.txt"
t0=$(date +%s%N)
"$sim" --state "$work/state" --real script -q "$work/cycles.txt" >/dev/null 2>&1 \
  || echo "real-bench: a cycle failed (sim exited $?)" >&2
t1=$(date +%s%N)
state_real="$(cd "$work/state/real" && pwd -P)"
left_mounts=$(grep -c " $state_real" /proc/self/mountinfo || true)
left_groups=0
left_procs=0
prefix=$(python3 -c 'import hashlib,os,sys; print(hashlib.sha256(os.path.realpath(sys.argv[1]).encode()).hexdigest()[:8])' "$work/state/real")
for controller in memory pids cpu; do
  for group in /sys/fs/cgroup/"$controller"/sim-real/"$prefix"-* /sys/fs/cgroup/sim-real/"$prefix"-*; do
    [ -d "$group" ] || continue
    left_groups=$((left_groups + 1))
    left_procs=$((left_procs + $(wc -l < "$group/cgroup.procs")))
  done
done
# Removed directories go through trash/ to a detached rm: give it a moment, then count them.
sleep 2
left_dirs=$( (find "$work/state/real/containers" "$work/state/real/sandboxes" -mindepth 1 -maxdepth 1 2>/dev/null || true) | wc -l)
left_dirs=$((left_dirs + $( (find "$work/state/real" -mindepth 1 -maxdepth 1 -name 'trash*' 2>/dev/null || true) | wc -l)))

# A fully cached rebuild of a 12-step Dockerfile (goal in the issue: under 50 ms): built once,
# then timed $runs more times; every step is a cache hit.
ctx="$work/ctx12"
mkdir -p "$ctx"
echo one > "$ctx/one.txt"
echo two > "$ctx/two.txt"
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM busybox
ENV APP=/app MODE=bench
WORKDIR /app
COPY one.txt /app/one.txt
RUN echo built > /app/built
LABEL purpose=bench
ENV LEVEL=2
RUN mkdir -p /app/data && echo data > /app/data/file
COPY two.txt /app/two.txt
EXPOSE 8080
RUN ls -l /app > /app/listing
CMD ["cat", "/app/listing"]
DOCKERFILE
echo "==> sim --real docker build: 12-step Dockerfile once, then $runs cached rebuilds" >&2
"$sim" --state "$work/state-build" --real docker build -t bench12 "$ctx" >/dev/null 2>&1
build_ms=$(time_runs "$sim" --state "$work/state-build" --real docker build -t bench12 "$ctx" | median)

# `docker run` of a new image: its layers are extracted once (at `docker load`, checked there
# before the core sees them, or at the first run). An image of busybox and three 4 MB RUN
# layers is saved, then loaded into a fresh state directory and run twice: the layer cost is
# load + first run - second run, per MB of layer tars. Median of EXTRACTS (5) fresh loads.
extracts="${EXTRACTS:-5}"
printf 'FROM busybox\nRUN dd if=/dev/urandom of=/l1 bs=1M count=4\nRUN dd if=/dev/urandom of=/l2 bs=1M count=4\nRUN dd if=/dev/urandom of=/l3 bs=1M count=4\n' > "$ctx/Dockerfile.layers"
"$sim" --state "$work/state-build" --real docker build -t layers -f "$ctx/Dockerfile.layers" "$ctx" >/dev/null 2>&1
"$sim" --state "$work/state-build" --real docker save -o "$work/layers.tar" layers >/dev/null 2>&1
layers_mb=$(python3 - "$work/layers.tar" <<'PY'
import json, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    manifest = json.load(t.extractfile("manifest.json"))
    print("%.1f" % (sum(t.getmember(l).size for l in manifest[0]["Layers"]) / 1e6))
PY
)
echo "==> extraction: $extracts fresh loads of a ${layers_mb} MB image, each run twice" >&2
load_list=()
first_list=()
second_list=()
for i in $(seq "$extracts"); do
  st="$work/state-x$i"
  ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || echo "real-bench: failed: $*" >&2; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 )); }
  load_list+=("$(ms "$sim" --state "$st" --real docker load -i "$work/layers.tar")")
  first_list+=("$(ms "$sim" --state "$st" --real docker run --rm layers true)")
  second_list+=("$(ms "$sim" --state "$st" --real docker run --rm layers true)")
  "$sim" --state "$st" --real reset >/dev/null 2>&1 || true
done
load_ms=$(printf '%s\n' "${load_list[@]}" | median)
first_ms=$(printf '%s\n' "${first_list[@]}" | median)
second_ms=$(printf '%s\n' "${second_list[@]}" | median)
extract_ms=$(awk -v l="$load_ms" -v f="$first_ms" -v s="$second_ms" 'BEGIN { printf "%.1f", l + f - s }')
per_mb=$(awk -v e="$extract_ms" -v m="$layers_mb" 'BEGIN { printf "%.2f", e / m }')
"$sim" --state "$work/state-build" --real reset >/dev/null 2>&1 || true

echo
echo "$cycles run --rm cycles: $(( (t1 - t0) / 1000000 / cycles )) ms each; left behind: $left_mounts mounts, $left_groups cgroups, $left_procs processes, $left_dirs container directories"
echo
printf '%-44s %10s %14s\n' "start to exit of \`true\` in busybox" "median ms" "sim / other"
printf '%-44s %10s %14s\n' "sim --real docker run --rm busybox true" "$sim_ms" "1.00"
printf '%-44s %10s %14s\n' "runc run (OCI bundle, same rootfs)" "$runc_ms" "$(awk -v a="$sim_ms" -v b="$runc_ms" 'BEGIN { printf "%.2f", a / b }')"
printf '%-44s %10s %14s\n' "crun run (OCI bundle, same rootfs)" "$crun_ms" "$(awk -v a="$sim_ms" -v b="$crun_ms" 'BEGIN { printf "%.2f", a / b }')"
echo "(goal in the issue: sim at most half of crun's time; $runs runs each, this machine, this run)"
echo
printf '%-44s %10s\n' "fully cached rebuild, 12-step Dockerfile" "$build_ms"
echo "(goal in the issue: under 50 ms; median of $runs rebuilds)"
echo
printf '%-44s %10s\n' "new image (${layers_mb} MB of layers): docker load" "$load_ms"
printf '%-44s %10s\n' "  then its first docker run --rm true" "$first_ms"
printf '%-44s %10s\n' "  a later docker run --rm true" "$second_ms"
printf '%-44s %10s %14s\n' "  layers: load + first - later run" "$extract_ms" "$per_mb ms/MB"
echo "(medians of $extracts fresh state directories)"
