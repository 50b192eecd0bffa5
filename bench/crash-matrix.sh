#!/bin/bash
# Benchmark: will a crash reach the doctor? (issue 19). Runs the vm tier's crash
# case (tests/vm/cases/96-crash.sh: a sysrq panic with an extended and a plain
# target made by `apply` and a boot-time netconsole= target) on each kernel and
# prints the matrix kernel x mode -> the lines each target delivered out of
# the lines the guest's serial console printed from "sysrq: Trigger a crash"
# on, the time from the "Kernel panic - not syncing" line on the serial console
# to its arrival at the doctor (the serial line timestamped on the host, polled
# every 5 ms; listen's "received"; both host clocks: a negative value is the
# poll's resolution), how the boot ended and whether apply warned.
#   bench/crash-matrix.sh [BINARY] [KERNEL...]     run the vm tier, then print
#   bench/crash-matrix.sh --parse OUTPUT...        from saved run.sh outputs
# Defaults: build/release (preset release), every kernel (debian12 debian13
# unstable); the kernel cache is NCS_VM_CACHE (default build/dev/vm-cache).
# Needs root (the vm tier). TCG time is host CPU time: an idle host gives the
# figures the README quotes.
set -uo pipefail
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
modes="crashreboot crashdelay crashhalt crashdog crashkdump crashoops"

# matrix OUTPUT...: the table from run.sh outputs (its PASS/FAIL lines).
matrix() {
    python3 - "$@" <<'PY'
import re, sys
modes = [("crashreboot", "panic=-1"), ("crashdelay", "panic=10"), ("crashhalt", "panic=0"),
         ("crashdog", "panic=0 + i6300esb watchdog"), ("crashkdump", "crash kernel loaded (kdump)"),
         ("crashoops", "oops, panic_on_oops=0 (then 1: next row)"), ("crashoops", "oops, panic_on_oops=1, panic=0")]
rows = {}
kernels = []
for path in sys.argv[1:]:
    for line in open(path, errors="replace"):
        m = re.match(r"---- vm tier on (\S+) \((\S+)\)", line)
        if m:
            kernels.append((m.group(1), m.group(2)))
        m = re.match(r"(PASS|FAIL) (\S+)/(crash[a-z]+)\.(\S+) (.*)", line.rstrip("\n"))
        if not m:
            continue
        verdict, kernel, mode, check, detail = m.groups()
        r = rows.setdefault((kernel, mode), {"fail": 0})
        if verdict == "FAIL":
            r["fail"] += 1
        if check in ("figures", "oops-figures"):
            r[check] = dict((p.split()[0], p.split()[1:]) for p in detail.split("; "))
        elif check == "ended":
            r["ended"] = detail.split(": ")[1].split(",")[0]
        elif check == "warning":
            r["warned"] = "yes" if "a panic will not reach the doctor" in detail else (
                "no" if verdict == "PASS" else "no (expected: yes)")
        elif check == "fixed":
            r["fixed"] = True
        elif check == "capture-marker":
            r["capture"] = "yes" if verdict == "PASS" else "no"
print("| kernel | mode | extended | plain | boot-time netconsole= | panic (oops) line -> doctor | boot ended | apply warned | checks failed (boot) |")
print("|---|---|---|---|---|---|---|---|---|")
for kernel, release in kernels:
    for n, (mode, label) in enumerate(modes):
        r = rows.get((kernel, mode))
        figures = "oops-figures" if label.startswith("oops, panic_on_oops=0") else "figures"
        if r is None or figures not in r:
            continue
        f = r[figures]
        cells, delays = [], []
        for kind in ("extended", "plain", "boot-time"):
            sent, delay = f[kind][0], " ".join(f[kind][1:])
            cells.append(sent)
            if delay != "-":
                delays.append(float(delay.split()[0]) * 1000)
        delay = ("%.0f..%.0f ms" % (min(delays), max(delays))) if delays else "never"
        if figures == "oops-figures":
            r = dict(r, ended="lives on")
        if r.get("fixed"):
            label += ", fixed with panic-watchdog"
        ended = r.get("ended", "?")
        if mode == "crashkdump" and "capture" in r:
            ended += "; capture kernel's own netconsole: " + r["capture"]
        print("| %s (%s) | %s | %s | %s | %s | %s | %s | %s | %d |" % (
            kernel, release, label, cells[0], cells[1], cells[2], delay, ended,
            r.get("warned", "?"), r["fail"]))
PY
}

if [[ ${1:-} == --parse ]]; then
    shift
    matrix "$@"
    exit
fi
. "$bench/vm-bench-lib.sh"
vm_bench_setup crash-matrix "$@"
status=0 outputs=()
for k in "${kernels[@]}"; do
    args=()
    for m in $modes; do args+=(--case "$m"); done
    start=$(date +%s)
    if ! "$bench/../tests/vm/run.sh" --tool "$tool" --cache "$cache" --work "$work/$k" \
            --kernel "$k" "${args[@]}" >"$work/$k.out" 2>&1; then
        echo "vm run on $k: $(grep -c '^FAIL' "$work/$k.out") checks failed: $(grep -E '^FAIL' "$work/$k.out" | head -n 3 | cut -c1-160 | tr '\n' '|')" >&2
        status=1
    fi
    echo "$k: the crash case took $(($(date +%s) - start)) s ($(grep -o 'boot[0-9]* boot took [0-9.]* s' "$work/$k.out" | awk '{print $4}' | paste -sd+) s of boots)"
    outputs+=("$work/$k.out")
done
echo
matrix "${outputs[@]}"
exit $status
