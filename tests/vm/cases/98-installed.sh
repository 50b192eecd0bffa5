# Cases of the installed guest (run.sh --guest installed; issue 22): a Debian
# root with the project's .deb, systemd, systemd-networkd and DHCP from dnsmasq.
#   units   netconsole-setup.service applies /etc/netconsole-setup.conf after
#           network-online.target at every boot: `systemctl status` clean, a
#           message from the booted system reaches the doctor (listen:6751),
#           then again after a reboot.
#   watchsvc netconsole-setup-watch.service (Type=notify) instead: active only
#           after READY=1; DHCP hands out a new address on renewal, then names
#           a second router (gw2, its own MAC) as the gateway: configfs follows
#           and a message arrives from the new address each time (listen:6752);
#           SIGHUP re-reads the configuration (a second target, listen:6753);
#           stopping it leaves the targets.
# The cases share one boot sequence (one disk): units reboots once, watchsvc
# switches the services over and reboots again.
vm_case units --guest installed --listen listen:6751 --seconds 240
vm_case watchsvc --guest installed --listen listen:6752 --listen listen:6753 --seconds 300

NC_CONFIGFS=/sys/kernel/config/netconsole

# iface: the guest's Ethernet interface (named by udev, e.g. ens3).
iface() { ip -o link show | awk -F': ' '$2 != "lo" { print $2; exit }'; }

# unit_prop UNIT PROPERTY: one property's value (systemctl show --value).
unit_prop() { systemctl show -p "$2" --value "$1"; }

# unit_clean CHECK UNIT STATE: UNIT is in STATE (ActiveState), its result is
# success and `systemctl status` shows no error; the status goes to the console
# log (serial.txt) for the README.
unit_clean() {
    local st
    st=$(systemctl status --no-pager -n 5 "$2" 2>&1)
    printf '%s\n' "$st" | sed "s/^/NCS-STATUS $2: /"
    if [ "$(unit_prop "$2" ActiveState)" = "$3" ] && [ "$(unit_prop "$2" Result)" = success ] &&
       ! printf '%s\n' "$st" | grep -qiE 'error|fail|warn'; then
        result "$1" PASS "$2 $3, result success"
    else
        result "$1" FAIL "$2: $(unit_prop "$2" ActiveState)/$(unit_prop "$2" Result): $(printf '%s' "$st" | tr '\n' '|')"
    fi
}

# after_online CHECK UNIT: UNIT started after network-online.target was reached.
after_online() {
    local online started
    online=$(unit_prop network-online.target ActiveEnterTimestampMonotonic)
    started=$(unit_prop "$2" ExecMainStartTimestampMonotonic)
    if [ "$online" -gt 0 ] && [ "$started" -ge "$online" ]; then
        result "$1" PASS "network-online.target at ${online} us, $2 started at ${started} us"
    else
        result "$1" FAIL "network-online.target at ${online} us, $2 started at ${started} us"
    fi
}

# nc_is TARGET ATTRIBUTE VALUE: configfs holds VALUE (for wait_for).
nc_is() { [ "$(cat "$NC_CONFIGFS/$1/$2" 2>/dev/null)" = "$3" ]; }

# nc_expect CHECK SECONDS TARGET ATTRIBUTE VALUE: wait until it does, report.
nc_expect() {
    if wait_for "$2" nc_is "$3" "$4" "$5"; then
        result "$1" PASS "$3/$4 = $5"
    else
        result "$1" FAIL "$3/$4 reads '$(cat "$NC_CONFIGFS/$3/$4" 2>&1)', expected '$5'"
    fi
}

units_root() {
    echo "--to $DOCTOR_IP4 --port 6751 --name boot" >"$1/etc/netconsole-setup.conf"
    chroot "$1" systemctl enable -q netconsole-setup.service
}

units_guest() {
    local dev
    dev=$(iface)
    unit_clean "service-$VM_BOOT_NO" netconsole-setup.service active
    after_online "after-online-$VM_BOOT_NO" netconsole-setup.service
    nc_expect "target-$VM_BOOT_NO" 5 boot remote_ip "$DOCTOR_IP4"
    same "dev-$VM_BOOT_NO" "$(cat $NC_CONFIGFS/boot/dev_name)" "$dev"
    same "address-$VM_BOOT_NO" "$(cat $NC_CONFIGFS/boot/local_ip)" "$GUEST_IP4"
    echo 6 >/proc/sys/kernel/printk
    kmsg "$(marker "boot$VM_BOOT_NO")"
    [ "$VM_BOOT_NO" -ge 2 ] || guest_reboot
}

