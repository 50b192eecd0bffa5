# Case 70: the kernel command-line fragment `cmdline --module` prints (computed
# on the host, the same tool as in the guest) is what the module needs: booted
# with it, a plain `modprobe netconsole` delivers, replaying earlier boot messages.
pc_fragment() {
    "${tool:-netconsole-setup}" cmdline --module --to "$DOCTOR_IP4" --port 6671 --dev eth0 \
        --src "$GUEST_IP4" --mac "$ROUTER_MAC" --loglevel 7 2>/dev/null
}
vm_case persistcmdline --listen doctor4:6671 --cmdline "$(pc_fragment)"

persistcmdline_guest() {
    local fragment
    fragment=$(pc_fragment)
    case " $(cat /proc/cmdline) " in
        *" $fragment "*) result booted-with PASS "$fragment" ;;
        *) result booted-with FAIL "/proc/cmdline '$(cat /proc/cmdline)' lacks '$fragment'" ;;
    esac
    kmsg "$(marker before)"
    if out=$(modprobe netconsole 2>&1); then
        result plain-modprobe PASS "modprobe netconsole (target from /proc/cmdline)"
    else
        result plain-modprobe FAIL "modprobe netconsole: $out; $(dmesg | grep -E 'netpoll|netconsole' | tail -n 5)"
    fi
    kmsg "$(marker after)"
    unload
    echo 6 >/proc/sys/kernel/printk   # loglevel=7 from the fragment; back to the init's 6
}

persistcmdline_host() {
    expect_received "$1" earlier-marker doctor4:6671 "$(marker "$1" before)"
    expect_received "$1" boot-banner doctor4:6671 "Linux version"
    expect_received "$1" later-marker doctor4:6671 "$(marker "$1" after)"
}
