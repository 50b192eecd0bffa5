#!/bin/bash
# Benchmark groundwork for issue 23's fleet: PATIENTS patients, each its own source
# address on one veth in a patients' namespace (half IPv4 10.64.16.0 upward, half
# IPv6 2001:db8:64::1:0 upward; ncs-loadgen --from/--from-count sends from all of
# them through one socket with IP_PKTINFO), each sending RECORDS extended records
# at RATE a second to the doctor's namespace across the veth. For each receiver:
# records sent and received, its own lost count, CPU seconds (utime + stime from
# /proc), peak memory (VmHWM) and memory per patient. Only namespaces made here.
#   bench/fleet.sh [BINARY] [LOADGEN] [NETCONSD_SOURCE] [PATIENTS] [RECORDS] [RATE]
#                  [TEXT_BYTES] [SKIP_EVERY]
# TEXT_BYTES over 1000 makes every record fragmented (a stack trace's long lines);
# SKIP_EVERY M leaves out one sequence number in M per patient: the real loss, which
# the receiver's own lost count must equal. A burst: 1000 60 60 1200 (1,000 patients
# x 60 fragmented records within a second).
# NETCONSD_SOURCE (e.g. ../shared/peers/netconsd) is built in a temporary
# directory; without it the netconsd row is skipped. Prints a markdown table.
# LISTEN_WORKERS=N runs `listen --workers N` (default: listen's own default);
# NETCONSD_THREADS="L W" runs netconsd with L listeners and W workers (-l L -w W).
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$(realpath "${1:-$HERE/../build/dev/cli/netconsole-setup}")"
LOADGEN="$(realpath "${2:-$HERE/../build/dev/bench/ncs-loadgen}")"
NETCONSD_SOURCE="${3:-}"
PATIENTS="${4:-10000}"
RECORDS="${5:-5}"
RATE="${6:-2}"
TEXT_BYTES="${7:-40}"
SKIP_EVERY="${8:-0}"
# shellcheck source=../tests/netns/topology.sh
. "$HERE/../tests/netns/topology.sh"
[ -x "$BIN" ] || { echo "no binary at $BIN (build it first)" >&2; exit 1; }
[ -x "$LOADGEN" ] || { echo "no load generator at $LOADGEN (build target ncs-loadgen)" >&2; exit 1; }
topo_require

NS_DOC="ncs-fleet-d-$TOPO_SUFFIX"
NS_PAT="ncs-fleet-p-$TOPO_SUFFIX"
WORK="$(mktemp -d)"
RECEIVER=""
cleanup() {
    [ -n "$RECEIVER" ] && kill "$RECEIVER" 2>/dev/null
    local ns p
    for ns in "$NS_DOC" "$NS_PAT"; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
    if [ -n "${NCS_KEEP_WORK:-}" ]; then echo "work kept in $WORK" >&2; else rm -rf -- "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

P4=$((PATIENTS / 2))
P6=$((PATIENTS - P4))
topo_ns "$NS_DOC" && topo_ns "$NS_PAT" || exit 1
ip link add name fd netns "$NS_DOC" type veth peer name fp netns "$NS_PAT" || exit 1
ip -n "$NS_DOC" addr add 10.64.0.1/16 dev fd
ip -n "$NS_DOC" -6 addr add 2001:db8:64::1/64 dev fd nodad
# The patients' addresses, in one batch (10,000 `ip addr add` would take minutes).
python3 - "$P4" "$P6" >"$WORK/addresses.batch" <<'PY'
import ipaddress, sys
p4, p6 = int(sys.argv[1]), int(sys.argv[2])
base4 = ipaddress.IPv4Address("10.64.16.0")
base6 = ipaddress.IPv6Address("2001:db8:64::1:0")
for i in range(p4):
    print("addr add %s/16 dev fp" % (base4 + i))
for i in range(p6):
    print("addr add %s/64 dev fp nodad" % (base6 + i))
PY
ip -n "$NS_PAT" -batch "$WORK/addresses.batch" || exit 1
ip -n "$NS_DOC" link set fd up
ip -n "$NS_PAT" link set fp up
topo_wait_link_local "$NS_DOC" fd && topo_wait_link_local "$NS_PAT" fp || exit 1

# shellcheck source=peers.sh
. "$HERE/peers.sh"
NETCONSD=""
[ -n "$NETCONSD_SOURCE" ] && build_netconsd "$NETCONSD_SOURCE" "$WORK"

wait_bound() { wait_udp_bound "$NS_DOC" "$1"; }

# load PORT: both families at once; sets SENT and LOAD_SECONDS.
load() {
    local start end
    start=$(date +%s%N)
    ip netns exec "$NS_PAT" "$LOADGEN" --to 10.64.0.1 --port "$1" --from 10.64.16.0 \
        --from-count "$P4" --count "$RECORDS" --rate "$RATE" --userdata 1 \
        --text-bytes "$TEXT_BYTES" --skip-every "$SKIP_EVERY" >"$WORK/load4.txt" &
    local pid4=$!
    ip netns exec "$NS_PAT" "$LOADGEN" --to 2001:db8:64::1 --port "$1" --from 2001:db8:64::1:0 \
        --from-count "$P6" --count "$RECORDS" --rate "$RATE" --userdata 1 \
        --text-bytes "$TEXT_BYTES" --skip-every "$SKIP_EVERY" >"$WORK/load6.txt"
    wait "$pid4"
    end=$(date +%s%N)
    # "sent S records (D datagrams) from K senders, skipped L"
    SENT=$(cat "$WORK/load4.txt" "$WORK/load6.txt" | awk '{s += $2} END {print s}')
    SKIPPED=$(cat "$WORK/load4.txt" "$WORK/load6.txt" | awk '{s += $NF} END {print s}')
    LOAD_SECONDS=$(echo "scale=2; ($end - $start) / 1000000000" | bc)
}

peak_kib() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }

