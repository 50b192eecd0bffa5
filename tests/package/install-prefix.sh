#!/usr/bin/env bash
# package tier: `cmake --install` honours the prefix and DESTDIR for every file, the
# systemd unit included (pkg-config's absolute systemdsystemunitdir once sent it to
# the host's /lib/systemd/system whatever the prefix), and the installed unit runs
# the binary where that install put it.
# Usage: install-prefix.sh BUILD_DIR. Exit 77 (skip) when it cannot run.
set -euo pipefail
build=$1

fail() {
    echo "FAIL: $*"
    exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# expect_under STAGE PREFIX MANIFEST: every installed path lies under PREFIX, is a
# file under STAGE (DESTDIR, or "" without), and STAGE holds no other file: nothing
# went to the host.
expect_under() {
    local stage=$1 prefix=$2 manifest=$3 path
    [[ -s $manifest ]] || fail "$manifest is empty"
    while IFS= read -r path || [[ -n $path ]]; do
        path=${path#"$stage"} # CMake lists DESTDIR paths with or without it
        [[ $path == "$prefix"/* ]] || fail "installed outside $prefix: $path"
        [[ -f $stage$path ]] || fail "listed but not installed: $stage$path"
    done <"$manifest"
    local made listed
    made=$(find "$stage$prefix" -type f | wc -l)
    listed=$(grep -c "" "$manifest") # the last line has no newline
    ((made == listed)) || fail "$made files under $stage$prefix, $listed in $manifest"
}
# expect_unit ROOT_OF_FILES PREFIX: the unit is under ROOT/PREFIX/lib/systemd/system
# and its ExecStart names PREFIX/sbin/netconsole-setup.
expect_unit() {
    local root=$1 prefix=$2 unit
    unit=$root$prefix/lib/systemd/system/netconsole-setup.service
    [[ -f $unit ]] || fail "no unit at $unit: $(find "$root" -name '*.service')"
    grep -qx "ExecStart=$prefix/sbin/netconsole-setup apply --config /etc/netconsole-setup.conf" \
        "$unit" || fail "$unit: $(grep ExecStart "$unit")"
    [[ -x $root$prefix/sbin/netconsole-setup ]] || fail "no binary under $root$prefix/sbin"
}

# 1. --prefix P: a non-root user's install into their own directory.
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; fail "cmake --install --prefix $prefix failed"; }
expect_under "" "$prefix" "$build/install_manifest.txt"
expect_unit "" "$prefix"
echo "--prefix: $(grep -c "" "$build/install_manifest.txt") files under $prefix, unit included"

# 2. DESTDIR with prefix /usr: a staged install, as packagers do.
stage=$work/stage
DESTDIR=$stage cmake --install "$build" --prefix /usr >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; fail "DESTDIR=$stage cmake --install --prefix /usr failed"; }
expect_under "$stage" /usr "$build/install_manifest.txt"
expect_unit "$stage" /usr
echo "DESTDIR: $(grep -c "" "$build/install_manifest.txt") files under $stage/usr, unit included"
echo "install-prefix: all checks passed"
