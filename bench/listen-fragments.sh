#!/bin/bash
# Benchmark: what one datagram costs `listen` when its table of partial records is
# full (issue 20: a flood of first fragments that never complete). In a network
# namespace made for the run, over loopback: 4000 senders send one record each,
# then ncs-loadgen --partial from 100 more senders (source ports) fills the table
# and keeps it full; listen's CPU time (utime + stime from /proc) over the
# datagrams it counted gives microseconds per datagram, beside the same measure
# for whole small records. Run it with an older binary for the before/after.
#   bench/listen-fragments.sh [BINARY] [LOADGEN] [RECORDS_PER_SENDER]
# Prints a markdown table.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$(realpath "${1:-$HERE/../build/dev/cli/netconsole-setup}")"
LOADGEN="$(realpath "${2:-$HERE/../build/dev/bench/ncs-loadgen}")"
COUNT="${3:-600}"
SENDERS=100
# shellcheck source=../tests/netns/topology.sh
. "$HERE/../tests/netns/topology.sh"
[ -x "$BIN" ] || { echo "no binary at $BIN (build it first)" >&2; exit 1; }
[ -x "$LOADGEN" ] || { echo "no load generator at $LOADGEN (build target ncs-loadgen)" >&2; exit 1; }
topo_require

# shellcheck source=bench-netns.sh
. "$HERE/bench-netns.sh"

# cpu_ticks PID: utime + stime of PID, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# measure LABEL LOADGEN-ARGS...: µs of listen CPU per datagram of the load, after
# 4000 other senders have each sent one record (the table of senders the eviction
# of the old code scanned past).
measure() {
    local label="$1" base
    shift
    # Not through in_ns: RECEIVER must be the listener itself, not a subshell.
    ip netns exec "$NS" "$BIN" --json listen --port 6666 >/dev/null 2>"$WORK/err" &
    RECEIVER=$!
    for _ in $(seq 200); do in_ns ss -Hlun "sport = :6666" | grep -q . && break; sleep 0.05; done
    for base in 30000 31000 32000 33000; do
        in_ns "$LOADGEN" --to 127.0.0.1 --senders 1000 --source-port "$base" --count 1 >/dev/null
    done
    sleep 0.5
    local before after
    before="$(cpu_ticks "$RECEIVER")"
    in_ns "$LOADGEN" --to 127.0.0.1 --senders "$SENDERS" --source-port 20000 "$@" >/dev/null
    sleep 1
    after="$(cpu_ticks "$RECEIVER")"
    kill -TERM "$RECEIVER"
    wait "$RECEIVER"
    RECEIVER=""
    local datagrams
    datagrams="$(tail -n 1 "$WORK/err" | python3 -c 'import json,sys; print(json.load(sys.stdin)["datagrams"] - 4000)')"
    local ticks=$((after - before)) hz
    hz="$(getconf CLK_TCK)"
    echo "| $label | $datagrams | $(echo "scale=1; $ticks * 1000000 / $hz / $datagrams" | bc) |"
}

echo "| load ($SENDERS senders x $COUNT records, after 4000 others) | datagrams received | listen CPU µs per datagram |"
echo "|---|---|---|"
measure "whole records of 40 bytes" --count "$COUNT" --rate 200
measure "first fragments of 60,000-byte records (table full)" --count "$COUNT" --rate 200 \
    --text-bytes 60000 --partial
