#!/bin/bash
# netns tier: runs one case against the built binary, in a topology of its own.
#   run-case.sh CASE /path/to/netconsole-setup
# Exit 0 pass, 1 fail, 77 skip (1 under CI=true).
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=topology.sh
. "$HERE/topology.sh"

CASE="${1:?usage: run-case.sh CASE BINARY}"
BIN="${2:?usage: run-case.sh CASE BINARY}"
[ -x "$BIN" ] || { echo "FAIL: no binary at $BIN" >&2; exit 1; }

FAILED=0
OUT="" ERR="" RC=0 ELAPSED_MS=0

fail() { echo "FAIL [$CASE]: $*" >&2; FAILED=1; }

# run NS ARGS...: runs the tool in NS as root; sets OUT, ERR, RC, ELAPSED_MS.
run() {
    local ns="$1"
    shift
    run_as "$ns" "" "$@"
}

# run_as NS USER ARGS...: like run, as USER (setpriv) when USER is not empty.
run_as() {
    local ns="$1" user="$2" errfile start end
    shift 2
    errfile="$(mktemp)"
    start=$(date +%s%N)
    if [ -n "$user" ]; then
        OUT="$(ip netns exec "$ns" setpriv --reuid="$user" --regid=nogroup --clear-groups \
            "$BIN" "$@" 2>"$errfile")"
    else
        OUT="$(ip netns exec "$ns" "$BIN" "$@" 2>"$errfile")"
    fi
    RC=$?
    end=$(date +%s%N)
    ERR="$(cat "$errfile")"
    rm -f "$errfile"
    ELAPSED_MS=$(((end - start) / 1000000))
    echo "\$ $BIN $* -> exit $RC (${ELAPSED_MS} ms)"
    [ -n "$OUT" ] && printf 'stdout: %s\n' "$OUT"
    [ -n "$ERR" ] && printf 'stderr: %s\n' "$ERR"
    return 0
}

expect_rc() { [ "$RC" -eq "$1" ] || fail "exit $RC, expected $1"; }
expect_out() { [ "$OUT" = "$1" ] || fail "stdout '$OUT', expected '$1'"; }
expect_err() { grep -qF -- "$1" <<<"$ERR" || fail "stderr lacks '$1'"; }
expect_no_err() { ! grep -qF -- "$1" <<<"$ERR" || fail "stderr has '$1'"; }

# line SRC DEV DST MAC: the expected printed line for one target.
line() { printf 'netconsole=6665@%s/%s,6666@%s/%s' "$1" "$2" "$3" "$4"; }

# neigh_state NS ADDR DEV: the NUD state word of one entry (empty if none).
neigh_state() {
    ip -n "$1" neigh show "$2" dev "$3" | awk '{print $NF}'
}

case_onlink_v4() {
    run "$NS_P" --to "$R4A"
    expect_rc 0
    expect_out "$(line "$P4" pa "$R4A" "$RA_MAC")"
}

case_onlink_v6() {
    run "$NS_P" --to "$R6A"
    expect_rc 0
    expect_out "$(line "$P6" pa "$R6A" "$RA_MAC")"
}

case_routed_v4() {
    run "$NS_P" -v --to "$D4"
    expect_rc 0
    expect_out "$(line "$P4" pa "$D4" "$RA_MAC")"
    expect_err "route $D4 via $R4A dev pa src $P4"
}

case_routed_v6() {
    run "$NS_P" -v --to "$D6"
    expect_rc 0
    expect_out "$(line "$P6" pa "$D6" "$RA_MAC")"
    expect_err "route $D6 via $R6A dev pa src $P6"
}

case_link_local_zone() {
    local ll src
    ll="$(topo_link_local "$NS_R" ra)" src="$(topo_link_local "$NS_P" pa)"
    run "$NS_P" --to "$ll%pa"
    expect_rc 0
    expect_out "$(line "$src" pa "$ll" "$RA_MAC")"
}

case_link_local_dev() {
    local ll src
    ll="$(topo_link_local "$NS_R" ra)" src="$(topo_link_local "$NS_P" pa)"
    run "$NS_P" --to "$ll" --dev pa
    expect_rc 0
    expect_out "$(line "$src" pa "$ll" "$RA_MAC")"
}

