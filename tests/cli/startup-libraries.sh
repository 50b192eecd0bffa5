#!/bin/bash
# cli tier: what a run of netconsole-setup maps at start-up. libkmod (and the
# libcrypto, liblzma and libzstd it pulls in) is opened with dlopen only when a
# module must be loaded (lib/system/kmod.cpp), so:
#   - the binary's dynamic section names none of them;
#   - --version, --help, explain, status --root, list --root and print --to never
#     map libkmod.
# The default build is watched through the dynamic loader (LD_DEBUG=files lists
# every object it maps). A fully static build (NCS_STATIC) has no dynamic loader
# and glibc's static dlopen ignores LD_DEBUG, so its runs are traced (strace:
# every shared object it opens), and they must open none at all.
# The vm tier (case apply-lazy-kmod) checks the module-loading side on a real kernel.
#   startup-libraries.sh BINARY CASES_DIR
set -uo pipefail
binary=${1:?usage: startup-libraries.sh BINARY CASES_DIR}
cases=${2:?usage: startup-libraries.sh BINARY CASES_DIR}
failed=0
fail() { echo "FAIL: $*"; failed=1; }

unwanted='lib(kmod|crypto|lzma|zstd)\.so'

program_headers=$(readelf -lW "$binary") || { echo "FAIL: readelf $binary failed"; exit 1; }
if grep -q 'Requesting program interpreter' <<<"$program_headers"; then
    static=0
    linked=$(ldd "$binary") || { echo "FAIL: ldd $binary failed"; exit 1; }
    if grep -E "$unwanted" <<<"$linked"; then
        fail "ldd $binary names libraries only module loading needs"
    fi
else
    static=1
    command -v strace >/dev/null || { echo "FAIL: strace is not installed (scripts/debian-packages.txt)"; exit 1; }
    if readelf -dW "$binary" | grep -q NEEDED; then
        fail "$binary has no program interpreter but names shared libraries: $(readelf -dW "$binary" | grep NEEDED)"
    fi
fi

# mapped PROGRAM ARGS...: the shared objects one run maps. LD_DEBUG=files writes
# "file=NAME [0];  needed by ..." and "... dynamically loaded by ..." lines; strace
# shows each successful open of a file named *.so*.
trace=$(mktemp) || exit 1
trap 'rm -f "$trace"' EXIT
mapped() {
    if ((static)); then
        LC_ALL=C.UTF-8 strace -f -qq -e trace=open,openat -o "$trace" "$@" >/dev/null 2>&1 </dev/null
        sed -n 's/.*"\([^"]*\.so[.0-9]*\)".* = [0-9][0-9]*$/\1/p' "$trace" | sed 's|.*/||' | sort -u
    else
        LD_DEBUG=files LC_ALL=C.UTF-8 "$@" 2>&1 >/dev/null </dev/null |
            sed -n 's/.*file=\([^ ]*\) .*/\1/p' | sort -u
    fi
}

# The probe must see what a run maps, or it proves nothing: kmod(8) links
# libkmod's dependencies.
if command -v kmod >/dev/null; then
    probe=$(mapped kmod --version)
    grep -qE "$unwanted" <<<"$probe" ||
        fail "the probe does not show libkmod for kmod --version: it is blind ($probe)"
fi

runs=(
    "--version"
    "--help"
    "explain netconsole=6665@192.0.2.10/eth0,6666@192.0.2.5/52:54:00:12:34:56"
    "--root $cases/status-root/root status"
    "--root $cases/list-root/root list"
    "--to 127.0.0.1"
)
for run in "${runs[@]}"; do
    # shellcheck disable=SC2086 # one word per argument, none with spaces
    objects=$(mapped "$binary" $run)
    if ((static)); then
        if [ -n "$objects" ]; then
            fail "netconsole-setup $run (static) opens shared objects: $(tr '\n' ' ' <<<"$objects")"
        else
            echo "ok: netconsole-setup $run (static) opens no shared object"
        fi
        continue
    fi
    grep -q 'libc\.so\.6' <<<"$objects" ||
        fail "netconsole-setup $run: LD_DEBUG=files shows no libc (the probe does not work): $objects"
    if grep -E "$unwanted" <<<"$objects"; then
        fail "netconsole-setup $run maps libkmod or its dependencies"
    else
        echo "ok: netconsole-setup $run maps $(tr '\n' ' ' <<<"$objects")"
    fi
done
exit "$failed"
