# Case: many writers at once (issue 20), in the spirit of the kernel selftest
# netcons_torture.sh. `watch --config` runs (SIGHUP every 0.3 s: a reload plans
# and corrects every target) while background loops, for TT_SECONDS, run
#   A  apply ta with its port alternating (disable -> write -> enable),
#   B  disable ta, enable ta,
#   C  remove tb, apply tb,
#   D  apply --config with the watcher's file (plan + record of made targets),
#   F  disable w1, remove w2 (the watcher's targets; reloads put them back),
#   G  kernel messages, 20 a second.
# Every command takes the writers' lock (/run/netconsole-setup/lock), so none of
# them fails (F's remove may find w2 gone already: that is its only allowed
# error), the kernel never logs a write refused while enabled, and at the end the
# state is what the last commands asked: ta enabled on the port A applied last,
# tb enabled, w1 and w2 enabled, both in the record, and a last message
# reaches the doctor from every target.
vm_case torture --listen doctor4:6741 --listen doctor4:6742 --listen doctor4:6743 \
    --listen doctor4:6744 --listen doctor4:6745 --seconds 60

TT_SECONDS=12 TT_DIR=/tmp/torture

# tt_run NAME ARGS...: netconsole-setup ARGS; a failure's exit status and stderr
# go to TT_DIR/NAME.fail, one line per run to TT_DIR/NAME.runs. The loops run
# until the stop file appears.
tt_run() {
    local name=$1 rc
    shift
    netconsole-setup "$@" >/dev/null 2>"$TT_DIR/$name.err"
    rc=$?
    echo x >>"$TT_DIR/$name.runs"
    [ $rc -eq 0 ] && return 0
    echo "$rc netconsole-setup $*: $(tr '\n' '|' <"$TT_DIR/$name.err")" >>"$TT_DIR/$name.fail"
    return $rc
}
tt_going() { [ ! -e "$TT_DIR/stop" ]; }

tt_loop_a() {
    local port=6742
    while tt_going; do
        port=$((13485 - port)) # 6743, 6742, ...
        tt_run a apply --to "$DOCTOR_IP4" --port $port --name ta && echo $port >"$TT_DIR/ta.port"
    done
}
tt_loop_b() { while tt_going; do tt_run b disable ta; tt_run b enable ta; done; }
tt_loop_c() {
    while tt_going; do
        tt_run c remove tb
        tt_run c apply --to "$DOCTOR_IP4" --port 6744 --name tb
    done
}
tt_loop_d() { while tt_going; do tt_run d apply --config "$TT_DIR/conf"; done; }
tt_loop_e() { while tt_going; do kill -HUP "$1"; sleep 0.3; done; }
tt_loop_f() {
    while tt_going; do
        tt_run f disable w1
        if ! tt_run f remove w2 && grep -q 'there is no netconsole target w2' "$TT_DIR/f.err"
        then
            sed -i '$d' "$TT_DIR/f.fail" # the one error allowed: w2 gone already
        fi
        sleep 0.2
    done
}
tt_loop_g() {
    local i=0
    while tt_going; do
        kmsg "$(marker flow-$i)"
        i=$((i + 1))
        sleep 0.05
    done
    echo $i >"$TT_DIR/g.runs"
}

# tt_reloaded_since N: the watcher said more than N times that it read its file.
tt_reloaded_since() { [ "$(grep -c 'configuration read again' $TT_DIR/watch.err)" -gt "$1" ]; }

# tt_is TARGET ATTRIBUTE VALUE: configfs holds VALUE (for wait_for).
tt_is() { [ "$(cat "$NC_DIR/$1/$2" 2>/dev/null)" = "$3" ]; }

