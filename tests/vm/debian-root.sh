#!/bin/bash
# The installed guest's base: a Debian root made by debootstrap, with systemd as
# PID 1, systemd-networkd, initramfs-tools and the kernel it installs (whose
# initramfs update-initramfs built in the root), cached in CACHE.
#   usage: debian-root.sh CACHE LABEL        (LABEL: debian12)
# Prints "<label> <kernel-release> <root-dir>". Needs root (debootstrap chroots).
#
# debootstrap reads no apt configuration of the host: it fetches from the mirror
# given here and checks the Release file against Debian's archive keyring.
# The root is keyed by the suite and the package list: a root made from another
# list is never used; one older than NCS_VM_ROOT_DAYS (default 30) is made
# again, or used as it is when the mirror cannot be reached (a cached root boots
# offline). The project's .deb is not in it: run.sh installs it in a copy
# (install_root in host-lib.sh), so a new build never rebuilds the base.
# Exit 77 when the root cannot be made (no network, no debootstrap), 1 otherwise.
set -euo pipefail

cache=${1:?usage: debian-root.sh CACHE LABEL}
label=${2:?usage: debian-root.sh CACHE LABEL}
case $label in
    debian12) suite=bookworm ;;
    *) echo "debian-root: no root for $label" >&2; exit 2 ;;
esac
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mirror=http://deb.debian.org/debian
# What the guest needs beyond minbase: systemd as init, udev, D-Bus (networkctl
# talks to systemd-networkd over it), the kernel and initramfs-tools (from
# linux-image-amd64), and the shared libraries the project's .deb depends on,
# so that installing it needs no download.
packages=systemd,systemd-sysv,udev,dbus,linux-image-amd64,initramfs-tools,kmod,iproute2,procps,libnl-3-200,libnl-route-3-200,libkmod2
max_days=${NCS_VM_ROOT_DAYS:-30}

skip() { echo "debian-root: $*" >&2; exit 77; }
command -v debootstrap >/dev/null || skip "debootstrap not installed (see scripts/debian-packages.txt)"
((EUID == 0)) || skip "debootstrap needs root"
[[ -r $keyring ]] || skip "$keyring missing (debian-archive-keyring)"

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
exec 9>"$cache/.root-lock"
flock 9
key=$(printf '%s %s\n' "$suite" "$packages" | sha256sum | cut -c1-12)
dir=$cache/root-$suite-$key

# release ROOT: the kernel release the root boots (its one /boot/vmlinuz-*).
release() {
    local k
    k=$(compgen -G "$1/boot/vmlinuz-*" | head -n1) || return 1
    echo "${k##*/vmlinuz-}"
}

fresh() { [[ -e $dir/.made && -z $(find "$dir/.made" -mtime +"$max_days") ]]; }

if ! fresh; then
    rm -rf "$dir.tmp"
    echo "debian-root: debootstrap $suite into $dir (a few minutes)" >&2
    start=$SECONDS
    if debootstrap --variant=minbase --keyring="$keyring" --include="$packages" \
        "$suite" "$dir.tmp" "$mirror" >"$cache/root-$suite.log" 2>&1; then
        kver=$(release "$dir.tmp") || { echo "debian-root: no kernel in $dir.tmp" >&2; exit 1; }
        [[ -s $dir.tmp/boot/initrd.img-$kver ]] ||
            { echo "debian-root: update-initramfs made no initrd.img-$kver" >&2; exit 1; }
        # The downloaded .debs are not needed; the lists are kept (apt resolves
        # the project's .deb against them).
        rm -f "$dir.tmp"/var/cache/apt/archives/*.deb
        touch "$dir.tmp/.made"
        rm -rf "$dir"
        mv "$dir.tmp" "$dir"
        echo "debian-root: made in $((SECONDS - start)) s" >&2
    elif [[ -e $dir/.made ]]; then
        echo "debian-root: debootstrap failed (see $cache/root-$suite.log); using the root of $(date -r "$dir/.made" +%F)" >&2
    else
        tail -n 3 "$cache/root-$suite.log" >&2
        skip "debootstrap $suite from $mirror failed (see $cache/root-$suite.log)"
    fi
fi
echo "$label $(release "$dir") $dir"
