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
#   listensvc netconsole-setup-listen.socket (the service DynamicUser=yes) with a
#           drop-in for --journal receives ncs-loadgen's fragmented records from
#           the router namespace; journalctl -o json shows each whole, with its
#           sender, sequence number and priority.
#   panicdog `panic-watchdog` as users run it (kernel.panic=0, systemd's
#           RuntimeWatchdogSec= driving QEMU's i6300esb): `echo c >
#           /proc/sysrq-trigger` reaches the doctor whole (listen:6757), the
#           hardware watchdog resets the guest, which comes back and sends
#           again (the watcher's target, listen:6752).
# The cases share one boot sequence (one disk): units reboots once, watchsvc
# switches the services over and reboots again, panicdog panics once.
#   panic7  the same on Debian unstable's 7.x in the Debian 13 root, where it
#           matters: netconsole is an nbcon console flushed only at the end of
#           a panic. First the control: with kernel.panic=-1 (the boot's
#           panic=-1) apply warns and `status --check-panic` exits 1 saying the
#           panic is lost; then panic-watchdog, and the panic arrives whole
#           (listen:6771); after the reset netconsole-setup.service's target
#           sends again (listen:6772).
# The Debian 12 run runs the first four (Debian 12's 6.1); the Debian 13 run
# (vm.installed-debian13) only panic7, and 99-firstline.sh's firstline and
# firstmac: what differs on a newer kernel.
vm_case units --guest installed --kernels debian12 --listen listen:6751 --seconds 240
vm_case watchsvc --guest installed --kernels debian12 --listen listen:6752 --listen listen:6753 --seconds 300
vm_case listensvc --guest installed --kernels debian12 --seconds 60
vm_case panicdog --guest installed --kernels debian12 --listen listen:6757 --seconds 150
vm_case panic7 --guest installed --kernels debian13 --boot-kernel unstable \
    --listen listen:6771 --listen listen:6772 --seconds 180

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
    systemctl --root="$1" enable -q netconsole-setup.service
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
    same notify "$(unit_prop netconsole-setup-watch.service Type)" notify
    same watchdog "$(unit_prop netconsole-setup-watch.service WatchdogUSec)" 30s
    same inactive-oneshot "$(unit_prop netconsole-setup.service ActiveState)" inactive
    same no-boot-target "$(ls $NC_CONFIGFS)" w4
    kmsg "$(marker start)"

    # DHCP hands out another address, by the protocol alone: nothing runs in the
    # guest. The server's lease names T1 10 s and T2 15 s (installed-lib.sh): the
    # next renewal asks for the old address, which the server now refuses; its
    # DHCPNAK is broadcast, which networkd's renewing client (its socket bound to
    # the leased address) does not hear, so the lease runs to T2, where the
    # rebinding client hears the refusal and asks again: the new address.
    local t0 t1
    read -r t0 _ </proc/uptime
    host_do dhcp "$GUEST2_IP4" "$ROUTER_IP4" || result address-host FAIL "host_do dhcp: $?"
    nc_expect address 60 w4 local_ip "$GUEST2_IP4"
    read -r t1 _ </proc/uptime
    result address-ip PASS "$(ip -4 -o addr show dev "$dev" | awk '{print $4}' | tr '\n' ' ')after ${t0}-${t1} s uptime"
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
    # enabled last: remote_ip is written before it, and a message logged between the
    # two is not sent to the new target (a target does not replay the log).
    nc_expect reload 20 w4b enabled 1
    same reload-remote "$(cat $NC_CONFIGFS/w4b/remote_ip)" "$DOCTOR_IP4"
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

# --- listensvc ------------------------------------------------------------------
LS_TEXT=2500    # bytes of text per record: three fragments each

# ls_journaled N: the journal holds N entries from listen (for wait_for).
ls_journaled() { [ "$(journalctl -q -o cat SYSLOG_IDENTIFIER=netconsole | wc -l)" -ge "$1" ]; }