case_link_local_no_interface() {
    local ll
    ll="$(topo_link_local "$NS_R" ra)"
    run "$NS_P" --to "$ll"
    expect_rc 2
    expect_out ""
    expect_err "link-local"
    expect_err "candidates: pa"
}

case_cold_cache() {
    topo_flush_neigh "$NS_P"
    run "$NS_P" -v --to "$D4"
    expect_rc 0
    expect_out "$(line "$P4" pa "$D4" "$RA_MAC")"
    expect_err "asked the kernel to resolve (NTF_USE)"
    expect_err "answered after"
    [ "$(neigh_state "$NS_P" "$R4A" pa)" = REACHABLE ] ||
        fail "entry after resolution: $(ip -n "$NS_P" neigh show "$R4A" dev pa)"
    run "$NS_P" -v --to "$D6"
    expect_rc 0
    expect_out "$(line "$P6" pa "$D6" "$RA_MAC")"
    expect_err "neighbour $R6A dev pa: none, asked the kernel to resolve (NTF_USE)"
}

case_stale_entry() {
    topo_flush_neigh "$NS_P"
    ip -n "$NS_P" neigh replace "$R4A" dev pa lladdr "$RA_MAC" nud stale
    run "$NS_P" -v --to "$D4" --timeout 2s
    expect_rc 0
    expect_out "$(line "$P4" pa "$D4" "$RA_MAC")"
    expect_err "STALE"
    expect_err "answered after"
    # The kernel's own NTF_USE path would wait delay_first_probe_time (5 s).
    [ "$ELAPSED_MS" -lt 1500 ] || fail "took ${ELAPSED_MS} ms"
    [ "$(neigh_state "$NS_P" "$R4A" pa)" = REACHABLE ] ||
        fail "entry after resolution: $(ip -n "$NS_P" neigh show "$R4A" dev pa)"
}

# The router was replaced: the entry is STALE with a MAC nobody has any more.
case_stale_changed_mac() {
    local new=02:00:5e:00:53:aa
    topo_flush_neigh "$NS_P"
    ip -n "$NS_P" neigh replace "$R4A" dev pa lladdr "$RA_MAC" nud stale
    ip -n "$NS_P" -6 neigh replace "$R6A" dev pa lladdr "$RA_MAC" nud stale
    ip -n "$NS_R" link set ra address "$new"
    run "$NS_P" -v --to "$D4"
    expect_rc 0
    expect_out "$(line "$P4" pa "$D4" "$new")"
    expect_err "asked the kernel to resolve afresh by broadcast"
    expect_err "(the table had $RA_MAC)"
    # Well within the default 3 s timeout: 500 ms of unicast, then broadcast.
    [ "$ELAPSED_MS" -lt 1500 ] || fail "took ${ELAPSED_MS} ms"
    run "$NS_P" -v --to "$D6"
    expect_rc 0
    expect_out "$(line "$P6" pa "$D6" "$new")"
    expect_err "asked the kernel to resolve afresh by broadcast"
    [ "$ELAPSED_MS" -lt 1500 ] || fail "took ${ELAPSED_MS} ms"
}

# The router is gone: a STALE entry whose MAC nobody confirms is an error,
# unless --allow-unconfirmed-mac asks for the cached MAC.
case_stale_router_gone() {
    local family addr dst src
    ip -n "$NS_R" addr del "$R4A/24" dev ra
    ip -n "$NS_R" -6 addr del "$R6A/64" dev ra
    for family in 4 6; do
        if [ "$family" = 4 ]; then addr=$R4A dst=$D4 src=$P4; else addr=$R6A dst=$D6 src=$P6; fi
        topo_flush_neigh "$NS_P"
        ip -n "$NS_P" neigh replace "$addr" dev pa lladdr "$RA_MAC" nud stale
        run "$NS_P" --to "$dst" --timeout 1s
        expect_rc 1
        expect_out ""
        expect_err "error: the neighbour table's MAC $RA_MAC (STALE) of next hop $addr on pa is not confirmed"
        expect_err "--allow-unconfirmed-mac"
        [ "$ELAPSED_MS" -ge 950 ] && [ "$ELAPSED_MS" -le 1700 ] ||
            fail "took ${ELAPSED_MS} ms for a 1 s timeout"
        ip -n "$NS_P" neigh replace "$addr" dev pa lladdr "$RA_MAC" nud stale
        run "$NS_P" -q --to "$dst" --timeout 1s --allow-unconfirmed-mac
        expect_rc 0
        expect_out "$(line "$src" pa "$dst" "$RA_MAC")"
        # Probing ended in FAILED, which drops the MAC, as the kernel's own would.
        ip -n "$NS_P" neigh replace "$addr" dev pa lladdr "$RA_MAC" nud stale
        run "$NS_P" --to "$dst" --timeout 1s --allow-unconfirmed-mac
        expect_rc 0
        expect_err "warning: the neighbour table's MAC $RA_MAC (STALE) of next hop $addr on pa is not confirmed"
        expect_err "using it (--allow-unconfirmed-mac)"
    done
}

