# Case 3: a doctor on the patient's own link (the router's side of the tap),
# IPv4 and IPv6 link-local as in the kernel's netconsole guide.
vm_case onlink --listen link4:6611 --listen link6:6612

onlink_guest() {
    local ll
    ll=$(ip -6 -o addr show dev eth0 scope link | sed -n 's/.* inet6 \(fe80[^/]*\)\/.*/\1/p' | head -n1)
    via_tool v4 --to "$ROUTER_IP4" --port 6611 --dev eth0 --src "$GUEST_IP4" --mac "$ROUTER_MAC"
    via_tool ll --to "$ROUTER_LL" --port 6612 --dev eth0 --src "$ll" --mac "$ROUTER_MAC"
}

onlink_host() {
    expect_received "$1" delivered-v4 link4:6611 "$(marker "$1" v4)"
    expect_received "$1" delivered-link-local link6:6612 "$(marker "$1" ll)"
}
