#!/bin/bash
# Benchmark: `netconsole-setup --to X` against the ip+grep+awk pipeline of
# Debian's netconsole-setup 0.3 (bench/pipeline.sh), with a warm and a cold
# neighbour cache, inside a patient -- router -- doctor namespace topology
# (tests/netns/topology.sh). `ip netns exec NS true` is the floor every
# command pays. Prints a markdown table; needs root and hyperfine. On a shared
# machine run it as `chrt -f 10 bench/resolve.sh` (see bench/startup.sh).
#   bench/resolve.sh [BINARY] [RUNS] [STATIC_BINARY]
# BINARY defaults to the release preset's build, STATIC_BINARY to the static
# preset's (-DNCS_STATIC=ON), which adds a warm-cache row when it is built.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$(realpath "${1:-$HERE/../build/release/cli/netconsole-setup}")"
RUNS="${2:-200}"
STATIC="${3:-$HERE/../build/static/cli/netconsole-setup}"

# shellcheck source=../tests/netns/topology.sh
. "$HERE/../tests/netns/topology.sh"
command -v hyperfine >/dev/null || topo_skip "hyperfine is not installed"
[ -x "$BIN" ] || { echo "no binary at $BIN (build it first)" >&2; exit 1; }
topo_require
topo_up || exit 1

PIPE="$HERE/pipeline.sh"
static_rows=()
[ -x "$STATIC" ] && static_rows=(-n "netconsole-setup (NCS_STATIC), warm cache" "ip netns exec $NS_P $(realpath "$STATIC") --to $D4")
EXEC="ip netns exec $NS_P"
FLUSH="ip -n $NS_P neigh flush all"
OUTDIR="$(mktemp -d)"
trap 'topo_cleanup; rm -rf "$OUTDIR"' EXIT

# Same answer from both, or the comparison means nothing.
ours="$($EXEC "$BIN" --to "$D4" 2>/dev/null)"
theirs="$($EXEC sh "$PIPE" "$D4")"
if [ "$ours" != "$theirs" ]; then
    echo "outputs differ: '$ours' vs '$theirs'" >&2
    exit 1
fi

hf() { hyperfine -N --style none --warmup 10 --runs "$RUNS" "$@" >/dev/null; }

hf --export-json "$OUTDIR/warm.json" \
    -n "floor: ip netns exec NS true" "$EXEC true" \
    -n "netconsole-setup, warm cache" "$EXEC $BIN --to $D4" \
    -n "ip route get + ip neigh + grep/awk, warm cache" "$EXEC sh $PIPE $D4" \
    "${static_rows[@]}"
hf --export-json "$OUTDIR/cold.json" --prepare "$FLUSH" \
    -n "floor: ip netns exec NS true (after flush)" "$EXEC true" \
    -n "netconsole-setup, cold cache" "$EXEC $BIN --to $D4" \
    -n "ip route get + ping -c1 + ip neigh + grep/awk, cold cache" "$EXEC sh $PIPE $D4 ping"

# The neighbour's own answer time, as the tool measures it (-v).
answers=()
for _ in $(seq 20); do
    $FLUSH
    a="$($EXEC "$BIN" -v --to "$D4" 2>&1 >/dev/null | sed -n 's/.*answered after \([0-9.]*\) ms.*/\1/p')"
    answers+=("$a")
done
answer_ms="$(printf '%s\n' "${answers[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')"

python3 - "$OUTDIR/warm.json" "$OUTDIR/cold.json" "$answer_ms" "$(uname -r)" <<'PY'
import json, sys
warm, cold = (json.load(open(p))["results"] for p in sys.argv[1:3])
answer = float(sys.argv[3])
# Medians: the machine is shared, and a few slow runs must not decide.
med = lambda r: r["median"] * 1000
mean = lambda r: r["mean"] * 1000
sd = lambda r: r["stddev"] * 1000
floor = med(warm[0])
print(f"Kernel {sys.argv[4]}, patient -> router -> doctor veth namespaces, target 10.2.0.2 "
      f"(routed), {len(warm[0]['times'])} runs each (hyperfine -N); the floor is "
      f"`ip netns exec NS true`, which every command pays.\n")
print("| command | median [ms] | mean ± σ [ms] | median above floor [ms] |")
print("|---|---:|---:|---:|")
for rows in (warm, cold):
    for r in rows:
        above = "" if r is rows[0] else f"{med(r) - floor:.2f}"
        print(f"| {r['command']} | {med(r):.2f} | {mean(r):.2f} ± {sd(r):.2f} | {above} |")
wo, wp = med(warm[1]) - floor, med(warm[2]) - floor
co, cp = med(cold[1]) - floor, med(cold[2]) - floor
print()
print(f"- warm cache: the pipeline costs {wp:.2f} ms above the floor, netconsole-setup "
      f"{wo:.2f} ms: {wp / wo:.1f}x less (goal: at least 10x).")
print(f"- warm `--to` (default build) {wo:.2f} ms above the floor (goal: within 1 ms: "
      f"{'met' if wo <= 1 else 'NOT met'}).")
if len(warm) > 3:
    so = med(warm[3]) - floor
    # A fully static binary can cost less than the floor's own dynamic /bin/true.
    ratio = (f"{wp / so:.1f}x less than the pipeline" if so > 0 else
             "below the floor, whose /bin/true maps libc: no ratio to the pipeline")
    print(f"- warm `--to` (NCS_STATIC) {so:.2f} ms above the floor (goal: within 0.3 ms: "
          f"{'met' if so <= 0.3 else 'NOT met'}); {ratio}.")
print(f"- cold cache: the pipeline (which needs a ping to fill the cache) {cp:.2f} ms, "
      f"netconsole-setup {co:.2f} ms: {cp / co:.1f}x less.")
print(f"- cold resolution costs {co - wo:.2f} ms more than warm; the neighbour answered after "
      f"{answer:.2f} ms (median of 20 -v runs); goal: at most answer + 2 ms = {answer + 2:.2f} ms.")
PY
