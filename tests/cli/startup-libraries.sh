#!/bin/bash
# cli tier: what a run of netconsole-setup maps at start-up. libkmod (and the
# libcrypto, liblzma and libzstd it pulls in) is opened with dlopen only when a
# module must be loaded (lib/system/kmod.cpp), so:
#   - ldd of the binary names none of them;
#   - --version, --help, explain, status --root, list --root and print --to never
#     map libkmod (LD_DEBUG=files lists every object the dynamic loader maps).
# The vm tier (case apply-lazy-kmod) checks the module-loading side on a real kernel.
#   startup-libraries.sh BINARY CASES_DIR
set -uo pipefail
binary=${1:?usage: startup-libraries.sh BINARY CASES_DIR}
cases=${2:?usage: startup-libraries.sh BINARY CASES_DIR}
failed=0
fail() { echo "FAIL: $*"; failed=1; }

unwanted='lib(kmod|crypto|lzma|zstd)\.so'

linked=$(ldd "$binary") || { echo "FAIL: ldd $binary failed"; exit 1; }
if grep -E "$unwanted" <<<"$linked"; then
    fail "ldd $binary names libraries only module loading needs"
fi

# mapped ARGS...: the objects the loader mapped for one run (LD_DEBUG=files writes
# "file=NAME [0];  needed by ..." and "... dynamically loaded by ..." lines).
mapped() {
    LD_DEBUG=files LC_ALL=C.UTF-8 "$binary" "$@" 2>&1 >/dev/null </dev/null |
        sed -n 's/.*file=\([^ ]*\) .*/\1/p' | sort -u
}

# The probe must see what the loader maps, or it proves nothing: kmod(8) links
# libkmod's dependencies, and every build of the tool links libc dynamically.
if command -v kmod >/dev/null; then
    probe=$(LD_DEBUG=files kmod --version 2>&1 >/dev/null)
    grep -qE "file=$unwanted" <<<"$probe" ||
        fail "LD_DEBUG=files does not show libkmod for kmod --version: the probe is blind"
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
    objects=$(mapped $run)
    grep -q 'libc\.so\.6' <<<"$objects" ||
        fail "netconsole-setup $run: LD_DEBUG=files shows no libc (the probe does not work): $objects"
    if grep -E "$unwanted" <<<"$objects"; then
        fail "netconsole-setup $run maps libkmod or its dependencies"
    else
        echo "ok: netconsole-setup $run maps $(tr '\n' ' ' <<<"$objects")"
    fi
done
exit "$failed"
