# Cases of the installed guest (run.sh --guest installed; issue 22): netconsole
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
FL_PORT=6755 EC_PORT=6756

# fl_value PORT: the tool's kernel argument for the installed guest (host only:
# it reads the Debian root, $kroot, and its kernel, $kver).
fl_value() {
    "$tool" --root "$kroot" cmdline --to "$DOCTOR_IP4" --port "$1" --dev ens2 \
        --src "$GUEST_IP4" --mac "$ROUTER_MAC" --kernel "$kver" 2>/dev/null
}
if [ -z "${VM_RUN:-}" ] && [ "${guest:-}" = installed ]; then
    FL_CMDLINE=$(fl_value "$FL_PORT")
    vm_case firstline --guest installed --listen "listen:$FL_PORT" --cmdline "$FL_CMDLINE" --seconds 60
    # The same target, and init= naming a program that prints the crash line
    # and exits: the kernel panics ("Attempted to kill init") as PID 1 exits,
    # the first program after the initramfs, before systemd ran anything.
    vm_case earlycrash --guest installed --crash --qemu "-no-reboot" --listen "listen:$EC_PORT" \
        --cmdline "$(fl_value "$EC_PORT") init=/vm/crash-init" --seconds 60
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
    # The tool's own check, from the .deb, on the image update-initramfs built: both
    # netconsole and the NIC's driver (e1000, read from sysfs) in it, read without
    # lsinitramfs (Debian 12's image: an early cpio, then the zstd-compressed one).
    local check
    check=$(/usr/sbin/netconsole-setup cmdline --to "$DOCTOR_IP4" --port "$FL_PORT" --dev ens2 \
        --src "$GUEST_IP4" --mac "$ROUTER_MAC" --check-initramfs 2>&1)
    # printf, not <<<: every case file is read by the busybox guests' sh too.
    if printf '%s\n' "$check" |
        grep -qxF "netconsole-setup: note: /boot/initrd.img-$(uname -r) holds netconsole.ko and e1000.ko"; then
        result check-initramfs PASS "cmdline --check-initramfs: $(printf '%s\n' "$check" | grep -F 'holds')"
    else
        result check-initramfs FAIL "cmdline --check-initramfs: $(printf '%s\n' "$check" | tr '\n' '|')"
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

# --- earlycrash -----------------------------------------------------------------
earlycrash_root() {
    printf '#!/bin/sh\necho NCS-CRASH earlycrash\nsleep 0.3\nexit 1\n' >"$1/vm/crash-init"
    chmod 0755 "$1/vm/crash-init"
}

# panic=-1: the kernel restarts at once, which -no-reboot makes QEMU's exit.

earlycrash_host() {
    local out
    out=$(python3 - "$dir/serial.txt" "$(recv_file "listen:$EC_PORT")" <<'PY'
import json, re, sys
serial = [re.sub(r"^\[ *[0-9.]+\] ", "", l.rstrip("\n")) for l in open(sys.argv[1], errors="replace")]
got = [json.loads(l)["text"] for l in open(sys.argv[2]) if l.startswith("{")]
# From the panic line to its end: "end Kernel panic", or with panic=-1 (the
# kernel restarts before printing it) the last line before the reset.
def panic(lines, count=None):
    start = next((i for i, l in enumerate(lines) if l.startswith("Kernel panic - not syncing: Attempted to kill init")), None)
    if start is None:
        return None
    end = next((i for i, l in enumerate(lines) if i >= start and "end Kernel panic" in l), len(lines) - 1)
    return lines[start:end + 1] if count is None else lines[start:start + count]
want = panic([l for l in serial if l])
have = panic(got, len(want)) if want else None
if want is None:
    print("FAIL no panic on the serial console")
elif have != want:
    print("FAIL the doctor got %s of the panic's %d lines: %s" % (len(have) if have else 0, len(want), " | ".join((have or got[-5:]))[:400]))
else:
    print("PASS all %d lines from '%s' to '%s' arrived, in order" % (len(want), want[0], want[-1]))
PY
)
    check "$1.panic-whole" "${out%% *}" "${out#* }"
    expect_line "$1" first-line "listen:$EC_PORT" "\"text\":\"Linux version $kver "
}
