#!/bin/bash
# netns tier, `watch` (issue 13): real rtnetlink events in a topology of its own.
#   watch-case.sh CASE /path/to/netconsole-setup
# This machine's kernel has no netconsole configfs, so the watcher runs with
# --dry-run: it prints on stdout the plan it would apply, assuming each plan applied,
# and the cases assert on those lines. Exit 0 pass, 1 fail, 77 skip (1 under CI=true).
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=topology.sh
. "$HERE/topology.sh"

CASE="${1:?usage: watch-case.sh CASE BINARY}"
BIN="${2:?usage: watch-case.sh CASE BINARY}"
[ -x "$BIN" ] || { echo "FAIL: no binary at $BIN" >&2; exit 1; }

FAILED=0
WATCH_PID="" WOUT="" WERR=""
fail() { echo "FAIL [$CASE]: $*" >&2; FAILED=1; }

stop_watch() {
    [ -n "$WATCH_PID" ] || return 0
    kill -TERM "$WATCH_PID" 2>/dev/null
    wait "$WATCH_PID"
    local rc=$?
    WATCH_PID=""
    [ "$rc" -eq 0 ] || fail "watch exited $rc after SIGTERM, expected 0"
}

cleanup() {
    if [ -n "${DNS_PID:-}" ]; then
        kill "$DNS_PID" 2>/dev/null
        wait "$DNS_PID" 2>/dev/null
    fi
    if [ -n "${NOTIFY_PID:-}" ]; then
        kill "$NOTIFY_PID" 2>/dev/null
        wait "$NOTIFY_PID" 2>/dev/null
        rm -f -- "$NOTIFY_SOCK"
    fi
    if [ -n "$WATCH_PID" ]; then
        kill -KILL "$WATCH_PID" 2>/dev/null
        wait "$WATCH_PID" 2>/dev/null
    fi
    rm -f -- "$WOUT" "$WERR"
    [ -z "$WATCH_ROOT" ] || rm -rf -- "$WATCH_ROOT"
    topo_cleanup
}

# start_watch ARGS...: netconsole-setup -v watch --dry-run ARGS in the patient
# (under --root "$WATCH_ROOT" when that is set).
# WATCH_WRAP (an array) goes before the binary: env --ignore-signal=... for one.
WATCH_ROOT=""
WATCH_WRAP=()
start_watch() {
    WOUT="$(mktemp)" WERR="$(mktemp)"
    ip netns exec "$NS_P" "${WATCH_WRAP[@]}" "$BIN" -v ${WATCH_ROOT:+--root "$WATCH_ROOT"} watch --dry-run "$@" \
        >"$WOUT" 2>"$WERR" &
    WATCH_PID=$!
    wait_for "$WERR" "note: watching" || fail "watch did not start"
}

# wait_for FILE TEXT [SECONDS]: waits until FILE has a line with TEXT.
wait_for() {
    local i
    for i in $(seq $((${3:-5} * 20))); do
        grep -qF -- "$2" "$1" && return 0
        sleep 0.05
    done
    return 1
}

expect_line() {
    wait_for "$WOUT" "$1" "${2:-5}" || fail "stdout lacks '$1'"
}

count_lines() { grep -cF -- "$2" "$1"; }

show() {
    echo "--- stdout"
    cat "$WOUT"
    echo "--- stderr (last 30 lines)"
    tail -n 30 "$WERR"
}

# The patient learns a changed MAC at once (no 1 s locktime between updates).
no_locktime() {
    ip netns exec "$NS_P" sysctl -qw net.ipv4.neigh.pa.locktime=0
}

case_watch_neighbour_mac() {
    no_locktime
    start_watch --to "$D4" --name w
    expect_line "target w: would create: dev_name pa, remote_ip $D4, local_ip $P4, remote_mac $RA_MAC"
    # The router's NIC is replaced: new MAC, announced by gratuitous ARP.
    ip -n "$NS_R" link set ra address 02:00:00:00:00:03
    ip netns exec "$NS_R" arping -q -U -c 1 -I ra "$R4A"
    expect_line "target w: would change remote_mac $RA_MAC → 02:00:00:00:00:03 (gateway $R4A answered with a new MAC)"
    # SIGHUP reads the configuration again; nothing changed, so nothing is planned.
    kill -HUP "$WATCH_PID"
    wait_for "$WERR" "note: configuration read again" || fail "no reload note after SIGHUP"
    sleep 0.2
    [ "$(count_lines "$WOUT" "would change")" -eq 1 ] || fail "a reload without change planned a change"
    stop_watch
}

# second_gateway: 10.3.0.1 on a link of its own (pb -- rc), with its own MAC.
second_gateway() {
    ip link add name pb netns "$NS_P" type veth peer name rc netns "$NS_R" || return 1
    ip -n "$NS_P" addr add 10.3.0.2/24 dev pb
    ip -n "$NS_R" addr add 10.3.0.1/24 dev rc
    ip -n "$NS_P" link set pb up
    ip -n "$NS_R" link set rc up
}