# finish NAME RECEIVED_FN OWN_LOST_FN: the row; the counts are read after SIGTERM
# (listen prints its summary then), CPU and memory before.
finish() {
    local cpu peak
    cpu=$(cpu_seconds "$RECEIVER")
    peak=$(peak_kib "$RECEIVER")
    kill -TERM "$RECEIVER"
    wait "$RECEIVER" 2>/dev/null
    RECEIVER=""
    printf '| %s | %d | %d | %d | %s | %s | %s | %s MiB | %s KiB |\n' "$1" "$PATIENTS" "$SENT" \
        "$("$2")" "$("$3")" "$LOAD_SECONDS" "$cpu" "$((peak / 1024))" "$(echo "scale=1; $peak / $PATIENTS" | bc)"
}
none() { echo "- ($SKIPPED)"; }

echo "| receiver | patients | sent | received | own lost count (real) | load s | CPU s | peak RSS | RSS per patient |"
echo "|---|---|---|---|---|---|---|---|---|"

workers=()
[ -n "${LISTEN_WORKERS:-}" ] && workers=(--workers "$LISTEN_WORKERS")
ip netns exec "$NS_DOC" "$BIN" listen --port 6666 "${workers[@]}" >"$WORK/listen.out" 2>"$WORK/listen.err" &
RECEIVER=$!
wait_bound 6666 && load 6666 && sleep 1
listen_received() { grep -vc ' lost --$' "$WORK/listen.out"; }
# The summary's first line (the lines after it are per stream); the sockets' drops
# are datagrams (a fragmented record is two or more).
listen_lost() {
    local lost drops
    lost=$(sed -n 's/^received .*, \([0-9]*\) lost.*/\1/p' "$WORK/listen.err")
    drops=$(sed -n 's/^received .*, \([0-9]*\) datagrams\{0,1\} dropped by the socket.*/\1/p' "$WORK/listen.err")
    echo "$lost, ${drops:-0} datagrams dropped by the socket ($SKIPPED)"
}
finish "netconsole-setup listen${LISTEN_WORKERS:+ --workers $LISTEN_WORKERS}" listen_received listen_lost
echo "listen's summary: $(cat "$WORK/listen.err")" >&2

if [ -n "$NETCONSD" ]; then
    threads=()
    [ -n "${NETCONSD_THREADS:-}" ] && read -r nl nw <<<"$NETCONSD_THREADS" && threads=(-l "$nl" -w "$nw")
    (cd "$WORK/netconsd-src" && exec ip netns exec "$NS_DOC" ./netconsd "${threads[@]}" -u 6667 ./modules/printer.so) \
        >"$WORK/netconsd.out" 2>"$WORK/netconsd.err" &
    RECEIVER=$!
    wait_bound 6667 && load 6667 && sleep 1
    netconsd_received() { grep -c 'loadgen record' "$WORK/netconsd.out"; }
    # RECEIVER is the subshell that exec'd ip netns exec, which exec'd netconsd.
    finish "netconsd (${nl:-1} listener(s), ${nw:-2} workers, printer.so)" netconsd_received none
else
    echo "| netconsd | skipped: give its source directory as the third argument | | | | | | | |"
fi
