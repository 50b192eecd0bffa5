#!/bin/bash
# netns tier, the doctor's side: `listen` in the doctor namespace, the
# project's load generator (bench/ncs-loadgen) or `test --ack` in the patient.
#   listen-case.sh CASE /path/to/netconsole-setup /path/to/ncs-loadgen
# Exit 0 pass, 1 fail, 77 skip (1 under CI=true).
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=topology.sh
. "$HERE/topology.sh"

CASE="${1:?usage: listen-case.sh CASE BINARY LOADGEN}"
BIN="${2:?usage: listen-case.sh CASE BINARY LOADGEN}"
LOADGEN="${3:?usage: listen-case.sh CASE BINARY LOADGEN}"
[ -x "$BIN" ] || { echo "FAIL: no binary at $BIN" >&2; exit 1; }
[ -x "$LOADGEN" ] || { echo "FAIL: no load generator at $LOADGEN" >&2; exit 1; }

FAILED=0
WORK="$(mktemp -d)"
LISTENER=""
fail() { echo "FAIL [$CASE]: $*" >&2; FAILED=1; }

cleanup() {
    if [ -n "$LISTENER" ]; then kill "$LISTENER" 2>/dev/null; wait "$LISTENER" 2>/dev/null; fi
    topo_cleanup
    rm -rf -- "$WORK"
}

# start_listener ARGS...: `listen ARGS` in the doctor namespace, stdout and stderr
# to $WORK/listen.out and .err; waits until its socket is bound.
# LISTEN_WRAP (an array) goes before the binary: env --ignore-signal=... for one.
LISTEN_WRAP=()
start_listener() {
    local ns=${LISTEN_NS:-$NS_D}
    ip netns exec "$ns" "${LISTEN_WRAP[@]}" "$BIN" listen "$@" >"$WORK/listen.out" 2>"$WORK/listen.err" &
    LISTENER=$!
    local port=6666 arg prev=""
    for arg in "$@"; do
        [ "$prev" = --port ] && port="$arg" && break
        prev="$arg"
    done
    for _ in $(seq 100); do
        ip netns exec "$ns" ss -Hlun "sport = :$port" | grep -q . && return 0
        kill -0 "$LISTENER" 2>/dev/null || break
        sleep 0.05
    done
    fail "listener did not bind port $port: $(cat "$WORK/listen.err")"
    return 1
}

# stop_listener [SIGNAL]: stops it (SIGINT by default); the summary is in listen.err.
stop_listener() {
    kill -"${1:-INT}" "$LISTENER"
    wait "$LISTENER"
    LISTENER_RC=$?
    LISTENER=""
    echo "listener exit $LISTENER_RC; stderr:"
    cat "$WORK/listen.err"
}

# start_private_mounts SCRIPT [ARGS]: SCRIPT WORK BINARY ARGS in the doctor namespace
# with its own mounts (it execs the listener); waits until port 6666 is bound.
start_private_mounts() {
    ip netns exec "$NS_D" unshare --mount --propagation private bash "$1" "$WORK" "$BIN" "${@:2}" \
        >"$WORK/listen.out" 2>"$WORK/listen.err" &
    LISTENER=$!
    for _ in $(seq 100); do
        ip netns exec "$NS_D" ss -Hlun "sport = :6666" | grep -q . && break
        sleep 0.05
    done
}

patient() { ip netns exec "$NS_P" "$@"; }

expect_summary() {
    grep -qxF -- "$1" "$WORK/listen.err" || fail "summary is not '$1'"
}

# summary_field NAME: a count from the final JSON object on stderr.
summary_field() {
    tail -n 1 "$WORK/listen.err" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}

case_listen_loss() {
    # Two senders, records of 1200 bytes (two fragments each), every 100th left out.
    start_listener --json || return
    patient "$LOADGEN" --to "$D4" --senders 2 --count 2000 --skip-every 100 \
        --text-bytes 1200 --userdata 2 --release 7.2.13+deb14-amd64 --rate 20000 || fail "loadgen failed"
    sleep 0.5
    stop_listener
    [ "$LISTENER_RC" -eq 0 ] || fail "listener exit $LISTENER_RC"
    expect_summary "received 3960 records from 2 senders, 40 lost"
    [ "$(summary_field incomplete)" = 0 ] || fail "incomplete records"
    [ "$(wc -l <"$WORK/listen.out")" -eq 3960 ] || fail "not 3960 JSON lines on stdout"
    python3 - "$WORK/listen.out" "$P4" <<'PY' || fail "JSON records are not what was sent"
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
lost = 0
for r in records:
    assert r["sender"] == sys.argv[2], r["sender"]
    assert r["port"] in (6665, 6666), r["port"]
    assert r["release"] == "7.2.13+deb14-amd64"
    assert r["level"] == 6 and r["facility"] == 0
    assert r["text"].startswith("loadgen record %d " % r["seq"]), r["text"][:40]
    assert len(r["text"]) == 1200, len(r["text"])
    assert r["fields"]["key1"] == "v" * 150
    assert r["fields"]["msgid"] == str(r["seq"] + 1)
    assert not r["incomplete"]
    assert r["received"].endswith("Z")
    lost += r["lost_before"]
assert lost == 40, lost
PY
}

