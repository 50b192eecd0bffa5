#!/bin/bash
# vm tier: boot a real Debian kernel in QEMU (TCG) and check that what
# netconsole-setup prints delivers kernel messages to a doctor.
#
#   run.sh --tool PATH --cache DIR --work DIR --kernel debian12|debian13|unstable [--case NAME]...
#   run.sh --guest installed --build BUILD_DIR --tool PATH --cache DIR --work DIR --kernel debian12 [--case NAME]...
#
# The default guest is a busybox initramfs the tier builds around the kernel.
# --guest installed boots a Debian root made by debootstrap (debian-root.sh)
# from its disk, with the project's .deb (cpack from BUILD_DIR) installed in it:
# systemd, systemd-networkd with DHCP from dnsmasq in the router namespace, the
# units; see installed-lib.sh.
#
# Topology (names unique per run, all removed on exit):
#
#   guest eth0 (e1000) -- tap0 [router netns] veth-d -- veth-r [doctor netns]
#   192.0.2.2               192.0.2.1          198.51.100.1     198.51.100.2
#   2001:db8:1::2           2001:db8:1::1      2001:db8:2::1    2001:db8:2::2
#                           fe80::1
#
# QEMU runs inside the router namespace (it opens tap0 there). Receivers
# (socat) run in the doctor namespace ("doctor4:PORT", "doctor6:PORT") and in
# the router namespace, which is also a doctor on the guest's own link
# ("link4:PORT", "link6:PORT"). Each case declares its receivers.
#
# Exit: 0 all checks passed, 1 a check failed, 77 cannot run here (skipped;
# under CI=true that is exit 1 instead).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tool= cache= work= kernel= only_cases=() guest=busybox build=
while (($#)); do
    case $1 in
        --tool) tool=$2; shift 2 ;;
        --cache) cache=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --kernel) kernel=$2; shift 2 ;;
        --case) only_cases+=("$2"); shift 2 ;;
        --guest) guest=$2; shift 2 ;;
        --build) build=$2; shift 2 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[[ -n $tool && -n $cache && -n $work && -n $kernel ]] ||
    { echo "usage: run.sh --tool PATH --cache DIR --work DIR --kernel LABEL [--case NAME]..." >&2; exit 2; }

. "$here/host-lib.sh"
. "$here/installed-lib.sh"
[[ $guest == busybox || ( $guest == installed && -n $build ) ]] ||
    { echo "run.sh: --guest busybox, or --guest installed with --build BUILD_DIR" >&2; exit 2; }

# --- Can this machine run the tier? -----------------------------------------
((EUID == 0)) || skip "needs root (network namespaces, tap device)"
for cmd in qemu-system-x86_64 socat cpio gzip depmod modinfo ip dpkg-deb apt-get timeout python3; do
    command -v "$cmd" >/dev/null || skip "$cmd not installed (see scripts/debian-packages.txt)"
done
[[ -x /bin/busybox ]] && ! ldd /bin/busybox >/dev/null 2>&1 ||
    skip "/bin/busybox missing or not static (install busybox-static)"
[[ -c /dev/net/tun ]] || skip "/dev/net/tun missing (no tap devices)"
[[ -x $tool ]] || { echo "run.sh: tool $tool not built" >&2; exit 1; }

if [[ $guest == installed ]]; then
    for cmd in debootstrap dnsmasq mke2fs chroot cpack; do
        command -v "$cmd" >/dev/null || skip "$cmd not installed (see scripts/debian-packages.txt)"
    done
    fetched=$("$here/debian-root.sh" "$cache" "$kernel") || { rc=$?; ((rc == 77)) && skip "no Debian root"; exit 1; }
else
    fetched=$("$here/fetch-kernels.sh" "$cache" "$kernel") || { rc=$?; ((rc == 77)) && skip "kernel download failed"; exit 1; }
fi
read -r _ kver kroot < <(grep "^$kernel " <<<"$fetched") ||
    { echo "run.sh: no kernel labelled $kernel" >&2; exit 2; }
# Every kernel the guest can boot, by label: one for the busybox guest; an
# installed root may hold a second (debian-root.sh), which a case chooses with
# vm_case --boot-kernel.
declare -A kernel_release
while read -r label rel _; do kernel_release[$label]=$rel; done <<<"$fetched"

# --- Cases for this kernel, grouped into boots by kernel command line -------
for f in "$here"/cases/*.sh; do . "$f"; done
select_cases "$kernel" "${only_cases[@]}"
((${#boot_names[@]})) || { echo "run.sh: no case runs on $kernel"; exit 0; }

rm -rf "$work" && mkdir -p "$work/recv" || exit 1
run_id=$$-$RANDOM
trap cleanup EXIT
trap 'exit 130' INT TERM
network_up "$run_id" || fatal "network setup failed"
for spec in "${listeners[@]}"; do listen "$spec" || fatal "receiver $spec failed"; done

if [[ $guest == installed ]]; then
    install_root "$kroot" "$work/root" || fatal "installing the package in the Debian root failed"
    dhcp_server_up || fatal "dnsmasq failed"
else
    build_base_initramfs "$kroot" "$kver" "$work/base.cpio.gz" || fatal "initramfs build failed"
fi

for i in "${!boot_names[@]}"; do
    boot "${boot_names[i]}" "${boot_cmdlines[i]}" "${boot_cases[i]}" "${boot_qemu[i]}" "${boot_memory[i]}" "${boot_crash[i]}" \
        "${boot_kernel[i]}"
done
report