case_watch_route_replacement() {
    second_gateway || return 1
    local rc_mac
    rc_mac="$(topo_mac "$NS_R" rc)"
    start_watch --to "$D4" --name w
    expect_line "target w: would create:"
    ip -n "$NS_P" route replace default via 10.3.0.1 dev pb
    expect_line "target w: would change dev_name pa → pb (the route now leaves by pb)"
    expect_line "target w: would change local_ip $P4 → 10.3.0.2 (the source address changed)"
    expect_line "target w: would change remote_mac $RA_MAC → $rc_mac (gateway 10.3.0.1 answered with a new MAC)"
    # The new next hop and device are followed (the resolution's, no second lookup).
    ip netns exec "$NS_P" sysctl -qw net.ipv4.neigh.pb.locktime=0
    ip -n "$NS_R" link set rc address 02:00:00:00:00:05
    ip netns exec "$NS_R" arping -q -U -c 1 -I rc 10.3.0.1
    expect_line "target w: would change remote_mac $rc_mac → 02:00:00:00:00:05 (gateway 10.3.0.1 answered with a new MAC)"
    stop_watch
}

case_watch_debounce() {
    # 21 default-route replacements in one burst (one `ip -batch`, microseconds
    # apart): one plan, for where the burst ended (two if the loaded machine
    # stalled `ip` for longer than the 10 ms quiet window).
    second_gateway || return 1
    local batch i plans
    batch="$(mktemp)"
    for i in $(seq 10); do
        echo "route replace default via 10.3.0.1 dev pb"
        echo "route replace default via $R4A dev pa"
    done >"$batch"
    echo "route replace default via 10.3.0.1 dev pb" >>"$batch"
    start_watch --to "$D4" --name w
    expect_line "target w: would create:"
    plans="$(count_lines "$WERR" "planned 1 target")"
    ip -n "$NS_P" -batch "$batch"
    rm -f -- "$batch"
    expect_line "target w: would change dev_name pa → pb (the route now leaves by pb)"
    sleep 0.3
    plans=$(($(count_lines "$WERR" "planned 1 target") - plans))
    echo "debounce: 21 route changes, $plans plan(s)"
    [ "$plans" -ge 1 ] && [ "$plans" -le 2 ] || fail "the burst of 21 route changes made $plans plans, expected 1"
    # Whatever the plans, the last one is for where the burst ended.
    [ "$(grep -F "would change dev_name" "$WOUT" | tail -n 1)" = \
      "target w: would change dev_name pa → pb (the route now leaves by pb)" ] ||
        fail "the last plan is not for pb: $(grep -F "would change dev_name" "$WOUT" | tr '\n' '|')"
    stop_watch
}

case_watch_address_replacement() {
    ip netns exec "$NS_P" sysctl -qw net.ipv4.conf.pa.promote_secondaries=1
    start_watch --to "$D4" --name w
    expect_line "target w: would create:"
    # A DHCP renew that hands out another address: the new one first, then the old
    # one goes (promoted, so the routes stay).
    ip -n "$NS_P" addr add 10.1.0.7/24 dev pa
    ip -n "$NS_P" addr del "$P4/24" dev pa
    ip -n "$NS_P" route replace default via "$R4A" dev pa
    expect_line "target w: would change local_ip $P4 → 10.1.0.7 (the source address changed)"
    stop_watch
}

# storm_batch FILE COUNT: COUNT unrelated host routes for `ip -batch`.
storm_batch() {
    local i
    for i in $(seq 0 $(($2 - 1))); do
        echo "route add 10.99.$((i / 250)).$((i % 250 + 1))/32 via $R4A dev pa"
    done >"$1"
}

case_watch_route_storm() {
    local batch
    batch="$(mktemp)"
    storm_batch "$batch" 3000
    start_watch --to "$D4" --name w
    expect_line "target w: would create:"
    ip -n "$NS_P" -batch "$batch"
    rm -f -- "$batch"
    wait_for "$WERR" "10.99.11.250/32" 10 || fail "the last route event never arrived"
    local events concerned
    events="$(count_lines "$WERR" "event: new route 10.99.")"
    concerned="$(count_lines "$WERR" "(concerns w)")"
    echo "storm: $events route events seen, $concerned concerning the target"
    [ "$events" -eq 3000 ] || fail "saw $events of 3000 route events"
    [ "$concerned" -eq 0 ] || fail "$concerned unrelated events concerned the target"
    [ "$(count_lines "$WOUT" "target w:")" -eq 1 ] || fail "the storm planned a change"
    # Routes of other shapes, parsed from the message itself: the first next hop
    # of a multipath route, another table, an IPv6 route through a link-local.
    local ifindex
    ifindex="$(ip netns exec "$NS_P" cat /sys/class/net/pa/ifindex)"
    ip -n "$NS_P" route add 10.77.0.0/16 nexthop via "$R4A" dev pa weight 1 nexthop via "$R4A" dev pa weight 2
    ip -n "$NS_P" route add 10.78.0.0/16 via "$R4A" dev pa table 100
    ip -n "$NS_P" -6 route add 2001:db8:77::/48 via fe80::1 dev pa
    for line in "new route 10.77.0.0/16 via $R4A ifindex $ifindex table 254 (concerns no target)" \
                "new route 10.78.0.0/16 via $R4A ifindex $ifindex table 100 (concerns no target)" \
                "new route 2001:db8:77::/48 via fe80::1 ifindex $ifindex table 254 (concerns no target)"; do
        wait_for "$WERR" "event: $line" || fail "no event line '$line'"
    done
    stop_watch
}

