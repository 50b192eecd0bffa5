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
    # The arch part's Makefile names itself (7.x: KBUILD_OUTPUT=) and includes the
    # -common one by their absolute paths under /usr/src.
    sed -i "s|\([ =]\)/usr/src/|\1$dir/usr/src/|" "$dir.tmp/usr/src/linux-headers-$rel/Makefile"
    # Kbuild's binaries (objtool, modpost, ...) of a newer suite may need a newer
    # glibc than the host's: those run through that suite's own loader and
    # libraries, unpacked into a private sysroot next to them.
    host_glibc=$(ldd --version | sed -n '1s/.* //p')
    wrap=()
    while IFS= read -r f; do
        want=$(objdump -T "$f" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
        [[ -n $want && $(printf '%s\n' "$want" "$host_glibc" | sort -V | tail -n 1) != "$host_glibc" ]] && wrap+=("$f")
    done < <(find "$dir.tmp/usr/lib" -type f -perm -u+x -exec sh -c 'head -c 4 "$1" | grep -q ELF' _ {} \; -print)
    if ((${#wrap[@]})); then
        mkdir -p "$cache/debs-headers/libc"
        (cd "$cache/debs-headers/libc" && apt-get download -q -o APT::Sandbox::User=root "${apt_opts[@]}" \
            libc6 "$(apt-cache "${apt_opts[@]}" show libelf1t64 >/dev/null 2>&1 && echo libelf1t64 || echo libelf1)" \
            zlib1g libzstd1) >&2 || skip "apt-get download of $suite's libc6 failed"
        for deb in "$cache"/debs-headers/libc/*.deb; do dpkg -x "$deb" "$dir.tmp/sysroot"; done
        for f in "${wrap[@]}"; do
            mv "$f" "$f.bin"
            printf '#!/bin/sh\n# %s needs a newer glibc than the host'"'"'s: %s'"'"'s loader and libraries.\nexec %s --library-path %s %s "$@"\n' \
                "${f##*/}" "$suite" "$dir/sysroot/usr/lib64/ld-linux-x86-64.so.2" \
                "$dir/sysroot/usr/lib/x86_64-linux-gnu:$dir/sysroot/lib/x86_64-linux-gnu" \
                "${f/#$dir.tmp/$dir}.bin" >"$f"
            chmod 0755 "$f"
        done
    fi
    touch "$dir.tmp/.unpacked"
    rm -rf "$dir" "$cache/debs-headers"
    mv "$dir.tmp" "$dir"
fi
echo "$dir/usr/src/linux-headers-$rel"