case_listen_text_v6() {
    start_listener --port 6667 || return
    patient "$LOADGEN" --to "$D6" --port 6667 --count 10 --rate 1000 >/dev/null || fail "loadgen failed"
    sleep 0.3
    stop_listener TERM
    expect_summary "received 10 records from 1 sender, 0 lost"
    grep -qxF "$P6@6667 [    1.000090] info loadgen record 9 rstuvwxyzabcdefghijklmn" "$WORK/listen.out" ||
        fail "no text line for record 9 from $P6: $(tail -n 2 "$WORK/listen.out")"
}

case_listen_link_local() {
    # Doctor and router share the link db -- rb: a listener bound to the doctor's
    # link-local address with its zone, a sender in the router.
    ip -n "$NS_D" addr add fe80::d/64 dev db nodad
    ip -n "$NS_R" addr add fe80::b/64 dev rb nodad
    # --allow takes a zone as --address does: only fe80::b on link db.
    start_listener --address fe80::d%db --port 6670 --allow fe80::b%db || return
    ip netns exec "$NS_R" "$LOADGEN" --to fe80::d%rb --port 6670 --count 4 >/dev/null || fail "loadgen failed"
    sleep 0.3
    stop_listener
    expect_summary "received 4 records from 1 sender, 0 lost"
    grep -q "^fe80::b%[0-9]*@6670 \[" "$WORK/listen.out" || fail "sender is not fe80::b with its scope"
    # --output names the file by the interface, as the zone is written.
    mkdir "$WORK/logs"
    start_listener --address fe80::d%db --port 6670 --output "$WORK/logs" || return
    ip netns exec "$NS_R" "$LOADGEN" --to fe80::d%rb --port 6670 --count 2 >/dev/null || fail "loadgen failed"
    sleep 0.3
    stop_listener
    [ "$(wc -l <"$WORK/logs/fe80::b%db@6670.log")" -eq 2 ] || fail "no file fe80::b%db@6670.log: $(ls "$WORK/logs")"
}

case_listen_allow() {
    start_listener --json --allow 10.9.0.0/16 --allow 2001:db8:9::/48 || return
    patient "$LOADGEN" --to "$D4" --count 50 >/dev/null
    sleep 0.3
    stop_listener
    expect_summary "received 0 records from 0 senders, 0 lost"
    [ "$(summary_field refused)" = 50 ] || fail "refused is not 50"
    [ -s "$WORK/listen.out" ] && fail "records from outside --allow were written"
    start_listener --allow 10.1.0.0/24 || return
    patient "$LOADGEN" --to "$D4" --count 50 >/dev/null
    sleep 0.3
    stop_listener
    expect_summary "received 50 records from 1 sender, 0 lost"
}

# rotate_on_hup BEFORE AFTER: BEFORE records from the patient into $WORK/logs/$P4@6666.log, the
# file moved to $WORK/rotated.log (as logrotate does) and SIGHUP, then AFTER records from
# another source port, which a reopened file gets.
rotate_on_hup() {
    patient "$LOADGEN" --to "$D4" --count "$1" >/dev/null
    sleep 0.3
    mv "$WORK/logs/$P4@6666.log" "$WORK/rotated.log"
    kill -HUP "$LISTENER"
    sleep 0.2
    patient "$LOADGEN" --to "$D4" --count "$2" --source-port 7000 >/dev/null
    sleep 0.3
}

case_listen_output_dir() {
    mkdir "$WORK/logs"
    # Planted by someone else: a symlink for one sender, a FIFO for another.
    echo precious >"$WORK/precious"
    ln -s "$WORK/precious" "$WORK/logs/$P6@6666.log"
    start_listener --output "$WORK/logs" || return
    patient "$LOADGEN" --to "$D6" --count 2 >/dev/null
    sleep 0.3
    [ "$(cat "$WORK/precious")" = precious ] || fail "--output followed a planted symlink"
    grep -qF "warning: cannot write $WORK/logs/$P6@6666.log: Too many levels of symbolic links" "$WORK/listen.err" ||
        fail "no warning about the symlink"
    rotate_on_hup 5 8
    kill -USR1 "$LISTENER"
    sleep 0.2
    kill -0 "$LISTENER" || fail "SIGUSR1 stopped the listener"
    # The symlinked sender's 2 records could not be written.
    grep -qxF "received 15 records from 3 senders, 0 lost, 2 unwritten" "$WORK/listen.err" ||
        fail "SIGUSR1 printed no summary"
    stop_listener
    [ "$(wc -l <"$WORK/rotated.log")" -eq 5 ] || fail "rotated file has not the 5 first records"
    [ "$(wc -l <"$WORK/logs/$P4@6666.log")" -eq 8 ] || fail "reopened file has not the 8 later records"
    [ -s "$WORK/listen.out" ] && fail "--output still wrote to stdout"
}

