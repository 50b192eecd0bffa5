#!/bin/bash
# netns tier, forwarding (issue 23): rsyslogd, started by the test in the doctor
# namespace with a private configuration (imtcp, plain or with the gtls driver and
# a test CA made here with certtool; imudp), receives what ncs-forward-driver
# (lib/receive -> lib/forward -> the Forwarder, as `listen --forward` does) sends
# from the patient namespace through the router. rsyslog writes each message as
# one line (it escapes the MSG's newlines as #012).
#   forward-case.sh CASE /path/to/ncs-forward-driver [/path/to/netconsole-setup]
# The listen_forward_* cases run the real thing instead: `netconsole-setup listen
# --forward` in the doctor namespace, the driver (--send-to) as the patient sending
# netconsole datagrams to it.
# Exit 0 pass, 1 fail, 77 skip (1 under CI=true).
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=topology.sh
. "$HERE/topology.sh"

CASE="${1:?usage: forward-case.sh CASE DRIVER}"
DRIVER="${2:?usage: forward-case.sh CASE DRIVER}"
[ -x "$DRIVER" ] || { echo "FAIL: no driver at $DRIVER" >&2; exit 1; }
TOOL="${3:-}"

FAILED=0
WORK="$(mktemp -d)"
RSYSLOG=""
LISTEN=""
fail() { echo "FAIL [$CASE]: $*" >&2; FAILED=1; }

cleanup() {
    stop_listen
    stop_rsyslog
    # NCS_KEEP_OUTPUT=DIR: rsyslog's output and the driver's counts are copied there.
    if [ -n "${NCS_KEEP_OUTPUT:-}" ]; then
        cp -- "$WORK/out.log" "$NCS_KEEP_OUTPUT/$CASE.out.log" 2>/dev/null
        cp -- "$WORK/driver.out" "$NCS_KEEP_OUTPUT/$CASE.driver.out" 2>/dev/null
        cp -- "$WORK/listen.err" "$NCS_KEEP_OUTPUT/$CASE.listen.err" 2>/dev/null
    fi
    topo_cleanup
    rm -rf -- "$WORK"
}