case_watch_enobufs() {
    no_locktime
    local batch
    batch="$(mktemp)"
    storm_batch "$batch" 3000
    # A deliberately tiny receive buffer (the kernel raises it to its minimum).
    start_watch --to "$D4" --name w --event-buffer 1
    expect_line "target w: would create:"
    # Stop the watcher reading while the storm overflows its buffer.
    kill -STOP "$WATCH_PID"
    ip -n "$NS_P" -batch "$batch"
    rm -f -- "$batch"
    kill -CONT "$WATCH_PID"
    wait_for "$WERR" "event: events were lost (ENOBUFS) (concerns w)" ||
        fail "no overrun reported"
    wait_for "$WERR" "planned 1 target(s)" || fail "no resynchronisation after the overrun"
    [ "$(count_lines "$WOUT" "target w:")" -eq 1 ] || fail "the resynchronisation planned a change"
    # Still following after the overrun.
    ip -n "$NS_R" link set ra address 02:00:00:00:00:03
    ip netns exec "$NS_R" arping -q -U -c 1 -I ra "$R4A"
    expect_line "target w: would change remote_mac $RA_MAC → 02:00:00:00:00:03"
    stop_watch
}

case_watch_unresolvable() {
    # --src pins the source; the route goes away: the target is kept and retried.
    start_watch --to "$D4" --name w --src "$P4"
    expect_line "target w: would create:"
    ip -n "$NS_P" route del default
    wait_for "$WERR" "the target is left as it is" || fail "no 'left as it is' warning"
    ip -n "$NS_P" route add default via "$R4A"
    sleep 0.3
    [ "$(count_lines "$WOUT" "target w:")" -eq 1 ] || fail "the route's return planned a change"
    stop_watch
}

case_watch_config() {
    no_locktime
    local conf
    conf="$(mktemp)"
    printf '%s\n' "# the doctor behind the router" "--to $D4 --name w --extended" >"$conf"
    start_watch --config "$conf"
    expect_line "target w: would create: dev_name pa, remote_ip $D4, local_ip $P4, remote_mac $RA_MAC, extended 1"
    ip -n "$NS_R" link set ra address 02:00:00:00:00:03
    ip netns exec "$NS_R" arping -q -U -c 1 -I ra "$R4A"
    expect_line "target w: would change remote_mac $RA_MAC → 02:00:00:00:00:03 (gateway $R4A answered with a new MAC)"
    # SIGHUP reads the file again: a new port is planned at once.
    printf '%s\n' "--to $D4 --name w --extended --port 6667" >"$conf"
    kill -HUP "$WATCH_PID"
    expect_line "target w: would change remote_port 6666 → 6667"
    # A broken file leaves everything as it is.
    printf '%s\n' "--to $D4 --bogus" >"$conf"
    kill -HUP "$WATCH_PID"
    wait_for "$WERR" "the configuration was not read again: $conf:1:" || fail "no reload error"
    # ... and so does a destination given twice, named at its second line.
    printf '%s\n' "--to $D4 --name w --extended" "--to $D4 --name w2" >"$conf"
    kill -HUP "$WATCH_PID"
    wait_for "$WERR" "the configuration was not read again: $conf:2: the same target as line 1: $D4 port 6666" ||
        fail "no reload error for the same destination twice"
    # ... and the configuration read before stays watched.
    ip -n "$NS_R" link set ra address 02:00:00:00:00:04
    ip netns exec "$NS_R" arping -q -U -c 1 -I ra "$R4A"
    expect_line "target w: would change remote_mac 02:00:00:00:00:03 → 02:00:00:00:00:04"
    rm -f -- "$conf"
    stop_watch
}

# fake_target ROOT NAME PORT: a disabled target as configfs shows it, in a --root tree.
fake_target() {
    local dir="$1/sys/kernel/config/netconsole/$2" kv
    mkdir -p "$dir"
    for kv in enabled=0 extended=0 release=0 dev_name=pa local_port=6665 local_ip=0.0.0.0 \
        remote_port="$3" remote_ip="$D4" local_mac=ff:ff:ff:ff:ff:ff remote_mac=ff:ff:ff:ff:ff:ff; do
        echo "${kv#*=}" >"$dir/${kv%%=*}"
    done
}

