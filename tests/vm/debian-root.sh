#!/bin/bash
# The installed guest's base: a Debian root made by debootstrap, with systemd as
# PID 1, systemd-networkd, initramfs-tools and the kernel it installs (whose
# initramfs update-initramfs built in the root), cached in CACHE.
#   usage: debian-root.sh CACHE LABEL        (LABEL: debian12, debian13)
# Prints "<label> <kernel-release> <root-dir>" for each kernel the root boots:
# debian12 (bookworm) has its own; debian13 (trixie) has its own and Debian
# unstable's 7.x, installed by dpkg from unstable's .debs (fetch-kernels.sh
# --debs), printed as "unstable <release> <root-dir>". Needs root (debootstrap
# chroots).
#
# unstable's linux-image-<release> pre-depends on linux-base (>= 4.17~), whose
# hooks copy /usr/lib/modules/<release>/vmlinuz (where 7.x installs it) to
# /boot; Debian 13 has linux-base 4.12.1. The root takes unstable's linux-base
# (4.17, Architecture: all, Depends: debconf only) with the kernel: the one
# package from outside Debian 13, and what a Debian 13 system that installs
# unstable's kernel must do too. Every other Depends (kmod, initramfs-tools)
# resolves from Debian 13.
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
extra=    # the label of a second kernel installed in the root
case $label in
    debian12) suite=bookworm ;;
    debian13) suite=trixie extra=unstable ;;
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
# The extra kernel's label joins the key only when there is one: a Debian 12 root
# keeps the key it had before Debian 13 roots existed.
key=$(printf '%s %s%s\n' "$suite" "$packages" "${extra:+ +$extra}" | sha256sum | cut -c1-12)
dir=$cache/root-$suite-$key

# release ROOT: the release of the suite's own kernel in the root (the
# /boot/vmlinuz-* that is not the extra kernel's, named in ROOT/.extra-kernel).
release() {
    local k other=
    [[ -e $1/.extra-kernel ]] && read -r _ other <"$1/.extra-kernel"
    for k in "$1"/boot/vmlinuz-*; do
        [[ -e $k && ${k##*/vmlinuz-} != "$other" ]] && { echo "${k##*/vmlinuz-}"; return 0; }
    done
    return 1
}

# install_extra ROOT: the kernel labelled $extra, installed with dpkg -i from its
# .debs in ROOT's chroot (linux-base's and initramfs-tools' hooks put its
# vmlinuz and initrd.img in /boot); writes ROOT/.extra-kernel "<label> <release>".
install_extra() {
    local root=$1 out rel
    out=$("$(dirname "$0")/fetch-kernels.sh" --debs "$root/tmp/extra-kernel" "$cache" "$extra") || {
        (($? == 77)) && skip "the $extra kernel's packages cannot be downloaded"
        return 1
    }
    rel=$(awk -v l="$extra" '$1 == l { print $2 }' <<<"$out")
    [[ -n $rel ]] || return 1
    mount -t proc proc "$root/proc" || return 1
    # linux-base first: linux-image pre-depends on it, configured.
    chroot "$root" sh -c 'dpkg -i /tmp/extra-kernel/linux-base_*.deb &&
        dpkg -i $(ls /tmp/extra-kernel/*.deb | grep -v /linux-base_)' >>"$cache/root-$suite.log" 2>&1
    local rc=$?
    umount "$root/proc"
    rm -rf "$root/tmp/extra-kernel"
    ((rc == 0)) && [[ -s $root/boot/vmlinuz-$rel && -s $root/boot/initrd.img-$rel ]] || {
        echo "debian-root: dpkg -i of $extra's kernel $rel failed (see $cache/root-$suite.log)" >&2
        return 1
    }
    echo "$extra $rel" >"$root/.extra-kernel"
}

fresh() { [[ -e $dir/.made && -z $(find "$dir/.made" -mtime +"$max_days") ]]; }

if ! fresh; then
    # A run killed while install_extra had /proc mounted in the chroot.
    ! mountpoint -q "$dir.tmp/proc" || umount "$dir.tmp/proc"
    rm -rf "$dir.tmp"
    echo "debian-root: debootstrap $suite into $dir (a few minutes)" >&2
    start=$SECONDS
    if debootstrap --variant=minbase --keyring="$keyring" --include="$packages" \
        "$suite" "$dir.tmp" "$mirror" >"$cache/root-$suite.log" 2>&1; then
        kver=$(release "$dir.tmp") || { echo "debian-root: no kernel in $dir.tmp" >&2; exit 1; }
        [[ -s $dir.tmp/boot/initrd.img-$kver ]] ||
            { echo "debian-root: update-initramfs made no initrd.img-$kver" >&2; exit 1; }
        [[ -z $extra ]] || install_extra "$dir.tmp" || exit 1
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
[[ ! -e $dir/.extra-kernel ]] || echo "$(cat "$dir/.extra-kernel") $dir"
