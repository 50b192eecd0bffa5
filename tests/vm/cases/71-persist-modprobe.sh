# Case 71: `modprobe --load-at-boot --persist-loglevel` inside the guest writes
# /etc/modprobe.d, /etc/modules-load.d and /etc/sysctl.d files: the real kmod
# modprobe honours the options line and delivers, modules-load.d names the
# module alone, `sysctl -p` of the sysctl.d file sets the console level; a
# second run changes nothing; --remove deletes all three.
vm_case persistmodprobe --listen doctor4:6672

pm_args() {
    echo --to "$DOCTOR_IP4" --port 6672 --dev eth0 --src "$GUEST_IP4" --mac "$ROUTER_MAC" \
        --load-at-boot --persist-loglevel 7
}

persistmodprobe_guest() {
    local names level
    # shellcheck disable=SC2046 # pm_args' words are plain
    run_tool write modprobe $(pm_args) || return
    case "$OUT" in
        *"+options netconsole netconsole=6665@$GUEST_IP4/eth0,6672@$DOCTOR_IP4/$ROUTER_MAC"*)
            result diff-shown PASS "the diff adds the options line" ;;
        *) result diff-shown FAIL "stdout '$OUT'" ;;
    esac
    # shellcheck disable=SC2046
    run_tool rerun modprobe $(pm_args) && same rerun-unchanged "$OUT" ""

    if out=$(modprobe netconsole 2>&1); then
        result kmod-honours PASS "modprobe netconsole (options from /etc/modprobe.d)"
    else
        result kmod-honours FAIL "modprobe netconsole: $out; $(dmesg | grep -E 'netpoll|netconsole' | tail -n 5)"
    fi
    kmsg "$(marker modprobe-d)"
    unload

    # modules-load.d(5): one module name per line, '#' and ';' start comments.
    names=$(grep -v -e '^[#;]' -e '^$' /etc/modules-load.d/netconsole.conf | tr '\n' ' ')
    same modules-load "$names" "netconsole "

    if out=$(sysctl -p /etc/sysctl.d/90-netconsole.conf 2>&1); then
        read -r level _ </proc/sys/kernel/printk
        same sysctl-level "$level" 7
    else
        result sysctl-level FAIL "sysctl -p: $out"
    fi
    echo 6 >/proc/sys/kernel/printk

    run_tool remove modprobe --remove
    same removed "$(ls /etc/modprobe.d/netconsole.conf /etc/modules-load.d/netconsole.conf \
        /etc/sysctl.d/90-netconsole.conf 2>/dev/null)" ""
}

persistmodprobe_host() {
    expect_received "$1" delivered doctor4:6672 "$(marker "$1" modprobe-d)"
}
