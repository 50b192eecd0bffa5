# Cases of the installed guest (run.sh --guest installed; issue 22): netconsole
# from the first line of boot. The kernel command line carries what
# `netconsole-setup --root <the Debian root> cmdline` prints for it: netconsole
# is a module and initramfs-tools builds the initramfs, so the plain
# netconsole=, on which initramfs-tools' init runs `modprobe netconsole
# netconsole=<value>` before the root is mounted (netconsole.netconsole= would
# wait for systemd-modules-load). The doctor receives the kernel's first line
# ("Linux version", replayed when the module loads) and the lines of the
# initramfs stage (the root's mount); the guest sees netconsole start before
# the root was mounted. From 6.7 the boot-time target shows in configfs only
# once adopted: `apply --name cmdline0` with the same values adopts it (one
# target, each message arrives once).
#   firstline  Debian 12's 6.1 and Debian 13's 6.12 (listen:6755): the device
#              named as udev names it in the initramfs and after (ens2).
#   earlycrash Debian 12: the same target as firstline, and init= a program that
#              exits: the panic ("Attempted to kill init") arrives whole
#   firstmac   the Debian 13 root's 7.2 (listen:6790): the device given to the tool
#              as the e1000's MAC (--dev $GUEST_MAC, Linux 6.15+), so the line
#              names no interface and binds whatever udev calls it
FL_PORT=6755 EC_PORT=6756 FM_PORT=6790

# fl_value PORT: the tool's kernel argument for the installed guest (host only:
# it reads the Debian root, $kroot, and its kernel, $kver).
fl_value() {
    "$tool" --root "$kroot" cmdline --to "$DOCTOR_IP4" --port "$1" --dev ens2 \
        --src "$GUEST_IP4" --mac "$ROUTER_MAC" --kernel "$kver" 2>/dev/null
}
if [ -z "${VM_RUN:-}" ] && [ "${guest:-}" = installed ]; then
    FL_CMDLINE=$(fl_value "$FL_PORT")
    vm_case firstline --guest installed --listen "listen:$FL_PORT" --cmdline "$FL_CMDLINE" --seconds 180
    # The same target, and init= naming a program that prints the crash line
    # and exits: the kernel panics ("Attempted to kill init") as PID 1 exits,
    # the first program after the initramfs, before systemd ran anything.
    vm_case earlycrash --guest installed --kernels debian12 --crash --qemu "-no-reboot" \
        --listen "listen:$EC_PORT" --cmdline "$(fl_value "$EC_PORT") init=/vm/crash-init" \
        --seconds 60
    if [ -n "${kernel_release[unstable]:-}" ]; then
        FM_CMDLINE=$("$tool" --root "$kroot" cmdline --to "$DOCTOR_IP4" --port "$FM_PORT" \
            --dev "$GUEST_MAC" --src "$GUEST_IP4" --mac "$ROUTER_MAC" \
            --kernel "${kernel_release[unstable]}" 2>/dev/null)
        vm_case firstmac --guest installed --kernels debian13 --boot-kernel unstable \
            --listen "listen:$FM_PORT" --cmdline "$FM_CMDLINE" --seconds 90
    fi
fi

# fl_line_of TEXT: the number of the first dmesg line holding TEXT (0: none).
fl_line_of() { dmesg | grep -nF -m1 -- "$1" | cut -d: -f1 | grep . || echo 0; }

# fl_before_root CHECK: netconsole started before the root was mounted (dmesg).
fl_before_root() {
    local started mounted
    started=$(fl_line_of "netconsole: network logging started")
    mounted=$(fl_line_of "EXT4-fs (vda): mounted filesystem")
    if [ "$started" -gt 0 ] && [ "$mounted" -gt "$started" ]; then
        result "$1" PASS "dmesg line $started: netconsole started; line $mounted: the root mounted"
    else
        result "$1" FAIL "netconsole started at dmesg line $started, root mounted at $mounted: $(dmesg | grep -E 'netconsole|netpoll' | tr '\n' '|')"
    fi
}

