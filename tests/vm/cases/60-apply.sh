# Case 6: `apply` drives configfs on the real kernel: it delivers, a repeated
# apply writes nothing, a port change re-applies, disable stops and enable
# restarts delivery, remove deletes the target, and `list --json` parses.
# Helpers shared by the 6x apply cases are defined here (ap_*); run_tool is
# in guest-lib.sh.
vm_case apply --listen doctor4:6651 --listen doctor4:6652

NC_DIR=/sys/kernel/config/netconsole

# ap_fails CHECK RC TEXT ARGS...: netconsole-setup ARGS exits RC with TEXT on stderr.
ap_fails() {
    local check=$1 want=$2 text=$3
    shift 3
    OUT=$(netconsole-setup "$@" 2>/tmp/ap.err)
    RC=$?
    ERR=$(cat /tmp/ap.err)
    case "$ERR" in
        *"$text"*) [ "$RC" -eq "$want" ] && [ -z "$OUT" ] && {
            result "$check" PASS "exit $RC: $ERR"
            return 0
        } ;;
    esac
    result "$check" FAIL "netconsole-setup $* -> exit $RC (want $want), stdout '$OUT', stderr '$ERR' (want '$text')"
    return 1
}

# ap_says CHECK TEXT: the last run's stdout holds TEXT.
ap_says() {
    case "$OUT" in
        *"$2"*) result "$1" PASS "$OUT" ;;
        *) result "$1" FAIL "stdout '$OUT' lacks '$2'" ;;
    esac
}

# ap_snapshot: every path under configfs' netconsole directory with each
# attribute's value: what "configfs exactly as before" compares.
ap_snapshot() {
    [ -d $NC_DIR ] || { echo "no $NC_DIR"; return; }
    find $NC_DIR | sort | while read -r f; do
        if [ -f "$f" ]; then echo "$f=$(cat "$f" 2>&1)"; else echo "$f/"; fi
    done
}

# ap_json TAG ARGS...: print netconsole-setup ARGS' stdout on the serial console,
# each line prefixed "NCS-JSON <case>.<tag> ", for ap_json_check on the host.
ap_json() {
    local tag=$1
    shift
    netconsole-setup "$@" 2>/dev/null | while IFS= read -r l; do
        echo "NCS-JSON $VM_CASE.$tag $l"
    done
}

apply_guest() {
    local before after
    run_tool create apply --to "$DOCTOR_IP4" --port 6651 --name ncs-apply || return
    ap_says created "target ncs-apply: created: mkdir"
    same enabled "$(cat $NC_DIR/ncs-apply/enabled)" 1
    kmsg "$(marker first)"

    before=$(ap_snapshot)
    run_tool repeat apply --to "$DOCTOR_IP4" --port 6651 --name ncs-apply
    same repeat-says "$OUT" "target ncs-apply: unchanged, nothing written"
    after=$(ap_snapshot)
    same repeat-configfs "$after" "$before"
    kmsg "$(marker second)"

    run_tool port apply --to "$DOCTOR_IP4" --port 6652 --name ncs-apply
    same port-says "$OUT" "target ncs-apply: updated: disabled, remote_port 6652 (was 6651), enabled"
    kmsg "$(marker third)"

    run_tool disable disable ncs-apply
    same disable-state "$(cat $NC_DIR/ncs-apply/enabled)" 0
    kmsg "$(marker off)"
    run_tool disable-again disable ncs-apply
    same disable-again-says "$OUT" "target ncs-apply: already disabled, nothing written"
    run_tool enable enable ncs-apply
    run_tool enable-again enable ncs-apply
    same enable-again-says "$OUT" "target ncs-apply: already enabled, nothing written"
    kmsg "$(marker on)"

    ap_json list list --json

    # --loglevel sets the console level as dmesg -n does; the target is untouched.
    run_tool loglevel apply --to "$DOCTOR_IP4" --port 6652 --name ncs-apply --loglevel 8
    same loglevel-says "$OUT" "target ncs-apply: unchanged, nothing written
console log level set to 8"
    same loglevel-printk "$(cut -f1 /proc/sys/kernel/printk)" 8
    echo 6 >/proc/sys/kernel/printk        # back to the init's level for later cases

    run_tool remove remove ncs-apply
    if [ -e $NC_DIR/ncs-apply ]; then
        result removed FAIL "$NC_DIR/ncs-apply still exists"
    else
        result removed PASS "$NC_DIR/ncs-apply is gone"
    fi
    kmsg "$(marker gone)"
}

# ap_not_received CASE CHECK LISTENER TAG: marker TAG did not arrive at LISTENER.
ap_not_received() {
    local f
    f=$(recv_file "$3")
    if grep -aqF -- "$(marker "$1" "$4")" "$f"; then
        check "$1.$2" FAIL "'$(marker "$1" "$4")' arrived at $3"
    else
        check "$1.$2" PASS "'$(marker "$1" "$4")' did not arrive at $3"
    fi
}

# ap_json_check CASE TAG JQ: the JSON the guest printed with ap_json TAG parses
# and satisfies the jq expression JQ.
ap_json_check() {
    local serial json
    serial=$dir/serial.txt   # boot()'s local: the serial log of this boot
    json=$(grep -a "^NCS-JSON $1.$2 " "$serial" | cut -d' ' -f3-)
    if [ -z "$json" ]; then
        check "$1.$2-json" FAIL "the guest printed no JSON for $2"
    elif printf '%s\n' "$json" | jq -e "$3" >/dev/null 2>&1; then
        check "$1.$2-json" PASS "parses and satisfies $3"
    else
        check "$1.$2-json" FAIL "does not parse or fails $3: $(printf '%s' "$json" | tr '\n' ' ' | head -c 400)"
    fi
}

apply_host() {
    expect_received "$1" delivered doctor4:6651 "$(marker "$1" first)"
    expect_received "$1" still-delivered doctor4:6651 "$(marker "$1" second)"
    expect_received "$1" new-port doctor4:6652 "$(marker "$1" third)"
    ap_not_received "$1" old-port-stopped doctor4:6651 third
    ap_not_received "$1" disabled-silent doctor4:6652 off
    expect_received "$1" re-enabled doctor4:6652 "$(marker "$1" on)"
    ap_not_received "$1" removed-silent doctor4:6652 gone
    ap_json_check "$1" list '.targets | map(select(.name == "ncs-apply")) | .[0] | .enabled == true and .remote_port == 6652 and .dev_name == "eth0" and (.local_mac | test("^52:54:00:00:01:02$"))'
}
