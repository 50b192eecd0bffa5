# Case 4: --extended delivers the extended format, one record per datagram:
# "<facility*8+level>,<seq>,<usec>,<flags>;<text>". /dev/kmsg writes are
# facility user (1), so our level-5 marker has prefix 13.
vm_case extended --listen doctor4:6621

extended_guest() {
    via_tool x --to "$DOCTOR_IP4" --port 6621 --extended
}

extended_host() {
    expect_line "$1" format doctor4:6621 "^13,[0-9]+,[0-9]+,-[^;]*;$(marker "$1" x)\$"
}
