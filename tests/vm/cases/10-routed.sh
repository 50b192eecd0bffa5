# Case 1: `netconsole-setup --to DOCTOR` alone (route and router MAC resolved
# through netlink, neighbour cache cold) prints a line that delivers kernel
# messages to a doctor behind a router, IPv4 and IPv6.
vm_case routed --listen doctor4:6601 --listen doctor6:6602

routed_guest() {
    via_tool v4 --to "$DOCTOR_IP4" --port 6601
    same resolved-v4 "$LINE" "6665@$GUEST_IP4/eth0,6601@$DOCTOR_IP4/$ROUTER_MAC"
    via_tool v6 --to "$DOCTOR_IP6" --port 6602
    same resolved-v6 "$LINE" "6665@$GUEST_IP6/eth0,6602@$DOCTOR_IP6/$ROUTER_MAC"
}

routed_host() {
    expect_received "$1" delivered-v4 doctor4:6601 "$(marker "$1" v4)"
    expect_received "$1" delivered-v6 doctor6:6602 "$(marker "$1" v6)"
}
