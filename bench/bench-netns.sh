# Sourced by bench/listen.sh and bench/listen-fragments.sh: one network namespace
# with loopback up for the run ($NS, in_ns), a scratch directory ($WORK), and the
# receiver under test ($RECEIVER), all removed on exit.
NS="ncs-bench-$TOPO_SUFFIX"
WORK="$(mktemp -d)"
RECEIVER=""
cleanup() {
    [ -n "$RECEIVER" ] && kill "$RECEIVER" 2>/dev/null
    local p
    for p in $(ip netns pids "$NS" 2>/dev/null); do kill "$p" 2>/dev/null; done
    ip netns del "$NS" 2>/dev/null
    rm -rf -- "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$NS" || exit 1
ip -n "$NS" link set lo up
in_ns() { ip netns exec "$NS" "$@"; }
