# shellcheck shell=bash
# Fixture library for the netns tier, the benchmark and the demo: three network
# namespaces joined by veth pairs, the way selftests/net/fib_tests.sh does it.
#
#   patient (pa) ---- (ra) router (rb) ---- (db) doctor
#   10.1.0.2/24    10.1.0.1/24   10.2.0.1/24    10.2.0.2/24
#   2001:db8:1::2  2001:db8:1::1 2001:db8:2::1  2001:db8:2::2   (/64, nodad)
#
# Every name carries a per-run suffix, so parallel runs never collide, and
# topo_cleanup (installed as an EXIT trap by topo_up) removes the namespaces
# and any /etc/netns/NAME directory it created, also when a test fails.
# Traffic only ever flows inside these namespaces.

TOPO_SUFFIX="${TOPO_SUFFIX:-$$-$RANDOM}"
NS_P="ncs-p-$TOPO_SUFFIX"
NS_R="ncs-r-$TOPO_SUFFIX"
NS_D="ncs-d-$TOPO_SUFFIX"
TOPO_NAMESPACES=()
TOPO_ETC_DIRS=()

P4=10.1.0.2 R4A=10.1.0.1 R4B=10.2.0.1 D4=10.2.0.2
P6=2001:db8:1::2 R6A=2001:db8:1::1 R6B=2001:db8:2::1 D6=2001:db8:2::2

# topo_skip REASON: the tier cannot run here. Exit 77 (ctest skip), or 1 under CI=true.
topo_skip() {
    echo "SKIP: $*" >&2
    if [ "${CI:-}" = true ]; then exit 1; fi
    exit 77
}

# topo_require: root and working `ip netns`, else skip.
topo_require() {
    [ "$(id -u)" -eq 0 ] || topo_skip "netns tier needs root (ip netns add)"
    command -v ip >/dev/null || topo_skip "netns tier needs iproute2 (ip)"
    local probe="ncs-probe-$TOPO_SUFFIX"
    ip netns add "$probe" 2>/dev/null || topo_skip "ip netns add does not work here"
    ip netns del "$probe"
}

topo_cleanup() {
    local ns dir
    for ns in "${TOPO_NAMESPACES[@]}"; do
        ip netns del "$ns" 2>/dev/null
    done
    for dir in "${TOPO_ETC_DIRS[@]}"; do
        rm -rf -- "$dir"
    done
    # /etc/netns itself only if this run made it and nobody else uses it now.
    if [ -n "${TOPO_ETC_PARENT_CREATED:-}" ]; then
        rmdir /etc/netns 2>/dev/null
    fi
    TOPO_NAMESPACES=()
    TOPO_ETC_DIRS=()
}

# topo_ns NAME: a new namespace with lo up and DAD off (addresses usable at once).
topo_ns() {
    ip netns add "$1" || return 1
    TOPO_NAMESPACES+=("$1")
    ip -n "$1" link set lo up
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

# topo_up: builds patient -- router -- doctor and installs the cleanup trap.
topo_up() {
    trap topo_cleanup EXIT
    trap 'exit 130' INT TERM
    topo_ns "$NS_P" && topo_ns "$NS_R" && topo_ns "$NS_D" || return 1
    ip link add name pa netns "$NS_P" type veth peer name ra netns "$NS_R" || return 1
    ip link add name db netns "$NS_D" type veth peer name rb netns "$NS_R" || return 1
    ip -n "$NS_P" addr add "$P4/24" dev pa
    ip -n "$NS_R" addr add "$R4A/24" dev ra
    ip -n "$NS_R" addr add "$R4B/24" dev rb
    ip -n "$NS_D" addr add "$D4/24" dev db
    ip -n "$NS_P" -6 addr add "$P6/64" dev pa nodad
    ip -n "$NS_R" -6 addr add "$R6A/64" dev ra nodad
    ip -n "$NS_R" -6 addr add "$R6B/64" dev rb nodad
    ip -n "$NS_D" -6 addr add "$D6/64" dev db nodad
    ip -n "$NS_P" link set pa up
    ip -n "$NS_R" link set ra up
    ip -n "$NS_R" link set rb up
    ip -n "$NS_D" link set db up
    ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
    ip -n "$NS_P" route add default via "$R4A"
    ip -n "$NS_P" -6 route add default via "$R6A"
    ip -n "$NS_D" route add default via "$R4B"
    ip -n "$NS_D" -6 route add default via "$R6B"
    topo_wait_link_local "$NS_P" pa && topo_wait_link_local "$NS_R" ra &&
        topo_wait_link_local "$NS_R" rb && topo_wait_link_local "$NS_D" db
}

# topo_wait_link_local NS DEV: waits (max 2 s) until DEV has its fe80:: address.
topo_wait_link_local() {
    local i
    for i in $(seq 40); do
        if ip -n "$1" -6 -o addr show dev "$2" scope link | grep -q 'inet6 fe80'; then
            return 0
        fi
        sleep 0.05
    done
    echo "topology: no link-local address on $2 in $1" >&2
    return 1
}

# topo_mac NS DEV: the MAC of DEV in NS.
topo_mac() {
    ip -n "$1" -o link show dev "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

# topo_link_local NS DEV: the fe80:: address of DEV in NS (without prefix length).
topo_link_local() {
    ip -n "$1" -6 -o addr show dev "$2" scope link | sed -n 's/.*inet6 \(fe80[^/]*\)\/.*/\1/p' | head -n1
}

# topo_hosts NS LINE...: writes /etc/netns/NS/hosts, which `ip netns exec`
# bind-mounts over /etc/hosts, and a resolv.conf naming only the namespace's
# own loopback, so an unknown name fails at once and no query leaves.
topo_hosts() {
    local ns="$1" dir="/etc/netns/$1"
    shift
    if [ ! -d /etc/netns ]; then
        mkdir /etc/netns && TOPO_ETC_PARENT_CREATED=1
    fi
    if [ ! -d "$dir" ]; then
        mkdir -p "$dir"
        TOPO_ETC_DIRS+=("$dir")
    fi
    printf '%s\n' "$@" >"$dir/hosts"
    printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$dir/resolv.conf"
}

# topo_flush_neigh NS: empties the neighbour tables of NS (a cold cache).
topo_flush_neigh() {
    ip -n "$1" neigh flush all
    ip -n "$1" -6 neigh flush all
}
