#!/bin/bash
# Benchmark: `netconsole-setup listen` against socat and Meta's netconsd at the
# same load: 4 patients (bench/ncs-loadgen, the project's own load generator)
# sending flat out over loopback, in a network namespace made for the run. For
# each receiver: records received, records/s over the load, and loss (sent minus
# received), and for listen its own lost count and its sockets' drops beside the
# real loss; each receiver's CPU seconds and records per CPU second. Beside listen,
# ncs-recv-ceiling (next to LOADGEN): recvmmsg and no parsing on one core, the
# ceiling a worker is measured against (a second table: listen --workers N per
# core against it). Then listen alone at 100,000 records/s (4 x 25,000), where it
# must lose nothing.
#   bench/listen.sh [BINARY] [LOADGEN] [NETCONSD_SOURCE] [RECORDS_PER_PATIENT]
# NETCONSD_SOURCE (e.g. ../shared/peers/netconsd) is built in a temporary
# directory; without it the netconsd row is skipped. Prints a markdown table.
# LISTEN_WORKERS=N: listen rows with `--workers N`, pinned to N cores (default 1:
# one worker on one core).
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$(realpath "${1:-$HERE/../build/dev/cli/netconsole-setup}")"
LOADGEN="$(realpath "${2:-$HERE/../build/dev/bench/ncs-loadgen}")"
CEILING="$(dirname "$LOADGEN")/ncs-recv-ceiling"
NETCONSD_SOURCE="${3:-}"
COUNT="${4:-200000}"
PATIENTS=4
# shellcheck source=../tests/netns/topology.sh
. "$HERE/../tests/netns/topology.sh"
[ -x "$BIN" ] || { echo "no binary at $BIN (build it first)" >&2; exit 1; }
[ -x "$LOADGEN" ] || { echo "no load generator at $LOADGEN (build target ncs-loadgen)" >&2; exit 1; }
[ -x "$CEILING" ] || { echo "no receive ceiling at $CEILING (build target ncs-recv-ceiling)" >&2; exit 1; }
command -v socat >/dev/null || topo_skip "socat is not installed"
topo_require

# shellcheck source=bench-netns.sh
. "$HERE/bench-netns.sh"

# shellcheck source=peers.sh
. "$HERE/peers.sh"
NETCONSD=""
[ -n "$NETCONSD_SOURCE" ] && build_netconsd "$NETCONSD_SOURCE" "$WORK"

wait_bound() { wait_udp_bound "$NS" "$1"; }

# load PORT RATE: $PATIENTS load generators at once; sets SENT and LOAD_SECONDS.
load() {
    local port="$1" rate="$2" p start end pids=()
    start=$(date +%s%N)
    for p in $(seq 0 $((PATIENTS - 1))); do
        in_ns "$LOADGEN" --to 127.0.0.1 --port "$port" --source-port $((20000 + p)) \
            --count "$COUNT" --rate "$rate" >"$WORK/load-$p.txt" &
        pids+=($!)
    done
    wait "${pids[@]}"
    end=$(date +%s%N)
    SENT=$((PATIENTS * COUNT))
    LOAD_SECONDS=$(echo "scale=3; ($end - $start) / 1000000000" | bc)
}

# stop: lets the receiver drain, then SIGTERM (background jobs of a script ignore SIGINT);
# sets CPU_SECONDS, the receiver's (every thread's) user and system time.
stop() {
    sleep 1
    CPU_SECONDS=$(cpu_seconds "$RECEIVER")
    kill -TERM "$RECEIVER"
    wait "$RECEIVER" 2>/dev/null
    RECEIVER=""
}

# row NAME RECEIVED [OWN_COUNTS]: sets PER_CPU_SECOND, received per CPU second.
row() {
    local rate loss
    rate=$(echo "$2 / $LOAD_SECONDS" | bc)
    loss=$(echo "scale=2; 100 * ($SENT - $2) / $SENT" | bc)
    PER_CPU_SECOND=$(echo "$2 / $CPU_SECONDS" | bc)
    printf '| %s | %d | %d | %s | %d | %s%% | %s | %s | %d |\n' "$1" "$SENT" "$2" "$LOAD_SECONDS" \
        "$rate" "$loss" "${3:--}" "$CPU_SECONDS" "$PER_CPU_SECOND"
}

echo "| receiver | sent | received | load s | received/s | loss | own counts | CPU s | received per CPU s |"
echo "|---|---|---|---|---|---|---|---|---|"