# fl_check_initramfs CHECK: the tool's own check, from the .deb, on the image
# update-initramfs built: both netconsole and the NIC's driver (e1000, read from
# sysfs) in it, read without lsinitramfs (an early cpio, then the compressed one).
fl_check_initramfs() {
    local check
    check=$(/usr/sbin/netconsole-setup cmdline --to "$DOCTOR_IP4" --port "$FL_PORT" --dev ens2 \
        --src "$GUEST_IP4" --mac "$ROUTER_MAC" --check-initramfs 2>&1)
    # printf, not <<<: every case file is read by the busybox guests' sh too.
    if printf '%s\n' "$check" |
        grep -qxF "netconsole-setup: note: /boot/initrd.img-$(uname -r) holds netconsole.ko and e1000.ko"; then
        result "$1" PASS "cmdline --check-initramfs: $(printf '%s\n' "$check" | grep -F 'holds')"
    else
        result "$1" FAIL "cmdline --check-initramfs: $(printf '%s\n' "$check" | tr '\n' '|')"
    fi
}

# The first boot runs on the image debootstrap's update-initramfs built (Debian's
# MODULES=most holds netconsole and e1000); it then rebuilds the image as an
# administrator who wants a small one would (MODULES=dep: only what the root
# needs), with the tool's own hook to add netconsole and e1000, and reboots: the
# second boot's first line comes from that image.
firstline_guest() {
    if [ -e /var/lib/ncs-vm/firstline-rebuilt ]; then
        fl_before_root before-root-rebuilt
        fl_check_initramfs check-initramfs-rebuilt
        kmsg "$(marker rebuilt)"
        return
    fi
    fl_before_root before-root
    if lsinitramfs "/boot/initrd.img-$(uname -r)" | grep -q '/netconsole\.ko'; then
        result image PASS "/boot/initrd.img-$(uname -r) holds netconsole.ko"
    else
        result image FAIL "/boot/initrd.img-$(uname -r) has no netconsole.ko"
    fi
    fl_check_initramfs check-initramfs
    if release_at_least 6.7; then
        # The boot-time target is invisible until adopted; then it is the one
        # target to the port (the root may carry other cases' boot units).
        same hidden "$(ls $NC_CONFIGFS | grep -c '^cmdline0$')" 0
        run_tool adopt apply --name cmdline0 --to "$DOCTOR_IP4" --port "$FL_PORT" --dev ens2 \
            --src "$GUEST_IP4" --mac "$ROUTER_MAC"
        case $OUT in
            "target cmdline0: adopted"*) result adopted PASS "$OUT" ;;
            *) result adopted FAIL "apply printed '$OUT'" ;;
        esac
        same one-target "$(grep -lx "$FL_PORT" $NC_CONFIGFS/*/remote_port | tr '\n' ' ')" \
            "$NC_CONFIGFS/cmdline0/remote_port "
        same adopted-port "$(cat $NC_CONFIGFS/cmdline0/remote_port)" "$FL_PORT"
        same adopted-enabled "$(cat $NC_CONFIGFS/cmdline0/enabled)" 1
    fi
    echo 6 >/proc/sys/kernel/printk
    kmsg "$(marker booted)"

    # The tool's initramfs-tools hook, beside Debian's stock modules list: no --force.
    local stock
    stock=$(sha256sum </etc/initramfs-tools/modules)
    echo MODULES=dep >/etc/initramfs-tools/conf.d/ncs-vm-modules
    run_tool write-hook cmdline --to "$DOCTOR_IP4" --port "$FL_PORT" --dev ens2 \
        --src "$GUEST_IP4" --mac "$ROUTER_MAC" --write-initramfs-config
    same hook-mode "$(stat -c %a /etc/initramfs-tools/hooks/netconsole-setup)" 755
    same stock-modules "$(sha256sum </etc/initramfs-tools/modules)" "$stock"
    local t0 t1
    read -r t0 _ </proc/uptime
    if update-initramfs -u -v -k "$(uname -r)" >/tmp/update-initramfs.log 2>&1 &&
       grep -qx 'Calling hook netconsole-setup' /tmp/update-initramfs.log; then
        read -r t1 _ </proc/uptime
        result rebuild PASS "update-initramfs -u (MODULES=dep) ran the hook netconsole-setup; ${t0}-${t1} s uptime"
    else
        result rebuild FAIL "update-initramfs: $(tail -n 5 /tmp/update-initramfs.log | tr '\n' '|')"
    fi
    fl_check_initramfs check-initramfs-hook
    touch /var/lib/ncs-vm/firstline-rebuilt
    guest_reboot
}

