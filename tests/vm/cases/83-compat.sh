# Case: the Debian netconsole-setup 0.3 form `[+][PORT]@HOST...` makes one
# configfs target per host, named after it, with host names resolved; it
# delivers, ends with a test message, and a second run changes nothing.
vm_case compat --listen doctor4:6685 --listen doctor6:6686

compat_guest() {
    local d=/sys/kernel/config/netconsole before
    mkdir -p /etc
    echo "hosts: files" >/etc/nsswitch.conf
    printf '%s doctor4.test\n%s doctor6.test\n' "$DOCTOR_IP4" "$DOCTOR_IP6" >/etc/hosts
    run_tool first +6685@doctor4.test 6686@doctor6.test || { unload; return; }
    ap_says first-v4 "doctor4.test: created: sending logs to $DOCTOR_IP4 port 6685 via MAC $ROUTER_MAC"
    ap_says first-v6 "doctor6.test: created: sending logs to $DOCTOR_IP6 port 6686"
    result first-marker PASS "${OUT##*test message sent: }"
    same v4-target "$(cat $d/doctor4.test/enabled $d/doctor4.test/extended $d/doctor4.test/remote_port | tr '\n' ' ')" "1 1 6685 "
    same v6-target "$(cat $d/doctor6.test/enabled $d/doctor6.test/extended $d/doctor6.test/remote_ip | tr '\n' ' ')" "1 0 $DOCTOR_IP6 "
    kmsg "$(marker after-first)"
    before=$(ap_snapshot)
    run_tool second +6685@doctor4.test 6686@doctor6.test
    ap_says second-v4 "doctor4.test: already configured correctly"
    ap_says second-v6 "doctor6.test: already configured correctly"
    result second-marker PASS "${OUT##*test message sent: }"
    same second-configfs "$(ap_snapshot)" "$before"
    OUT=$(netconsole-setup frobnicate 2>&1)
    same typo "$? $OUT" "2 netconsole-setup: error: unknown command 'frobnicate'
hint: see 'netconsole-setup --help'"
    for t in doctor4.test doctor6.test; do
        echo 0 >$d/$t/enabled
        rmdir $d/$t
    done
    unload
}

compat_host() {
    local first second
    first=$(guest_detail "$1" first-marker)
    second=$(guest_detail "$1" second-marker)
    expect_received "$1" test-v4 doctor4:6685 "netconsole-setup: test message $first"
    expect_received "$1" test-v6 doctor6:6686 "netconsole-setup: test message $first"
    expect_received "$1" marker-v4 doctor4:6685 "$(marker "$1" after-first)"
    expect_received "$1" marker-v6 doctor6:6686 "$(marker "$1" after-first)"
    expect_received "$1" second-test-v4 doctor4:6685 "netconsole-setup: test message $second"
}
