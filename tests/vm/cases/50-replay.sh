# Case 5: loading netconsole with a parameter replays the kernel log written
# before it (CON_PRINTBUFFER): users rely on it to catch boot messages.
vm_case replay --listen doctor4:6631

replay_guest() {
    kmsg "$(marker before)"
    send_through load "6665@$GUEST_IP4/eth0,6631@$DOCTOR_IP4/$ROUTER_MAC" after
}

replay_host() {
    expect_received "$1" earlier-marker doctor4:6631 "$(marker "$1" before)"
    expect_received "$1" boot-banner doctor4:6631 "Linux version"
    expect_received "$1" later-marker doctor4:6631 "$(marker "$1" after)"
}
