# Case: a real panic (`echo c > /proc/sysrq-trigger`) reaches the doctor, or the
# tool said beforehand that it would not (issue 19). Each mode is a boot of its
# own that ends in the crash:
#   crashreboot  panic=-1: the kernel reboots at once (QEMU exits: -no-reboot);
#   crashdelay   panic=10; on 7.x, after apply's warning, `panic-watchdog` (the
#                fix: kernel.panic=0, a watchdog drop-in) and the guest arms the
#                i6300esb itself: the panic arrives and the watchdog resets it;
#   crashhalt    panic=0: the guest stays down; QEMU is stopped as soon as the
#                doctor has "end Kernel panic" from every target;
#   crashdog     panic=0 with QEMU's i6300esb (-action watchdog=reset), armed
#                and pinged once: every line arrives, then the watchdog resets;
#   crashkdump   crashkernel=256M and a capture kernel (the same kernel and a
#                busybox initramfs, guest/capture-init) loaded with
#                kexec_file_load(KEXEC_FILE_ON_CRASH) as kdump does; its own
#                netconsole.netconsole= (what KDUMP_CMDLINE_APPEND would add)
#                sends the capture kernel's messages to a fourth port;
#   crashoops    panic=0, an oops from a module built against Debian's
#                linux-headers of the booted kernel (guest/ncs_oops.c): first
#                with panic_on_oops=0 (the guest lives on; the oops reaches the
#                doctor; on 7.x the printing thread sends it), then
#                panic_on_oops=1 (the oops and the panic).
# Targets, each to its own listen:PORT receiver: apply --extended (port P),
# apply plain (P+1), and the boot-time target from netconsole.netconsole= on
# the kernel command line (P+2, extended; the value `netconsole-setup cmdline
# --module` prints, computed on the host by the same tool).
#
# The host asserts that every line the guest's serial console printed from
# "sysrq: Trigger a crash" to "end Kernel panic" (or to the capture kernel's
# "Linux version") arrived at each target, in order, the extended ones with
# contiguous sequence numbers and listen's lost count 0. Where the kernel cannot
# deliver (7.x with kernel.panic != 0 or a crash kernel loaded: netconsole is an
# nbcon console flushed only at the end of vpanic(), after kexec and the
# reboot), it asserts apply's warning instead and that no line from the panic
# on arrived.
#
# ignore_loglevel: the guest's console log level (6, set by the init) keeps
# levels 6 and 7 off both consoles, and a record kept off an extended console
# still takes a sequence number, which listen counts as lost (it cannot tell).
# With every record on both consoles the serial console and netconsole print
# the same set, the sequence numbers are contiguous and lost must be exactly 0.
# (From the panic on the kernel prints everything anyway: console_verbose().)

# cr_port CASE: the first of the mode's ports (extended, plain, boot-time, capture).
cr_port() {
    case $1 in
        crashreboot) echo 6711 ;;
        crashdelay) echo 6715 ;;
        crashhalt) echo 6719 ;;
        crashdog) echo 6723 ;;
        crashkdump) echo 6727 ;;
        crashoops) echo 6731 ;;
    esac
}

# cr_value PORT: the boot-time target's kernel argument for PORT.
cr_value() {
    "${tool:-netconsole-setup}" cmdline --module --to "$DOCTOR_IP4" --port "$1" --dev eth0 \
        --src "$GUEST_IP4" --mac "$ROUTER_MAC" --extended 2>/dev/null
}

CR_WATCHDOG="-device i6300esb -action watchdog=reset"

