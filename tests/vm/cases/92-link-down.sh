# Case: the target's interface goes down. The kernel leaves the target enabled
# and drops its messages silently; `status` warns about it. Up again, the same
# target delivers.
vm_case linkdown --listen doctor4:6693

linkdown_guest() {
    run_tool apply apply --to "$DOCTOR_IP4" --port 6693 --name ncs-down || return
    kmsg "$(marker before)"
    ip link set eth0 down
    same enabled-while-down "$(cat $NC_DIR/ncs-down/enabled)" 1
    ap_json status status --json
    run_tool status-text status
    case "$ERR" in
        *"warning: target ncs-down is enabled but its device eth0 is down: its messages are dropped silently"*)
            result status-warns PASS "$ERR" ;;
        *) result status-warns FAIL "stderr '$ERR' lacks the link-down warning" ;;
    esac
    kmsg "$(marker down)"
    guest_network_up linkdown-network
    kmsg "$(marker up)"
    ap_json up status --json
    run_tool remove remove ncs-down
}

linkdown_host() {
    local t='.targets | map(select(.name == "ncs-down")) | .[0]'
    expect_received "$1" before-delivered doctor4:6693 "$(marker "$1" before)"
    ap_json_check "$1" status "($t | .enabled == true and .condition == \"device_down\" and .device.up == false) and (.warnings | map(.message) | any(test(\"ncs-down is enabled but its device eth0 is down\")))"
    ap_not_received "$1" down-dropped doctor4:6693 down
    expect_received "$1" up-delivered doctor4:6693 "$(marker "$1" up)"
    ap_json_check "$1" up "($t | .condition == \"sending\") and (.warnings | map(.message) | any(test(\"ncs-down\")) | not)"
}