case_listen_bad_input() {
    # Garbage from a peer: bogus fragments, headers, huge totals, binary noise.
    start_listener --json || return
    patient python3 - "$D4" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
junk = [b"6,9,2,-;\xc2\x9b\xe2\x80\xae\xff\n", b"6,1,2,-,ncfrag=999/10;x", b"6,1,2,-,ncfrag=0/99999999;x", b"6,,,;", b";;;;",
        b"6,1,2,-,ncfrag=0/50000;" + b"a" * 900, b"\x00" * 1000, b"\x1b[2J\x07 bell\n"]
for i in range(2000):
    s.sendto(junk[i % len(junk)], (sys.argv[1], 6666))
    s.sendto(os.urandom(i % 1400 + 1), (sys.argv[1], 6666))
PY
    sleep 0.5
    kill -0 "$LISTENER" || fail "garbage killed the listener"
    stop_listener
    [ "$LISTENER_RC" -eq 0 ] || fail "listener exit $LISTENER_RC"
    [ "$(summary_field malformed)" -ge 500 ] || fail "malformed fragments not counted"
    grep -q $'\x1b' "$WORK/listen.out" && fail "a raw escape character reached the output"
    no_unprintable "$WORK/listen.out"
    json_lines "$WORK/listen.out" >/dev/null || fail "an invalid JSON line"
}

# no_unprintable FILE: no C1 control (raw or UTF-8), bidi override or invalid UTF-8 in FILE.
no_unprintable() {
    python3 - "$1" <<'PY' || fail "unprintable bytes reached $1"
import re, sys
data = open(sys.argv[1], "rb").read()
text = data.decode("utf-8")  # invalid UTF-8 raises
bad = re.search("[\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", text)
assert bad is None, repr(text[max(0, bad.start() - 20):bad.end() + 20])
PY
}

# send_unprintable PORT: plain and extended records with C1, bidi and invalid UTF-8.
send_unprintable() {
    patient python3 - "$D4" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for payload in [b"plain \x9b31m raw C1 \xc2\x9b2J as U+009B \xe2\x80\xae evil \xff bad\n",
                b"6,7,100,-;ext \x9b31m \xc2\x9b2J \xe2\x81\xa6 \xc3\xa9 \xfe\n"]:
    s.sendto(payload, (sys.argv[1], int(sys.argv[2])))
PY
}

case_listen_unprintable() {
    # Text on stdout, then text files: C1, bidi and invalid UTF-8 escaped as \xNN.
    start_listener || return
    send_unprintable 6666
    sleep 0.3
    stop_listener
    no_unprintable "$WORK/listen.out"
    grep -qF 'raw C1 \xc2\x9b2J as U+009B \xe2\x80\xae evil \xff bad' "$WORK/listen.out" ||
        fail "plain record not escaped as expected: $(cat "$WORK/listen.out")"
    grep -qF $'ext \\x9b31m \\xc2\\x9b2J \\xe2\\x81\\xa6 \xc3\xa9 \\xfe' "$WORK/listen.out" ||
        fail "extended record not escaped as expected"
    mkdir "$WORK/logs"
    start_listener --output "$WORK/logs" || return
    send_unprintable 6666
    sleep 0.3
    stop_listener
    no_unprintable "$WORK/logs/$P4@6666.log"
    [ "$(wc -l <"$WORK/logs/$P4@6666.log")" -eq 2 ] || fail "not 2 lines in the file"
}

# A root tree whose target 'doctor' is enabled with local 10.1.0.2:6665 (or
# LOCAL_IP, to REMOTE_IP), and a /dev/kmsg that is a plain file: `test` writes its
# marker there instead of to the kernel, and send_marker sends the record
# netconsole would have sent.
make_patient_root() {
    local root="$WORK/root" target="$WORK/root/sys/kernel/config/netconsole/doctor"
    mkdir -p "$target" "$root/dev" "$root/proc/sys/kernel"
    printf '7\t4\t1\t7\n' >"$root/proc/sys/kernel/printk"
    : >"$root/dev/kmsg"
    echo 1 >"$target/enabled"
    echo 1 >"$target/extended"
    echo pa >"$target/dev_name"
    echo 6665 >"$target/local_port"
    echo "${LOCAL_IP:-$P4}" >"$target/local_ip"
    echo 6666 >"$target/remote_port"
    echo "${REMOTE_IP:-$D4}" >"$target/remote_ip"
    echo 00:00:00:00:00:00 >"$target/local_mac"
    echo ff:ff:ff:ff:ff:ff >"$target/remote_mac"
}