case_permanent_entry() {
    local fake=02:00:5e:00:53:01
    topo_flush_neigh "$NS_P"
    ip -n "$NS_P" neigh replace "$R4A" dev pa lladdr "$fake" nud permanent
    run "$NS_P" -v --to "$D4"
    expect_rc 0
    expect_out "$(line "$P4" pa "$D4" "$fake")"
    expect_no_err "NTF_USE"
    [ "$(neigh_state "$NS_P" "$R4A" pa)" = PERMANENT ] ||
        fail "entry demoted: $(ip -n "$NS_P" neigh show "$R4A" dev pa)"
}

case_unreachable_next_hop() {
    ip -n "$NS_P" route add 10.9.0.0/24 via 10.1.0.77
    run "$NS_P" --to 10.9.0.5 --timeout 500ms
    expect_rc 1
    expect_out ""
    expect_err "10.1.0.77"
    expect_err "pa"
    expect_err "500 ms"
    expect_err "hint: is it up? give --mac"
    [ "$ELAPSED_MS" -ge 450 ] && [ "$ELAPSED_MS" -le 1200 ] ||
        fail "took ${ELAPSED_MS} ms for a 500 ms timeout"
}

case_no_route() {
    ip -n "$NS_P" route del default
    run "$NS_P" --to "$D4"
    expect_rc 1
    expect_err "no route to $D4"
}

case_route_unreachable() {
    ip -n "$NS_P" route add unreachable 10.8.0.0/24
    ip -n "$NS_P" -6 route add unreachable 2001:db8:8::/64
    run "$NS_P" --to 10.8.0.1
    expect_rc 1
    expect_err "the route to 10.8.0.1 is of type unreachable"
    run "$NS_P" --to 2001:db8:8::1
    expect_rc 1
    expect_err "the route to 2001:db8:8::1 is of type unreachable"
}

case_route_blackhole() {
    ip -n "$NS_P" route add blackhole 10.8.1.0/24
    run "$NS_P" --to 10.8.1.1
    expect_rc 1
    expect_err "the route to 10.8.1.1 is of type blackhole"
}

case_route_prohibit() {
    ip -n "$NS_P" route add prohibit 10.8.2.0/24
    run "$NS_P" --to 10.8.2.1
    expect_rc 1
    expect_err "the route to 10.8.2.1 is of type prohibit"
}

# Policy rules of each refusing type name it: unreachable answers ENETUNREACH, the
# errno of no route at all, so it is told apart by reading the rules.
case_rule_unreachable() {
    ip -n "$NS_P" rule add to 10.8.0.0/24 unreachable pref 100
    ip -n "$NS_P" -6 rule add to 2001:db8:8::/64 unreachable pref 100
    ip -n "$NS_P" rule add to 10.8.1.0/24 prohibit pref 101
    ip -n "$NS_P" rule add to 10.8.3.0/24 ipproto udp unreachable pref 102
    run "$NS_P" --to 10.8.0.1
    expect_rc 1
    expect_err "error: the routing rules refuse 10.8.0.1: rule 100 to 10.8.0.0/24 is of type unreachable"
    expect_err "check \`ip rule\`"
    run "$NS_P" --to 2001:db8:8::1
    expect_rc 1
    expect_err "error: the routing rules refuse 2001:db8:8::1: rule 100 to 2001:db8:8::/64 is of type unreachable"
    run "$NS_P" --to 10.8.1.1
    expect_rc 1
    expect_err "the route to 10.8.1.1 is of type prohibit"
    # A rule with another selector may or may not be the one: said as such.
    run "$NS_P" --to 10.8.3.1
    expect_rc 1
    expect_err "error: no route to 10.8.3.1; rule 102 to 10.8.3.0/24, of type unreachable, may refuse it"
    # No rule: no route, as before.
    ip -n "$NS_P" route del default
    run "$NS_P" --to 10.9.0.1
    expect_rc 1
    expect_err "error: no route to 10.9.0.1"
    expect_err "hint: add a route (or a default route), or give --dev"
}