case_watch_config_drop() {
    # A --root tree with configfs as it reads: 'old' made by apply/watch --config (in
    # its record), 'hand' made by hand. SIGHUP after 'old' left the file removes it;
    # 'hand' is never touched.
    WATCH_ROOT="$(mktemp -d)"
    fake_target "$WATCH_ROOT" w 6666
    fake_target "$WATCH_ROOT" old 6670
    fake_target "$WATCH_ROOT" hand 6671
    mkdir -p "$WATCH_ROOT/run/netconsole-setup" "$WATCH_ROOT/etc"
    printf "%s\n" "# made by netconsole-setup" "'w'" "'old'" \
        >"$WATCH_ROOT/run/netconsole-setup/config-targets"
    printf '%s\n' "--to $D4 --name w" "--to $D4 --name old --port 6670" \
        >"$WATCH_ROOT/etc/ncs.conf"
    start_watch --config /etc/ncs.conf
    expect_line "target w: would change"
    expect_line "target old: would change"
    printf '%s\n' "--to $D4 --name w" >"$WATCH_ROOT/etc/ncs.conf"
    kill -HUP "$WATCH_PID"
    expect_line "target old: would be removed (no longer in the configuration)"
    # The file lists nothing: still only what the record holds would go.
    : >"$WATCH_ROOT/etc/ncs.conf"
    kill -HUP "$WATCH_PID"
    expect_line "target w: would be removed (no longer in the configuration)"
    sleep 0.2
    [ "$(count_lines "$WOUT" "target hand")" -eq 0 ] || fail "the hand-made target was planned"
    [ -d "$WATCH_ROOT/sys/kernel/config/netconsole/old" ] || fail "a dry run removed 'old'"
    stop_watch
}

case_watch_dry_run_removal() {
    # A dry run keeps its own record: what the real run would remove is shown, and the
    # plans after it do not keep the removed target. The file emptied: the note says
    # nothing is watched, and watch goes on (a later SIGHUP adds targets).
    WATCH_ROOT="$(mktemp -d)"
    mkdir -p "$WATCH_ROOT/etc"
    printf '%s\n' "--to $D4 --name w" "--to $D4 --name v --port 6670" >"$WATCH_ROOT/etc/ncs.conf"
    start_watch --config /etc/ncs.conf
    expect_line "target w: would create:"
    expect_line "target v: would create:"
    printf '%s\n' "--to $D4 --name w" >"$WATCH_ROOT/etc/ncs.conf"
    kill -HUP "$WATCH_PID"
    expect_line "target v: would be removed (no longer in the configuration)"
    : >"$WATCH_ROOT/etc/ncs.conf"
    kill -HUP "$WATCH_PID"
    expect_line "target w: would be removed (no longer in the configuration)"
    wait_for "$WERR" "note: the configuration lists no target" || fail "no note for an empty configuration"
    printf '%s\n' "--to $D4 --name w" >"$WATCH_ROOT/etc/ncs.conf"
    kill -HUP "$WATCH_PID"
    wait_count "$WOUT" "target w: would create:" 2 2000 >/dev/null ||
        fail "w, removed by the dry run, was not planned as created again"
    [ "$(count_lines "$WOUT" "target v:")" -eq 2 ] || fail "v was planned after its removal"
    stop_watch
}

# An empty configuration at start: a note, and watch runs (READY, SIGHUP adds targets).
case_watch_empty_config() {
    local conf
    conf="$(mktemp)"
    : >"$conf"
    start_watch --config "$conf"
    grep -qF "note: the configuration lists no target" "$WERR" || fail "no note for an empty configuration"
    printf '%s\n' "--to $D4 --name w" >"$conf"
    kill -HUP "$WATCH_PID"
    expect_line "target w: would create:"
    rm -f -- "$conf"
    stop_watch
}

# A MAC set by hand (a PERMANENT entry) is not an answer: the reason says so.
case_watch_permanent_mac() {
    start_watch --to "$D4" --name w
    expect_line "target w: would create:"
    ip -n "$NS_P" neigh replace "$R4A" dev pa lladdr 02:00:00:00:00:07 nud permanent
    expect_line "target w: would change remote_mac $RA_MAC → 02:00:00:00:00:07 (the neighbour table's permanent entry for gateway $R4A, set by hand, has a new MAC)"
    stop_watch
}

# An IPv6 target that cannot be resolved at first hears IPv6 routes: it is made as soon
# as its route comes (not at the 1 s retry).
case_watch_unresolved_v6_first() {
    ip -n "$NS_P" -6 route del default
    start_watch --to "$D6" --name w6
    wait_for "$WERR" "w6: no route to $D6; the target is not made" || fail "no 'not made' warning"
    sleep 0.2
    ip -n "$NS_P" -6 route add default via "$R6A"
    local ms
    ms=$(wait_ms "$WOUT" "target w6: would create:" 500) ||
        fail "the IPv6 route's return was not followed within 0.5 s"
    echo "unresolved v6: made ${ms} ms after its route came"
    stop_watch
}