# send_marker MARKER: the record of the test message from the patient's port 6665,
# from a raw socket as netpoll sends it (the port is test's): to SEND_TO (the doctor
# by default) over IPv4, or with SEND_TO6=ADDRESS%IF over IPv6 (the kernel fills in
# the UDP checksum, IPV6_CHECKSUM).
send_marker() {
    if [ -z "${SEND_TO6:-}" ]; then
        patient "$LOADGEN" --to "${SEND_TO:-$D4}" --source-port 6665 --raw --marker "$1" >/dev/null
        return
    fi
    patient python3 - "$SEND_TO6" "$1" <<'PY'
import socket, struct, sys
address, marker = sys.argv[1:3]
host, zone = address.split("%")
text = ("12,1,1000,-;netconsole-setup: test message %s\n" % marker).encode()
packet = struct.pack("!HHHH", 6665, 6666, 8 + len(text), 0) + text
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_UDP)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_CHECKSUM, 6)
s.sendto(packet, (host, 0, 0, socket.if_nametoindex(zone)))
PY
}

# run_test_ack ARGS...: `test doctor ARGS` in the patient, the marker sent as the
# kernel would; sets TEST_RC, TEST_OUT, TEST_ERR.
run_test_ack() {
    : >"$WORK/root/dev/kmsg"
    # `test` acts on the running kernel, so it runs without --root, in a private mount
    # namespace where the tree stands in for the kernel's files: configfs (this host's
    # kernel has none), /dev/kmsg and printk. The real kernel path is vm case 84.
    patient unshare --mount -- bash -c '
        set -e
        tree=$1
        shift
        mount --make-rprivate /
        mount -t tmpfs none /sys/kernel
        mkdir /sys/kernel/config
        mount --bind "$tree/sys/kernel/config" /sys/kernel/config
        mount --bind "$tree/dev/kmsg" /dev/kmsg
        mount --bind "$tree/proc/sys/kernel/printk" /proc/sys/kernel/printk
        exec "$@"' bash "$WORK/root" "$BIN" test doctor "$@" >"$WORK/test.out" 2>"$WORK/test.err" &
    local tester=$! marker=""
    for _ in $(seq 100); do
        marker="$(grep -o 'ncs-test-doctor-[0-9]*-[0-9a-f]*' "$WORK/root/dev/kmsg")" && break
        sleep 0.02
    done
    [ -n "$marker" ] || fail "test wrote no marker"
    send_marker "$marker" || fail "raw send failed"
    wait "$tester"
    TEST_RC=$?
    TEST_OUT="$(cat "$WORK/test.out")"
    TEST_ERR="$(cat "$WORK/test.err")"
    MARKER="$marker"
    echo "test $* -> exit $TEST_RC; stdout: $TEST_OUT; stderr: $TEST_ERR"
}

case_listen_ack() {
    make_patient_root
    start_listener || return
    run_test_ack --ack --timeout 3s
    [ "$TEST_RC" -eq 0 ] || fail "test --ack exit $TEST_RC"
    grep -qE "^test message $MARKER acknowledged by $D4 in [0-9]+\.[0-9] ms\$" <<<"$TEST_OUT" ||
        fail "no acknowledgment line"
    # Without --ack: the marker, then a note that the ack came, exit 0.
    run_test_ack
    [ "$TEST_RC" -eq 0 ] || fail "test exit $TEST_RC"
    [ "$TEST_OUT" = "$MARKER" ] || fail "test did not print the marker alone"
    grep -qF "note: acknowledged by $D4" <<<"$TEST_ERR" || fail "no note about the ack"
    stop_listener
    grep -qF "netconsole-setup: test message $MARKER" "$WORK/listen.out" || fail "doctor did not print the test message"

    # A doctor that only lets 10.9.0.0/16 in never answers: exit 1 and the causes.
    start_listener --allow 10.9.0.0/16 || return
    run_test_ack --ack --timeout 0.5s
    [ "$TEST_RC" -eq 1 ] || fail "unacknowledged test --ack exit $TEST_RC, expected 1"
    grep -qF "error: no acknowledgment of test message $MARKER within 500 ms" <<<"$TEST_ERR" ||
        fail "no error line"
    grep -qF "hint: check the console log level" <<<"$TEST_ERR" || fail "no hint"
    stop_listener
}

# test_said EXIT TEXT...: run_test_ack exited EXIT, and its stderr holds every TEXT.
test_said() {
    local rc=$1 text
    shift
    [ "$TEST_RC" -eq "$rc" ] || fail "test exit $TEST_RC, expected $rc"
    for text in "$@"; do
        grep -qF -- "$text" <<<"$TEST_ERR" || fail "test did not say '$text'"
    done
}

case_listen_ack_link_local() {
    # The doctor on the patient's link, both link-local only: test binds fe80::2
    # with the target's device as its scope (without one: EINVAL).
    ip -n "$NS_P" addr add fe80::2/64 dev pa nodad
    ip -n "$NS_R" addr add fe80::1/64 dev ra nodad
    LOCAL_IP=fe80::2 REMOTE_IP=fe80::1 make_patient_root
    LISTEN_NS=$NS_R start_listener --address fe80::1%ra || return
    SEND_TO6=fe80::1%pa run_test_ack --ack --timeout 3s
    test_said 0
    grep -qE "^test message $MARKER acknowledged by fe80::1%[0-9]+ in [0-9.]+ ms\$" <<<"$TEST_OUT" ||
        fail "no acknowledgment line for the link-local doctor"
    # Plain test, its port taken by another program: it says why it cannot wait.
    ip netns exec "$NS_P" python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("fe80::2", 6665, 0, socket.if_nametoindex("pa")))
