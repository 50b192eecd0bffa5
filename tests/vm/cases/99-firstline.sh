# Case of the installed guest (run.sh --guest installed; issue 22): netconsole
# from the first line of boot. The kernel command line carries what
# `netconsole-setup --root <the Debian root> cmdline` prints for it: netconsole
# is a module and initramfs-tools builds the initramfs, so the plain
# netconsole=, on which initramfs-tools' init runs `modprobe netconsole
# netconsole=<value>` before the root is mounted (netconsole.netconsole= would
# wait for systemd-modules-load). The doctor (listen:6755) receives the
# kernel's first line ("Linux version", replayed when the module loads) and the
# lines of the initramfs stage (the root's mount); the guest sees netconsole
# start before the root was mounted. The device is named as udev names it in
# the initramfs and after (ens2): Linux 6.1 takes no MAC for it (6.15+ does).
FL_PORT=6755

# fl_value: the tool's kernel argument for the installed guest (host only: it
# reads the Debian root, $kroot, and its kernel, $kver).
fl_value() {
    "$tool" --root "$kroot" cmdline --to "$DOCTOR_IP4" --port "$FL_PORT" --dev ens2 \
        --src "$GUEST_IP4" --mac "$ROUTER_MAC" --kernel "$kver" 2>/dev/null
}
if [ -z "${VM_RUN:-}" ] && [ "${guest:-}" = installed ]; then
    FL_CMDLINE=$(fl_value)
    vm_case firstline --guest installed --listen "listen:$FL_PORT" --cmdline "$FL_CMDLINE" --seconds 60
fi

# fl_line_of TEXT: the number of the first dmesg line holding TEXT (0: none).
fl_line_of() { dmesg | grep -nF -m1 -- "$1" | cut -d: -f1 | grep . || echo 0; }

firstline_guest() {
    local started mounted
    started=$(fl_line_of "netconsole: network logging started")
    mounted=$(fl_line_of "EXT4-fs (vda): mounted filesystem")
    if [ "$started" -gt 0 ] && [ "$mounted" -gt "$started" ]; then
        result before-root PASS "dmesg line $started: netconsole started; line $mounted: the root mounted"
    else
        result before-root FAIL "netconsole started at dmesg line $started, root mounted at $mounted: $(dmesg | grep -E 'netconsole|netpoll' | tr '\n' '|')"
    fi
    if lsinitramfs "/boot/initrd.img-$(uname -r)" | grep -q '/netconsole\.ko'; then
        result image PASS "/boot/initrd.img-$(uname -r) holds netconsole.ko"
    else
        result image FAIL "/boot/initrd.img-$(uname -r) has no netconsole.ko"
    fi
    echo 6 >/proc/sys/kernel/printk
    kmsg "$(marker booted)"
}

firstline_host() {
    local f first
    case $FL_CMDLINE in
        netconsole=*) check "$1.spelling" PASS "cmdline printed $FL_CMDLINE" ;;
        *) check "$1.spelling" FAIL "cmdline printed '$FL_CMDLINE', not a plain netconsole=" ;;
    esac
    f=$(recv_file "listen:$FL_PORT")
    first=$(head -n1 "$f" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["text"])' 2>&1)
    case $first in
        "Linux version $kver "*) check "$1.first-line" PASS "the first record: $first" ;;
        *) check "$1.first-line" FAIL "the first record is '$first'" ;;
    esac
    expect_line "$1" initramfs-stage "listen:$FL_PORT" '"text":"EXT4-fs \(vda\): mounted filesystem'
    expect_line "$1" initramfs-run "listen:$FL_PORT" '"text":"Run /init as init process'
    expect_received "$1" booted "listen:$FL_PORT" "$(marker "$1" booted)"
}
