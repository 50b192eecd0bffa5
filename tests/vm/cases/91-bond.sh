# Case: the target's interface joins a bond. Every kernel disables the target
# (NETDEV_JOIN) and never enables it again; `status` says eth0 is enslaved to
# bond0 and to send through bond0, `apply` on eth0 refuses and names bond0.
# Released again, eth0 is a plain device and `status` says (from the kernel
# log) why the target is off.
vm_case bond --listen doctor4:6692

bond_guest() {
    run_tool apply apply --to "$DOCTOR_IP4" --port 6692 --name ncs-bond || return
    kmsg "$(marker before)"
    modprobe bonding max_bonds=0 2>/tmp/bond.err &&
        ip link add bond0 type bond mode active-backup 2>>/tmp/bond.err &&
        ip link set eth0 down 2>>/tmp/bond.err &&
        ip link set eth0 master bond0 2>>/tmp/bond.err
    if [ "$(cat /sys/class/net/eth0/master/ifindex 2>/dev/null)" = "$(cat /sys/class/net/bond0/ifindex 2>/dev/null)" ]; then
        result enslave PASS "eth0 is a slave of bond0"
    else
        result enslave FAIL "eth0 not enslaved: $(cat /tmp/bond.err)"
        return
    fi
    same disabled "$(cat $NC_DIR/ncs-bond/enabled)" 0
    ap_json status status --json
    run_tool status-text status
    ap_says status-says "eth0 is enslaved to bond0: the kernel disabled the target when eth0 joined it and never enables it again"
    ip link set bond0 up
    ap_fails apply-slave 1 "hint: use the bond itself: --dev bond0" \
        apply --to "$DOCTOR_IP4" --port 6692 --name ncs-bond --dev eth0
    kmsg "$(marker enslaved)"
    ip link set eth0 nomaster
    ip link del bond0
    modprobe -r bonding
    guest_network_up bond-network
    same stays-disabled "$(cat $NC_DIR/ncs-bond/enabled)" 0
    ap_json released status --json
    kmsg "$(marker released)"
    run_tool remove remove ncs-bond
}

bond_host() {
    expect_received "$1" before-delivered doctor4:6692 "$(marker "$1" before)"
    ap_json_check "$1" status '.targets | map(select(.name == "ncs-bond")) | .[0] | .enabled == false and .condition == "enslaved" and .device.master == "bond0"'
    ap_not_received "$1" enslaved-silent doctor4:6692 enslaved
    ap_not_received "$1" released-silent doctor4:6692 released
    ap_json_check "$1" released '.targets | map(select(.name == "ncs-bond")) | .[0] | .enabled == false and .condition == "stopped_by_kernel" and .logged_stop == "joined_master" and (.reason | test("joined a bond or bridge"))' 
}