case_route_local() {
    run "$NS_P" --to "$P4"
    expect_rc 2
    expect_err "route type local"
}

# A resolution that fails because the interface is down or has no carrier says so.
case_link_down() {
    ip -n "$NS_P" link set pa down
    for dst in "$D4" "$D6"; do
        run "$NS_P" --to "$dst"
        expect_rc 1
        expect_err "error: no route to $dst: pa is down"
        expect_err "hint: bring it up: ip link set pa up"
    done
    run "$NS_P" --to "$D4" --dev pa
    expect_rc 1
    expect_err "error: no route to $D4: pa is down"
}

case_link_no_carrier() {
    ip -n "$NS_R" link set ra down
    topo_flush_neigh "$NS_P"
    for dst in "$D4" "$D6"; do
        run "$NS_P" --to "$dst" --timeout 500ms
        expect_rc 1
        expect_err "within 500 ms: pa has no carrier (NO-CARRIER)"
        expect_err "hint: check the cable or the peer; or give --mac"
    done
    # A cached MAC that cannot be confirmed: the same reason, named.
    ip -n "$NS_P" neigh replace "$R4A" dev pa lladdr "$RA_MAC" nud stale
    run "$NS_P" --to "$D4" --timeout 500ms
    expect_rc 1
    expect_err "is not confirmed: it answered neither a unicast probe nor a broadcast within 500 ms (--timeout); pa has no carrier (NO-CARRIER)"
}

case_bridge_port() {
    ip -n "$NS_P" link add name br0 type bridge
    ip -n "$NS_P" link set br0 up
    ip -n "$NS_P" link set pa master br0
    run "$NS_P" --to "$R4A"
    expect_rc 1
    expect_err "pa is a port of bridge br0"
    expect_err "--dev br0"
}

# A second link patient (pc) -- (rc) router, 10.3.0.0/24, as the worse route.
add_second_link() {
    ip link add name pc netns "$NS_P" type veth peer name rc netns "$NS_R"
    ip -n "$NS_P" addr add 10.3.0.2/24 dev pc
    ip -n "$NS_R" addr add 10.3.0.1/24 dev rc
    ip -n "$NS_P" link set pc up
    ip -n "$NS_R" link set rc up
    ip -n "$NS_P" route add 10.2.0.0/24 via "$R4A" dev pa metric 100
    ip -n "$NS_P" route add 10.2.0.0/24 via 10.3.0.1 dev pc metric 200
    RC_MAC="$(topo_mac "$NS_R" rc)"
}

case_dev_override() {
    add_second_link
    run "$NS_P" --to "$D4"
    expect_rc 0
    expect_out "$(line "$P4" pa "$D4" "$RA_MAC")"
    run "$NS_P" -v --to "$D4" --dev pc
    expect_rc 0
    expect_out "$(line 10.3.0.2 pc "$D4" "$RC_MAC")"
    expect_err "route $D4 via 10.3.0.1 dev pc"
}

# --dev as a MAC (6.15+ boot strings): the interface with that MAC, whatever its name, and
# the printed line keeps the MAC; a rename changes nothing.
case_dev_by_mac() {
    local pc_mac
    add_second_link
    pc_mac="$(topo_mac "$NS_P" pc)"
    run "$NS_P" -v --to "$D4" --dev "$pc_mac"
    expect_rc 0
    expect_out "$(line 10.3.0.2 "$pc_mac" "$D4" "$RC_MAC")"
    expect_err "dev $pc_mac: pc"
    expect_err "route $D4 via 10.3.0.1 dev pc"
    expect_err "choosing the device by MAC needs Linux 6.15 or newer"
    ip -n "$NS_P" link set pc down
    ip -n "$NS_P" link set pc name wan0
    ip -n "$NS_P" link set wan0 up
    ip -n "$NS_P" route add 10.2.0.0/24 via 10.3.0.1 dev wan0 metric 200 # gone with the link
    run "$NS_P" -v --to "$D4" --dev "$pc_mac"
    expect_rc 0
    expect_out "$(line 10.3.0.2 "$pc_mac" "$D4" "$RC_MAC")"
    expect_err "route $D4 via 10.3.0.1 dev wan0"
}

