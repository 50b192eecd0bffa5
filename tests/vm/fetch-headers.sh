#!/bin/bash
# Download and unpack Debian's linux-headers for a kernel the vm tier boots,
# into CACHE, to build a test module against exactly that kernel (never the
# host's). Like fetch-kernels.sh: private sources, lists and cache directories
# (CACHE/apt-<suite>), the system's apt configuration untouched, no root.
#   usage: fetch-headers.sh CACHE LABEL RELEASE   (LABEL: debian12, debian13, unstable)
# Prints the headers directory (the one `make -C` takes). Exit 77 when the
# download is impossible, 1 on any other failure.
set -euo pipefail

cache=${1:?usage: fetch-headers.sh CACHE LABEL RELEASE}
label=${2:?} rel=${3:?}
cache=$(cd "$cache" && pwd)
exec 9>"$cache/.lock"
flock 9
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
dir=$cache/headers-$rel
skip() { echo "fetch-headers: $*" >&2; exit 77; }

if [[ ! -e $dir/.unpacked ]]; then
    case $label in
        debian12) suite=bookworm sources="bookworm main|bookworm-security main" ;;
        debian13) suite=trixie sources="trixie main|trixie-security main" ;;
        unstable) suite=unstable sources="unstable main" ;;
        *) echo "fetch-headers: unknown label $label" >&2; exit 1 ;;
    esac
    # Its own directory: fetch-kernels.sh's apt-<suite> lists name the main suite only.
    apt_dir=$cache/apt-headers-$suite
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
    IFS='|' read -ra lines <<<"$sources"
    : >"$apt_dir/sources.list"
    for l in "${lines[@]}"; do
        archive=debian
        [[ $l == *-security* ]] && archive=debian-security
        echo "deb [signed-by=$keyring] http://deb.debian.org/$archive $l" >>"$apt_dir/sources.list"
    done
    apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list"
              -o "Dir::Etc::SourceParts=/dev/null"
              -o "Dir::State::Lists=$apt_dir/lists"
              -o "Dir::Cache=$apt_dir/cache"
              -o "Dir::State::status=/dev/null"
              -o "APT::Get::List-Cleanup=false")
    apt-get -q "${apt_opts[@]}" update >&2 || skip "apt-get update for $suite failed"
    # linux-headers-<rel> names its -common part and the kbuild package.
    parts="linux-headers-$rel $({ apt-cache "${apt_opts[@]}" depends "linux-headers-$rel" 2>/dev/null || true; } |
        awk '$1 == "Depends:" && ($2 ~ /^linux-headers-.*-common/ || $2 ~ /^linux-kbuild-/) { print $2 }' | sort -u | tr '\n' ' ')"
    [[ $parts == *kbuild* ]] || skip "$suite has no linux-headers-$rel"
    rm -rf "$dir.tmp" "$cache/debs-headers"
    mkdir -p "$cache/debs-headers"
    # shellcheck disable=SC2086 # parts: package names
    (cd "$cache/debs-headers" && apt-get download -q -o APT::Sandbox::User=root "${apt_opts[@]}" $parts) >&2 ||
        skip "apt-get download $parts failed"
    for deb in "$cache"/debs-headers/*.deb; do
        dpkg -x "$deb" "$dir.tmp" || { echo "fetch-headers: dpkg -x $deb failed" >&2; exit 1; }
    done
    # The arch part's Makefile includes the -common one by its absolute path.
    sed -i "s|^include /usr/src/|include $dir/usr/src/|" "$dir.tmp/usr/src/linux-headers-$rel/Makefile"
    touch "$dir.tmp/.unpacked"
    rm -rf "$dir" "$cache/debs-headers"
    mv "$dir.tmp" "$dir"
fi
echo "$dir/usr/src/linux-headers-$rel"