case_watch_unnamed_first() {
    # Without --name the target is named after its resolution: the first one must
    # succeed, or watch exits 1 at once. With --name it starts and waits, retrying.
    ip -n "$NS_P" route del default
    local err rc
    err="$(mktemp)"
    timeout 10 ip netns exec "$NS_P" "$BIN" watch --dry-run --to "$D4" >/dev/null 2>"$err"
    rc=$?
    [ "$rc" -eq 1 ] || fail "watch without --name exited $rc on an unresolvable first target"
    grep -q "^netconsole-setup: error: " "$err" || fail "no error line: $(cat "$err")"
    rm -f -- "$err"
    start_watch --to "$D4" --name w
    wait_for "$WERR" "w: no route to $D4; the target is not made" || fail "a named target did not start"
    stop_watch
}

case_apply_dry_run() {
    # No privileges needed, nothing written: the plan against configfs now (none here).
    local out rc
    # As root first: the neighbour is resolved, a fresh entry an unprivileged run can read.
    out="$(ip netns exec "$NS_P" "$BIN" --json apply --to "$D4" --name w --dry-run 2>/dev/null)"
    grep -qF '"changed": true' <<<"$out" || fail "--json lacks \"changed\": true: $out"
    out="$(ip netns exec "$NS_P" setpriv --reuid=nobody --regid=nogroup --clear-groups \
        "$BIN" apply --to "$D4" --name w --dry-run 2>/dev/null)"
    rc=$?
    [ "$rc" -eq 0 ] || fail "apply --dry-run exited $rc"
    [ "$out" = "target w: would create: dev_name pa, remote_ip $D4, local_ip $P4, remote_mac $RA_MAC" ] ||
        fail "apply --dry-run printed '$out'"
}

case_watch_sd_notify() {
    # systemd's side of Type=notify: a datagram socket at NOTIFY_SOCKET.
    command -v socat >/dev/null || topo_skip "watch_sd_notify needs socat"
    local sock got
    sock="$(mktemp -u)" got="$(mktemp)"
    socat -u "UNIX-RECV:$sock" - >"$got" &
    local socat_pid=$!
    for _ in $(seq 40); do [ -S "$sock" ] && break; sleep 0.05; done
    WOUT="$(mktemp)" WERR="$(mktemp)"
    NOTIFY_SOCKET="$sock" ip netns exec "$NS_P" "$BIN" watch --dry-run --to "$D4" --name w \
        >"$WOUT" 2>"$WERR" &
    WATCH_PID=$!
    wait_for "$got" "READY=1" || fail "no READY=1 on NOTIFY_SOCKET"
    wait_for "$got" "WATCHDOG=1" 3 || fail "no WATCHDOG=1 within 3 s"
    stop_watch
    wait_for "$got" "STOPPING=1" || fail "no STOPPING=1 after SIGTERM"
    kill "$socat_pid" 2>/dev/null
    wait "$socat_pid" 2>/dev/null
    rm -f -- "$sock" "$got"
}

# --- Next hops that never answer (issue 20) -------------------------------------------