topo_require
command -v rsyslogd >/dev/null || topo_skip "forwarding cases need rsyslogd (package rsyslog)"
command -v certtool >/dev/null || topo_skip "forwarding cases need certtool (package gnutls-bin)"
[ -e /usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so ] || ls /usr/lib/*/rsyslog/lmnsd_gtls.so >/dev/null 2>&1 ||
    topo_skip "the TLS case needs rsyslog's gtls driver (package rsyslog-gnutls)"
topo_up || { echo "FAIL: topology" >&2; cleanup; exit 1; }
trap cleanup EXIT

# make_certificates: a test CA and a server certificate for logs.test and $D4.
make_certificates() {
    local dir="$WORK/tls"
    mkdir -p "$dir"
    printf 'cn = "ncs test CA"\nca\ncert_signing_key\nexpiration_days = 2\n' >"$dir/ca.tmpl"
    printf 'cn = "logs.test"\ndns_name = "logs.test"\nip_address = "%s"\ntls_www_server\nsigning_key\nencryption_key\nexpiration_days = 2\n' \
        "$D4" >"$dir/server.tmpl"
    certtool --generate-privkey --key-type=ecdsa --outfile "$dir/ca-key.pem" 2>/dev/null &&
        certtool --generate-self-signed --load-privkey "$dir/ca-key.pem" --template "$dir/ca.tmpl" \
            --outfile "$dir/ca.pem" 2>/dev/null &&
        certtool --generate-privkey --key-type=ecdsa --outfile "$dir/server-key.pem" 2>/dev/null &&
        certtool --generate-certificate --load-privkey "$dir/server-key.pem" \
            --load-ca-certificate "$dir/ca.pem" --load-ca-privkey "$dir/ca-key.pem" \
            --template "$dir/server.tmpl" --outfile "$dir/server.pem" 2>/dev/null
    # A second CA that signed nothing here: a client trusting it must refuse the server.
    certtool --generate-privkey --key-type=ecdsa --outfile "$dir/other-key.pem" 2>/dev/null &&
        certtool --generate-self-signed --load-privkey "$dir/other-key.pem" --template "$dir/ca.tmpl" \
            --outfile "$dir/other-ca.pem" 2>/dev/null
}

# write_config tcp|tls|udp [ADDRESS]: rsyslog's configuration, one input on ADDRESS
# (the doctor's IPv4 address by default), one output file.
write_config() {
    local D4="${2:-$D4}"
    mkdir -p "$WORK/rs"
    {
        if [ "$1" = tls ]; then
            printf 'global(workDirectory="%s" maxMessageSize="64k"\n' "$WORK/rs"
            printf '  defaultNetstreamDriverCAFile="%s/tls/ca.pem"\n' "$WORK"
            printf '  defaultNetstreamDriverCertFile="%s/tls/server.pem"\n' "$WORK"
            printf '  defaultNetstreamDriverKeyFile="%s/tls/server-key.pem")\n' "$WORK"
            printf 'module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")\n'
            printf 'input(type="imtcp" address="%s" port="6514")\n' "$D4"
        else
            printf 'global(workDirectory="%s" maxMessageSize="64k")\n' "$WORK/rs"
            if [ "$1" = udp ]; then
                printf 'module(load="imudp")\ninput(type="imudp" address="%s" port="1514")\n' "$D4"
            else
                printf 'module(load="imtcp")\ninput(type="imtcp" address="%s" port="1601")\n' "$D4"
            fi
        fi
        printf 'template(name="fields" type="string" string="%%PRI%% %%HOSTNAME%% %%APP-NAME%% %%MSGID%% %%STRUCTURED-DATA%% %%msg%%\\n")\n'
        printf 'action(type="omfile" file="%s/out.log" template="fields")\n' "$WORK"
    } >"$WORK/rsyslog.conf"
}

# start_rsyslog PROTO PORT: rsyslogd in the doctor namespace; waits for its socket.
start_rsyslog() {
    ip netns exec "$NS_D" rsyslogd -n -f "$WORK/rsyslog.conf" -i "$WORK/rs/pid" \
        >>"$WORK/rsyslog.log" 2>&1 &
    RSYSLOG=$!
    local flag=-Hltn
    [ "$1" = udp ] && flag=-Hlun
    wait_socket "$flag" "$2" "$RSYSLOG" || { fail "rsyslogd did not start: $(cat "$WORK/rsyslog.log")"; return 1; }
}

# wait_socket SS_FLAGS PORT PID: until the doctor namespace has a socket on PORT (5 s),
# unless PID ends first.
wait_socket() {
    for _ in $(seq 100); do
        ip netns exec "$NS_D" ss $1 "sport = :$2" | grep -q . && return 0
        kill -0 "$3" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

stop_rsyslog() {
    if [ -n "$RSYSLOG" ]; then
        kill "-${1:-TERM}" "$RSYSLOG" 2>/dev/null
        wait "$RSYSLOG" 2>/dev/null
        RSYSLOG=""
    fi
}

# start_listen ARGS...: `netconsole-setup listen --json --port 6667 ARGS` in the
# doctor namespace (records on $WORK/listen.out, the summary on $WORK/listen.err);
# waits for its socket.
start_listen() {
    ip netns exec "$NS_D" "$TOOL" --json listen --port 6667 "$@" \
        >"$WORK/listen.out" 2>"$WORK/listen.err" &
    LISTEN=$!
    wait_socket -Hlun 6667 "$LISTEN" || { fail "listen did not start: $(cat "$WORK/listen.err")"; return 1; }
}

# stop_listen: SIGTERM, and its exit status is checked.
stop_listen() {
    if [ -n "$LISTEN" ]; then
        kill -TERM "$LISTEN" 2>/dev/null
        wait "$LISTEN" || fail "listen exited with $?: $(cat "$WORK/listen.err")"
        LISTEN=""
    fi
}

# forward_count KEY: KEY of the first forward target in listen's JSON summary.
forward_count() {
    grep '^{' "$WORK/listen.err" | tail -n 1 |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["forwards"][0][sys.argv[1]])' "$1"
}

# send_records FIRST LAST: the patient sends records FIRST..LAST to listen.
send_records() {
    ip netns exec "$NS_P" "$DRIVER" --send-to "$D4:6667" --first "$1" --records "$2" ||
        fail "the driver could not send records $1..$2"
}

# wait_lines N: until out.log has N lines (5 s).
wait_lines() {
    for _ in $(seq 100); do
        [ -f "$WORK/out.log" ] && [ "$(wc -l <"$WORK/out.log")" -ge "$1" ] && return 0
        sleep 0.05
    done
    return 1
}

# driver ARGS...: the driver in the patient namespace; its counts in $WORK/driver.out.
driver() {
    ip netns exec "$NS_P" "$DRIVER" "$@" >"$WORK/driver.out" 2>"$WORK/driver.err"
}
count() { sed -n "s/^$1=//p" "$WORK/driver.out"; }

# check_records FIRST LAST: each record FIRST..LAST is in out.log once at least, whole,
# with its structured data and the MSG's netconsole lines; record 3 (fragmented) whole.
check_records() {
    python3 - "$WORK/out.log" "$1" "$2" "$P4" <<'PY' || fail "rsyslog's output: see above"
import re, sys
path, first, last, patient = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
bad = 0
for i in range(first, last + 1):
    mine = [l for l in lines if re.search(r"forward test record %d \"" % i, l)]
    if not mine:
        print("record %d missing" % i); bad += 1; continue
    l = mine[0]
    want = [
        "6 %s kernel netconsole " % patient,  # PRI (kern.info), HOSTNAME, APP-NAME, MSGID
        '[origin ip="%s" software="Linux" swVersion="7.2.13"]' % patient,
        '[meta sysUpTime="%d"]' % ((5000000 + i * 1000) // 10000),
        'forward test record %d "quoted" [bracket] back\\slash' % i,
        "#012 rack=r1#012 cpu=0#012 msgid=%d#012 netconsole.seq=%d#012" % (i, 1000 + i),
        "netconsole.ts_usec=%d#012 netconsole.level=6#012" % (5000000 + i * 1000),
        "netconsole.source_port=6665#012 netconsole.target_port=6667",
    ]
    if i == 3:
        want += [" w0 w1 w2", " w298 w299 end-of-long#012"]
    for w in want:
        if w not in l:
            print("record %d lacks %r:\n  %s" % (i, w, l)); bad += 1
sys.exit(1 if bad else 0)
PY
}

# check_first_arrival N: records 1..N each arrived, in this order of first arrival
# (a record sent again after a lost connection may come twice).
check_first_arrival() {
    python3 - "$WORK/out.log" "$1" <<'PY'
import re, sys
seen = [int(m.group(1)) for m in re.finditer(r"forward test record (\d+) ", open(sys.argv[1]).read())]
first = []
for n in seen:
    if n not in first:
        first.append(n)
want = int(sys.argv[2])
if first != list(range(1, want + 1)):
    print("missing:", sorted(set(range(1, want + 1)) - set(first)), "first arrivals:", first[:20])
    sys.exit(1)
print("received twice:", len(seen) - len(first))
PY
}

case "$CASE" in
forward_tcp | forward_udp | forward_tls | forward_tcp6)
    proto=${CASE#forward_}
    proto=${proto%6}
    host=$D4 address=$D4
    [ "$CASE" = forward_tcp6 ] && host="[$D6]" address=$D6
    port=1601
    [ "$proto" = udp ] && port=1514
    extra=()
    if [ "$proto" = tls ]; then
        port=6514
        make_certificates || { fail "certtool"; exit 1; }
        extra=(--ca "$WORK/tls/ca.pem")
    fi
    write_config "$proto" "$address"
    start_rsyslog "$proto" "$port" || exit 1
    driver --url "$proto://$host:$port" --records 10 "${extra[@]}" ||
        fail "driver: $(cat "$WORK/driver.err" "$WORK/driver.out")"
    wait_lines 10 || fail "rsyslog wrote $(wc -l <"$WORK/out.log" 2>/dev/null) lines, not 10"
    check_records 1 10
    [ "$(count sent)" = 10 ] || fail "sent=$(count sent), not 10"
    [ "$(count dropped)" = 0 ] || fail "dropped=$(count dropped)"
    [ "$(count records)" = 10 ] || fail "the receiver delivered $(count records) records, not 10"
    ;;
forward_tls_refused)
    # Verification is on by default: a server whose certificate the given CA did not
    # sign gets nothing.
    make_certificates || { fail "certtool"; exit 1; }
    write_config tls
    start_rsyslog tls 6514 || exit 1
    if driver --url "tls://$D4:6514" --records 3 --ca "$WORK/tls/other-ca.pem" --wait 2; then
        fail "the driver drained its queue to an unverified server"
    fi
    grep -q "^last_error=TLS: .*certificate" "$WORK/driver.out" ||
        fail "no certificate error: $(cat "$WORK/driver.out")"
    [ "$(count sent)" = 0 ] || fail "sent=$(count sent) to an unverified server"
    sleep 0.2
    [ ! -s "$WORK/out.log" ] || fail "rsyslog received records: $(cat "$WORK/out.log")"
    ;;
forward_restart | forward_restart_spool)
    # 20 records, then rsyslog stops; 40 more come while it is down, into a queue of
    # 25: 15 dropped and counted; rsyslog starts again and gets the 25 in order.
    # With a spool directory, the 15 wait in its file instead: none dropped.
    expect=45 dropped=15 spool=()
    if [ "$CASE" = forward_restart_spool ]; then
        expect=60 dropped=0 spool=(--spool "$WORK/spool")
        mkdir -p "$WORK/spool"
    fi
    write_config tcp
    start_rsyslog tcp 1601 || exit 1
    mkdir -p "$WORK/sync"
    ip netns exec "$NS_P" "$DRIVER" --url "tcp://$D4:1601" --records 60 --hold-after 20 \
        --queue 25 "${spool[@]}" --sync "$WORK/sync" >"$WORK/driver.out" 2>"$WORK/driver.err" &
    pid=$!
    for _ in $(seq 200); do [ -e "$WORK/sync/held" ] && break; sleep 0.05; done
    [ -e "$WORK/sync/held" ] || fail "the driver never sent its first 20"
    wait_lines 20 || fail "rsyslog has not the first 20"
    stop_rsyslog
    touch "$WORK/sync/stopped"
    for _ in $(seq 200); do [ -e "$WORK/sync/queued" ] && break; sleep 0.05; done
    sleep 0.3 # a reconnect or two refused while it is down
    start_rsyslog tcp 1601 || exit 1
    touch "$WORK/sync/go"
    wait "$pid" || fail "driver: $(cat "$WORK/driver.err" "$WORK/driver.out")"
    wait_lines "$expect" || fail "rsyslog wrote $(wc -l <"$WORK/out.log" 2>/dev/null) lines, not $expect"
    check_records 1 "$expect"
    check_first_arrival "$expect" || fail "order or drops wrong"
    [ "$(count dropped)" = "$dropped" ] || fail "dropped=$(count dropped), not $dropped"
    [ "$(count sent)" = "$expect" ] || fail "sent=$(count sent), not $expect"
    [ "$(count connections)" = 2 ] || fail "connections=$(count connections), not 2"
    [ "$(count failures)" -ge 2 ] || fail "failures=$(count failures): the close and a refusal"
    ;;
forward_restart_busy)
    # rsyslog restarted while records flow (one every 20 ms): each arrives at least
    # once, in order of first arrival; what its TCP never acknowledged is sent again.
    write_config tcp
    start_rsyslog tcp 1601 || exit 1
    ip netns exec "$NS_P" "$DRIVER" --url "tcp://$D4:1601" --records "${BUSY_RECORDS:-150}" --paced "${BUSY_PACE:-20}" \
        >"$WORK/driver.out" 2>"$WORK/driver.err" &
    pid=$!
    sleep 1
    # BUSY_SIGNAL=KILL (by hand, not a ctest case): what rsyslog had taken and not
    # written dies with it; no syslog transport without application acks (RELP) can
    # resend that.
    stop_rsyslog "${BUSY_SIGNAL:-TERM}"
    sleep 0.3
    start_rsyslog tcp 1601 || exit 1
    wait "$pid" || fail "driver: $(cat "$WORK/driver.err" "$WORK/driver.out")"
    wait_lines "${BUSY_RECORDS:-150}" || fail "rsyslog wrote $(wc -l <"$WORK/out.log" 2>/dev/null) lines, not ${BUSY_RECORDS:-150}"
    check_first_arrival "${BUSY_RECORDS:-150}" || fail "records missing or out of order"
    [ "$(count dropped)" = 0 ] || fail "dropped=$(count dropped)"
    [ "$(count connections)" = 2 ] || fail "connections=$(count connections), not 2"
    ;;
listen_forward_tcp | listen_forward_tls)
    # listen --forward: the records a patient sends, record 3 fragmented and out of
    # order, reach rsyslog whole with their structured data, the target's port 6667.
    [ -x "$TOOL" ] || { echo "FAIL: no netconsole-setup given" >&2; exit 1; }
    proto=${CASE#listen_forward_} port=1601 extra=()
    if [ "$proto" = tls ]; then
        port=6514
        make_certificates || { fail "certtool"; exit 1; }
        extra=(--forward-ca "$WORK/tls/ca.pem")
    fi
    write_config "$proto"
    start_rsyslog "$proto" "$port" || exit 1
    start_listen --forward "$proto://$D4:$port" "${extra[@]}" || exit 1
    send_records 1 10
    wait_lines 10 || fail "rsyslog wrote $(wc -l <"$WORK/out.log" 2>/dev/null) lines, not 10"
    check_records 1 10
    stop_listen
    [ "$(wc -l <"$WORK/listen.out")" = 10 ] || fail "listen printed $(wc -l <"$WORK/listen.out") records, not 10"
    [ "$(forward_count sent)" = 10 ] || fail "sent=$(forward_count sent), not 10"
    [ "$(forward_count dropped)" = 0 ] || fail "dropped=$(forward_count dropped)"
    grep -q "^forwarded to $proto://$D4:$port: 10 sent, 0 dropped$" "$WORK/listen.err" ||
        fail "no forward line in the summary: $(cat "$WORK/listen.err")"
    ;;
listen_forward_restart | listen_forward_restart_spool)
    # rsyslog stops after 20 records; 40 more come while it is down and wait in
    # listen's queue (100); rsyslog starts again and gets all 60 in order, none
    # dropped, said on stderr; receiving went on meanwhile (listen printed all 60).
    # With a spool directory and a queue of 10, 30 of the 40 wait in its file.
    [ -x "$TOOL" ] || { echo "FAIL: no netconsole-setup given" >&2; exit 1; }
    queue=(--forward-queue 100)
    if [ "$CASE" = listen_forward_restart_spool ]; then
        mkdir -p "$WORK/spool"
        queue=(--forward-queue 10 --forward-spool "$WORK/spool")
    fi
    write_config tcp
    start_rsyslog tcp 1601 || exit 1
    start_listen --forward "tcp://$D4:1601" "${queue[@]}" || exit 1
    send_records 1 20
    wait_lines 20 || fail "rsyslog has not the first 20"
    stop_rsyslog
    send_records 21 60
    for _ in $(seq 100); do
        [ "$(wc -l <"$WORK/listen.out")" -ge 60 ] && grep -q 'cannot forward to' "$WORK/listen.err" && break
        sleep 0.05
    done
    [ "$(wc -l <"$WORK/listen.out")" = 60 ] || fail "listen printed $(wc -l <"$WORK/listen.out") records while rsyslog was down, not 60"
    grep -q "warning: cannot forward to tcp://$D4:1601" "$WORK/listen.err" ||
        fail "the target's failure was not said: $(cat "$WORK/listen.err")"
    start_rsyslog tcp 1601 || exit 1
    wait_lines 60 || fail "rsyslog wrote $(wc -l <"$WORK/out.log" 2>/dev/null) lines, not 60"
    check_records 1 60
    check_first_arrival 60 || fail "order or drops wrong"
    grep -q "note: forwarding to tcp://$D4:1601 again" "$WORK/listen.err" ||
        fail "the target's return was not said: $(cat "$WORK/listen.err")"
    stop_listen
    [ "$(forward_count dropped)" = 0 ] || fail "dropped=$(forward_count dropped)"
    [ "$(forward_count queued)" = 0 ] || fail "queued=$(forward_count queued) at exit"
    if [ "$CASE" = listen_forward_restart_spool ]; then
        [ "$(forward_count spooled)" -ge 30 ] || fail "spooled=$(forward_count spooled), not 30 or more"
        [ "$(forward_count spool_bytes)" = 0 ] || fail "spool_bytes=$(forward_count spool_bytes) at exit"
    fi
    ;;
*)
    echo "FAIL: unknown case $CASE" >&2
    exit 1
    ;;
esac

if [ "$FAILED" -ne 0 ]; then
    echo "--- driver" >&2; cat "$WORK/driver.out" "$WORK/driver.err" >&2 2>/dev/null
    echo "--- listen" >&2; cat "$WORK/listen.err" >&2 2>/dev/null
    echo "--- rsyslog" >&2; cat "$WORK/rsyslog.log" >&2 2>/dev/null
    exit 1
fi
echo "PASS [$CASE]"
