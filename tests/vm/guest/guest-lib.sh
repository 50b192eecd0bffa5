# Helpers for the guest side of vm cases (busybox ash; sourced by /init).
# Variables from /vm/env: VM_RUN VM_BOOT VM_CASES GUEST_MAC GUEST_IP4 GUEST_IP6
#   ROUTER_MAC ROUTER_IP4 ROUTER_IP6 ROUTER_LL DOCTOR_IP4 DOCTOR_IP6

# In the guest, case files' registrations are no-ops (the host read them).
vm_case() { :; }

# result CHECK PASS|FAIL DETAIL... : report one check of the current case.
result() {
    local check=$1 verdict=$2 detail up
    shift 2
    detail=$*
    case $detail in *"
"*) detail=$(printf '%s' "$detail" | tr '\n' '|') ;; esac
    read -r up _ </proc/uptime      # a builtin: forks cost ~0.1 s under TCG
    echo "NCS-RESULT $VM_CASE.$check $verdict $detail [t=$up]"
}

# marker TAG: the unique text a case writes to the kernel log; the host side
# computes the same string with its own `marker`.
marker() { echo "ncs-mark-$VM_RUN-$VM_CASE-$1"; }

# kmsg TEXT: log TEXT as a kernel message at level 5 (notice), which passes
# the console log level the init sets (6), so netconsole sends it.
kmsg() { echo "<5>$*" >/dev/kmsg; }

# tool CHECK ARGS...: run netconsole-setup ARGS; on success set $LINE to the
# value after "netconsole=" and report CHECK PASS, else report CHECK FAIL with
# the exit status and the tool's exact stderr, and return 1.
tool() {
    local check=$1 out err rc
    shift
    out=$(netconsole-setup "$@" 2>/tmp/tool.err)
    rc=$?
    err=$(cat /tmp/tool.err)
    LINE=
    case "$out" in
        netconsole=*) ;;
        *) result "$check" FAIL "netconsole-setup $* -> exit $rc, stdout '$out', stderr '$err'"
           return 1 ;;
    esac
    if [ $rc -ne 0 ] || [ "$(echo "$out" | wc -l)" -ne 1 ]; then
        result "$check" FAIL "netconsole-setup $* -> exit $rc, stdout '$out', stderr '$err'"
        return 1
    fi
    LINE=${out#netconsole=}
    result "$check" PASS "netconsole-setup $* -> $out"
}

# run_tool CHECK ARGS...: run netconsole-setup ARGS whatever it prints; sets
# $OUT, $ERR and $RC; CHECK passes on exit 0, else fails with both streams.
run_tool() {
    local check=$1
    shift
    OUT=$(netconsole-setup "$@" 2>/tmp/run_tool.err)
    RC=$?
    ERR=$(cat /tmp/run_tool.err)
    if [ "$RC" -eq 0 ]; then
        result "$check" PASS "netconsole-setup $* -> $OUT"
    else
        result "$check" FAIL "netconsole-setup $* -> exit $RC, stdout '$OUT', stderr '$ERR'"
        return 1
    fi
}

# load CHECK VALUE: modprobe netconsole netconsole=VALUE, report CHECK.
load() {
    local check=$1 value=$2 out
    if out=$(modprobe netconsole "netconsole=$value" 2>&1); then
        result "$check" PASS "modprobe netconsole netconsole=$value"
    else
        result "$check" FAIL "modprobe netconsole netconsole=$value: $out; dmesg: $(dmesg | grep -E 'netpoll|netconsole' | tail -n 5)"
        return 1
    fi
}

# unload: remove netconsole so the next case starts clean.
unload() { modprobe -r netconsole 2>/dev/null; }

# send_through CHECK VALUE TAG: load netconsole with VALUE, log marker TAG,
# unload. The host side asserts where the marker arrived.
send_through() {
    load "$1" "$2" || return 1
    kmsg "$(marker "$3")"
    unload
}

# via_tool TAG ARGS...: the whole user path. netconsole-setup ARGS prints the
# line (check line-TAG), modprobe loads it (check load-TAG), marker TAG is
# logged. The host side asserts where `marker CASE TAG` arrived.
via_tool() {
    local tag=$1
    shift
    tool "line-$tag" "$@" && send_through "load-$tag" "$LINE" "$tag"
}

# same CHECK ACTUAL EXPECTED: report whether two strings are equal.
same() {
    if [ "$2" = "$3" ]; then
        result "$1" PASS "$2"
    else
        result "$1" FAIL "got '$2', expected '$3'"
    fi
}

