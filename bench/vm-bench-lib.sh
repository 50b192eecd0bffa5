# Shared start of the benchmarks that run the vm tier (sourced, bash).
# vm_bench_setup NAME [BINARY] [KERNEL...]: sets tool (a stripped copy of BINARY,
# default build/release's), kernels (default every kernel the tier boots),
# cache (NCS_VM_CACHE, default build/dev/vm-cache) and work (a temporary
# directory removed on exit), and prints the host line.
vm_bench_setup() {
    local name=$1
    shift
    tool=$(realpath "${1:-$bench/../build/release/cli/netconsole-setup}")
    shift $(($# > 0 ? 1 : 0))
    kernels=("$@")
    ((${#kernels[@]})) || kernels=(debian12 debian13 unstable)
    cache=${NCS_VM_CACHE:-$bench/../build/dev/vm-cache}
    [[ -x $tool ]] || { echo "no binary at $tool (cmake --preset release && cmake --build --preset release)" >&2; exit 1; }
    command -v python3 >/dev/null || { echo "python3 not installed" >&2; exit 1; }
    work=$(mktemp -d "/tmp/ncs-$name.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    echo "Host $(uname -n), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F); binary $tool"
    # Stripped, as the .deb ships it: a RelWithDebInfo binary's debug info (100 MB)
    # does not fit the guest's 256 MB with the initramfs unpacked.
    strip -o "$work/netconsole-setup" "$tool" || { echo "strip $tool failed" >&2; exit 1; }
    tool=$work/netconsole-setup
}
