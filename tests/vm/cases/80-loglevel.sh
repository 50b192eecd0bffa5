# Case: `loglevel 8` sets the console level as dmesg -n does, and a level-7
# (debug) message that the init's level 6 held back now arrives. `loglevel`
# without N shows the level. Uses run_tool (guest-lib) and the ap_* helpers of
# 60-apply.sh.
vm_case loglevel --listen doctor4:6681

# ll_console_level: the first field of /proc/sys/kernel/printk.
ll_console_level() { cut -f1 /proc/sys/kernel/printk; }

loglevel_guest() {
    load load "6665@$GUEST_IP4/eth0,6681@$DOCTOR_IP4/$ROUTER_MAC" || return
    run_tool show loglevel && ap_says show-level "console_loglevel          6"
    echo "<7>$(marker debug-before)" >/dev/kmsg
    echo "<5>$(marker notice-before)" >/dev/kmsg
    run_tool set loglevel 8 && ap_says set-says "console log level set: 6 -> 8"
    same printk-level "$(ll_console_level)" 8
    echo "<7>$(marker debug-after)" >/dev/kmsg
    run_tool set-4 loglevel 4
    same printk-level-4 "$(ll_console_level)" 4
    echo "<5>$(marker notice-at-4)" >/dev/kmsg
    # 7.0+ netconsole is an nbcon console printed by a kthread, which tests the
    # console level when it prints the record, not when it was logged: give it
    # the time to print (skip) the record before the level goes back up.
    release_at_least 7.0 && sleep 1
    echo 6 >/proc/sys/kernel/printk   # what the init set, for the cases after this one
    unload
}

loglevel_host() {
    expect_received "$1" notice-before doctor4:6681 "$(marker "$1" notice-before)"
    ap_not_received "$1" debug-held-back doctor4:6681 debug-before
    expect_received "$1" debug-after-8 doctor4:6681 "$(marker "$1" debug-after)"
    ap_not_received "$1" notice-held-back-at-4 doctor4:6681 notice-at-4
}