# No interface has the MAC: refused as --dev nosuch is, with the MACs there are.
case_dev_by_mac_absent() {
    run "$NS_P" --to "$D4" --dev 02:00:00:00:00:99
    expect_rc 2
    expect_out ""
    expect_err "error: --dev: no interface here has the MAC 02:00:00:00:00:99"
    expect_err "hint: the Ethernet interfaces here: pa $(topo_mac "$NS_P" pa)"
}

# A bridge takes its port's MAC (as a bond its slaves', a VLAN its parent's): the kernel
# would bind the first registered, here the port it refuses, so the tool refuses and
# names both.
case_dev_by_mac_shared() {
    local pa_mac
    pa_mac="$(topo_mac "$NS_P" pa)"
    ip -n "$NS_P" link add name br0 type bridge
    ip -n "$NS_P" link set pa master br0
    [ "$(topo_mac "$NS_P" br0)" = "$pa_mac" ] || fail "br0 did not take pa's MAC"
    run "$NS_P" --to "$D4" --dev "$pa_mac"
    expect_rc 2
    expect_out ""
    expect_err "error: --dev: the MAC $pa_mac is the address of 2 interfaces: pa, br0"
    expect_err "hint: the kernel binds to the first it registered, which may be a slave it refuses; give --dev the interface's name"
}

# route_dev NS ARGS...: the dev of `ip route get ARGS` in NS.
route_dev() {
    local ns="$1"
    shift
    ip -n "$ns" route get "$@" | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -n1
}

# Policy rules on the UDP flow (ipproto, sport, dport) send netconsole's
# packets through table 102, via the second link; the tool must agree with
# `ip route get ADDR ipproto udp sport S dport D`.
case_policy_rule_flow() {
    local rule family dst want_src want_dev args
    add_second_link
    ip -n "$NS_P" -6 addr add 2001:db8:3::2/64 dev pc nodad
    ip -n "$NS_R" -6 addr add 2001:db8:3::1/64 dev rc nodad
    ip -n "$NS_P" route add default via 10.3.0.1 dev pc table 102
    ip -n "$NS_P" -6 route add default via 2001:db8:3::1 dev pc table 102
    for rule in "ipproto udp dport 6666" "ipproto udp sport 6665" "ipproto udp" "dport 6666"; do
        # shellcheck disable=SC2086
        ip -n "$NS_P" rule add $rule table 102
        # shellcheck disable=SC2086
        ip -n "$NS_P" -6 rule add $rule table 102
        for family in 4 6; do
            if [ "$family" = 4 ]; then dst=$D4 want_src=10.3.0.2; else dst=$D6 want_src=2001:db8:3::2; fi
            [ "$(route_dev "$NS_P" "$dst" ipproto udp sport 6665 dport 6666)" = pc ] ||
                fail "rule '$rule': ip route get does not take pc"
            run "$NS_P" --to "$dst"
            expect_rc 0
            expect_out "$(line "$want_src" pc "$dst" "$RC_MAC")"
        done
        # A flow the rule does not match stays in the main table, as ip route get says.
        case "$rule" in
        *dport*) args=(--port 7777) want_dev=$(route_dev "$NS_P" "$D4" ipproto udp sport 6665 dport 7777) ;;
        *sport*) args=(--src-port 7000) want_dev=$(route_dev "$NS_P" "$D4" ipproto udp sport 7000 dport 6666) ;;
        *) args=() want_dev=pc ;;
        esac
        run "$NS_P" --to "$D4" "${args[@]}"
        expect_rc 0
        grep -qF "@10.2.0.2/" <<<"$OUT" && grep -qF "/$want_dev," <<<"$OUT" ||
            fail "rule '$rule' with ${args[*]}: '$OUT', ip route get says dev $want_dev"
        # shellcheck disable=SC2086
        ip -n "$NS_P" rule del $rule table 102
        # shellcheck disable=SC2086
        ip -n "$NS_P" -6 rule del $rule table 102
    done
}

