#!/bin/bash
# Benchmark: netconsole-setup watch, in the patient -- router -- doctor namespaces
# (tests/netns/topology.sh). This machine's kernel has no netconsole configfs, so
# the watcher runs with --dry-run and the figure is event to plan: from the end of
# the debounce (the watcher's own share: re-resolution and plan) and from the
# burst's first event (debounce included), as the watcher measures them itself
# (-v "planned ... ms"). The change is a default-route replacement between two
# gateways whose neighbour entries are fresh (no ARP wait). Then the CPU a storm of
# 3,000 unrelated route changes costs the watcher (getrusage of the process, from
# /proc/PID/stat), and that it planned nothing.
#   bench/watch.sh [BINARY] [CHANGES]
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$(realpath "${1:-$HERE/../build/dev/cli/netconsole-setup}")"
CHANGES="${2:-100}"
# shellcheck source=../tests/netns/topology.sh
. "$HERE/../tests/netns/topology.sh"
[ -x "$BIN" ] || { echo "no binary at $BIN (build it first)" >&2; exit 1; }
topo_require
topo_up || exit 1
OUT="$(mktemp)" ERR="$(mktemp)" BATCH="$(mktemp)"
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; topo_cleanup; rm -f "$OUT" "$ERR" "$BATCH"' EXIT

# A second gateway on the same link, with its own MAC (a macvlan in the router).
ip -n "$NS_R" link add rg link ra type macvlan mode bridge
ip -n "$NS_R" addr add 10.1.0.3/24 dev rg
ip -n "$NS_R" link set rg up
command -v arping >/dev/null || topo_skip "arping is not installed (iputils-arping)"
ip netns exec "$NS_P" arping -q -c1 -w1 -I pa 10.1.0.3
ip netns exec "$NS_P" arping -q -c1 -w1 -I pa "$R4A"

ip netns exec "$NS_P" "$BIN" -v watch --dry-run --to "$D4" --name w >"$OUT" 2>"$ERR" &
PID=$!
for _ in $(seq 100); do grep -q "note: watching" "$ERR" && break; sleep 0.05; done

gateways=("$R4A" 10.1.0.3) # the first change moves to 10.1.0.3
for i in $(seq "$CHANGES"); do
    ip -n "$NS_P" route replace default via "${gateways[$((i % 2))]}" dev pa
    # Wait for this change's plan before the next one, so bursts never merge.
    for _ in $(seq 100); do
        [ "$(grep -c "planned 1 target" "$ERR")" -ge "$i" ] && break
        sleep 0.01
    done
done

ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
before=$(ticks)
for i in $(seq 0 2999); do
    echo "route add 10.99.$((i / 250)).$((i % 250 + 1))/32 via $R4A dev pa"
done >"$BATCH"
planned_before=$(grep -c "target w:" "$OUT")
ip -n "$NS_P" -batch "$BATCH"
for _ in $(seq 200); do grep -q "10.99.11.250/32" "$ERR" && break; sleep 0.05; done
sleep 0.2
after=$(ticks)
planned_after=$(grep -c "target w:" "$OUT")
kill -TERM "$PID"
wait "$PID"
PID=""

stats() { # stdin: numbers; prints median, p90, max
    sort -n | awk '{a[NR]=$1} END {printf "%.3f | %.3f | %.3f", a[int((NR+1)/2)], a[int(NR*0.9)], a[NR]}'
}
own="$(sed -n 's/.*(\([0-9.]*\) ms after the debounce,.*/\1/p' "$ERR" | stats)"
total="$(sed -n 's/.*planned 1 target(s) \([0-9.]*\) ms after the burst.*/\1/p' "$ERR" | stats)"
count="$(grep -c "ms after the debounce" "$ERR")"
hz=$(getconf CLK_TCK)

echo "Kernel $(uname -r), patient -> router -> doctor veth namespaces, target $D4 (routed),"
echo "$count default-route replacements between two fresh gateways, watch --dry-run -v."
echo
echo "| event to plan | median [ms] | p90 [ms] | max [ms] |"
echo "|---|---:|---:|---:|"
echo "| after the debounce (the watcher's own share) | $own |"
echo "| after the burst's first event (the debounce included: 10 ms quiet, 30 ms at most) | $total |"
echo
echo "- storm of 3,000 unrelated route additions: $(( (after - before) * 1000 / hz )) ms CPU in the watcher, $((planned_after - planned_before)) plan lines (goal: 0 writes)."
