#!/usr/bin/env bash
# package tier: builds the .deb with `cpack -G DEB` from a build directory, checks
# its control fields and file list, runs lintian on it (any error or warning
# fails), then installs it with `dpkg --root` into a
# throwaway root that already holds a stand-in for Debian's `netconsole` package
# (same /usr/sbin/netconsole-setup), which dpkg must remove in its favour, and
# runs the installed binary.
# Usage: run.sh BUILD_DIR VERSION. Exit 77 (skip) when it cannot run.
set -euo pipefail
build=$1
version=$2

skip() {
    echo "SKIP: $*"
    if [[ ${CI:-} == true ]]; then
        echo "CI=true: a skip is a failure"
        exit 1
    fi
    exit 77
}
fail() {
    echo "FAIL: $*"
    exit 1
}

for tool in cpack dpkg dpkg-deb dpkg-shlibdeps dpkg-parsechangelog groff lintian; do
    command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/install-deps)"
done
[[ $(id -u) == 0 ]] || skip "installing with dpkg --root needs root"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Build the package; CPack runs the install rules into its own staging directory.
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log"
    fail "cpack -G DEB failed"
fi
debs=("$work"/out/netconsole-setup_*.deb)
[[ -f ${debs[0]} ]] || fail "cpack made no netconsole-setup_*.deb: $(ls "$work/out")"
deb=${debs[0]}
echo "built ${deb##*/}"

# Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == netconsole-setup ]] || fail "Package is '$(field Package)'"
[[ $(field Version) == "$version" ]] || fail "Version is '$(field Version)', not $version"
[[ $(field Architecture) == "$(dpkg --print-architecture)" ]] ||
    fail "Architecture is '$(field Architecture)'"
[[ $(field Section) == admin ]] || fail "Section is '$(field Section)', not admin"
[[ -n $(field Maintainer) ]] || fail "no Maintainer"
description=$(field Description)
[[ $(head -n1 <<<"$description") == "Set up Linux netconsole and receive what it sends" ]] ||
    fail "the Description's summary line is '$(head -n1 <<<"$description")'"
[[ $(sed -n 2p <<<"$description") == " On the host that sends the logs (the patient)"* ]] ||
    fail "the long Description does not follow the summary: $description"
# It names both sides' commands and the units that run them.
for word in print apply cmdline modprobe watch listen netconsole-setup.service \
            netconsole-setup-watch.service netconsole-setup-listen.socket; do
    grep -qw -- "$word" <<<"$description" || fail "the Description does not name $word"
done
[[ $(field Conflicts) == netconsole ]] || fail "Conflicts is '$(field Conflicts)', not netconsole"
[[ $(field Replaces) == netconsole ]] || fail "Replaces is '$(field Replaces)', not netconsole"
depends=$(field Depends)
echo "Depends: $depends"
# dpkg-shlibdeps names the packages of the libraries the binary links.
for library in libc6 libstdc++6 libnl-3-200 libnl-route-3-200 libkmod2; do
    [[ ", $depends" == *", $library "* || ", $depends," == *", $library,"* ]] ||
        fail "Depends lacks $library: $depends"
done
# fmt is compiled in (FMT_HEADER_ONLY, cmake/Dependencies.cmake): no libfmt at run time.
[[ $depends != *libfmt* ]] || fail "Depends names libfmt, which the binary does not link: $depends"

# Files.
dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$work/files"
for path in /usr/sbin/netconsole-setup \
            /usr/share/man/man8/netconsole-setup.8.gz \
            /usr/share/bash-completion/completions/netconsole-setup \
            /usr/share/zsh/site-functions/_netconsole-setup \
            /usr/share/fish/vendor_completions.d/netconsole-setup.fish \
            /usr/share/doc/netconsole-setup/copyright \
            /usr/share/doc/netconsole-setup/changelog.gz; do
    grep -qx -- "$path" "$work/files" || fail "the package lacks $path"
done
grep -qE '^/(usr/)?lib/systemd/system/netconsole-setup\.service$' "$work/files" ||
    fail "the package lacks the systemd unit netconsole-setup.service"