print("bound", flush=True)
time.sleep(30)' >"$WORK/busy.out" &
    local busy=$!
    for _ in $(seq 100); do grep -q bound "$WORK/busy.out" && break; sleep 0.05; done
    SEND_TO6=fe80::1%pa run_test_ack
    kill "$busy"
    wait "$busy" 2>/dev/null
    test_said 0 "warning: cannot wait for the acknowledgment of target doctor: cannot bind UDP port 6665 on fe80::2%pa: Address already in use" \
        "hint: another program has UDP port 6665 open"
    stop_listener
}

case_listen_ack_stranger() {
    # The marker goes to the router, whose listen answers it: not the target's
    # doctor, so no acknowledgment, and test says who answered.
    make_patient_root
    LISTEN_NS=$NS_R start_listener || return
    SEND_TO=$R4A run_test_ack --ack --timeout 1s
    test_said 1 "error: no acknowledgment of test message $MARKER from the doctor within 1000 ms: $R4A answered with the marker, but is not the doctor of a target ($D4)"
    SEND_TO=$R4A run_test_ack
    test_said 0 "warning: $R4A answered with the marker, but is not the doctor of a target ($D4)"
    stop_listener
}

case_listen_socket_activation() {
    command -v systemd-socket-activate >/dev/null || topo_skip "systemd-socket-activate is not installed"
    # --workers 3 with two sockets: two workers, one socket each, and that is said.
    ip netns exec "$NS_D" systemd-socket-activate --datagram -l 6668 -l "[::]:6669" \
        "$BIN" listen --json --workers 3 >"$WORK/listen.out" 2>"$WORK/listen.err" &
    LISTENER=$!
    for _ in $(seq 100); do
        ip netns exec "$NS_D" ss -Hlun "sport = :6669" | grep -q . && break
        sleep 0.05
    done
    patient "$LOADGEN" --to "$D4" --port 6668 --count 20 >/dev/null
    patient "$LOADGEN" --to "$D6" --port 6669 --count 30 >/dev/null
    sleep 0.5
    stop_listener
    expect_summary "received 50 records from 2 senders, 0 lost"
    # systemd-socket-activate forks and execs: the pid matches LISTEN_PID.
    python3 - "$WORK/listen.out" <<'PY' || fail "records not from both sockets"
import json, sys
streams = {(json.loads(line)["sender"], json.loads(line)["local_port"]) for line in open(sys.argv[1])}
assert streams == {("10.1.0.2", 6668), ("2001:db8:1::2", 6669)}, streams
PY
    grep -qxF "netconsole-setup: note: 2 workers: one per socket systemd passes (see --workers in the man page)" \
        "$WORK/listen.err" || fail "fewer workers than asked not said: $(cat "$WORK/listen.err")"
    [ "$(summary_field workers)" = 2 ] || fail "workers is not 2 in the summary"
}

case_listen_socket_drops() {
    # A socket of the smallest buffer (as a socket unit holds one while the service
    # starts) takes a burst before listen has it: the first datagrams queue, the rest
    # are dropped, the sender's last records, which no sequence gap shows. The summary
    # counts them: received + dropped = sent, and lost stays 0.
    ip netns exec "$NS_D" python3 - "$WORK/go" "$BIN" >"$WORK/listen.out" 2>"$WORK/listen.err" <<'PY' &
import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)  # the kernel's minimum
s.bind(("0.0.0.0", 6666))
os.dup2(s.fileno(), 3, inheritable=True)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.02)
os.environ.update(LISTEN_FDS="1", LISTEN_PID=str(os.getpid()))
os.execv(sys.argv[2], [sys.argv[2], "listen", "--json"])
PY
    LISTENER=$!
    for _ in $(seq 100); do
        ip netns exec "$NS_D" ss -Hlun "sport = :6666" | grep -q . && break
        sleep 0.05
    done
    patient "$LOADGEN" --to "$D4" --count 300 --rate 20000 >/dev/null || fail "loadgen failed"
    sleep 0.2
    touch "$WORK/go"
    # Listening once what was queued is on stdout (SIGINT before the exec would end python).
    for _ in $(seq 100); do
        [ -s "$WORK/listen.out" ] && break
        sleep 0.05
    done
    stop_listener
    [ "$LISTENER_RC" -eq 0 ] || fail "listener exit $LISTENER_RC"
    local records drops
    records=$(summary_field records)
    drops=$(summary_field socket_drops)
    [ "$drops" -gt 0 ] || fail "socket_drops is $drops"
    [ $((records + drops)) -eq 300 ] || fail "$records received + $drops dropped is not 300 sent"
    [ "$(summary_field lost)" = 0 ] || fail "lost is not 0: the last records leave no gap"
    local s=s
    [ "$records" -eq 1 ] && s=""
    expect_summary "received $records record$s from 1 sender, 0 lost, $drops datagrams dropped by the socket (receive buffer full)"
}

