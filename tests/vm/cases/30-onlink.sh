# Case 3: a doctor on the patient's own link (the router's side of the tap),
# IPv4 and IPv6 link-local as in the kernel's netconsole guide; the link-local
# target names its interface with a zone, which the line must not carry.
vm_case onlink --listen link4:6611 --listen link6:6612

onlink_guest() {
    local ll
    ll=$(ip -6 -o addr show dev eth0 scope link | sed -n 's/.* inet6 \(fe80[^/]*\)\/.*/\1/p' | head -n1)
    via_tool v4 --to "$ROUTER_IP4" --port 6611
    same resolved-v4 "$LINE" "6665@$GUEST_IP4/eth0,6611@$ROUTER_IP4/$ROUTER_MAC"
    via_tool ll --to "$ROUTER_LL%eth0" --port 6612
    same resolved-ll "$LINE" "6665@$ll/eth0,6612@$ROUTER_LL/$ROUTER_MAC"
}

onlink_host() {
    expect_received "$1" delivered-v4 link4:6611 "$(marker "$1" v4)"
    expect_received "$1" delivered-link-local link6:6612 "$(marker "$1" ll)"
}
