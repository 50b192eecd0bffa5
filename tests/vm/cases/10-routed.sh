# Case 1: the line netconsole-setup prints for a doctor behind a router
# delivers kernel messages there, IPv4 and IPv6.
vm_case routed --listen doctor4:6601 --listen doctor6:6602

routed_guest() {
    via_tool v4 --to "$DOCTOR_IP4" --port 6601 --dev eth0 --src "$GUEST_IP4" --mac "$ROUTER_MAC"
    via_tool v6 --to "$DOCTOR_IP6" --port 6602 --dev eth0 --src "$GUEST_IP6" --mac "$ROUTER_MAC"
}

routed_host() {
    expect_received "$1" delivered-v4 doctor4:6601 "$(marker "$1" v4)"
    expect_received "$1" delivered-v6 doctor6:6602 "$(marker "$1" v6)"
}