# cr_register CASE PANIC EXTRA_CMDLINE [vm_case OPTION]...: the mode's boot (on
# the host only: the guest does not need the tool's value).
cr_register() {
    local name=$1 panic=$2 extra=$3 port
    shift 3
    [ -n "${VM_RUN:-}" ] && return 0
    port=$(cr_port "$name")
    vm_case "$name" --crash --seconds 45 \
        --listen "listen:$port" --listen "listen:$((port + 1))" --listen "listen:$((port + 2))" \
        --cmdline "panic=$panic ignore_loglevel $(cr_value $((port + 2)))$extra" "$@"
}
cr_register crashreboot -1 ""
cr_register crashdelay 10 "" --qemu "$CR_WATCHDOG"
cr_register crashhalt 0 ""
cr_register crashdog 0 "" --qemu "$CR_WATCHDOG"
cr_register crashkdump -1 " crashkernel=256M" --memory 768M --listen "listen:$(($(cr_port crashkdump) + 3))"
cr_register crashoops 0 ""

# The capture kernel's command line: what kdump-tools gives it (reset_devices
# nr_cpus=1 irqpoll nousb) plus the netconsole.netconsole= a user would add
# with KDUMP_CMDLINE_APPEND, to the fourth port.
cr_capture_cmdline() {
    echo "console=ttyS0 ignore_loglevel reset_devices nr_cpus=1 irqpoll nousb panic=-1 mitigations=off $(cr_value $(($(cr_port crashkdump) + 3)))"
}

# --- Guest --------------------------------------------------------------------
crashreboot_guest() { cr_guest; }
crashdelay_guest() { cr_guest; }
crashhalt_guest() { cr_guest; }
crashdog_guest() { cr_guest; }
crashkdump_guest() { cr_guest; }
crashoops_guest() { cr_guest; }

# cr_arm: the i6300esb driver (2 s heartbeat: a reset about two heartbeats
# after the last ping), /dev/watchdog opened and pinged once, and kept open
# (closed without the magic 'V' it would go on anyway).
cr_arm() {
    [ -e /dev/watchdog ] || modprobe i6300esb heartbeat=2 2>/tmp/wd.err
    if wait_for 5 [ -e /dev/watchdog ] && exec 3>/dev/watchdog && echo x >&3; then
        result armed PASS "$(cat /sys/class/watchdog/watchdog0/identity 2>&1), timeout $(cat /sys/class/watchdog/watchdog0/timeout 2>&1) s"
    else
        result armed FAIL "no /dev/watchdog: $(cat /tmp/wd.err)"
    fi
}

# cr_warning CHECK EXPECTED CAUSE: apply's stderr ($ERR) holds the warning that
# a panic will not reach the doctor (EXPECTED yes) naming CAUSE, or none (no).
cr_warning() {
    local got=no
    case $ERR in *"a panic will not reach the doctor"*) got=yes ;; esac
    if [ "$got" != "$2" ]; then
        result "$1" FAIL "warning expected: $2, stderr: '$ERR'"
    elif [ "$got" = yes ]; then
        case $ERR in
            *"$3"*) result "$1" PASS "$ERR" ;;
            *) result "$1" FAIL "the warning does not name '$3': '$ERR'" ;;
        esac
    else
        result "$1" PASS "no warning on $(uname -r) with kernel.panic=$(cat /proc/sys/kernel/panic), kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
    fi
}

# cr_status CHECK EXPECTED: `status` says for every target that a panic is lost
# (EXPECTED yes) or reaches the doctor (no), and `status --check-panic` exits 1
# or 0 accordingly, as a monitoring system would see it.
cr_status() {
    local out want rc bad
    out=$(netconsole-setup status 2>/dev/null)
    if [ "$2" = yes ]; then want="panic: lost (" rc=1; else want="panic: reaches the doctor" rc=0; fi
    bad=$(printf '%s\n' "$out" | grep 'panic: ' | grep -vF "$want")
    if ! printf '%s\n' "$out" | grep -q 'panic: '; then
        result "$1" FAIL "no panic: line in status: $out"
    elif [ -n "$bad" ]; then
        result "$1" FAIL "expected '$want' for every target, got: $bad"
    else
        result "$1" PASS "$(printf '%s\n' "$out" | grep 'panic: ' | sort -u | tr '\n' ' ')"
    fi
    netconsole-setup status --check-panic >/dev/null 2>&1
    same "$1-check-panic" "exit $?" "exit $rc"
}