listensvc_guest() {
    local addr pid user
    mkdir -p /etc/systemd/system/netconsole-setup-listen.service.d
    printf '[Service]\nExecStart=\nExecStart=/usr/sbin/netconsole-setup listen --journal\n' \
        >/etc/systemd/system/netconsole-setup-listen.service.d/journal.conf
    systemctl daemon-reload
    systemctl start netconsole-setup-listen.socket
    unit_clean socket netconsole-setup-listen.socket active
    addr=$(ip -4 -o addr show dev "$(iface)" | awk '{print $4; exit}')
    addr=${addr%/*}
    host_do send "$addr" || result send FAIL "host_do send: $?"
    # The socket started the service for the first datagram.
    wait_for 20 ls_journaled 3
    unit_clean service netconsole-setup-listen.service active
    same dynamic-user "$(unit_prop netconsole-setup-listen.service DynamicUser)" yes
    pid=$(unit_prop netconsole-setup-listen.service MainPID)
    user=$(ps -o user= -p "$pid")
    if [ -n "$user" ] && [ "$user" != root ]; then
        result not-root PASS "listen (pid $pid) runs as $user"
    else
        result not-root FAIL "listen (pid $pid) runs as '$user'"
    fi
    journalctl -o json --output-fields=MESSAGE,PRIORITY,SYSLOG_FACILITY,SYSLOG_IDENTIFIER,NETCONSOLE_SENDER,NETCONSOLE_PORT,NETCONSOLE_SEQ,_SYSTEMD_UNIT \
        SYSLOG_IDENTIFIER=netconsole | sed 's/^/NCS-JOURNAL-JSON /'
}

# listensvc_do_send ADDRESS: three records of LS_TEXT bytes (fragmented as the
# kernel fragments them) from the router namespace to the guest's port 6666.
listensvc_do_send() {
    [[ $1 == "$GUEST_IP4" || $1 == "$GUEST2_IP4" ]] || return 2
    ip netns exec "$ns_router" "$build/bench/ncs-loadgen" --to "$1" --port 6666 --count 3 \
        --text-bytes "$LS_TEXT"
}

listensvc_host() {
    local out
    out=$(grep -ao 'NCS-JOURNAL-JSON .*' "$dir/serial.txt" | cut -d' ' -f2- |
          python3 -c '
import json, sys
want_sender, size = sys.argv[1], int(sys.argv[2])
seqs = []
for line in sys.stdin:
    e = json.loads(line)
    m = e.get("MESSAGE", "")
    ok = (e.get("NETCONSOLE_SENDER") == want_sender and e.get("PRIORITY") == "6"
          and m.startswith("loadgen record ") and len(m) == size
          and m.split()[2] == e.get("NETCONSOLE_SEQ"))
    if not ok:
        print("FAIL unexpected entry: %s" % json.dumps(e)[:300]); sys.exit()
    seqs.append(e["NETCONSOLE_SEQ"])
print(("PASS" if seqs == ["0", "1", "2"] else "FAIL") +
      " journal entries from %s, priority 6, %d-byte messages whole, seq %s" % (want_sender, size, ",".join(seqs)))
' "$ROUTER_IP4" "$LS_TEXT")
    check "$1.journal" "${out%% *}" "${out#* }"
}

# --- panicdog, panic7 --------------------------------------------------------------
# pd_panic PORT BACK: the first boot sets up panic-watchdog and a target to PORT,
# logs a marker and panics (echo c > /proc/sysrq-trigger); the boot after the
# watchdog's reset checks that systemd drives the watchdog again and that the
# target BACK (made at boot by a unit) is there, and logs a marker through it.
pd_panic() {
    if [ ! -e /var/lib/ncs-vm/panicked ]; then
        run_tool setup panic-watchdog --watchdog-sec 10
        systemctl daemon-reexec
        same runtime-watchdog "$(systemctl show -p RuntimeWatchdogUSec --value)" 10s
        same kernel-panic "$(cat /proc/sys/kernel/panic)" 0
        run_tool target apply --to "$DOCTOR_IP4" --port "$1" --name pd --extended
        run_tool check-panic status --check-panic
        echo "$VM_BOOT_NO" >/var/lib/ncs-vm/panicked
        sync
        kmsg "$(marker before)"
        sleep 1
        echo "NCS-PANIC $VM_CASE"
        sleep 0.3
        echo c >/proc/sysrq-trigger
        sleep infinity
    fi
    # The boot after the watchdog's reset.
    result back PASS "boot $VM_BOOT_NO; boot $(cat /var/lib/ncs-vm/panicked) panicked"
    same runtime-watchdog-back "$(systemctl show -p RuntimeWatchdogUSec --value)" 10s
    nc_expect back-target 30 "$2" enabled 1
    kmsg "$(marker back)"
}

panicdog_guest() { pd_panic 6757 w4; }

panic7_root() {
    echo "--to $DOCTOR_IP4 --port 6772 --name p7b" >"$1/etc/netconsole-setup.conf"
    systemctl --root="$1" enable -q netconsole-setup.service
}

panic7_guest() {
    if [ ! -e /var/lib/ncs-vm/panicked ]; then
        # The control: as Debian boots it here (panic=-1), the panic is lost on 7.x.
        same control-panic "$(cat /proc/sys/kernel/panic)" -1
        run_tool control-apply apply --to "$DOCTOR_IP4" --port 6771 --name pd --extended
        case $ERR in
            *"a panic will not reach the doctor"*) result control-warning PASS "$ERR" ;;
            *) result control-warning FAIL "apply did not warn: '$ERR'" ;;
        esac
        netconsole-setup status --check-panic >/dev/null 2>/tmp/check-panic.err
        ERR="exit $? $(tr '\n' '|' </tmp/check-panic.err)"
        case $ERR in
            "exit 1 netconsole-setup: error: on Linux "*" a panic will not reach the doctor: kernel.panic=-1 reboots before netconsole is flushed|"*)
                result control-check-panic PASS "status --check-panic: $ERR" ;;
            *) result control-check-panic FAIL "status --check-panic: $ERR" ;;
        esac
    fi
    pd_panic 6771 p7b
}

# pd_host CASE PANIC BACK: every line of the panic, from "sysrq: Trigger a crash"
# to "end Kernel panic" on the serial console, arrived at PANIC in order; the
# kernel booted again after it; the marker of the boot after reached BACK.
pd_host() {
    local out
    out=$(python3 - "$dir/serial.txt" "$(recv_file "$2")" <<'PY'
import json, re, sys
serial = [re.sub(r"^\[ *[0-9.]+\] ", "", l.rstrip("\n")) for l in open(sys.argv[1], errors="replace")]
got = [json.loads(l)["text"] for l in open(sys.argv[2]) if l.startswith("{")]
def panic(lines):
    start = next((i for i, l in enumerate(lines) if l.startswith("sysrq: Trigger a crash")), None)
    end = next((i for i, l in enumerate(lines) if start is not None and i >= start and "end Kernel panic" in l), None)
    return None if end is None else lines[start:end + 1]
want, have = panic(serial), panic(got)
if want is None:
    print("FAIL no panic from 'sysrq: Trigger a crash' to 'end Kernel panic' on the serial console")
elif have != want:
    print("FAIL the doctor got %s of the panic's %d lines" % (len(have) if have else 0, len(want)))
else:
    print("PASS all %d lines from '%s' to '%s' arrived, in order" % (len(want), want[0], want[-1]))
PY
)
    check "$1.panic-whole" "${out%% *}" "${out#* }"
    # grep without -q reads to the end: with -q sed could die of SIGPIPE, and the
    # host's pipefail would turn a match into a failure.
    if grep -aq 'end Kernel panic' "$dir/serial.txt" &&
       sed -n '/end Kernel panic/,$p' "$dir/serial.txt" | grep -a 'Linux version' >/dev/null; then
        check "$1.reset" PASS "the kernel booted again after the panic (the watchdog's reset)"
    else
        check "$1.reset" FAIL "no boot after the panic on the serial console"
    fi
    expect_received "$1" back-arrived "$3" "$(marker "$1" back)"
}

panicdog_host() { pd_host "$1" listen:6757 listen:6752; }
panic7_host() { pd_host "$1" listen:6771 listen:6772; }