units_host() {
    expect_received "$1" boot1 listen:6751 "$(marker "$1" boot1)"
    expect_received "$1" boot2 listen:6751 "$(marker "$1" boot2)"
    expect_line "$1" sender listen:6751 "\"sender\":\"$GUEST_IP4\".*$(marker "$1" boot2)"
}

# --- watchsvc -------------------------------------------------------------------
watchsvc_guest() {
    local dev
    if [ ! -e /var/lib/ncs-vm/watch-enabled ]; then
        # As an administrator switches: the watcher instead of the oneshot.
        systemctl disable -q netconsole-setup.service
        echo "--to $DOCTOR_IP4 --port 6752 --name w4" >/etc/netconsole-setup.conf
        systemctl enable -q netconsole-setup-watch.service
        touch /var/lib/ncs-vm/watch-enabled
        guest_reboot
    fi
    dev=$(iface)
    unit_clean ready netconsole-setup-watch.service active
    # Type=notify: systemd calls it active only once READY=1 came, which the
    # watcher sends after its first apply: the target is there by then.
    after_online after-online netconsole-setup-watch.service
    same ready-target "$(cat $NC_CONFIGFS/w4/remote_ip 2>&1)" "$DOCTOR_IP4"
    same watchdog "$(unit_prop netconsole-setup-watch.service WatchdogUSec)" 30s
    same inactive-oneshot "$(unit_prop netconsole-setup.service ActiveState)" inactive
    same no-boot-target "$(ls $NC_CONFIGFS)" w4
    kmsg "$(marker start)"

    # DHCP hands out another address on renewal.
    host_do dhcp "$GUEST2_IP4" "$ROUTER_IP4" || result address-host FAIL "host_do dhcp: $?"
    networkctl renew "$dev"
    nc_expect address 30 w4 local_ip "$GUEST2_IP4"
    result address-ip PASS "$(ip -4 -o addr show dev "$dev" | awk '{print $4}' | tr '\n' ' ')"
    kmsg "$(marker address)"

    # The next lease names the second router (gw2, its own MAC) as the gateway.
    host_do dhcp "$GUEST2_IP4" "$GW2_IP4" || result gateway-host FAIL "host_do dhcp: $?"
    networkctl renew "$dev"
    nc_expect gateway 30 w4 remote_mac "$GW2_MAC"
    result gateway-route PASS "$(ip -4 route show default | tr '\n' ' ')"
    kmsg "$(marker gateway)"

    # SIGHUP (systemctl kill -s HUP, as reload does) re-reads the configuration.
    echo "--to $DOCTOR_IP4 --port 6753 --name w4b" >>/etc/netconsole-setup.conf
    systemctl kill -s HUP netconsole-setup-watch.service
    nc_expect reload 20 w4b remote_ip "$DOCTOR_IP4"
    kmsg "$(marker reload)"

    # Stopping the watcher leaves the targets as they are.
    systemctl stop netconsole-setup-watch.service
    same stopped "$(unit_prop netconsole-setup-watch.service ActiveState)" inactive
    same left "$(ls $NC_CONFIGFS | tr '\n' ' ')" "w4 w4b "
    kmsg "$(marker stopped)"
    journalctl -b -u netconsole-setup-watch.service --no-pager -o short-monotonic |
        tail -n 20 | sed 's/^/NCS-JOURNAL watch: /'
}

watchsvc_do_dhcp() { dhcp_set "$1" "$2"; }

watchsvc_host() {
    local tag
    for tag in start address gateway reload stopped; do
        expect_received "$1" "$tag" listen:6752 "$(marker "$1" "$tag")"
    done
    expect_line "$1" from-new-address listen:6752 "\"sender\":\"$GUEST2_IP4\".*$(marker "$1" address)"
    expect_line "$1" through-gw2 listen:6752 "\"sender\":\"$GUEST2_IP4\".*$(marker "$1" gateway)"
    expect_received "$1" reload-second listen:6753 "$(marker "$1" reload)"
}