# fl_first_record CASE FILE: the first record at the doctor (FILE) is the kernel's
# first line, "Linux version" of the booted kernel ($kver).
fl_first_record() {
    local first
    first=$(head -n1 "$2" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["text"])' 2>&1)
    case $first in
        "Linux version $kver "*) check "$1.first-line" PASS "the first record: $first" ;;
        *) check "$1.first-line" FAIL "the first record is '$first'" ;;
    esac
}

# From 6.7 the marker logged after the adoption arrived once: one target.
firstline_host() {
    local f n
    case $FL_CMDLINE in
        netconsole=*) check "$1.spelling" PASS "cmdline printed $FL_CMDLINE" ;;
        *) check "$1.spelling" FAIL "cmdline printed '$FL_CMDLINE', not a plain netconsole=" ;;
    esac
    f=$(recv_file "listen:$FL_PORT")
    fl_first_record "$1" "$f"
    expect_line "$1" initramfs-stage "listen:$FL_PORT" '"text":"EXT4-fs \(vda\): mounted filesystem'
    expect_line "$1" initramfs-run "listen:$FL_PORT" '"text":"Run /init as init process'
    expect_received "$1" booted "listen:$FL_PORT" "$(marker "$1" booted)"
    # The boot from the image the tool's hook built: its first line, then its marker.
    # Not grep -q: sed's SIGPIPE would fail the pipeline (the host's pipefail).
    if sed -n "/$(marker "$1" booted)/,\$p" "$f" | grep -a "\"text\":\"Linux version $kver " >/dev/null; then
        check "$1.first-line-rebuilt" PASS "'Linux version $kver' arrived again after the rebuild"
    else
        check "$1.first-line-rebuilt" FAIL "no 'Linux version' after the first boot's marker"
    fi
    expect_received "$1" rebuilt "listen:$FL_PORT" "$(marker "$1" rebuilt)"
    if release_at_least 6.7; then
        n=$(grep -acF -- "$(marker "$1" booted)" "$f")
        if [ "$n" -eq 1 ]; then
            check "$1.once" PASS "the marker after the adoption arrived once"
        else
            check "$1.once" FAIL "the marker after the adoption arrived $n times"
        fi
    fi
}

# --- firstmac ---------------------------------------------------------------------
# The boot target bound by MAC: netpoll names the device by its MAC alone.
firstmac_guest() {
    fl_before_root before-root
    if dmesg | grep -qF "local ethernet address '$GUEST_MAC'"; then
        result by-mac PASS "$(dmesg | grep -E 'netpoll|netconsole' | grep -E "address '$GUEST_MAC'|interface" | tr '\n' '|')"
    else
        result by-mac FAIL "$(dmesg | grep -E 'netpoll|netconsole' | tr '\n' '|')"
    fi
    kmsg "$(marker booted)"
}

firstmac_host() {
    case $FM_CMDLINE in
        "netconsole=6665@$GUEST_IP4/$GUEST_MAC,"*) check "$1.spelling" PASS "cmdline printed $FM_CMDLINE" ;;
        *) check "$1.spelling" FAIL "cmdline printed '$FM_CMDLINE', not a plain netconsole= with the MAC" ;;
    esac
    fl_first_record "$1" "$(recv_file "listen:$FM_PORT")"
    expect_line "$1" initramfs-run "listen:$FM_PORT" '"text":"Run /init as init process'
    expect_received "$1" booted "listen:$FM_PORT" "$(marker "$1" booted)"
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
