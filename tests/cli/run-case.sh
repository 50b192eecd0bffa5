#!/bin/bash
# Golden test of the built binary (after systemd's test/test-sysusers.sh.in).
#   run-case.sh BINARY CASE_DIR
# CASE_DIR holds:
#   args             one argument per line (an empty line is an empty argument);
#                    @ROOT@ in a line is replaced by CASE_DIR/root
#   expected-stdout  exact stdout
#   expected-stderr  exact stderr
#   expected-exit    the exit code
#                    (timings are replaced by N before comparing)
#   root/            optional input tree for --root @ROOT@
#   netns            optional, empty: run in a fresh network namespace holding the
#                    standard topology below, so resolution never sees this host
#   setup            optional bash script, for trees git cannot hold (FIFOs, devices,
#                    links to a host directory) and for commands that write: root/ is
#                    copied to a temporary ROOT, an empty temporary HOST directory made,
#                    and `setup ROOT HOST` run; @ROOT@ and @HOST@ in args (and the paths
#                    in stdout/stderr) then name those copies
#   check            optional bash script, run as `check ROOT HOST` after the binary:
#                    fails the case when it exits non-zero (the tree after the run)
#   unprivileged     optional, empty: run as nobody without capabilities (setpriv)
#   stdout-to        optional: "full" sends stdout to /dev/full, "closed" closes it
#                    (expected-stdout is then empty: nothing could be written)
# NCS_UPDATE_GOLDEN=1 rewrites the expected-* files from the actual run; review
# every rewritten file by eye (git diff) before committing it.
set -euo pipefail

binary=${1:?usage: run-case.sh BINARY CASE_DIR}
case_dir=${2:?usage: run-case.sh BINARY CASE_DIR}
name=$(basename "$case_dir")

[[ -x $binary ]] || { echo "$name: $binary is not an executable" >&2; exit 1; }
[[ -f $case_dir/args ]] || { echo "$name: $case_dir/args is missing" >&2; exit 1; }

# The standard topology: eth0 is a bridge (netpoll accepts bridges, refuses veth)
# with one veth port, so it has carrier; 192.0.2.0/24 and 2001:db8::/64 on-link.
# No automatic link-local addresses (they would race with the test): eth0 gets
# fe80::10 and is the only interface with one.
setup_netns() {
    echo 1 > /proc/sys/net/ipv6/conf/default/addr_gen_mode
    ip link set lo up
    ip link add eth0 address 02:00:00:00:00:01 type bridge
    ip link add port0 type veth peer name peer0
    ip link set port0 master eth0
    ip addr add 192.0.2.10/24 dev eth0
    ip -6 addr add 2001:db8::10/64 dev eth0 nodad
    ip -6 addr add fe80::10/64 dev eth0 nodad
    ip link set peer0 up
    ip link set port0 up
    ip link set eth0 up
}

if [[ -f $case_dir/netns && -z ${NCS_CLI_IN_NETNS:-} ]]; then
    if ! unshare --net true 2>/dev/null; then
        echo "$name: cannot create a network namespace (needs CAP_SYS_ADMIN)"
        [[ ${CI:-} == true ]] && exit 1
        exit 77
    fi
    exec unshare --net env NCS_CLI_IN_NETNS=1 "$0" "$@"
fi
if [[ -n ${NCS_CLI_IN_NETNS:-} ]]; then
    setup_netns
fi

work=$(mktemp -d)
reachable= # the unprivileged run's copy of the binary (below)
trap 'rm -rf "$work" ${reachable:+"$reachable"}' EXIT

root=$case_dir/root
host=
if [[ -f $case_dir/setup ]]; then
    root=$work/root
    host=$work/host
    mkdir -p "$host"
    if [[ -d $case_dir/root ]]; then
        cp -a "$case_dir/root" "$root"
    else
        mkdir "$root"
    fi
    bash "$case_dir/setup" "$root" "$host" || { echo "$name: setup failed"; exit 1; }
fi

args=()
while IFS= read -r line || [[ -n $line ]]; do
    line=${line//@ROOT@/$root}
    args+=("${line//@HOST@/$host}")
done < "$case_dir/args"

program=$binary
if [[ -f $case_dir/unprivileged ]]; then
    # nobody may not reach the build's binary: a clone in /root (0700, as Debian
    # makes it) gave "env: ...: Permission denied", exit 126. It runs a copy in a
    # directory of its own that everyone may enter.
    reachable=$(mktemp -d)
    chmod 755 "$reachable"
    program=$reachable/netconsole-setup
    install -m 755 "$binary" "$program"
fi
# A bounded run: a read that blocks (a FIFO) fails the case instead of hanging it.
run=(timeout --kill-after=5 60 env -i LC_ALL=C.UTF-8 PATH=/usr/bin:/bin "$program" "${args[@]}")
if [[ -f $case_dir/unprivileged ]]; then
    run=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "${run[@]}")
