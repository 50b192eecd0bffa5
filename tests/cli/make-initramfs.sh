#!/bin/bash
# A real initramfs image as Debian 12's update-initramfs lays it out, for the cli cases
# of `cmdline --check-initramfs`: an uncompressed early-microcode cpio newc archive, then
# the main archive compressed, holding empty <module>.ko files.
#   make-initramfs.sh IMAGE COMPRESSOR RELEASE MODULE...
# COMPRESSOR is zstd or gzip (both from scripts/debian-packages.txt, as is cpio).
set -euo pipefail
image=${1:?image} compressor=${2:?zstd or gzip} release=${3:?release}
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/early/kernel/x86/microcode" "$work/main/usr/lib/modules/$release/kernel/drivers/net"
echo microcode > "$work/early/kernel/x86/microcode/GenuineIntel.bin"
echo '#!/bin/sh' > "$work/main/init"
for module in "$@"; do
    : > "$work/main/usr/lib/modules/$release/kernel/drivers/net/$module.ko"
done
mkdir -p "$(dirname "$image")"
(cd "$work/early" && find . | LC_ALL=C sort | cpio --quiet -o -H newc) > "$image"
case $compressor in
    zstd) (cd "$work/main" && find . | LC_ALL=C sort | cpio --quiet -o -H newc | zstd -q -c) >> "$image" ;;
    gzip) (cd "$work/main" && find . | LC_ALL=C sort | cpio --quiet -o -H newc | gzip -c) >> "$image" ;;
    *) echo "make-initramfs.sh: $compressor is not zstd or gzip" >&2; exit 2 ;;
esac