# notify_listen FILE: systemd's side of NOTIFY_SOCKET, a datagram socket the test binds;
# each message is written to FILE as "<ms since the epoch> <message>". Sets NOTIFY_PID,
# NOTIFY_SOCK.
notify_listen() {
    NOTIFY_SOCK="$(mktemp -u)"
    python3 - "$NOTIFY_SOCK" "$1" <<'PY' &
import socket, sys, time
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(sys.argv[1])
with open(sys.argv[2], "a") as out:
    while True:
        data = sock.recv(4096).decode(errors="replace")
        for line in data.splitlines():
            out.write("%d %s\n" % (time.time() * 1000, line))
        out.flush()
PY
    NOTIFY_PID=$!
    for _ in $(seq 40); do [ -S "$NOTIFY_SOCK" ] && return 0; sleep 0.05; done
    fail "the notify socket was not bound"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_ms FILE TEXT MS: waits up to MS until FILE has TEXT; prints the ms waited.
wait_ms() {
    local start now
    start=$(now_ms)
    while :; do
        now=$(now_ms)
        grep -qF -- "$2" "$1" && { echo $((now - start)); return 0; }
        [ $((now - start)) -ge "$3" ] && { echo $((now - start)); return 1; }
        sleep 0.02
    done
}

# wait_count FILE TEXT COUNT MS: waits up to MS until FILE has COUNT lines with TEXT;
# prints the ms waited.
wait_count() {
    local start now
    start=$(now_ms)
    while :; do
        now=$(now_ms)
        [ "$(count_lines "$1" "$2")" -ge "$3" ] && { echo $((now - start)); return 0; }
        [ $((now - start)) -ge "$4" ] && { echo $((now - start)); return 1; }
        sleep 0.02
    done
}

# dead_hops COUNT: COUNT routes 10.50.N.0/24 via 10.1.0.(100+N), an on-link next hop
# nobody owns, and one configuration line each; prints the lines.
dead_hops() {
    local n
    for n in $(seq "$1"); do
        ip -n "$NS_P" route add "10.50.$n.0/24" via "10.1.0.$((100 + n))"
        echo "--to 10.50.$n.5 --name dead$n"
    done
}

# watch_notified CONF GOT USEC: watch -v --dry-run --config CONF in the patient, under
# NOTIFY_SOCKET (its messages in GOT, notify_listen) and WATCHDOG_USEC=USEC. Sets
# WATCH_PID, WOUT, WERR and START (ms).
watch_notified() {
    notify_listen "$2"
    WOUT="$(mktemp)" WERR="$(mktemp)"
    START=$(now_ms)
    NOTIFY_SOCKET="$NOTIFY_SOCK" WATCHDOG_USEC="$3" ip netns exec "$NS_P" "$BIN" -v watch \
        --dry-run --config "$1" >"$WOUT" 2>"$WERR" &
    WATCH_PID=$!
}

# watchdog_fed GOT MS WHAT: WATCHDOG=1 came in GOT at least every MS since START.
watchdog_fed() {
    local gaps
    gaps="$(awk -v s="$START" '/WATCHDOG=1$/ { if ($1 - last > max) max = $1 - last; last = $1 }
        BEGIN { last = s; max = 0 } END { if (last == s) max = 999999; print max }' "$1")"
    echo "$3: longest wait for WATCHDOG=1 ${gaps} ms"
    [ "$gaps" -le "$2" ] || fail "WATCHDOG=1 was not sent for ${gaps} ms"
}

# term_at_once WHAT: SIGTERM ends watch with status 0 within 1 s.
term_at_once() {
    local start ms rc
    start=$(now_ms)
    kill -TERM "$WATCH_PID"
    wait "$WATCH_PID"
    rc=$?
    WATCH_PID=""
    ms=$(($(now_ms) - start))
    echo "$1: SIGTERM ended it after ${ms} ms"
    [ "$rc" -eq 0 ] || fail "watch exited $rc after SIGTERM"
    [ "$ms" -le 1000 ] || fail "SIGTERM took ${ms} ms"
}

# 20 targets whose next hop never answers ARP, then one healthy target: each is
# resolved in the background, so the healthy one is planned at once, READY=1 comes once
# the dead ones failed (their 3 s timeout), the watchdog is fed every second, a router's
# new MAC is followed at once, and SIGTERM ends it at once, whatever the dead ones do.
case_watch_dead_next_hops() {
    no_locktime
    local conf got ms ready
    conf="$(mktemp)" got="$(mktemp)"
    { dead_hops 20; echo "--to $D4 --name w"; } >"$conf"
    watch_notified "$conf" "$got" 4000000
    ms=$(wait_ms "$WOUT" "target w: would create:" 2000) ||
        fail "the healthy target was not planned within 2 s"
    echo "dead next hops: the healthy target planned after ${ms} ms"
    wait_ms "$got" "READY=1" 6000 >/dev/null || fail "no READY=1 within 6 s"
    ready=$(sed -n 's/^\([0-9]*\) READY=1$/\1/p' "$got" | head -n1)
    [ -n "$ready" ] && echo "dead next hops: READY=1 after $((ready - START)) ms"
    [ -n "$ready" ] && [ $((ready - START)) -ge 2500 ] ||
        fail "READY=1 came before the dead targets' first attempt ended"
    grep -qF "dead20: next hop 10.1.0.120 did not answer on pa within 3 s" "$WERR" ||
        fail "no warning for a dead target"
    # The router's NIC is replaced while the dead targets are being retried.
    sleep 1.2
    ip -n "$NS_R" link set ra address 02:00:00:00:00:03
    ip netns exec "$NS_R" arping -q -U -c 1 -I ra "$R4A"
    ms=$(wait_ms "$WOUT" "target w: would change remote_mac $RA_MAC → 02:00:00:00:00:03" 1000) ||
        fail "the router's new MAC was not followed within 1 s"
    echo "dead next hops: the router's new MAC followed after ${ms} ms"
    sleep 2.5
    # The watchdog was fed at least every WATCHDOG_USEC/2 (2 s) from the start.
    watchdog_fed "$got" 2000 "dead next hops"
    term_at_once "dead next hops"
    kill "$NOTIFY_PID" 2>/dev/null
    wait "$NOTIFY_PID" 2>/dev/null
    NOTIFY_PID=""
    rm -f -- "$conf" "$got" "$NOTIFY_SOCK"
}

# silent_dns QUERIES: the patient's resolver is a DNS server in the doctor that reads
# queries (appended to QUERIES) and never answers: getaddrinfo of a name not in its
# hosts file hangs for resolv.conf's 4 s x 2 attempts. Sets DNS_PID.
silent_dns() {
    topo_hosts "$NS_P" "$R4A router.test"
    printf 'nameserver %s\noptions timeout:4 attempts:2\n' "$D4" >"/etc/netns/$NS_P/resolv.conf"
    ip netns exec "$NS_D" socat -u "UDP4-RECV:53,bind=$D4" "OPEN:$1,append" &
    DNS_PID=$!
    for _ in $(seq 40); do
        ip netns exec "$NS_D" ss -Hlun "sport = :53" | grep -q . && return 0
        sleep 0.05
    done
    fail "the silent DNS server did not start"
}

# watch --config with `--to never.example` (its lookup hangs) before a healthy target,
# under the NOTIFY_SOCKET/WATCHDOG_USEC protocol (watch_notified): the healthy target
# is planned within 1 s.
watch_beside_silent_dns() {
    printf '%s\n' "--to never.example --name n" "--to $D4 --name w" >"$1"
    watch_notified "$1" "$2" 2000000
    local ms
    ms=$(wait_ms "$WOUT" "target w: would create: dev_name pa, remote_ip $D4, local_ip $P4, remote_mac $RA_MAC" 1000) ||
        fail "the healthy target was not planned within 1 s"
    echo "unanswered DNS: the healthy target planned after ${ms} ms"
}

# The host name's lookup runs off the loop: the healthy target is planned at once,
# WATCHDOG=1 keeps coming, events that supersede the hung lookup add no thread beyond
# the bound, and SIGTERM ends watch at once while the lookup still hangs.
case_watch_dns_unanswered() {
    command -v socat >/dev/null || topo_skip "watch_dns_unanswered needs socat"
    local conf got queries ms n threads
    conf="$(mktemp)" got="$(mktemp)" queries="$(mktemp)"
    silent_dns "$queries"
    watch_beside_silent_dns "$conf" "$got"
    sleep 0.5
    [ -s "$queries" ] || fail "no DNS query reached the server: the lookup was not tried"
    # Ten events, each its own burst, concern the unresolved target: each supersedes its
    # lookup, and the threads stay within the bound (the loop, two lookups of the name).
    for n in $(seq 10); do
        ip -n "$NS_P" route add "10.60.$n.0/24" via "$R4A"
        sleep 0.1
    done
    threads="$(ls "/proc/$WATCH_PID/task" | wc -l)"
    echo "unanswered DNS: $threads threads after 10 superseded lookups"
    [ "$threads" -le 3 ] || fail "$threads threads after 10 superseded lookups, expected at most 3"
    sleep $(((3500 - ($(now_ms) - START)) / 1000)).5
    grep -F "never.example" "$WERR" && fail "the lookup ended before its timeout"
    # The watchdog (WATCHDOG_USEC/2 = 1 s) was fed every second or so, from the start.
    watchdog_fed "$got" 1500 "unanswered DNS"
    term_at_once "unanswered DNS (the lookup still hanging)"
    rm -f -- "$conf" "$got" "$queries"
}

# An event supersedes a hung lookup: the name now in the hosts file, a route event
# starts a fresh lookup beside the hung one, which answers at once; the hung one's late
# failure (after 8 s) is ignored.
case_watch_dns_superseded() {
    command -v socat >/dev/null || topo_skip "watch_dns_superseded needs socat"
    local conf got queries ms
    conf="$(mktemp)" got="$(mktemp)" queries="$(mktemp)"
    silent_dns "$queries"
    watch_beside_silent_dns "$conf" "$got"
    sleep 0.5
    [ -s "$queries" ] || fail "no DNS query reached the server: the lookup was not tried"
    printf '%s\n' "$R4B never.example" >>"/etc/netns/$NS_P/hosts"
    ip -n "$NS_P" route add 10.60.0.0/24 via "$R4A"
    ms=$(wait_ms "$WOUT" "target n: would create: dev_name pa, remote_ip $R4B, local_ip $P4, remote_mac $RA_MAC" 1000) ||
        fail "the name, now in the hosts file, was not planned within 1 s of the event"
    echo "superseded lookup: planned ${ms} ms after the event"
    # The superseded lookup gives up at about 8 s; its failure must change nothing.
    sleep $(((9000 - ($(now_ms) - START)) / 1000)).5
    grep -F "could not resolve host name 'never.example'" "$WERR" &&
        fail "the superseded lookup's late failure was reported"
    [ "$(count_lines "$WOUT" "target n:")" -eq 1 ] || fail "n was planned again: $(grep -F "target n:" "$WOUT")"
    stop_watch
    rm -f -- "$conf" "$got" "$queries"
}

# A newer event supersedes a resolution in flight: the only target's next hop does not
# answer; while it waits, its route moves to the live router, which is planned at once
# (not after the dead next hop's timeout).
case_watch_superseded() {
    ip -n "$NS_P" route add 10.2.0.0/24 via 10.1.0.111
    WOUT="$(mktemp)" WERR="$(mktemp)"
    ip netns exec "$NS_P" "$BIN" -v watch --dry-run --to "$D4" --name w --timeout 5s \
        >"$WOUT" 2>"$WERR" &
    WATCH_PID=$!
    local ms
    sleep 0.5
    ip -n "$NS_P" route del 10.2.0.0/24
    ms=$(wait_ms "$WOUT" "target w: would create: dev_name pa, remote_ip $D4, local_ip $P4, remote_mac $RA_MAC" 1000) ||
        fail "the new route was not planned within 1 s"
    echo "superseded: planned ${ms} ms after the route changed"
    stop_watch
}

# A DHCP renew to a new address, its steps in every order that keeps a route at the
# end, at once and spread out: local_ip follows within a second each time.
case_watch_address_renew() {
    ip netns exec "$NS_P" sysctl -qw net.ipv4.conf.pa.promote_secondaries=1
    start_watch --to "$D4" --name w
    expect_line "target w: would create:"
    local order gap old="$P4" new=10.1.0.9 step ms n=0
    for gap in 0 0.05; do
        for order in "add del route" "add route del" "route add del" "del add route"; do
            for step in $order; do
                case $step in
                add) ip -n "$NS_P" addr add "$new/24" dev pa ;;
                del) ip -n "$NS_P" addr del "$old/24" dev pa ;;
                route) ip -n "$NS_P" route replace default via "$R4A" ;;
                esac
                sleep "$gap"
            done
            n=$((n + 1))
            ms=$(wait_count "$WOUT" "would change local_ip" "$n" 1000) ||
                fail "'$order' (gap $gap s): local_ip did not follow $old → $new within 1 s"
            echo "address renew '$order' (gap $gap s): followed after ${ms} ms"
            sleep 0.1
            [ "$(grep -F "would change local_ip" "$WOUT" | tail -n 1)" = \
              "target w: would change local_ip $old → $new (the source address changed)" ] &&
                [ "$(count_lines "$WOUT" "would change local_ip")" -eq "$n" ] ||
                fail "'$order' (gap $gap s): $(grep -F "would change local_ip" "$WOUT" | tail -n 2 | tr '\n' '|')"
            step="$old" old="$new" new="$step"
        done
    done
    stop_watch
}