case_src_override() {
    ip -n "$NS_P" addr add 10.1.0.3/24 dev pa
    run "$NS_P" --to "$D4" --src 10.1.0.3
    expect_rc 0
    expect_out "$(line 10.1.0.3 pa "$D4" "$RA_MAC")"
}

# wait_addr_flag NS ADDR WORD: waits (max 3 s) until `ip addr` shows WORD for ADDR.
wait_addr_flag() {
    local i
    for i in $(seq 60); do
        ip -n "$1" -6 addr show | grep -F "inet6 $2/" | grep -qw "$3" && return 0
        sleep 0.05
    done
    fail "$2 never became $3: $(ip -n "$1" -6 addr show | grep -F "$2/")"
}

# An IPv6 --src is checked like an IPv4 one: foreign, tentative, dadfailed, link-local.
case_src_v6_checks() {
    local ll
    ll="$(topo_link_local "$NS_P" pa)"
    run "$NS_P" --to "$D6" --src 2001:db8:1::99
    expect_rc 0
    expect_out "$(line 2001:db8:1::99 pa "$D6" "$RA_MAC")"
    expect_err "warning: --src: 2001:db8:1::99 is not an address of this host, and netconsole will send from it anyway"

    ip netns exec "$NS_P" sysctl -qw net.ipv6.conf.pa.accept_dad=1 net.ipv6.conf.pa.dad_transmits=20
    ip -n "$NS_P" -6 addr add 2001:db8:1::5/64 dev pa
    wait_addr_flag "$NS_P" 2001:db8:1::5 tentative
    run "$NS_P" --to "$D6" --src 2001:db8:1::5
    expect_rc 0
    expect_err "warning: --src: 2001:db8:1::5 is tentative (duplicate address detection is still running)"
    expect_no_err "not an address of this host"

    # The router has 2001:db8:1::7 already, so the patient's DAD for it fails.
    ip -n "$NS_R" -6 addr add 2001:db8:1::7/64 dev ra nodad
    ip -n "$NS_P" -6 addr add 2001:db8:1::7/64 dev pa
    wait_addr_flag "$NS_P" 2001:db8:1::7 dadfailed
    run "$NS_P" --to "$D6" --src 2001:db8:1::7
    expect_rc 0
    expect_err "warning: --src: 2001:db8:1::7 failed duplicate address detection (dadfailed)"

    run "$NS_P" --to "$D6" --src "$ll"
    expect_rc 2
    expect_out ""
    expect_err "error: --src: $ll is link-local, and $D6 is reached via router $R6A: routers do not forward packets from a link-local source"
    run "$NS_P" --to "$R6A" --src "$ll"
    expect_rc 0
    expect_err "warning: --src: $ll is link-local but $R6A is not: only a doctor on the link of pa will receive it"

    # The same rule for IPv4's 169.254/16.
    ip -n "$NS_P" addr add 169.254.7.7/16 dev pa
    run "$NS_P" --to "$D4" --src 169.254.7.7
    expect_rc 2
    expect_err "error: --src: 169.254.7.7 is link-local, and $D4 is reached via router $R4A"
}

case_host_name() {
    topo_hosts "$NS_P" "$D4 doctor.test" "$D6 doctor.test" "$R4A router.test"
    run "$NS_P" --to router.test
    expect_rc 0
    expect_out "$(line "$P4" pa "$R4A" "$RA_MAC")"
    run "$NS_P" -4 --to doctor.test
    expect_rc 0
    expect_out "$(line "$P4" pa "$D4" "$RA_MAC")"
    run "$NS_P" -6 --to doctor.test
    expect_rc 0
    expect_out "$(line "$P6" pa "$D6" "$RA_MAC")"
    run "$NS_P" --to doctor.test
    expect_rc 0
    expect_err "doctor.test has 2 addresses; using"
    # With -4, only the IPv4 addresses are choices: two of three, and none with -6.
    topo_hosts "$NS_P" "$D4 doctor.test" "$D6 doctor.test" "$R4A router.test" \
        "$D4 multi.test" "$R4B multi.test" "$D6 multi.test"
    run "$NS_P" -4 --to multi.test
    expect_rc 0
    expect_err "warning: multi.test has 2 IPv4 addresses; using $D4"
    run "$NS_P" -6 --to multi.test
    expect_rc 0
    expect_no_err "addresses; using"
    # The namespace's resolver is its own loopback, where nothing listens:
    # a DNS failure (EAI_AGAIN), so exit 1, not bad input.
    run "$NS_P" --to nosuch.test
    expect_rc 1
    expect_err "could not resolve host name 'nosuch.test'"
    # Only /etc/hosts asked (nsswitch.conf bound by ip netns exec): no such name, exit 2.
    printf 'hosts: files\n' >"/etc/netns/$NS_P/nsswitch.conf"
    run "$NS_P" --to nosuch.test
    expect_rc 2
    expect_err "'nosuch.test' is neither an IP address nor a host name that resolves"
    run "$NS_P" --to doctor.test
    expect_rc 0
}