cr_guest() {
    local port lost=no cause panic out
    port=$(cr_port "$VM_CASE")
    if [ "$VM_CASE" = crashkdump ]; then
        if out=$(/vm/crash/kexec-crash /vm/crash/vmlinuz /vm/crash/initrd.gz "$(cat /vm/crash/cmdline)" 2>&1); then
            same crash-kernel-loaded "$(cat /sys/kernel/kexec_crash_loaded)" 1
        else
            result crash-kernel-loaded FAIL "$out; $(dmesg | grep -iE 'kexec|crash' | tail -n 3)"
        fi
    fi
    panic=$(cat /proc/sys/kernel/panic)
    if release_at_least 7.0; then
        if [ "$(cat /sys/kernel/kexec_crash_loaded)" = 1 ]; then
            lost=yes cause="a crash kernel is loaded (kdump)"
        elif [ "$panic" != 0 ]; then
            lost=yes cause="kernel.panic=$panic reboots before netconsole is flushed"
        fi
    fi
    # The boot-time target: netconsole picks netconsole.netconsole= up from /proc/cmdline.
    if out=$(modprobe netconsole 2>&1); then
        result boot-target PASS "modprobe netconsole: $(dmesg | grep -E 'netconsole: network logging' | tail -n 1)"
    else
        result boot-target FAIL "modprobe netconsole: $out"
    fi
    run_tool apply-extended apply --to "$DOCTOR_IP4" --port "$port" --extended --name crx
    cr_warning warning "$lost" "$cause"
    run_tool apply-plain apply --to "$DOCTOR_IP4" --port $((port + 1)) --name crp
    cr_status status "$lost"
    if [ "$VM_CASE" = crashdelay ] && [ $lost = yes ]; then
        # The fix: it needs a hardware watchdog, so the driver is there first.
        modprobe i6300esb heartbeat=2
        if netconsole-setup panic-watchdog --help >/dev/null 2>&1; then
            run_tool fix panic-watchdog
            same fix-panic "$(cat /proc/sys/kernel/panic)" 0
            if grep -qs RuntimeWatchdogSec= /etc/systemd/system.conf.d/*.conf; then
                result fix-dropin PASS "$(grep -h RuntimeWatchdogSec= /etc/systemd/system.conf.d/*.conf)"
            else
                result fix-dropin FAIL "no RuntimeWatchdogSec= in /etc/systemd/system.conf.d: $(ls /etc/systemd/system.conf.d 2>&1)"
            fi
            # The remove form puts the recorded kernel.panic back, live; then the fix again.
            run_tool fix-remove panic-watchdog --remove
            same fix-removed-panic "$(cat /proc/sys/kernel/panic)" "$panic"
            run_tool fix-again panic-watchdog
            same fix-again-panic "$(cat /proc/sys/kernel/panic)" 0
            run_tool apply-after-fix apply --to "$DOCTOR_IP4" --port "$port" --extended --name crx
            cr_warning warning-after-fix no ""
            cr_status status-after-fix no
            # No systemd in this guest: it arms the watchdog itself, as systemd would.
            [ "$(cat /proc/sys/kernel/panic)" = 0 ] && result fixed PASS "kernel.panic=0, watchdog armed"
        else
            result fix FAIL "this netconsole-setup has no panic-watchdog (issue 19's fix, branch i19-cli)"
        fi
    fi
    kmsg "$(marker before)"
    # Every target sent it before the crash (the 7.x printing thread sends later).
    host_do seen "$(marker before)" || result before-sent FAIL "host_do seen: status $?"
    case $VM_CASE in
        crashdog) cr_arm ;;
        crashdelay) [ "$(cat /proc/sys/kernel/panic)" = 0 ] && cr_arm ;;
        crashoops) cr_oops; return ;;
    esac
    crash_now
}

# cr_oops: an oops that does not panic, then one that does (crashoops). The
# write runs in a child shell: the oops kills the writer, which must not be init.
cr_oops() {
    local out
    if out=$(insmod /vm/ncs_oops.ko 2>&1); then
        result module PASS "ncs_oops loaded on $(uname -r)"
    else
        result module FAIL "insmod ncs_oops.ko: $out"
        return
    fi
    echo 0 >/proc/sys/kernel/panic_on_oops
    sh -c 'echo oops >/proc/ncs_oops' 2>/dev/null
    if dmesg | grep -q 'ncs_oops: oops requested (oops)'; then
        result oops-survived PASS "oopsed, the writer killed, the guest lives on (tainted $(cat /proc/sys/kernel/tainted))"
    else
        result oops-survived FAIL "no oops in the kernel log"
    fi
    host_do seen "---[ end trace" || result oops-sent FAIL "host_do seen: status $?"
    echo 1 >/proc/sys/kernel/panic_on_oops
    crash_now sh -c 'echo panic >/proc/ncs_oops'
}

# --- Host: during the boot --------------------------------------------------------
# cr_files CASE: the receiver files of the case's three targets.
cr_files() {
    local port
    port=$(cr_port "$1")
    echo "$(recv_file listen:$port) $(recv_file listen:$((port + 1))) $(recv_file listen:$((port + 2)))"
}

# cr_all_have CASE TEXT: every target's receiver has a record holding TEXT.
cr_all_have() {
    local f
    for f in $(cr_files "$1"); do
        grep -qF -- "$2" "$f" || return 1
    done
}

# <case>_do_seen MARKER (host_do): wait up to 15 s for MARKER at every target.
cr_do_seen() {
    local i=0
    while [ $i -lt 75 ]; do
        cr_all_have "$1" "$2" && return 0
        sleep 0.2
        i=$((i + 1))
    done
    return 1
}
crashreboot_do_seen() { cr_do_seen crashreboot "$1"; }
crashdelay_do_seen() { cr_do_seen crashdelay "$1"; }
crashhalt_do_seen() { cr_do_seen crashhalt "$1"; }
crashdog_do_seen() { cr_do_seen crashdog "$1"; }
crashkdump_do_seen() { cr_do_seen crashkdump "$1"; }

# <case>_stop DIR: the guest has done all it will do (see boot() in host-lib.sh).
# panic=0 stays down: stop once the doctor has the last line from every target.
crashhalt_stop() { cr_all_have crashhalt "end Kernel panic"; }
crashoops_stop() { cr_all_have crashoops "end Kernel panic"; }
crashoops_do_seen() { cr_do_seen crashoops "$1"; }
# panic=10: the console's last line before the delay is "Rebooting in 10
# seconds..". 6.x sent it all before the delay: stop once every target has it;
# 7.x without the fix sends nothing (its flush comes after the reboot): the
# console's line is enough. With the fix the watchdog's reset ends the boot.
crashdelay_stop() {
    grep -aq "NCS-RESULT crashdelay.fixed PASS" "$1/serial.log" && return 1
    if release_at_least 7.0; then
        grep -aq "Rebooting in " "$1/serial.log"
    else
        cr_all_have crashdelay "Rebooting in "
    fi
}
# kdump: the capture kernel has booted and logged its marker (and 2 s for it to
# reach the doctor).
CR_CAPTURED=
crashkdump_stop() {
    grep -aq "^NCS-CAPTURE done" "$1/serial.log" || return 1
    [ -n "$CR_CAPTURED" ] || CR_CAPTURED=$(date +%s)
    grep -qF "ncs-capture-$run_id" "$(recv_file listen:$(($(cr_port crashkdump) + 3)))" ||
        [ $(($(date +%s) - CR_CAPTURED)) -ge 2 ]
}

# crashkdump_initramfs DIR: the crash kernel for the guest to load: the
# kexec_file_load program (guest/kexec-crash.c, static), the booted kernel's
# compressed image (kexec_file_load takes a bzImage), the capture initramfs and
# its command line.
crashkdump_initramfs() {
    local d=$1/vm/crash root=$work/capture vmlinuz moddir m n i=10
    mkdir -p "$d" || return 1
    gcc -static -O2 -Wall -o "$d/kexec-crash" "$here/guest/kexec-crash.c" || return 1
    for vmlinuz in "$kroot/boot/vmlinuz-$kver" "$kroot/usr/lib/modules/$kver/vmlinuz"; do
        [ -e "$vmlinuz" ] && break
    done
    cp "$vmlinuz" "$d/vmlinuz" || return 1
    cr_capture_cmdline >"$d/cmdline"
    rm -rf "$root" && mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/modules" || return 1
    install -m 0755 /bin/busybox "$root/bin/busybox" && ln -s busybox "$root/bin/sh" || return 1
    install -m 0755 "$here/guest/capture-init" "$root/init" || return 1
    echo "VM_RUN=$run_id" >"$root/env"
    moddir=$kroot/lib/modules/$kver
    [ -d "$moddir" ] || moddir=$kroot/usr/lib/modules/$kver
    # busybox insmod takes no compressed module: unpacked here, numbered in load order.
    for m in $(module_closure "$kroot" "$kver" e1000 netconsole); do
        n=${m##*/} n=${n%%.ko*}
        case $m in
            *.xz) xz -dc "$moddir/$m" ;;
            *.zst) zstd -dcq "$moddir/$m" ;;
            *) cat "$moddir/$m" ;;
        esac >"$root/modules/$i-$n.ko" || return 1
        i=$((i + 1))
    done
    (cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$d/initrd.gz"
}

