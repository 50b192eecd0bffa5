#!/bin/bash
# Download and unpack the Debian kernels the vm tier boots, into CACHE.
#   usage: fetch-kernels.sh [--debs DIR] CACHE [LABEL]...   (LABEL: debian12, debian13,
#          unstable; none: all of them)
# --debs DIR (for debian13 and unstable): also download, into DIR, the .debs that
# install the kernel on a Debian system: linux-image-<release>, the linux-*
# packages it depends on (binary, modules, base-<release>) and the suite's
# linux-base (debian-root.sh installs unstable's kernel in the Debian 13 root).
# Needs no root. The system's apt configuration is never changed: Debian 13's
# and Debian unstable's kernels come through private sources files and private
# lists/cache dirs.
# Prints one line per kernel: "<label> <kernel-release> <unpacked-root>".
# Exit 77 when a download is impossible (no network), 1 on any other failure.
set -euo pipefail

debs=
if [[ ${1:-} == --debs ]]; then debs=$2; shift 2; fi
cache=${1:?usage: fetch-kernels.sh [--debs DIR] CACHE [LABEL]...}
shift
labels=" ${*:-debian12 debian13 unstable} "
wanted() { [[ $labels == *" $1 "* ]]; }
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

# parts_of PKG [APT OPTION]...: the packages that carry PKG's kernel and modules.
# Up to 6.x the linux-image package holds both. From 7.x it is a small package
# depending on linux-binary-<rel> (the kernel, /usr/lib/modules/<rel>/vmlinuz,
# no /boot) and linux-modules-<rel> (the .ko.xz; no modules.builtin: that is in
# linux-base-<rel>, which the tier leaves out so the guest sees a module index
# without it, as netconsole-setup must cope with).
parts_of() {
    local pkg=$1 rel parts
    shift
    rel=$(release_of "$pkg")
    parts=$({ apt-cache "$@" depends "$pkg" 2>/dev/null || true; } |
            awk -v b="linux-binary-$rel" -v m="linux-modules-$rel" \
                '$1 == "Depends:" && ($2 == b || $2 == m) { print $2 }')
    echo "${parts:-$pkg}"
}

# fetch LABEL PKG [APT OPTION]...: download PKG's parts, dpkg -x them into
# $cache/LABEL-<release> and drop the .debs; nothing to do when unpacked before.
# Prints "LABEL RELEASE DIR". Returns 1 when the download fails.
fetch() {
    local label=$1 pkg=$2 rel dir deb part vmlinuz
    shift 2
    rel=$(release_of "$pkg")
    [[ -n $rel ]] || { echo "fetch-kernels: unexpected package $pkg" >&2; exit 1; }
    dir=$cache/$label-$rel
    if [[ ! -e $dir/.unpacked ]]; then
        rm -rf "$dir.tmp" "$cache/debs"
        mkdir -p "$cache/debs"
        local parts
        parts=$(parts_of "$pkg" "$@")
        # As root apt drops to _apt for downloads, which cannot write here.
        # shellcheck disable=SC2086 # parts: package names, one word each
        (cd "$cache/debs" && apt-get download -q -o APT::Sandbox::User=root "$@" $parts) >&2 ||
            return 1
        for part in $parts; do
            deb=$(compgen -G "$cache/debs/${part}_*.deb" | head -n1)
            dpkg -x "$deb" "$dir.tmp" || { echo "fetch-kernels: dpkg -x $deb failed" >&2; exit 1; }
        done
        for vmlinuz in "$dir.tmp/boot/vmlinuz-$rel" "$dir.tmp/usr/lib/modules/$rel/vmlinuz"; do
            [[ -e $vmlinuz ]] && extract_vmlinux "$vmlinuz" "${vmlinuz/vmlinuz/vmlinux}"
        done
        touch "$dir.tmp/.unpacked"
        rm -rf "$dir" "$cache/debs"
        mv "$dir.tmp" "$dir"
    fi
    echo "$label $rel $dir"
}

# --- Debian 12 (bookworm): the configured sources. --------------------------
# The image linux-image-amd64 depends on, e.g. linux-image-6.1.0-56-amd64.
if wanted debian12; then
    bookworm_pkg=$({ apt-cache depends linux-image-amd64 2>/dev/null || true; } |
                   sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
    [[ -n $bookworm_pkg ]] || skip "apt-cache knows no linux-image-amd64 (run apt-get update?)"
    fetch debian12 "$bookworm_pkg" ||
        skip "apt-get download $bookworm_pkg failed (no network or mirror?)"
fi

# --- Debian 13 (trixie) and unstable (sid): private apt state. --------------
[[ -r $keyring ]] || skip "$keyring missing (debian-archive-keyring)"

# private LABEL SUITE: fetch the image SUITE's linux-image-amd64 depends on,
# through $cache/apt-SUITE. The lists are fetched once and refreshed only when
# the package they name is gone from the mirror (the suite moved on), so a
# cached kernel boots offline.
private() {
    local label=$1 suite=$2 apt_dir=$cache/apt-$2 pkg
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
    echo "deb [signed-by=$keyring] $mirror $suite main" >"$apt_dir/sources.list"
    local apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list"
                    -o "Dir::Etc::SourceParts=/dev/null"
                    -o "Dir::State::Lists=$apt_dir/lists"
                    -o "Dir::Cache=$apt_dir/cache"
                    -o "Dir::State::status=/dev/null"
                    -o "APT::Get::List-Cleanup=false")
    update() {
        apt-get -q "${apt_opts[@]}" update >&2 || skip "private apt-get update for $suite failed"
        touch "$apt_dir/.updated"
    }
    image() {   # empty when the lists are missing (apt-cache fails: pipefail)
        { apt-cache "${apt_opts[@]}" depends linux-image-amd64 2>/dev/null || true; } |
            sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1
    }
    [[ -e $apt_dir/.updated ]] || update
    pkg=$(image)
    if [[ -z $pkg ]] || ! fetch "$label" "$pkg" "${apt_opts[@]}"; then
        update                  # the lists were stale: the suite moved on
        pkg=$(image)
        [[ -n $pkg ]] || { echo "fetch-kernels: $suite has no linux-image-amd64 dependency" >&2; exit 1; }
        fetch "$label" "$pkg" "${apt_opts[@]}" || skip "apt-get download $pkg failed (no network or mirror?)"
    fi
    [[ -z $debs ]] || install_debs "$pkg" "${apt_opts[@]}"
}

# install_debs PKG [APT OPTION]...: PKG, the linux-* packages it (pre-)depends on
# and the suite's linux-base, downloaded into $debs for dpkg -i.
install_debs() {
    local pkg=$1 deps
    shift
    deps=$({ apt-cache "$@" depends "$pkg" 2>/dev/null || true; } |
           awk '$1 ~ /Depends:$/ && $2 ~ /^linux-/ { print $2 }' | sort -u)
    mkdir -p "$debs"
    # shellcheck disable=SC2086 # deps: package names, one word each
    (cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "$@" "$pkg" $deps linux-base) >&2 ||
        skip "apt-get download of $pkg's packages failed (no network or mirror?)"
}
if wanted debian13; then private debian13 trixie; fi
if wanted unstable; then private unstable unstable; fi