# The changelog's latest entry is this version (a native package: no Debian revision).
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/doc/netconsole-setup/changelog.gz |
    gunzip >"$work/changelog"
logged=$(dpkg-parsechangelog -l "$work/changelog" -S Version)
[[ $logged == "$version" ]] ||
    fail "packaging/changelog's latest entry is $logged, not $version: add an entry for $version"

# lintian: no error and no warning (info and pedantic tags are shown, not failed on).
# It warns when run as root; that line is not about the package.
if ! lintian --fail-on error,warning --display-info --tag-display-limit 0 "$deb" \
    >"$work/lintian.log" 2>&1; then
    grep -v 'running with root privileges' "$work/lintian.log"
    fail "lintian reports errors or warnings on ${deb##*/}"
fi
grep -v 'running with root privileges' "$work/lintian.log" || true
echo "lintian: no error, no warning"

# A throwaway dpkg database, holding a stand-in for Debian's netconsole 0.3.1.
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/log"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
dpkg_root() { dpkg --root="$root" --log=/dev/null --force-depends "$@"; }

old=$work/netconsole
mkdir -p "$old/DEBIAN" "$old/usr/sbin"
cat >"$old/DEBIAN/control" <<CONTROL
Package: netconsole
Version: 0.3.1-3
Architecture: all
Maintainer: package test <root@localhost>
Description: stand-in for Debian's netconsole in the package test
CONTROL
printf '#!/bin/sh\necho "the old netconsole-setup"\n' >"$old/usr/sbin/netconsole-setup"
chmod 755 "$old/usr/sbin/netconsole-setup"
dpkg-deb --root-owner-group -b "$old" "$work/netconsole.deb" >/dev/null
dpkg_root -i "$work/netconsole.deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "the stand-in did not install"; }

# Installing ours removes it (Conflicts) and takes over its file (Replaces).
if ! dpkg_root -i "$deb" >"$work/dpkg.log" 2>&1; then
    cat "$work/dpkg.log"
    fail "dpkg -i of the package failed"
fi
cat "$work/dpkg.log"
status_of() { dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${db:Status-Status}' "$1" 2>/dev/null || true; }
[[ $(status_of netconsole-setup) == installed ]] || fail "netconsole-setup is '$(status_of netconsole-setup)'"
[[ $(status_of netconsole) != installed ]] || fail "the conflicting netconsole is still installed"
owner=$(dpkg-query --admindir="$root/var/lib/dpkg" -S /usr/sbin/netconsole-setup)
[[ $owner == "netconsole-setup: /usr/sbin/netconsole-setup" ]] || fail "/usr/sbin/netconsole-setup belongs to: $owner"

# The installed binary runs with the system's libraries, nothing from the build.
got=$(env -u LD_LIBRARY_PATH "$root/usr/sbin/netconsole-setup" --version)
[[ $got == "netconsole-setup $version" ]] || fail "--version printed '$got'"
echo "$got"
line=$(env -u LD_LIBRARY_PATH "$root/usr/sbin/netconsole-setup" --to 192.0.2.5 --dev eth0 \
    --src 192.0.2.10 --mac 52:54:00:12:34:56)
[[ $line == "netconsole=6665@192.0.2.10/eth0,6666@192.0.2.5/52:54:00:12:34:56" ]] ||
    fail "the installed binary printed '$line'"

# The unit runs the binary where the package put it, whatever prefix the build had.
unit=$(grep -E '^/(usr/)?lib/systemd/system/netconsole-setup\.service$' "$work/files")
grep -qx 'ExecStart=/usr/sbin/netconsole-setup apply --config /etc/netconsole-setup.conf' \
    "$root$unit" || fail "$unit: $(grep ExecStart "$root$unit")"

# The man page renders without groff warnings; the completions parse.
warnings=$(zcat "$root/usr/share/man/man8/netconsole-setup.8.gz" | groff -man -ww -z 2>&1)
[[ -z $warnings ]] || fail "groff warns about the man page: $warnings"
bash -n "$root/usr/share/bash-completion/completions/netconsole-setup"

echo "package: all checks passed"
