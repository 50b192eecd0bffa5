# Case 9 (6.7+, so 6.12 and 7.x): a target given at module load is invisible in
# configfs until `apply --name cmdline0` adopts it; adopting with the same
# values writes nothing, and a changed port re-applies on the adopted target.
vm_case adopt --kernels "debian13 unstable" --listen doctor4:6658 --listen doctor4:6659

adopt_guest() {
    unload
    load load "6665@$GUEST_IP4/eth0,6658@$DOCTOR_IP4/$ROUTER_MAC" || return
    if [ -e $NC_DIR/cmdline0 ]; then
        result invisible FAIL "$NC_DIR/cmdline0 exists before adoption"
    else
        result invisible PASS "cmdline0 not in $NC_DIR"
    fi
    run_tool adopt apply --name cmdline0 --to "$DOCTOR_IP4" --port 6658 || return
    same adopt-says "$OUT" "target cmdline0: adopted: mkdir"
    kmsg "$(marker adopted)"
    run_tool port apply --name cmdline0 --to "$DOCTOR_IP4" --port 6659
    same port-says "$OUT" "target cmdline0: updated: disabled, remote_port 6659 (was 6658), enabled"
    kmsg "$(marker moved)"
    run_tool remove remove cmdline0
    unload
}

adopt_host() {
    expect_received "$1" adopted-delivers doctor4:6658 "$(marker "$1" adopted)"
    expect_received "$1" moved-delivers doctor4:6659 "$(marker "$1" moved)"
    ap_not_received "$1" old-port-stopped doctor4:6658 moved
}
