# Case 7: a failing apply leaves configfs exactly as before: an update whose
# enable the kernel refuses (no such device: ENODEV), a new target on a
# missing device, a new target on a veth (6.12: cannot do netpoll, ENOTSUPP;
# 6.1's veth still does netpoll, so there it must work), and a bad attribute
# (up to 6.16 an IPv6 target cannot go back to IPv4: EINVAL; 6.17+ takes the
# new family, so there the apply moves the target to IPv4). The targets that
# were there keep sending.
vm_case rollback --listen doctor4:6653 --listen doctor6:6654 --listen doctor4:6654 \
    --listen doctor4:6655

rollback_guest() {
    local before
    run_tool base4 apply --to "$DOCTOR_IP4" --port 6653 --name ncs-keep || return
    run_tool base6 apply --to "$DOCTOR_IP6" --port 6654 --name ncs-keep6 || return
    before=$(ap_snapshot)

    ap_fails nodev-update 1 "cannot enable target ncs-keep: there is no device nosuch0" \
        apply --to "$DOCTOR_IP4" --port 6653 --name ncs-keep --dev nosuch0 \
        --src "$GUEST_IP4" --mac "$ROUTER_MAC"
    same nodev-update-configfs "$(ap_snapshot)" "$before"

    ap_fails nodev-create 1 "there is no device nosuch0" apply --to "$DOCTOR_IP4" --port 6655 \
        --dev nosuch0 --src "$GUEST_IP4" --mac "$ROUTER_MAC"
    same nodev-create-configfs "$(ap_snapshot)" "$before"

    if modprobe veth 2>/tmp/ap.err && ip link add ncsveth0 type veth peer name ncsveth1 2>>/tmp/ap.err; then
        ip link set ncsveth0 up
        case $(uname -r) in
            6.1.*)
                run_tool veth-works apply --to "$DOCTOR_IP4" --port 6660 --name ncs-veth \
                    --dev ncsveth0 --src "$GUEST_IP4" --mac "$ROUTER_MAC"
                run_tool veth-remove remove ncs-veth
                ;;
            *)
                ap_fails veth 1 "cannot enable target ncs-veth: device ncsveth0 cannot do netpoll" \
                    apply --to "$DOCTOR_IP4" --port 6655 --name ncs-veth --dev ncsveth0 \
                    --src "$GUEST_IP4" --mac "$ROUTER_MAC"
                ;;
        esac
        same veth-configfs "$(ap_snapshot)" "$before"
        ip link del ncsveth0
    else
        result veth FAIL "no veth in the guest: $(cat /tmp/ap.err)"
    fi

    if release_at_least 6.17; then
        run_tool family apply --to "$DOCTOR_IP4" --port 6654 --name ncs-keep6
        same family-now "$(cat $NC_DIR/ncs-keep6/remote_ip) $(cat $NC_DIR/ncs-keep6/enabled)" \
            "$DOCTOR_IP4 1"
    else
        ap_fails family 1 "the kernel refused remote_ip '$DOCTOR_IP4' for target ncs-keep6 (EINVAL)" \
            apply --to "$DOCTOR_IP4" --port 6654 --name ncs-keep6
        same family-configfs "$(ap_snapshot)" "$before"
    fi

    kmsg "$(marker after)"
    run_tool remove4 remove ncs-keep
    run_tool remove6 remove ncs-keep6
}

rollback_host() {
    expect_received "$1" v4-kept doctor4:6653 "$(marker "$1" after)"
    if release_at_least 6.17; then
        expect_received "$1" v6-now-v4 doctor4:6654 "$(marker "$1" after)"
    else
        expect_received "$1" v6-kept doctor6:6654 "$(marker "$1" after)"
    fi
    expect_nothing "$1" no-new-target doctor4:6655
}