case_listen_journal() {
    command -v socat >/dev/null || topo_skip "socat is not installed"
    # The journal's socket, for this one process tree: a private /run with socat
    # reading the native protocol where journald would.
    cat >"$WORK/journal.sh" <<'SH'
mount -t tmpfs tmpfs /run || exit 1
mkdir -p /run/systemd/journal
socat -u UNIX-RECV:/run/systemd/journal/socket OPEN:"$1/journal.txt",creat,append &
echo $! >"$1/socat.pid"
for _ in $(seq 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.05; done
exec "$2" listen --journal
SH
    start_private_mounts "$WORK/journal.sh"
    patient "$LOADGEN" --to "$D4" --count 3 --userdata 1 --release 6.12.117 >/dev/null
    sleep 0.5
    stop_listener
    kill "$(cat "$WORK/socat.pid")"
    expect_summary "received 3 records from 1 sender, 0 lost"
    [ -s "$WORK/listen.out" ] && fail "--journal alone still wrote to stdout"
    local field
    for field in "MESSAGE=loadgen record 2 " PRIORITY=6 SYSLOG_FACILITY=0 SYSLOG_IDENTIFIER=netconsole \
        "NETCONSOLE_SENDER=$P4" NETCONSOLE_PORT=6665 NETCONSOLE_SEQ=2 NETCONSOLE_RELEASE=6.12.117 \
        NETCONSOLE_FIELD_KEY0=vvv NETCONSOLE_FIELD_TASKNAME=loadgen; do
        grep -qF -- "$field" "$WORK/journal.txt" || fail "the journal got no $field"
    done
}

case_listen_journal_missing() {
    command -v socat >/dev/null || topo_skip "socat is not installed"
    # A private /run with no journal socket at first (sd_journal_sendv reports
    # success then); socat takes journald's place when $WORK/start-journal appears.
    cat >"$WORK/journal.sh" <<'SH'
mount -t tmpfs tmpfs /run || exit 1
mkdir -p /run/systemd/journal
(
    while [ ! -e "$1/start-journal" ]; do sleep 0.05; done
    socat -u UNIX-RECV:/run/systemd/journal/socket OPEN:"$1/journal.txt",creat,append &
    echo $! >"$1/socat.pid"
    for _ in $(seq 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.05; done
    touch "$1/journal-up"
) &
exec "$2" listen --journal --json
SH
    start_private_mounts "$WORK/journal.sh"
    patient "$LOADGEN" --to "$D4" --count 3 >/dev/null
    sleep 0.5
    grep -qF "warning: the journal does not take records: No such file or directory (ENOENT)" \
        "$WORK/listen.err" || fail "no warning for a missing journal socket: $(cat "$WORK/listen.err")"
    grep -qF "hint: no /run/systemd/journal/socket: is systemd-journald running?" "$WORK/listen.err" ||
        fail "no hint for a missing journal socket"
    touch "$WORK/start-journal"
    for _ in $(seq 100); do [ -e "$WORK/journal-up" ] && break; sleep 0.05; done
    patient "$LOADGEN" --to "$D4" --count 4 --source-port 7000 >/dev/null
    sleep 0.5
    grep -qF "note: the journal takes records again; 3 records were not delivered to it meanwhile" \
        "$WORK/listen.err" || fail "resuming is not said"
    # journald dies (its socket file stays, nobody is bound): ECONNREFUSED, said once.
    kill -KILL "$(cat "$WORK/socat.pid")"
    sleep 0.2
    patient "$LOADGEN" --to "$D4" --count 2 --source-port 7001 >/dev/null
    sleep 0.5
    stop_listener
    [ "$(grep -c "warning: the journal does not take records" "$WORK/listen.err")" -eq 2 ] ||
        fail "not one warning per cause"
    grep -qF "(ECONNREFUSED)" "$WORK/listen.err" || fail "no warning for a stopped journald"
    expect_summary "received 9 records from 3 senders, 0 lost, 5 unwritten"
    [ "$(summary_field unwritten_journal)" = 5 ] || fail "unwritten_journal is not 5"
    [ "$(summary_field unwritten)" = 5 ] || fail "unwritten is not 5"
    [ "$(grep -c "^MESSAGE=loadgen record" "$WORK/journal.txt")" -eq 4 ] ||
        fail "the journal did not get the 4 records sent while it ran"
}

# wait_for FILE: until FILE exists (5 s at most).
wait_for() {
    for _ in $(seq 100); do [ -e "$1" ] && return 0; sleep 0.05; done
    fail "$1 did not appear"
    return 1
}

# json_lines FILE: every line of FILE is one JSON object; prints how many.
json_lines() {
    python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1], "rb"):
    json.loads(line)
    n += 1
print(n)' "$1"
}

