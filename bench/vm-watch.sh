#!/bin/bash
# Benchmark: `netconsole-setup watch` in Debian kernels under QEMU TCG (a stand-in
# for a slow board). Runs the vm tier's watch case (tests/vm/cases/95-watch.sh) on
# each kernel and prints, per change kind, the watcher's own figures from its -v
# lines, for each reconcile that wrote (issue 13):
#   event -> corrected   from the first event of the burst to the writes done
#                        (debounce and the new neighbour's ARP/ND answer included);
#   own share            the same without resolving (the route lookup and waiting
#                        for the neighbour's answer);
#   to the first write   own share without the writes themselves (the kernel's
#                        disable, write, enable of each target);
# and the watcher's CPU time for 3,000 unrelated route additions, then removals,
# with nothing written. The host must be idle: TCG time is host CPU time, and a
# guest's CPU clock runs on while its vCPU waits for the host.
#   bench/vm-watch.sh [BINARY] [KERNEL...]
# Defaults: build/release (preset release), every kernel (debian12 debian13 unstable).
set -uo pipefail
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$bench/vm-bench-lib.sh"
vm_bench_setup vm-watch "$@"
echo
echo "| kernel | change | plans that wrote | event -> corrected, ms | own share, ms | to the first write, ms | resolving, ms | reading configfs, ms | writing, ms |"
echo "|---|---|---|---|---|---|---|---|---|"
status=0
for k in "${kernels[@]}"; do
    if ! "$bench/../tests/vm/run.sh" --tool "$tool" --cache "$cache" --work "$work/$k" \
            --kernel "$k" --case watch >"$work/$k.out" 2>&1; then
        echo "vm run on $k failed: $(grep -E '^FAIL' "$work/$k.out" | head -n 3 | tr '\n' '|')" >&2
        status=1
    fi
    python3 - "$k" "$work/$k/boot0/serial.txt" <<'PY' || status=1
import re, sys
kernel, path = sys.argv[1:3]
changes = ["router-mac", "gateway", "address", "reload", "link", "rename", "bond"]
timing = re.compile(r"planned \d+ target\(s\) ([0-9.]+) ms after the burst's first event "
                    r"\(([0-9.]+) ms after the debounce, ([0-9.]+) ms of it resolving, "
                    r"([0-9.]+) reading configfs, ([0-9.]+) writing\)")
found = {}
storm = None
for line in open(path, errors="replace"):
    m = re.search(r"NCS-RESULT watch\.([a-z-]+)-timing PASS (.*) \[t=", line)
    if m and m.group(1) in changes:
        rows, wrote = [], False
        for part in m.group(2).split("|"):
            if part.startswith("target "):
                wrote = True
            t = timing.search(part)
            if t and wrote:
                e, _, r, rd, w = (float(x) for x in t.groups())
                rows.append((e, e - r, e - r - w, r, rd, w))
            if t:
                wrote = False
        found[m.group(1)] = rows
    m = re.search(r"NCS-RESULT watch\.storm-cpu PASS (.*) \[t=", line)
    if m:
        storm = m.group(1)
fmt = lambda xs: "/".join("%.0f" % x for x in xs)
for c in changes:
    rows = found.get(c, [])
    if not rows:
        print("| %s | %s | 0 | - | - | - | - | - | - |" % (kernel, c))
        continue
    cols = list(zip(*rows))
    print("| %s | %s | %d | %s |" % (kernel, c, len(rows), " | ".join(fmt(col) for col in cols)))
print("| %s | route storm (watcher CPU) | none | %s | - | - | - | - | - |" % (kernel, storm or "no figure"))
if not found or storm is None:
    sys.exit(1)
PY
done
echo
echo "Several values in a cell: one per reconcile that wrote (a change may take more than"
echo "one: IPv4 and IPv6 events of one change can fall into different bursts). NIC reload:"
echo "some writes follow a retry, timed from the retry rather than from an event."
exit $status
