#!/bin/bash
# Benchmark: what starting netconsole-setup costs on this machine, against the
# commands it is weighed with: /bin/true (a process and libc), `ip -V`,
# `kmod --version` (libkmod with libcrypto, liblzma and libzstd) and a C++ hello
# world linked with the shared libstdc++ (the floor of any default build, as in
# bench/vm-startup.sh; built here when g++ is there). For each build
# given: the shared objects it maps, the dynamic loader's relocation count
# (LD_DEBUG=statistics) and the median of `--version` and of `explain` (a
# subcommand parsed and run, no netlink). Prints a markdown table; needs hyperfine.
# On a shared machine run it as `chrt -f 10 bench/startup.sh` (root): real-time
# priority keeps other jobs from stretching the wall-clock times.
#   bench/startup.sh [BINARY [STATIC_BINARY]] [RUNS]
# BINARY defaults to build/release/cli/netconsole-setup, STATIC_BINARY to
# build/static/cli/netconsole-setup (the `static` preset: -DNCS_STATIC=ON) when built.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$(realpath "${1:-$HERE/../build/release/cli/netconsole-setup}")"
STATIC="${2:-$HERE/../build/static/cli/netconsole-setup}"
RUNS="${3:-300}"
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 77; }
[ -x "$BIN" ] || { echo "no binary at $BIN (build it first)" >&2; exit 1; }
builds=("default:$BIN")
[ -x "$STATIC" ] && builds+=("NCS_STATIC:$(realpath "$STATIC")")
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
VALUE="netconsole=6665@192.0.2.10/eth0,6666@192.0.2.5/52:54:00:12:34:56"

args=(-n "/bin/true" "/bin/true" -n "ip -V" "ip -V")
command -v kmod >/dev/null && args+=(-n "kmod --version" "kmod --version")
HELLO="$OUT/hello-dynamic"
printf '#include <iostream>\nint main() { std::cout << "hello" << std::endl; }\n' >"$OUT/hello.cpp"
g++ -O2 -o "$HELLO" "$OUT/hello.cpp" 2>/dev/null || HELLO=
[ -n "$HELLO" ] && args+=(-n "C++ hello world (libstdc++ dynamic)" "$HELLO")
for b in "${builds[@]}"; do
    name=${b%%:*} path=${b#*:}
    args+=(-n "netconsole-setup --version ($name)" "$path --version"
           -n "netconsole-setup explain VALUE ($name)" "$path explain $VALUE")
done
hyperfine -N --style none --warmup 20 --runs "$RUNS" --export-json "$OUT/run.json" "${args[@]}" \
    >/dev/null 2>"$OUT/hyperfine.err" || { cat "$OUT/hyperfine.err" >&2; exit 1; }

# Loader statistics per command: objects mapped, relocations by symbol lookup.
stats() {
    local objects relocs
    objects=$(LD_DEBUG=files "$@" 2>&1 >/dev/null | grep -c 'file=.*needed by\|file=.*dynamically loaded')
    relocs=$(LD_DEBUG=statistics "$@" 2>&1 >/dev/null | sed -n 's/.*final number of relocations: *\([0-9]*\).*/\1/p' | tail -n1)
    echo "$objects ${relocs:-?}"
}
{
    echo "/bin/true $(stats /bin/true)"
    echo "ip -V $(stats ip -V)"
    command -v kmod >/dev/null && echo "kmod --version $(stats kmod --version)"
    [ -n "$HELLO" ] && echo "C++ hello world (libstdc++ dynamic) $(stats "$HELLO")"
    for b in "${builds[@]}"; do
        name=${b%%:*} path=${b#*:}
        echo "netconsole-setup --version ($name) $(stats "$path" --version)"
        echo "netconsole-setup explain VALUE ($name) $(stats "$path" explain "$VALUE")"
    done
} >"$OUT/stats.txt"

python3 - "$OUT/run.json" "$OUT/stats.txt" "$(uname -r)" "$(nproc)" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["results"]
stats = {}
for line in open(sys.argv[2]):
    *name, objects, relocs = line.split()
    stats[" ".join(name)] = (objects, relocs)
med = {r["command"]: r["median"] * 1000 for r in rows}
print(f"Kernel {sys.argv[3]}, {sys.argv[4]} CPUs, {len(rows[0]['times'])} runs each "
      "(hyperfine -N); objects: shared objects the loader maps besides the program "
      "(LD_DEBUG=files); relocations: its final count (LD_DEBUG=statistics).\n")
print("| command | median [ms] | mean ± σ [ms] | objects | relocations |")
print("|---|---:|---:|---:|---:|")
for r in rows:
    o, rel = stats.get(r["command"], ("?", "?"))
    print(f"| {r['command']} | {med[r['command']]:.2f} | {r['mean'] * 1000:.2f} ± "
          f"{r['stddev'] * 1000:.2f} | {o} | {rel} |")
print()
ipv = med["ip -V"]
for build in ("default", "NCS_STATIC"):
    v = med.get(f"netconsole-setup --version ({build})")
    if v is not None:
        verdict = "met" if v <= ipv else "NOT met"
        print(f"- {build}: `--version` {v:.2f} ms, `ip -V` {ipv:.2f} ms, "
              f"/bin/true {med['/bin/true']:.2f} ms (goal: no slower than `ip -V`: {verdict}).")
PY