torture_guest() {
    local wpid pids= l n fails reloads
    rm -rf $TT_DIR
    mkdir -p $TT_DIR
    printf '%s\n' "--to $DOCTOR_IP4 --port 6741 --name w1" \
        "--to $DOCTOR_IP4 --port 6745 --name w2" >$TT_DIR/conf
    run_tool setup-ta apply --to "$DOCTOR_IP4" --port 6742 --name ta || return
    echo 6742 >$TT_DIR/ta.port
    run_tool setup-tb apply --to "$DOCTOR_IP4" --port 6744 --name tb || return
    netconsole-setup watch --config $TT_DIR/conf >$TT_DIR/watch.out 2>$TT_DIR/watch.err &
    wpid=$!
    if ! wait_for 30 grep -q "note: watching" $TT_DIR/watch.err; then
        result started FAIL "$(tr '\n' '|' <$TT_DIR/watch.err)"
        kill -KILL $wpid 2>/dev/null
        return
    fi
    tt_loop_a & pids="$pids $!"
    tt_loop_b & pids="$pids $!"
    tt_loop_c & pids="$pids $!"
    tt_loop_d & pids="$pids $!"
    tt_loop_e $wpid & pids="$pids $!"
    tt_loop_f & pids="$pids $!"
    tt_loop_g & pids="$pids $!"
    sleep $TT_SECONDS
    : >$TT_DIR/stop
    for l in $pids; do wait $l; done

    n=
    for l in a b c d f; do
        n="$n $l=$(cat $TT_DIR/$l.runs 2>/dev/null | wc -l)"
    done
    result runs PASS "commands run in $TT_SECONDS s:$n; messages: $(cat $TT_DIR/g.runs)"
    fails=$(cat $TT_DIR/*.fail 2>/dev/null)
    same no-command-failed "$fails" ""

    # The watcher's last reload puts back what F took away; then the state is
    # what the last commands asked.
    reloads=$(grep -c 'configuration read again' $TT_DIR/watch.err)
    kill -HUP $wpid
    wait_for 10 tt_reloaded_since "$reloads" ||
        result last-reload FAIL "no reload: $(tail -n 5 $TT_DIR/watch.err | tr '\n' '|')"
    wait_for 10 tt_is w2 enabled 1
    wait_for 10 tt_is w1 enabled 1
    same final "$(for l in ta tb w1 w2; do
        printf '%s:%s:%s ' $l "$(cat $NC_DIR/$l/enabled 2>&1)" "$(cat $NC_DIR/$l/remote_port 2>&1)"
    done)" "ta:1:$(cat $TT_DIR/ta.port) tb:1:6744 w1:1:6741 w2:1:6745 "
    same recorded "$(grep -v '^#' /run/netconsole-setup/config-targets | tr '\n' ' ')" "'w1' 'w2' "
    # (On 7.x the watcher warns once at start that a panic would be lost: the
    # boot's panic=-1; that warning is the crash case's business.)
    same watcher-quiet "$(grep -E 'warning|error' $TT_DIR/watch.err |
        grep -v 'a panic will not reach the doctor' | tr '\n' '|')" ""
    if kill -0 $wpid 2>/dev/null; then
        result watcher-alive PASS "pid $wpid"
    else
        result watcher-alive FAIL "$(tail -n 5 $TT_DIR/watch.err | tr '\n' '|')"
    fi
    kill -TERM $wpid
    wait $wpid
    same never-refused \
        "$(dmesg | grep -E 'disable to update parameters|network logging has already')" ""
    same lock-released "$(cat /run/netconsole-setup/lock)" ""
    result ta-port PASS "$(cat $TT_DIR/ta.port)"
    kmsg "$(marker last)"
    for l in ta tb w1 w2; do netconsole-setup remove $l >/dev/null 2>&1; done
    unload
}

torture_host() {
    local port
    port=$(guest_detail "$1" ta-port)
    expect_received "$1" last-w1 doctor4:6741 "$(marker "$1" last)"
    expect_received "$1" last-w2 doctor4:6745 "$(marker "$1" last)"
    expect_received "$1" last-ta "doctor4:$port" "$(marker "$1" last)"
    expect_received "$1" last-tb doctor4:6744 "$(marker "$1" last)"
    expect_received "$1" flow doctor4:6744 "$(marker "$1" flow-)"
}
