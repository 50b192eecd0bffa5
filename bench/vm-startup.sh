#!/bin/bash
# Benchmark in a Debian kernel under QEMU TCG (a stand-in for a slow board),
# on the vm tier's harness (tests/vm/host-lib.sh: the same namespaces, tap,
# receivers and initramfs, plus the pieces below): an idempotent re-apply in
# Debian's form `netconsole-setup HOST` by the default build, the NCS_STATIC=ON
# build and Debian's netconsole-setup 0.3.1 script, in the same boot, each
# leaving the same configfs target; and `--to`, `--version` against `ip -V` and
# /bin/true. Debian's script comes from the `netconsole` package, fetched with
# `apt-get download` and unpacked with `dpkg -x`, never installed. The guest's
# part is bench/vm-startup-case.sh. Prints a markdown table. Needs root.
#   bench/vm-startup.sh [DEFAULT_BINARY [STATIC_BINARY]] [RUNS] [KERNEL]
# Defaults: build/release and build/static (presets release and static), 10 runs,
# kernel debian12. NCS_BENCH_BASELINE=PATH adds rows for an earlier build (before/after,
# in the same boot).
set -uo pipefail
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
here=$bench/../tests/vm            # host-lib.sh's globals: here tool kernel kver kroot work run_id
tool=$(realpath "${1:-$bench/../build/release/cli/netconsole-setup}")
static=$(realpath "${2:-$bench/../build/static/cli/netconsole-setup}")
SB_RUNS=${3:-10}
kernel=${4:-debian12}
cache=${NCS_VM_CACHE:-$bench/../build/dev/vm-cache}
export NCS_VM_BOOT_TIMEOUT=${NCS_VM_BOOT_TIMEOUT:-900}
. "$here/host-lib.sh"

((EUID == 0)) || skip "needs root (network namespaces, tap device)"
for cmd in qemu-system-x86_64 socat cpio gzip depmod modinfo ip dpkg-deb apt-get hyperfine bash python3 strip g++; do
    command -v "$cmd" >/dev/null || skip "$cmd not installed (see scripts/debian-packages.txt)"
done
[[ -x $tool && -x $static ]] || fatal "build both: cmake --preset release && cmake --build --preset release; the same with the static preset ($tool, $static)"
ldd "$static" | grep -q 'libstdc++' && fatal "$static links libstdc++ dynamically: not an NCS_STATIC=ON build"

fetched=$("$here/fetch-kernels.sh" "$cache") || { rc=$?; ((rc == 77)) && skip "kernel download failed"; exit 1; }
read -r _ kver kroot < <(grep "^$kernel " <<<"$fetched") || fatal "no kernel labelled $kernel"

work=$(mktemp -d /tmp/ncs-vm-bench.XXXXXX)
mkdir -p "$work/recv" "$work/deb"
# Stripped, as the .deb ships them (CPACK_STRIP_FILES); the debug info would not
# fit the guest's 256 MB.
for b in "$tool:netconsole-setup" "$static:netconsole-setup-static"; do
    strip -o "$work/${b#*:}" "${b%%:*}" || fatal "strip ${b%%:*} failed"
done
tool=$work/netconsole-setup static=$work/netconsole-setup-static
. "$bench/vm-startup-case.sh"
select_cases "$kernel" startbench

# Debian's script, unpacked from its package.
(cd "$work/deb" && apt-get download -q netconsole >/dev/null 2>&1) || skip "apt-get download netconsole failed"
dpkg -x "$work"/deb/netconsole_*.deb "$work/deb/root" || fatal "dpkg -x failed"
version=$(dpkg-deb -f "$work"/deb/netconsole_*.deb Version)
[[ $version == 0.3.1* ]] || echo "note: Debian's netconsole is version $version, not 0.3.1" >&2

run_id=$$-$RANDOM
trap 'cleanup; ((failed)) || rm -rf "$work"' EXIT   # kept for a look when a check failed
trap 'exit 130' INT TERM
network_up "$run_id" || fatal "network setup failed"
for spec in "${listeners[@]}"; do listen "$spec" || fatal "receiver $spec failed"; done
build_base_initramfs "$kroot" "$kver" "$work/vm.cpio.gz" || fatal "initramfs build failed"

# The bench's own pieces, a second archive after the vm tier's.
extra=$work/extra
copy_binary "$extra" "$static" /usr/sbin/netconsole-setup-static || fatal "copy failed"
copy_binary "$extra" "$(command -v hyperfine)" /usr/bin/hyperfine || fatal "copy failed"
if [[ -n ${NCS_BENCH_BASELINE:-} ]]; then
    strip -o "$work/baseline" "$NCS_BENCH_BASELINE" || fatal "strip $NCS_BENCH_BASELINE failed"
    copy_binary "$extra" "$work/baseline" /usr/sbin/netconsole-setup-baseline || fatal "copy failed"
