#!/bin/bash
# Download and unpack the two Debian kernels the vm tier boots, into CACHE.
#   usage: fetch-kernels.sh CACHE
# Needs no root. The system's apt configuration is never changed: Debian 13's
# kernel comes through a private sources file and private lists/cache dirs.
# Prints one line per kernel: "<label> <kernel-release> <unpacked-root>".
# Exit 77 when a download is impossible (no network), 1 on any other failure.
set -euo pipefail

cache=${1:?usage: fetch-kernels.sh CACHE}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
# Several vm tests may start at once; one downloads, the others wait.
exec 9>"$cache/.lock"
flock 9
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mirror=http://deb.debian.org/debian

skip() { echo "fetch-kernels: $*" >&2; exit 77; }

# The kernel release a linux-image .deb carries, from its package name
# (linux-image-6.1.0-56-amd64 -> 6.1.0-56-amd64).
release_of() { sed -n 's/^linux-image-\(.*\)$/\1/p' <<<"$1"; }

# extract_vmlinux VMLINUZ OUT: the uncompressed ELF kernel inside a bzImage.
# QEMU boots it through its PVH entry (both kernels have CONFIG_PVH=y), which
# skips firmware and decompression: about 4 s less per boot under TCG.
# Best effort: without it the harness boots the vmlinuz.
extract_vmlinux() {
    local LC_ALL=C
    local in=$1 out=$2 magic tool off
    for magic in xz zstd; do
        case $magic in
            xz) tool=(xz -dc --single-stream); off=$(grep -aobm1 $'\xfd7zXZ' "$in" || true) ;;
            zstd) tool=(zstd -dcq); off=$(grep -aobm1 $'\x28\xb5\x2f\xfd' "$in" || true) ;;
        esac
        [[ -n $off ]] && command -v "${tool[0]}" >/dev/null || continue
        tail -c +$((${off%%:*} + 1)) "$in" | "${tool[@]}" >"$out.tmp" 2>/dev/null || true   # tail: SIGPIPE
        if [[ $(head -c 4 "$out.tmp" 2>/dev/null) == $'\x7fELF' ]]; then
            mv "$out.tmp" "$out"
            return 0
        fi
    done
    rm -f "$out.tmp"
}

# fetch LABEL PKG [APT OPTION]...: download PKG, dpkg -x it into
# $cache/LABEL-<release> and drop the .deb; nothing to do when unpacked before.
# Prints "LABEL RELEASE DIR". Returns 1 when the download fails.
fetch() {
    local label=$1 pkg=$2 rel dir deb
    shift 2
    rel=$(release_of "$pkg")
    [[ -n $rel ]] || { echo "fetch-kernels: unexpected package $pkg" >&2; exit 1; }
    dir=$cache/$label-$rel
    if [[ ! -e $dir/.unpacked ]]; then
        rm -rf "$dir.tmp" "$cache/debs"
        mkdir -p "$cache/debs"
        # As root apt drops to _apt for downloads, which cannot write here.
        (cd "$cache/debs" && apt-get download -q -o APT::Sandbox::User=root "$@" "$pkg") >&2 ||
            return 1
        deb=$(compgen -G "$cache/debs/${pkg}_*.deb" | head -n1)
        dpkg -x "$deb" "$dir.tmp" || { echo "fetch-kernels: dpkg -x $deb failed" >&2; exit 1; }
        extract_vmlinux "$dir.tmp/boot/vmlinuz-$rel" "$dir.tmp/boot/vmlinux-$rel"
        touch "$dir.tmp/.unpacked"
        rm -rf "$dir" "$cache/debs"
        mv "$dir.tmp" "$dir"
    fi
    echo "$label $rel $dir"
}

# --- Debian 12 (bookworm): the configured sources. --------------------------
# The image linux-image-amd64 depends on, e.g. linux-image-6.1.0-56-amd64.
bookworm_pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
               sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
[[ -n $bookworm_pkg ]] || skip "apt-cache knows no linux-image-amd64 (run apt-get update?)"
fetch debian12 "$bookworm_pkg" ||
    skip "apt-get download $bookworm_pkg failed (no network or mirror?)"

# --- Debian 13 (trixie): private apt state. ---------------------------------
[[ -r $keyring ]] || skip "$keyring missing (debian-archive-keyring)"
apt_dir=$cache/apt-trixie
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
echo "deb [signed-by=$keyring] $mirror trixie main" >"$apt_dir/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list"
          -o "Dir::Etc::SourceParts=/dev/null"
          -o "Dir::State::Lists=$apt_dir/lists"
          -o "Dir::Cache=$apt_dir/cache"
          -o "Dir::State::status=/dev/null"
          -o "APT::Get::List-Cleanup=false")
trixie_update() {
    apt-get -q "${apt_opts[@]}" update >&2 || skip "private apt-get update for trixie failed"
    touch "$apt_dir/.updated"
}
trixie_pkg() {
    apt-cache "${apt_opts[@]}" depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1
}
[[ -e $apt_dir/.updated ]] || trixie_update
pkg=$(trixie_pkg)
if [[ -z $pkg ]] || ! fetch debian13 "$pkg" "${apt_opts[@]}"; then
    trixie_update               # the lists were stale: trixie moved on
    pkg=$(trixie_pkg)
    [[ -n $pkg ]] || { echo "fetch-kernels: trixie has no linux-image-amd64 dependency" >&2; exit 1; }
    fetch debian13 "$pkg" "${apt_opts[@]}" || skip "apt-get download $pkg failed (no network or mirror?)"
fi
