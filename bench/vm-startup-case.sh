# The guest and host parts of bench/vm-startup.sh, in the form of a vm tier case
# (tests/vm/cases/*.sh; busybox ash in the guest). Not a test case: the vm tier
# never loads this file. Guest paths (bench/vm-startup.sh puts them there):
#   /usr/sbin/netconsole-setup           the default build (the vm tier's tool)
#   /usr/sbin/netconsole-setup-static    the NCS_STATIC=ON build
#   /usr/sbin/netconsole-setup-0.3.1     Debian's bash script, from the netconsole package
#   /usr/sbin/netconsole-setup-baseline  optional (NCS_BENCH_BASELINE): an earlier build
#   /usr/bin/hyperfine, /bin/bash, /usr/bin/true (coreutils, dynamic)
#   /usr/bin/hello-dynamic, /usr/bin/hello-static: std::cout << "hello", for scale
# Uses ap_snapshot and ap_says of tests/vm/cases/60-apply.sh (in every guest).
vm_case startbench --listen doctor4:6666

SB_DEBIAN=/usr/sbin/netconsole-setup-0.3.1
SB_STATIC=/usr/sbin/netconsole-setup-static
SB_BASELINE=/usr/sbin/netconsole-setup-baseline   # optional: an earlier build, for before/after

startbench_guest() {
    local host=$DOCTOR_IP4 first SB_RUNS=10 line
    . /vm/startbench.env       # SB_RUNS, from bench/vm-startup.sh
    # Debian's script first: it loads netconsole, mounts configfs and creates the
    # target named after the host; then every run below is an idempotent re-apply.
    # It reads the next hop's MAC from the neighbour table and falls back on
    # iputils' arping, which the guest lacks: one ping fills the table first.
    ping -c 1 -W 2 "$ROUTER_IP4" >/dev/null 2>&1
    OUT=$($SB_DEBIAN "$host" 2>&1)
    same debian-exit "$?" 0
    ap_says debian-creates "$host: Configure sending logs to $host via MAC $ROUTER_MAC from $GUEST_IP4 on interface 'eth0'."
    first=$(ap_snapshot)
    case $first in
        *"netconsole/$host/enabled=1"*) result debian-target PASS "$(echo "$first" | tr '\n' ' ')" ;;
        *) result debian-target FAIL "$first" ;;
    esac
    OUT=$(netconsole-setup "$host" 2>&1)
    ap_says default-adopts "$host: already configured correctly"
    same default-same-target "$(ap_snapshot)" "$first"
    OUT=$($SB_STATIC "$host" 2>&1)
    ap_says static-adopts "$host: already configured correctly"
    same static-same-target "$(ap_snapshot)" "$first"
    OUT=$($SB_DEBIAN "$host" 2>&1)
    ap_says debian-again "$host already configured correctly"
    same debian-same-target "$(ap_snapshot)" "$first"
    same to-default "$(netconsole-setup --to "$host")" "$($SB_STATIC --to "$host")"

    # Quiet console while timing: every kernel line on ttyS0 costs both sides
    # alike under TCG and would tangle with the result lines.
    echo 1 >/proc/sys/kernel/printk
    set --
    if [ -x $SB_BASELINE ]; then
        set -- -n "netconsole-setup HOST (baseline)" "$SB_BASELINE $host" \
            -n "netconsole-setup --version (baseline)" "$SB_BASELINE --version"
    fi
    hyperfine -N --style none --warmup 2 --runs "$SB_RUNS" --export-csv /tmp/sb.csv "$@" \
        -n "Debian netconsole-setup 0.3.1 HOST" "$SB_DEBIAN $host" \
        -n "netconsole-setup HOST (default)" "netconsole-setup $host" \
        -n "netconsole-setup HOST (NCS_STATIC)" "$SB_STATIC $host" \
        -n "netconsole-setup --to HOST (default)" "netconsole-setup --to $host" \
        -n "netconsole-setup --to HOST (NCS_STATIC)" "$SB_STATIC --to $host" \
        -n "netconsole-setup --version (default)" "netconsole-setup --version" \
        -n "netconsole-setup --version (NCS_STATIC)" "$SB_STATIC --version" \
        -n "C++ hello world (libstdc++ dynamic)" "/usr/bin/hello-dynamic" \
        -n "C++ hello world (g++ -static)" "/usr/bin/hello-static" \
        -n "ip -V" "/usr/sbin/ip -V" \
        -n "/bin/true (busybox, static)" "/bin/true" \
        -n "/usr/bin/true (coreutils, dynamic)" "/usr/bin/true" \
        >/tmp/sb.out 2>&1
    same hyperfine "$?" 0 || result hyperfine-output FAIL "$(tail -c 400 /tmp/sb.out)"
    echo 6 >/proc/sys/kernel/printk
    tail -n +2 /tmp/sb.csv | while IFS= read -r line; do echo "NCS-BENCH $line"; done
    same after-bench "$(ap_snapshot)" "$first"
    echo 0 >"$NC_DIR/$host/enabled"
    rmdir "$NC_DIR/$host"
    unload
}

startbench_host() {
    # Every run sent a test message through the target it found or made.
    expect_received "$1" debian-message doctor4:6666 "Test log message to verify netconsole configuration."
    expect_received "$1" ncs-message doctor4:6666 "netconsole-setup: test message"
    grep -a '^NCS-BENCH ' "$dir/serial.txt" | cut -d' ' -f2- >"$work/bench.csv"
}