fi
stdout_to=$(cat "$case_dir/stdout-to" 2>/dev/null || true)
status=0
case $stdout_to in
    "") "${run[@]}" > "$work/stdout" 2> "$work/stderr" < /dev/null || status=$? ;;
    full) "${run[@]}" > /dev/full 2> "$work/stderr" < /dev/null || status=$?
          : > "$work/stdout" ;;
    closed) "${run[@]}" >&- 2> "$work/stderr" < /dev/null || status=$?
            : > "$work/stdout" ;;
    *) echo "$name: stdout-to is '$stdout_to', not full or closed"; exit 1 ;;
esac
echo "$status" > "$work/exit"

# Timings differ from run to run: "(0.1 ms)" under -v, "elapsed_us": 132 in JSON.
sed -i -E 's/\([0-9]+\.[0-9] ms\)$/(N ms)/; s/"elapsed_us": [0-9]+/"elapsed_us": N/' \
    "$work/stdout" "$work/stderr"
if [[ -n $host ]]; then
    sed -i -e "s|$root|@ROOT@|g; s|$host|@HOST@|g" "$work/stdout" "$work/stderr"
fi

if [[ ${NCS_UPDATE_GOLDEN:-0} == 1 ]]; then
    cp "$work/stdout" "$case_dir/expected-stdout"
    cp "$work/stderr" "$case_dir/expected-stderr"
    cp "$work/exit" "$case_dir/expected-exit"
    echo "$name: goldens rewritten; review them with git diff"
fi

failed=0
for stream in exit stdout stderr; do
    expected=$case_dir/expected-$stream
    if [[ ! -f $expected ]]; then
        echo "$name: $expected is missing (NCS_UPDATE_GOLDEN=1 writes it)"
        failed=1
    elif ! diff -u --label "expected-$stream" --label "actual $stream" \
            "$expected" "$work/$stream"; then
        failed=1
    fi
done

if [[ -f $case_dir/check ]] && ! bash "$case_dir/check" "$root" "$host"; then
    echo "$name: check failed"
    failed=1
fi

# House rule, whatever the goldens say: a library text's mention of a request field
# (lib/model/errors.hpp: "\x1e<number>\x1f") is phrased before it is shown, never
# printed raw, escaped by printable() or in JSON.
if grep -qaP '\x1e[0-9]{1,2}\x1f|\\x1e[0-9]{1,2}\\x1f|\\u001e[0-9]{1,2}\\u001f' \
        "$work/stdout" "$work/stderr"; then
    echo "$name: a field mention reached the output unphrased"
    failed=1
fi

# House rule, whatever the goldens say: an error leaves stdout empty (under --json it
# holds the JSON error object instead), and its stderr is, after the steps -v printed
# and the warnings of a command that ran (then failed to write its result),
# one "error:" line per failure (one for a command, one per failing target), each
# followed by at most one "hint:" line.
if [[ $status != 0 ]]; then
    json=0
    for arg in "${args[@]}"; do [[ $arg == --json ]] && json=1; done
    if ((json)); then
        if ! grep -q '^  "errors": \[' "$work/stdout"; then
            echo "$name: exit $status under --json but stdout is not the JSON error object"
            failed=1
        fi
    elif [[ -s $work/stdout ]]; then
        echo "$name: exit $status but stdout is not empty"
        failed=1
    fi
    if ! awk -v prog="netconsole-setup: error: " '
            !errors && / \(N ms\)$/ { next }          # -v steps before the error
            !errors && index($0, "netconsole-setup: warning: ") == 1 { warned = 1; next }
            !errors && warned && index($0, "hint: ") == 1 { warned = 0; next }
            index($0, prog) == 1 { errors++; hints = 0; next }
            errors && index($0, "hint: ") == 1 && hints == 0 { hints = 1; next }
            { bad = 1 }
            END { exit !(errors >= 1 && !bad) }' "$work/stderr"; then
        echo "$name: stderr is not one error line (per failure) and at most one hint line each"
        failed=1
    fi
fi

exit "$failed"
