# Case 72: `apply --config` (what netconsole-setup.service runs) makes every
# target of the file; with one line dropped, a second run removes that target
# and keeps the other; a missing FILE is refused and the service's absent default
# path removes nothing; an empty file removes the rest.
vm_case persistconfig --listen doctor4:6673 --listen doctor4:6674

pf_line() { # pf_line NAME PORT
    echo "--to $DOCTOR_IP4 --port $2 --dev eth0 --src $GUEST_IP4 --mac $ROUTER_MAC --name $1 # doctor"
}

persistconfig_guest() {
    local conf=/etc/netconsole-setup.conf dir=/sys/kernel/config/netconsole
    mkdir -p /etc
    { echo "# two targets"; pf_line pc-one 6673; pf_line pc-two 6674; } >$conf
    run_tool two apply --config $conf || return
    same two-made "$(ls $dir | tr '\n' ' ')" "pc-one pc-two "
    kmsg "$(marker both)"

    pf_line pc-one 6673 >$conf
    run_tool one apply --config $conf || return
    case "$OUT" in
        *"target pc-two: removed"*) result says-removed PASS "$OUT" ;;
        *) result says-removed FAIL "stdout '$OUT'" ;;
    esac
    same one-left "$(ls $dir | tr '\n' ' ')" "pc-one "
    kmsg "$(marker one)"

    # A --config FILE that does not exist is bad input (exit 2) and removes nothing.
    netconsole-setup apply --config /etc/nosuch.conf >/dev/null 2>&1
    same missing-file-exit "$?" 2
    same missing-file-kept "$(ls $dir | tr '\n' ' ')" "pc-one "
    # The service's own path may be absent: no targets from it, and none removed.
    mv $conf $conf.away
    netconsole-setup apply --config $conf >/dev/null 2>&1
    same default-absent-exit "$?" 0
    same default-absent-kept "$(ls $dir | tr '\n' ' ')" "pc-one "
    mv $conf.away $conf

    : >$conf
    run_tool none apply --config $conf
    same none-left "$(ls $dir | tr '\n' ' ')" ""
    rm -f $conf
    unload
}

persistconfig_host() {
    expect_received "$1" both-one doctor4:6673 "$(marker "$1" both)"
    expect_received "$1" both-two doctor4:6674 "$(marker "$1" both)"
    expect_received "$1" kept doctor4:6673 "$(marker "$1" one)"
    if grep -aqF -- "$(marker "$1" one)" "$(recv_file doctor4:6674)"; then
        check "$1.dropped-silent" FAIL "the removed target still sent '$(marker "$1" one)'"
    else
        check "$1.dropped-silent" PASS "nothing after the removal arrived at doctor4:6674"
    fi
}
