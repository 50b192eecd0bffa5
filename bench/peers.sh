# shellcheck shell=bash
# Sourced by the benchmarks that compare with a peer receiver.

# cpu_seconds PID: utime + stime of PID so far (every thread's).
cpu_seconds() {
    local ticks
    ticks=$(awk '{print $14 + $15}' "/proc/$1/stat")
    echo "scale=2; $ticks / $(getconf CLK_TCK)" | bc
}

# build_netconsd SOURCE DIR: builds Meta's netconsd (and its printer module) from
# SOURCE in DIR/netconsd-src, a scratch copy: nothing of it enters the project.
# Sets NETCONSD to the binary, or to "" (with the build log's tail on stderr).
build_netconsd() {
    NETCONSD=""
    mkdir -p "$2/netconsd-src"
    cp -a "$(realpath "$1")/." "$2/netconsd-src/"
    make -s -k -C "$2/netconsd-src" netconsd mods >"$2/netconsd-build.log" 2>&1
    if [ -x "$2/netconsd-src/netconsd" ] && [ -f "$2/netconsd-src/modules/printer.so" ]; then
        NETCONSD="$2/netconsd-src/netconsd"
    else
        echo "netconsd did not build; see its log:" >&2
        tail -n 5 "$2/netconsd-build.log" >&2
    fi
}

# wait_udp_bound NS PORT: waits (10 s) until something in NS has UDP PORT bound.
wait_udp_bound() {
    for _ in $(seq 200); do
        ip netns exec "$1" ss -Hlun "sport = :$2" | grep -q . && return 0
        sleep 0.05
    done
    echo "nothing bound port $2" >&2
    return 1
}