# listen_row NAME PORT RATE [PREFIX...]: netconsole-setup listen pinned to one core
# (run through PREFIX, e.g. setpriv), text lines to a file, its summary's counts
# beside the real ones.
listen_row() {
    local received own_lost drops name=$1 port=$2 rate=$3
    shift 3
    # ip netns exec directly (not through a function), so $! is the receiver itself.
    ip netns exec "$NS" "$@" taskset -c "0-$((WORKERS - 1))" "$BIN" listen --port "$port" \
        --workers "$WORKERS" >"$WORK/listen-$port.out" 2>"$WORK/listen-$port.err" &
    RECEIVER=$!
    wait_bound "$port" && load "$port" "$rate" && stop
    received=$(sed -n 's/^received \([0-9]*\) records.*/\1/p' "$WORK/listen-$port.err")
    # The summary's first line (the lines after it are per stream).
    own_lost=$(sed -n 's/^received .*, \([0-9]*\) lost.*/\1/p' "$WORK/listen-$port.err")
    drops=$(sed -n 's/^received .*, \([0-9]*\) datagrams\{0,1\} dropped by the socket.*/\1/p' \
        "$WORK/listen-$port.err")
    # Every record is one line; "-- N records lost --" lines are not records.
    [ "$(grep -vc ' lost --$' "$WORK/listen-$port.out")" -eq "$received" ] ||
        echo "listen: summary and output disagree" >&2
    row "$name" "$received" "$own_lost lost, ${drops:-0} socket drops (real $((SENT - received)))"
}

WORKERS=${LISTEN_WORKERS:-1}
listen_row "netconsole-setup listen --workers $WORKERS ($WORKERS core(s))" 7001 0
LISTEN_PER_CPU_SECOND=$PER_CPU_SECOND

# The ceiling: the same socket, batch and wait as a worker, no parsing, one core.
ip netns exec "$NS" taskset -c 0 "$CEILING" --port 7006 >"$WORK/ceiling.out" 2>"$WORK/ceiling.err" &
RECEIVER=$!
wait_bound 7006 && load 7006 0 && stop
row "recvmmsg ceiling: ncs-recv-ceiling, no parsing (1 core)" \
    "$(sed -n 's/^received \([0-9]*\) datagrams.*/\1/p' "$WORK/ceiling.out")" \
    "$(sed -n 's/.*, \([0-9]*\) dropped by the socket/\1 socket drops/p' "$WORK/ceiling.out")"
CEILING_PER_CPU_SECOND=$PER_CPU_SECOND
# Unprivileged, the receive buffer is capped at net.core.rmem_max (no SO_RCVBUFFORCE).
listen_row "listen as nobody (buffer capped at rmem_max $(sysctl -n net.core.rmem_max))" 7005 0 \
    setpriv --reuid=nobody --regid=nogroup --clear-groups

# socat: raw datagrams appended to a file (each record is one datagram and one line).
ip netns exec "$NS" socat -u UDP-RECV:7002,rcvbuf=67108864 OPEN:"$WORK/socat.out",creat,append &
RECEIVER=$!
wait_bound 7002 && load 7002 0 && stop
row "socat UDP-RECV" "$(grep -c 'loadgen record' "$WORK/socat.out")"

if [ -n "$NETCONSD" ]; then
    # Its defaults: 1 listener thread, 2 workers; the printer module to a file.
    (cd "$WORK/netconsd-src" && exec ip netns exec "$NS" ./netconsd -u 7003 ./modules/printer.so) \
        >"$WORK/netconsd.out" 2>"$WORK/netconsd.err" &
    RECEIVER=$!
    wait_bound 7003 && load 7003 0 && stop
    row "netconsd (1 listener, 2 workers, printer.so)" "$(grep -c 'loadgen record' "$WORK/netconsd.out")"
else
    echo "| netconsd | skipped: give its source directory as the third argument | | | | | |"
fi

# 100,000 records/s: 4 patients at 25,000 each.
listen_row "netconsole-setup listen at 100,000/s" 7004 25000

echo
echo "| one core, 4 patients flat out | ceiling (recvmmsg, no parsing), records per CPU s | listen --workers $WORKERS, records per CPU s | listen / ceiling |"
echo "|---|---|---|---|"
printf '| %s | %d | %d | %s%% |\n' "ncs-recv-ceiling beside listen" "$CEILING_PER_CPU_SECOND" \
    "$LISTEN_PER_CPU_SECOND" "$(echo "scale=1; 100 * $LISTEN_PER_CPU_SECOND / $CEILING_PER_CPU_SECOND" | bc)"
