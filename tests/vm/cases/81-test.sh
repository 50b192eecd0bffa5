# Case: `test` writes a marked line that netconsole delivers, at a level that
# passes the console level, and prints the marker; `test NAME` checks the
# configfs target first and puts NAME in the marker.
vm_case testmsg --listen doctor4:6682 --listen doctor4:6683

testmsg_guest() {
    # The parameter takes effect only on a fresh load: an earlier case (lazykmod)
    # may have left netconsole loaded without it.
    unload
    load load "6665@$GUEST_IP4/eth0,6682@$DOCTOR_IP4/$ROUTER_MAC" || return
    run_tool plain test && result marker PASS "$OUT"
    # A configfs target, made by hand so this case does not depend on apply.
    modprobe configfs
    grep -q ' /sys/kernel/config configfs' /proc/mounts ||
        mount -t configfs none /sys/kernel/config
    mkdir /sys/kernel/config/netconsole/tm
    echo eth0 >/sys/kernel/config/netconsole/tm/dev_name
    echo "$DOCTOR_IP4" >/sys/kernel/config/netconsole/tm/remote_ip
    echo "$GUEST_IP4" >/sys/kernel/config/netconsole/tm/local_ip
    echo 6683 >/sys/kernel/config/netconsole/tm/remote_port
    echo "$ROUTER_MAC" >/sys/kernel/config/netconsole/tm/remote_mac
    OUT=$(netconsole-setup test tm 2>&1)
    same disabled-refused "$? $OUT" "1 netconsole-setup: error: netconsole target 'tm' is not enabled
hint: 'netconsole-setup enable tm' enables it"
    echo 1 >/sys/kernel/config/netconsole/tm/enabled
    run_tool named test tm && result named-marker PASS "$OUT"
    OUT=$(netconsole-setup test nosuch 2>&1)
    same unknown-refused "$? $OUT" "2 netconsole-setup: error: there is no netconsole target nosuch
hint: see 'netconsole-setup list'"
    echo 0 >/sys/kernel/config/netconsole/tm/enabled
    rmdir /sys/kernel/config/netconsole/tm
    unload
}

testmsg_host() {
    local plain named
    plain=$(guest_detail "$1" marker)
    named=$(guest_detail "$1" named-marker)
    check "$1.marker-shape" "$([[ $plain =~ ^ncs-test-[0-9]+-[0-9a-f]{8}$ ]] && echo PASS || echo FAIL)" "'$plain'"
    check "$1.named-shape" "$([[ $named =~ ^ncs-test-tm-[0-9]+-[0-9a-f]{8}$ ]] && echo PASS || echo FAIL)" "'$named'"
    expect_received "$1" delivered doctor4:6682 "netconsole-setup: test message $plain"
    expect_received "$1" named-delivered doctor4:6683 "netconsole-setup: test message $named"
}