# A DNS server that never answers (an on-link address nobody has): exit 1
# after resolv.conf's 1 s timeout, the query never leaving the namespace.
case_dns_timeout() {
    topo_hosts "$NS_P" "$D4 doctor.test"
    printf 'nameserver 10.1.0.99\noptions timeout:1 attempts:1\n' >"/etc/netns/$NS_P/resolv.conf"
    run "$NS_P" --to receiver.test
    expect_rc 1
    expect_out ""
    expect_err "could not resolve host name 'receiver.test': Temporary failure in name resolution"
    expect_err "hint: check the DNS servers in /etc/resolv.conf, or give the address"
}

case_several_targets() {
    run "$NS_P" --to "$D4" --to "$D6"
    expect_rc 0
    expect_out "$(line "$P4" pa "$D4" "$RA_MAC");$(line "$P6" pa "$D6" "$RA_MAC" | sed 's/^netconsole=//')"
}

case_non_root_cached() {
    run "$NS_P" --to "$D4"
    run_as "$NS_P" nobody --to "$D4"
    expect_rc 0
    expect_out "$(line "$P4" pa "$D4" "$RA_MAC")"
}

case_non_root_uncached() {
    topo_flush_neigh "$NS_P"
    run_as "$NS_P" nobody --to "$D4"
    expect_rc 1
    expect_out ""
    expect_err "CAP_NET_ADMIN"
    expect_err "$R4A"
}

# Without CAP_NET_ADMIN a STALE MAC cannot be confirmed: an error, unless asked for.
case_non_root_stale() {
    topo_flush_neigh "$NS_P"
    ip -n "$NS_P" neigh replace "$R4A" dev pa lladdr "$RA_MAC" nud stale
    run_as "$NS_P" nobody --to "$D4"
    expect_rc 1
    expect_out ""
    expect_err "is not confirmed: asking the kernel to probe it needs CAP_NET_ADMIN"
    run_as "$NS_P" nobody --to "$D4" --allow-unconfirmed-mac
    expect_rc 0
    expect_out "$(line "$P4" pa "$D4" "$RA_MAC")"
    expect_err "using it (--allow-unconfirmed-mac)"
}

case_v4_via_v6() {
    ip -n "$NS_P" -4 route replace default via inet6 "$R6A" dev pa
    run "$NS_P" -v --to "$D4"
    expect_rc 0
    expect_out "$(line "$P4" pa "$D4" "$RA_MAC")"
    expect_err "via inet6 $R6A"
}

case_broadcast() {
    run "$NS_P" --to "$R4A" --broadcast
    expect_rc 0
    expect_out "$(line "$P4" pa "$R4A" ff:ff:ff:ff:ff:ff)"
    run "$NS_P" --to "$D4" --broadcast
    expect_rc 2
    expect_err "routers drop"
}

case_mac_given() {
    topo_flush_neigh "$NS_P"
    run "$NS_P" --to "$D4" --mac 02:00:5e:00:53:02
    expect_rc 0
    expect_out "$(line "$P4" pa "$D4" 02:00:5e:00:53:02)"
    [ -z "$(neigh_state "$NS_P" "$R4A" pa)" ] || fail "--mac still touched the neighbour table"
}

declare -F "case_$CASE" >/dev/null || { echo "FAIL: no case '$CASE'" >&2; exit 1; }
topo_require
topo_up || { echo "FAIL: could not build the topology" >&2; exit 1; }
RA_MAC="$(topo_mac "$NS_R" ra)"
"case_$CASE"
if [ "$FAILED" -ne 0 ]; then
    exit 1
fi
echo "PASS [$CASE]"