topo_require
trap cleanup EXIT
# --- The loop's signal set-up, shared with listen (issue 21) ----------------------------

case_watch_ignored_signals() {
    # Started with SIGTERM and SIGHUP ignored (nohup, a service manager): SIGHUP still
    # reads the configuration again and SIGTERM still stops it (exit 0).
    local ignored
    ignored="$(env --ignore-signal=TERM --ignore-signal=HUP grep '^SigIgn:' /proc/self/status | awk '{print $2}')"
    (( (16#$ignored >> 14) & 1 && (16#$ignored & 1) )) ||
        { fail "env --ignore-signal did not ignore SIGTERM and SIGHUP (SigIgn $ignored)"; return; }
    WATCH_WRAP=(env --ignore-signal=TERM --ignore-signal=HUP)
    start_watch --to "$D4" --name w
    expect_line "target w: would create:"
    kill -HUP "$WATCH_PID"
    wait_for "$WERR" "note: configuration read again" || fail "no reload note after SIGHUP"
    stop_watch
}

case_watch_closed_stdout() {
    # watch --dry-run prints its plan on stdout; a reader that is gone makes that write
    # EPIPE (SIGPIPE ignored), not a silent death: watch goes on, and reports it at exit.
    WOUT="$(mktemp)" WERR="$(mktemp)"
    ip netns exec "$NS_P" "$BIN" -v watch --dry-run --to "$D4" --name w > >(true) 2>"$WERR" &
    WATCH_PID=$!
    wait_for "$WERR" "note: watching" || fail "watch did not start"
    sleep 1
    kill -0 "$WATCH_PID" 2>/dev/null || { fail "watch died when its stdout closed"; WATCH_PID=""; return; }
    kill -HUP "$WATCH_PID"
    wait_for "$WERR" "note: configuration read again" || fail "no reload note after SIGHUP"
    kill -TERM "$WATCH_PID"
    wait "$WATCH_PID"
    local rc=$?
    WATCH_PID=""
    [ "$rc" -eq 1 ] || fail "watch exit $rc, expected 1 (its plan could not be written)"
    grep -qxF "netconsole-setup: error: cannot write the result to stdout: Broken pipe" "$WERR" ||
        fail "the closed stdout is not reported"
}

trap 'exit 130' INT TERM
topo_up || { echo "FAIL: topology setup" >&2; exit 1; }
trap cleanup EXIT
command -v arping >/dev/null || topo_skip "watch cases need arping (iputils-arping)"
RA_MAC="$(topo_mac "$NS_R" ra)"
"case_$CASE"
[ "$FAILED" -eq 0 ] || show
exit "$FAILED"