# Busybox ash runs its own applets before searching PATH; the guest needs
# kmod's modprobe (it loads .ko.xz) and iproute2's ip (nodad), as shipped.
modprobe() { /usr/sbin/modprobe "$@"; }
ip() { /usr/sbin/ip "$@"; }

# guest_network_up [CASE [IF]]: e1000 driver, eth0 up with carrier, addresses,
# default routes. Idempotent, so a case that took eth0 down or reloaded its
# driver calls it again. With IF (a renamed eth0, a bond), the same on IF, which
# must exist. Reports check <CASE>.setup (CASE defaults to <boot>-network) with
# every failed step.
guest_network_up() {
    local i errs= VM_CASE=${1:-$VM_BOOT-network} dev=${2:-eth0}
    step() { "$@" 2>/tmp/step.err || errs="$errs; $*: $(cat /tmp/step.err)"; }
    echo 6 >/proc/sys/kernel/printk        # console loglevel: levels 0-5 go out
    if [ "$dev" = eth0 ]; then
        step modprobe e1000
        wait_for 5 [ -e /sys/class/net/eth0 ]
        step ip link set eth0 address "$GUEST_MAC"
    fi
    echo 0 >"/proc/sys/net/ipv6/conf/$dev/accept_dad"
    step ip link set lo up
    step ip link set "$dev" up
    wait_for 5 has_carrier "$dev" || errs="$errs; no carrier on $dev"
    step ip addr replace "$GUEST_IP4/24" dev "$dev"
    step ip addr replace "$GUEST_IP6/64" dev "$dev" nodad
    step ip route replace default via "$ROUTER_IP4" dev "$dev"
    step ip -6 route replace default via "$ROUTER_IP6" dev "$dev"
    if [ -z "$errs" ]; then
        result setup PASS "$dev up after $(cut -d' ' -f1 /proc/uptime)s"
    else
        result setup FAIL "${errs#; }"
    fi
}

# wait_for SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds (status
# 0) or SECONDS have passed (status 1).
wait_for() {
    local i=0 n=$(($1 * 10))
    shift
    while ! "$@"; do
        i=$((i + 1))
        [ $i -ge $n ] && return 1
        sleep 0.1
    done
}

# has_carrier IF: IF is up with carrier.
has_carrier() { [ "$(cat /sys/class/net/$1/carrier 2>/dev/null)" = 1 ]; }

# release_at_least MAJOR.MINOR: the running kernel is that version or newer
# (the host side has the same function for the booted kernel).
release_at_least() { version_at_least "$(uname -r)" "$1"; }

# version_at_least RELEASE MAJOR.MINOR (POSIX sh, also used by the host).
version_at_least() {
    local r=${1%%[-+]*} maj min
    maj=${r%%.*} min=${r#*.} min=${min%%.*}
    [ "$maj" -gt "${2%%.*}" ] || { [ "$maj" -eq "${2%%.*}" ] && [ "$min" -ge "${2#*.}" ]; }
}

# host_do ACTION ARGS...: ask the host harness to run the current case's host
# function <case>_do_<ACTION> ARGS (for what only the host can change, such as
# the router's MAC) and wait for it, over the second serial port (ttyS1, a QEMU
# pipe to the harness's director). Returns the host function's status; 124 if
# no answer came within 30 s.
host_do() {
    local word seq rc
    if [ -z "${HOST_FD:-}" ]; then
        exec 7<>/dev/ttyS1 || return 1
        stty -F /dev/ttyS1 raw -echo || return 1
        HOST_FD=7 HOST_SEQ=0
    fi
    HOST_SEQ=$((HOST_SEQ + 1))
    printf 'NCS-HOST %s %s %s\n' "$HOST_SEQ" "$VM_CASE" "$*" >&7
    while read -r -t 30 word seq rc <&7; do
        [ "$word" = NCS-DONE ] && [ "$seq" = "$HOST_SEQ" ] && return "$rc"
    done
    return 124
}

# crash_now [COMMAND...]: how a --crash case ends its boot. Tells the host the
# guest got here ("NCS-CRASH <case>" on the serial console, drained before the
# crash), then runs COMMAND, by default a panic as an administrator's
# `echo c > /proc/sysrq-trigger` does. Does not return.
crash_now() {
    echo "NCS-CRASH $VM_CASE"
    sleep 0.3       # the tty's buffer goes out before the panic stops everything
    if [ $# -gt 0 ]; then "$@"; else echo c >/proc/sysrq-trigger; fi
    sleep 3600
}