# crashoops_initramfs DIR: the oops module, built against the booted kernel's
# headers (fetch-headers.sh, into the kernel cache). Without the kernel's own
# compiler (6.12 was built with gcc 14, 7.x with gcc 16; a Debian 12 host has
# gcc 12) the host's gcc builds it, with -falign-functions, the kernel's own
# fallback for compilers without -fmin-function-alignment (gcc < 14). No BTF
# for it: that needs pahole and vmlinux, and an oops does not.
crashoops_initramfs() {
    local headers build=$work/ncs-oops kcc cc_args=
    headers=$("$here/fetch-headers.sh" "$cache" "$kernel" "$kver") || return 1
    rm -rf "$build" && mkdir -p "$build" "$1/vm" || return 1
    cp "$here/guest/ncs_oops.c" "$build/" && echo 'obj-m := ncs_oops.o' >"$build/Kbuild" || return 1
    kcc=$(sed -n 's/^CC = .*\(gcc-[0-9]*\)$/\1/p' "$headers/.kernelvariables")
    command -v "x86_64-linux-gnu-$kcc" >/dev/null || command -v "$kcc" >/dev/null ||
        cc_args="CC=gcc CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT="
    echo "crashoops: ncs_oops.ko for $kver with ${cc_args:-$kcc}" >"$build/make.log"
    # shellcheck disable=SC2086 # cc_args: make's arguments, words
    make -s -C "$headers" M="$build" CONFIG_DEBUG_INFO_BTF_MODULES= $cc_args modules >>"$build/make.log" 2>&1 ||
        { echo "crashoops: building ncs_oops.ko failed: $(tail -n 5 "$build/make.log")" >&2; return 1; }
    cp "$build/ncs_oops.ko" "$1/vm/ncs_oops.ko"
}