case_listen_output_full() {
    # --output on a 64 KiB tmpfs: the disk fills, then is freed. Files live in the
    # listener's private mounts; copies come out through $WORK.
    mkdir "$WORK/logs"
    cat >"$WORK/full.sh" <<'SH'
mount -t tmpfs -o size=64k tmpfs "$1/logs" || exit 1
(
    while [ ! -e "$1/free-disk" ]; do sleep 0.05; done
    cp "$1/logs/$3.log" "$1/full.log"
    : >"$1/logs/$3.log"
    touch "$1/disk-freed"
    while [ ! -e "$1/copy-again" ]; do sleep 0.05; done
    cp "$1/logs/$3.log" "$1/after.log"
    touch "$1/copied"
) &
exec "$2" listen --json --output "$1/logs"
SH
    start_private_mounts "$WORK/full.sh" "$P4@6666"
    patient "$LOADGEN" --to "$D4" --count 300 --text-bytes 500 --rate 5000 >/dev/null
    sleep 0.5
    touch "$WORK/free-disk"
    wait_for "$WORK/disk-freed" || return
    patient "$LOADGEN" --to "$D4" --count 20 --source-port 7000 >/dev/null
    sleep 0.5
    touch "$WORK/copy-again"
    wait_for "$WORK/copied" || return
    stop_listener
    local full after
    full="$(json_lines "$WORK/full.log")" || fail "a torn or glued line in the full file"
    after="$(json_lines "$WORK/after.log")" || fail "a torn line after the disk was freed"
    [ "$after" = 20 ] || fail "not the 20 records after the disk was freed: $after"
    [ "$full" -gt 0 ] && [ "$full" -lt 300 ] || fail "the disk did not fill: $full records"
    [ "$(grep -c "warning: cannot write $WORK/logs/$P4@6666.log: No space left on device" "$WORK/listen.err")" = 1 ] ||
        fail "not one warning for the full disk"
    local unwritten=$((300 - full))
    grep -qF "note: writing $WORK/logs/$P4@6666.log again; $unwritten records of $P4@6666 were not written to it" \
        "$WORK/listen.err" || fail "resuming is not said with $unwritten unwritten"
    expect_summary "received 320 records from 2 senders, 0 lost, $unwritten unwritten"
    [ "$(summary_field unwritten_files)" = "$unwritten" ] || fail "unwritten_files is not $unwritten"
    [ "$(summary_field unwritten_by_sender | tr -d "{}' ")" = "$P4@6666:$unwritten" ] ||
        fail "unwritten_by_sender is not $P4@6666: $unwritten"
}

case_listen_output_unopenable() {
    # Five senders whose files cannot be opened (a directory in the way): each is
    # said, and every record counted.
    mkdir "$WORK/logs"
    local i senders=()
    for i in 11 12 13 14 15; do
        ip -n "$NS_P" addr add "10.1.0.$i/24" dev pa
        mkdir "$WORK/logs/10.1.0.$i@6666.log"
        senders+=("10.1.0.$i")
    done
    start_listener --output "$WORK/logs" || return
    patient python3 - "$D4" "${senders[@]}" <<'PY'
import socket, sys, time
for n in range(3):
    for source in sys.argv[2:]:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((source, 6665))
        s.sendto(b"record %d from %s\n" % (n, source.encode()), (sys.argv[1], 6666))
        s.close()
    time.sleep(0.05)
PY
    sleep 0.5
    stop_listener
    for i in 11 12 13 14 15; do
        grep -qF "warning: cannot write $WORK/logs/10.1.0.$i@6666.log: Is a directory" "$WORK/listen.err" ||
            fail "no warning for 10.1.0.$i"
    done
    expect_summary "received 15 records from 5 senders, 0 lost, 15 unwritten"
}

case_listen_big_datagram() {
    # An unfragmented extended record of 5,000 bytes (a sender that does not split
    # at 1,000 as netconsole does): received whole, nothing cut.
    start_listener --json || return
    patient python3 - "$D4" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"6,1,100,-;" + b"z" * 5000 + b"\n", (sys.argv[1], 6666))
# A 50,000-byte record in five fragments of 10,000 bytes (were cut at 2,048).
body = b"f" * 49999 + b"\n"
for offset in range(0, 50000, 10000):
    s.sendto(b"6,2,200,-,ncfrag=%d/50000;" % offset + body[offset:offset + 10000],
             (sys.argv[1], 6666))
PY
    sleep 0.3
    stop_listener
    python3 -c '
import json, sys
lines = open(sys.argv[1]).readlines()
r = json.loads(lines[0])
assert r["text"] == "z" * 5000 and not r["incomplete"], len(r["text"])
r = json.loads(lines[1])
assert r["text"] == "f" * 49999 and not r["incomplete"], len(r["text"])' "$WORK/listen.out" ||
        fail "the 5,000- or 50,000-byte record is not whole"
    [ "$(summary_field truncated)" = 0 ] || fail "a datagram was cut"
}

