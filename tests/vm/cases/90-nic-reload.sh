# Case: the target's NIC driver (e1000) is unloaded and loaded again. Every
# kernel disables the target when eth0 unregisters and `status` says eth0 is
# gone and what this kernel does next. Linux 7.0+ sets the target up again by
# itself once eth0 registers, and a message after that is delivered; 6.1 and
# 6.12 leave it disabled and deliver nothing, and `status` says (from the
# kernel log) that eth0 went away.
vm_case nicreload --listen doctor4:6691

nicreload_guest() {
    run_tool apply apply --to "$DOCTOR_IP4" --port 6691 --name ncs-nic || return
    kmsg "$(marker before)"
    modprobe -r e1000 2>/tmp/nr.err || { result unload FAIL "modprobe -r e1000: $(cat /tmp/nr.err)"; return; }
    if wait_for 5 nr_gone; then result unload PASS "eth0 unregistered"; else result unload FAIL "eth0 still there"; fi
    same disabled-when-gone "$(cat $NC_DIR/ncs-nic/enabled)" 0
    ap_json gone status --json
    run_tool gone-text status
    if release_at_least 7.0; then
        ap_says gone-says "eth0 is gone (unregistered): Linux $(nr_version) enables the target again, once, when a device named eth0 registers"
    else
        ap_says gone-says "eth0 is gone (unregistered): Linux $(nr_version) does not enable the target again; run 'netconsole-setup apply' once eth0 is back"
    fi
    ap_json list-gone list --json

    modprobe e1000
    wait_for 5 [ -e /sys/class/net/eth0 ] || result reload FAIL "no eth0 after modprobe e1000"
    if release_at_least 7.0; then
        # The kernel's one retry runs from a workqueue and waits for carrier.
        if wait_for 15 nr_enabled; then
            result resumed PASS "the kernel enabled ncs-nic again"
        else
            result resumed FAIL "enabled reads $(cat $NC_DIR/ncs-nic/enabled); $(dmesg | grep netconsole | tail -n 3)"
        fi
    else
        sleep 2
        same stays-disabled "$(cat $NC_DIR/ncs-nic/enabled)" 0
    fi
    kmsg "$(marker after)"
    ap_json back status --json
    guest_network_up nicreload-network
    run_tool remove remove ncs-nic
}

nr_gone() { [ ! -e /sys/class/net/eth0 ]; }
nr_enabled() { [ "$(cat $NC_DIR/ncs-nic/enabled)" = 1 ]; }
# nr_version: MAJOR.MINOR of the running kernel, as status prints it.
nr_version() { uname -r | cut -d. -f1,2; }

nicreload_host() {
    local t='.targets | map(select(.name == "ncs-nic")) | .[0]'
    expect_received "$1" before-delivered doctor4:6691 "$(marker "$1" before)"
    ap_json_check "$1" gone "$t | .enabled == false and .condition == \"device_gone\" and .device.exists == false and .resumes_on_register == $(release_at_least 7.0 && echo true || echo false)"
    ap_json_check "$1" list-gone "$t | .condition == \"device_gone\" and (.reason | test(\"eth0 is gone\"))"
    if release_at_least 7.0; then
        expect_received "$1" after-delivered doctor4:6691 "$(marker "$1" after)"
        ap_json_check "$1" back "$t | .enabled == true and .condition == \"sending\""
    else
        ap_not_received "$1" after-silent doctor4:6691 after
        ap_json_check "$1" back "$t | .enabled == false and .device.exists == true and .condition == \"stopped_by_kernel\" and .logged_stop == \"unregistered\" and (.reason | test(\"eth0 went away\"))"
    fi
}