# --- Host: after the boot ---------------------------------------------------------
crashreboot_host() { cr_host "$1"; }
crashdelay_host() { cr_host "$1"; }
crashhalt_host() { cr_host "$1"; }
crashdog_host() { cr_host "$1"; }
crashkdump_host() { cr_host "$1"; }
crashoops_host() { cr_host "$1"; }

cr_host() {
    local name=$1 port lost=no fixed=no want_end out f spec summary line
    port=$(cr_port "$name")
    grep -q "NCS-RESULT $name.fixed PASS" "$dir/serial.txt" && fixed=yes
    if release_at_least 7.0 && [ $fixed = no ]; then
        case $name in crashreboot | crashdelay | crashkdump) lost=yes ;; esac
    fi
    case $name in
        crashreboot) want_end=reset ;;
        crashdog) want_end=reset ;;
        crashdelay) want_end=stopped; [ $fixed = yes ] && want_end=reset ;;
        *) want_end=stopped ;;
    esac
    if [ "$boot_end" = "$want_end" ]; then
        check "$name.ended" PASS "the boot ended: $boot_end"
    else
        check "$name.ended" FAIL "the boot ended: $boot_end, expected $want_end"
    fi
    for f in $(cr_files "$name"); do
        grep -qF -- "$(marker "$name" before)" "$f" ||
            check "$name.before" FAIL "the marker logged before the crash is not in $f"
    done
    if [ "$name" = crashoops ]; then
        cr_compare "$name" "$lost" oops- "ncs_oops: oops requested (oops)" "---[ end trace" \
            "BUG: kernel NULL pointer dereference"
        cr_compare "$name" "$lost" "" "ncs_oops: oops requested (panic)" "end Kernel panic" \
            "Kernel panic - not syncing"
    else
        cr_compare "$name" "$lost" "" "sysrq: Trigger a crash" "end Kernel panic" \
            "Kernel panic - not syncing"
    fi
    for spec in "listen:$port" "listen:$((port + 1))" "listen:$((port + 2))"; do
        summary=$(listen_summary "$spec")
        case $summary in
            *'"lost":0,'* | *'"lost":0}'*) check "$name.summary-${spec#listen:}" PASS "$summary" ;;
            *) check "$name.summary-${spec#listen:}" FAIL "listen's summary: '$summary'" ;;
        esac
    done
    if [ "$name" = crashkdump ]; then
        if [ "$(grep -c 'Linux version' "$dir/serial.txt")" -ge 2 ] && grep -q '^NCS-CAPTURE start' "$dir/serial.txt"; then
            check "$name.capture-booted" PASS "$(grep '^NCS-CAPTURE start' "$dir/serial.txt")"
        else
            check "$name.capture-booted" FAIL "no capture kernel on the serial console"
        fi
        expect_line "$name" capture-banner "listen:$((port + 3))" '"text":"Linux version '
        expect_received "$name" capture-marker "listen:$((port + 3))" "ncs-capture-$run_id"
    fi
}