case_listen_ack_source() {
    # The doctor has a second address on each family; a marker sent to it is
    # answered from it, not from the address routing picks (the first).
    ip -n "$NS_D" addr add 10.2.0.3/24 dev db
    ip -n "$NS_D" -6 addr add 2001:db8:2::3/64 dev db nodad
    start_listener || return
    local to
    for to in 10.2.0.3 2001:db8:2::3; do
        patient python3 - "$to" <<'PY' || fail "the ack to $to did not come from $to"
import socket, sys
to = sys.argv[1]
family = socket.AF_INET6 if ":" in to else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(b"12,1,1000,-;netconsole-setup: test message ncs-test-src-1796161268-73566c73\n",
         (to, 6666))
reply, source = s.recvfrom(2048)
assert b"ncs-test-src-1796161268-73566c73" in reply, reply
assert socket.inet_pton(family, source[0]) == socket.inet_pton(family, to), source
PY
    done
    stop_listener
}

# ignoring SIGNAL...: env(1) that starts a command with each SIGNAL ignored, as a shell's
# background job or nohup does; checked first, so the case does test an inheritance.
ignoring() {
    local signal ignored
    ignored="$(env "${@/#/--ignore-signal=}" grep '^SigIgn:' /proc/self/status | awk '{print $2}')"
    for signal in "$@"; do
        (( (16#$ignored >> ($(kill -l "$signal") - 1)) & 1 )) ||
            { fail "env --ignore-signal=$signal did not ignore it (SigIgn $ignored)"; return 1; }
    done
    LISTEN_WRAP=(env "${@/#/--ignore-signal=}")
}

case_listen_ignored_signals() {
    # Started with SIGINT, SIGTERM and SIGHUP ignored: SIGHUP still reopens the files,
    # SIGTERM still stops it with the summary (the loop takes them on its signalfd).
    ignoring INT TERM HUP || return
    mkdir "$WORK/logs"
    start_listener --output "$WORK/logs" || return
    rotate_on_hup 5 3
    stop_listener TERM
    [ "$LISTENER_RC" -eq 0 ] || fail "listener exit $LISTENER_RC after SIGTERM"
    expect_summary "received 8 records from 2 senders, 0 lost"
    [ "$(wc -l <"$WORK/rotated.log")" -eq 5 ] || fail "the moved file has not the 5 first records"
    [ "$(wc -l <"$WORK/logs/$P4@6666.log")" -eq 3 ] || fail "SIGHUP did not reopen: no new file with 3 records"
    # SIGINT too, as a shell's background job gets it.
    start_listener || return
    stop_listener INT
    [ "$LISTENER_RC" -eq 0 ] || fail "listener exit $LISTENER_RC after SIGINT"
    expect_summary "received 0 records from 0 senders, 0 lost"
}

case_listen_closed_stdout() {
    # `listen | head -n 1`: once head is gone, the next write is EPIPE (SIGPIPE is
    # ignored): listen stops by itself, prints its summary and says why, exit 1.
    ip netns exec "$NS_D" "$BIN" listen > >(head -n 1 >"$WORK/head.out") 2>"$WORK/listen.err" &
    LISTENER=$!
    for _ in $(seq 100); do
        ip netns exec "$NS_D" ss -Hlun "sport = :6666" | grep -q . && break
        sleep 0.05
    done
    patient "$LOADGEN" --to "$D4" --count 1 >/dev/null
    for _ in $(seq 100); do [ -s "$WORK/head.out" ] && break; sleep 0.05; done
    sleep 0.2 # head exits after its line
    patient "$LOADGEN" --to "$D4" --count 2 --source-port 7000 >/dev/null
    local rc=""
    for _ in $(seq 100); do
        kill -0 "$LISTENER" 2>/dev/null || { wait "$LISTENER"; rc=$?; break; }
        sleep 0.05
    done
    LISTENER=""
    cat "$WORK/listen.err"
    [ -n "$rc" ] || { fail "listen did not stop when its stdout closed"; return; }
    [ "$rc" -eq 1 ] || fail "listen exit $rc with a closed stdout, expected 1 (141: killed by SIGPIPE)"
    grep -q "^$P4@6666 " "$WORK/head.out" || fail "head did not get the first record"
    grep -qE "^received [0-9]+ records? from [0-9]+ senders?, 0 lost\$" "$WORK/listen.err" ||
        fail "no summary on stderr"
    grep -qxF "netconsole-setup: error: cannot write the result to stdout: Broken pipe" \
        "$WORK/listen.err" || fail "the closed stdout is not reported"
}

topo_require
topo_up || exit 1
trap cleanup EXIT
"case_$CASE"
[ "$FAILED" -eq 0 ] && echo "PASS [$CASE]"
exit "$FAILED"
