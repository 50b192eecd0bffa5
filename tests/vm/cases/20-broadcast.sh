# Case 2: the next-hop MAC matters. The same routed target with the router's
# MAC arrives, with the broadcast MAC (netconsole's default) it does not: a
# router does not forward a frame sent to the broadcast address. The lines are
# written by hand, because netconsole-setup refuses --broadcast for a routed
# target by design (checked here too).
vm_case broadcast --listen doctor4:6603 --listen doctor4:6604 \
                  --listen doctor6:6605 --listen doctor6:6606 --listen tap

broadcast_guest() {
    send_through router-mac4 "6665@$GUEST_IP4/eth0,6603@$DOCTOR_IP4/$ROUTER_MAC" router-mac4
    send_through broadcast4 "6665@$GUEST_IP4/eth0,6604@$DOCTOR_IP4/ff:ff:ff:ff:ff:ff" broadcast4
    send_through router-mac6 "6665@$GUEST_IP6/eth0,6605@$DOCTOR_IP6/$ROUTER_MAC" router-mac6
    send_through broadcast6 "6665@$GUEST_IP6/eth0,6606@$DOCTOR_IP6/ff:ff:ff:ff:ff:ff" broadcast6
    if out=$(netconsole-setup --to "$DOCTOR_IP4" --broadcast 2>&1); then
        result tool-refuses FAIL "netconsole-setup --to $DOCTOR_IP4 --broadcast succeeded: $out"
    else
        result tool-refuses PASS "exit $?: $out"
    fi
}

broadcast_host() {
    expect_received "$1" router-mac4-arrives doctor4:6603 "$(marker "$1" router-mac4)"
    expect_frame "$1" broadcast4-on-link 4 ff:ff:ff:ff:ff:ff 6604
    expect_nothing "$1" broadcast4-dropped doctor4:6604
    expect_received "$1" router-mac6-arrives doctor6:6605 "$(marker "$1" router-mac6)"
    expect_frame "$1" broadcast6-on-link 6 ff:ff:ff:ff:ff:ff 6606
    expect_nothing "$1" broadcast6-dropped doctor6:6606
}