# cr_compare CASE LOST TAG START END KEY: the lines the serial console printed
# from the line holding START to the one holding END (or to the capture
# kernel's "Linux version") against what each target delivered after the
# marker logged before the crash: all of them in order (LOST no), or none from
# the line holding KEY on (LOST yes). Checks are named TAG<target>-all|-none,
# TAG<target>-seq (contiguous sequence numbers, none lost: with TAG empty) and
# TAGfigures: per target "<arrived>/<printed> <KEY line's arrival - its
# appearance on the serial console>" (bench/crash-matrix.sh reads them).
cr_compare() {
    local name=$1 out line
    shift
    out=$(python3 - "$dir/serial.txt" "$dir/serial.times" "$(marker "$name" before)" "$@" $(cr_files "$name") <<'PY'
import json, re, sys, datetime
serial, times, before, lost, tag, start_text, end_text, key = sys.argv[1:9]
files = dict(zip(("extended", "plain", "boot-time"), sys.argv[9:12]))
prefix = re.compile(r"^\[\s*\d+\.\d+\] ?")

def kernel_lines(lines):
    return [prefix.sub("", l.rstrip("\n")) for l in lines if prefix.match(l)]

lines = open(serial, errors="replace").read().split("\n")
start = next((i for i, l in enumerate(lines) if start_text in l), None)
if start is None:
    print("FAIL %swindow no '%s' on the serial console" % (tag, start_text))
    sys.exit()
window = []
for l in lines[start:]:
    if window and "Linux version" in l:       # the capture kernel takes over
        break
    if prefix.match(l):
        window.append(prefix.sub("", l))
    if end_text in l:
        break
panic_at = next((i for i, l in enumerate(window) if key in l), None)
if panic_at is not None:
    print("PASS %swindow the serial console printed %d lines from the crash on (%s ... %s)"
          % (tag, len(window), window[0], window[-1]))
elif lost == "yes":
    # 7.x with a crash kernel: the serial console (nbcon too) printed nothing of
    # the panic before kexec either; the panic text is only in the vmcore.
    panic_at = len(window)
    print("PASS %swindow the serial console printed %d line(s) from the crash on and no panic"
          % (tag, len(window)))
else:
    print("FAIL %swindow no '%s' on the serial console" % (tag, key))
    sys.exit()

# When the panic line appeared on the serial console, host time.
t_panic = None
for l in open(times, errors="replace"):
    stamp, _, text = l.rstrip("\n").partition(" ")
    if key in text:
        t_panic = float(stamp)
        break

def epoch(rfc3339):
    return datetime.datetime.strptime(rfc3339, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()

figures = []
for kind, path in files.items():
    records = [json.loads(l) for l in open(path) if l.startswith("{")]
    rx, rx_time = [], []
    # What arrived after the marker logged just before the crash.
    after = max((i for i, r in enumerate(records) if before in r["text"]), default=-1)
    for r in records[after + 1:]:
        for part in r["text"].split("\n"):
            rx.append(prefix.sub("", part).rstrip())
            rx_time.append(r["received"])
    want = [w.rstrip() for w in window]
    # In-order matching of the window against what arrived.
    got, j = [], 0
    for w in want:
        k = j
        while k < len(rx) and rx[k] != w:
            k += 1
        if k < len(rx):
            got.append(k)
            j = k + 1
    delay = "-"
    if t_panic is not None:
        k = next((k for k, t in enumerate(rx) if key in t), None)
        if k is not None:
            delay = "%+.3f s" % (epoch(rx_time[k]) - t_panic)
    figures.append("%s %d/%d %s" % (kind, len(got), len(want), delay))
    if lost == "no":
        first = rx.index(want[0]) if want[0] in rx else -1
        if first >= 0 and rx[first:first + len(want)] == want:
            print("PASS %s%s-all every one of the %d lines arrived, in order, nothing between" % (tag, kind, len(want)))
        else:
            missing = [w for w in want if w not in rx]
            print("FAIL %s%s-all %d of %d lines arrived in order; missing %d, the first: %s"
                  % (tag, kind, len(got), len(want), len(missing), missing[:1]))
    else:
        panic_rx = [t for t in rx if key in t]
        late = [want[i] for i in range(panic_at, len(want)) if want[i] in rx]
        if panic_rx or late:
            print("FAIL %s%s-none %d lines from the panic on arrived although this kernel cannot send them: %s"
                  % (tag, kind, len(late), late[:1]))
        else:
            print("PASS %s%s-none nothing from the panic on arrived (%d of the %d lines before it did)"
                  % (tag, kind, len(got), panic_at))
    if kind != "plain" and not tag:
        seqs = [r["seq"] for r in records]
        gaps = [(a, b) for a, b in zip(seqs, seqs[1:]) if a is None or b is None or b != a + 1]
        lost_before = sum(r["lost_before"] for r in records)
        if seqs and not gaps and lost_before == 0:
            print("PASS %s-seq %d records, sequence numbers %d..%d contiguous, none lost"
                  % (kind, len(seqs), seqs[0], seqs[-1]))
        else:
            print("FAIL %s-seq %d records, gaps %s, lost_before %d" % (kind, len(seqs), gaps[:3], lost_before))
print("PASS %sfigures " % tag + "; ".join(figures))
PY
)
    while IFS= read -r line; do
        set -- $line
        check "$name.$2" "$1" "${line#* * }"
    done <<CR_OUT
$out
CR_OUT
}