fi
copy_binary "$extra" /bin/bash /bin/bash || fatal "copy failed"
copy_binary "$extra" "$(readlink -f /usr/bin/true)" /usr/bin/true || fatal "copy failed"
install -D -m 0755 "$work/deb/root/usr/sbin/netconsole-setup" "$extra/usr/sbin/netconsole-setup-0.3.1"
# For scale: the smallest C++ program, linked both ways.
printf '#include <iostream>\nint main() { std::cout << "hello" << std::endl; }\n' >"$work/hello.cpp"
g++ -O2 -o "$work/hello-dynamic" "$work/hello.cpp" && g++ -O2 -static -o "$work/hello-static" "$work/hello.cpp" ||
    fatal "cannot build the hello world programs"
copy_binary "$extra" "$work/hello-dynamic" /usr/bin/hello-dynamic || fatal "copy failed"
install -D -m 0755 "$work/hello-static" "$extra/usr/bin/hello-static"
install -D -m 0644 "$bench/vm-startup-case.sh" "$extra/vm/cases/99-startbench.sh"
echo "SB_RUNS=$SB_RUNS" >"$extra/vm/startbench.env"
(cd "$extra" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$work/extra.cpio.gz"
cat "$work/vm.cpio.gz" "$work/extra.cpio.gz" >"$work/base.cpio.gz"

boot "${boot_names[0]}" "${boot_cmdlines[0]}" "${boot_cases[0]}"
printf '%s\n' "${results[@]}" | grep -v '^PASS' >&2
((failed)) && { printf '%s\n' "${results[@]}" >&2; fatal "a check failed (logs in $work)"; }

qemu=$(qemu-system-x86_64 --version | head -n1)
python3 - "$work/bench.csv" "$kver" "$SB_RUNS" "$qemu" "$version" <<'PY'
import csv, sys
rows = {r[0]: r for r in csv.reader(open(sys.argv[1])) if len(r) >= 8}
need = ["Debian netconsole-setup 0.3.1 HOST", "netconsole-setup HOST (default)",
        "netconsole-setup HOST (NCS_STATIC)", "netconsole-setup --to HOST (default)",
        "netconsole-setup --to HOST (NCS_STATIC)", "netconsole-setup --version (default)",
        "ip -V", "/bin/true (busybox, static)", "/usr/bin/true (coreutils, dynamic)",
        "netconsole-setup --version (NCS_STATIC)", "C++ hello world (libstdc++ dynamic)",
        "C++ hello world (g++ -static)"]
need += [n for n in ("netconsole-setup HOST (baseline)", "netconsole-setup --version (baseline)")
         if n in rows]
missing = [n for n in need if n not in rows]
if missing:
    sys.exit(f"the guest's results lack {missing} (serial garbled?)")
# hyperfine CSV: command,mean,stddev,median,user,system,min,max (seconds)
med = {n: float(rows[n][3]) * 1000 for n in need}
print(f"Kernel {sys.argv[2]} in {sys.argv[4]} (TCG, 1 vCPU, 256 MB), busybox initramfs; "
      f"{sys.argv[3]} runs each (hyperfine -N in the guest); HOST is 198.51.100.2 "
      f"(routed); Debian's script is netconsole {sys.argv[5]}.\n")
print("| command | median [ms] | mean ± σ [ms] | min [ms] |")
print("|---|---:|---:|---:|")
for n in need:
    r = rows[n]
    print(f"| {n} | {med[n]:.1f} | {float(r[1]) * 1000:.1f} ± {float(r[2]) * 1000:.1f} | "
          f"{float(r[6]) * 1000:.1f} |")
deb = med[need[0]]
ok = lambda c: "met" if c else "NOT met"
d, s = deb / med[need[1]], deb / med[need[2]]
to_d, to_s, ipv, tru = med[need[3]], med[need[4]], med["ip -V"], med[need[7]]
print()
print(f"- re-apply `netconsole-setup HOST`: default build {d:.1f}x faster than Debian's "
      f"script (goal 5x: {ok(d >= 5)}), NCS_STATIC {s:.1f}x (goal 10x: {ok(s >= 10)}).")
if "netconsole-setup HOST (baseline)" in med:
    b = deb / med["netconsole-setup HOST (baseline)"]
    print(f"- the baseline build: re-apply {b:.1f}x faster than Debian's script, `--version` "
          f"{med['netconsole-setup --version (baseline)']:.1f} ms.")
print(f"- `--to`: default {to_d:.1f} ms against `ip -V` {ipv:.1f} ms (goal: no slower: "
      f"{ok(to_d <= ipv)}); NCS_STATIC {to_s:.1f} ms, {to_s / tru:.1f}x /bin/true "
      f"(goal: within 3x: {ok(to_s <= 3 * tru)}).")
PY
