# The installed guest of the vm tier (bash, sourced by run.sh after host-lib.sh):
# a Debian root made by debootstrap (debian-root.sh, cached), copied per run,
# with the project's .deb installed by dpkg inside it, booted from a disk image
# made with `mke2fs -d` (no loop mount) with the kernel and the initramfs that
# update-initramfs built in the root. systemd is PID 1; systemd-networkd takes
# its address and default gateway by DHCP from dnsmasq in the router namespace.
#
# In the guest, ncs-vm-guest.service (guest/installed-init, after
# multi-user.target) runs the boot's cases as the busybox init does and prints
# the same NCS-RESULT lines on the serial console; host_do works the same over
# ttyS1. A case may reboot the guest (guest_reboot): QEMU runs without
# -no-reboot, the disk keeps its state, and installed-init calls the case again
# with VM_BOOT_NO counting the boots; the boot ends with a poweroff.
#
# Host functions a case may define: <case>_root DIR adds files to the root (DIR)
# before the disk is made, as an administrator would before booting.

# The guest's kernel command line: the root on the virtio disk, the console on
# the serial port. No `quiet`: the console log shows the boot's lines.
INSTALLED_CMDLINE="root=/dev/vda rw console=ttyS0 panic=-1 mitigations=off"
INSTALLED_MEMORY=512M
INSTALLED_DISK_SIZE=1536M
# DHCP (dnsmasq in the router namespace): the files it re-reads on SIGHUP, so a
# case changes the address it hands out or the gateway it names.
DHCP_LEASE=120 DHCP_T1=10 DHCP_T2=15
dhcp_pid=

# install_root BASE ROOT: ROOT is a copy of BASE with this build's .deb
# (cpack -G DEB in $build) installed by dpkg (its Depends resolve from the
# Debian packages the root holds, no download), and the guest's configuration:
# networkd with DHCP on the e1000, no getty on the serial console, the runner.
install_root() {
    local base=$1 root=$2 deb
    rm -rf "$root" "$work/deb"
    cp -a "$base" "$root" || return 1
    cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/deb" >"$work/cpack.log" 2>&1 ||
        { cat "$work/cpack.log" >&2; return 1; }
    deb=$(compgen -G "$work/deb/netconsole-setup_*.deb" | head -n1)
    [[ -n $deb ]] || { echo "install_root: cpack made no .deb" >&2; return 1; }
    cp "$deb" "$root/tmp/"
    # dpkg in the chroot (its own database): it refuses the package if a
    # Depends is not installed, and the root holds only Debian's packages.
    chroot "$root" dpkg -i "/tmp/${deb##*/}" >"$work/dpkg-install.log" 2>&1 ||
        { cat "$work/dpkg-install.log" >&2; return 1; }
    rm -f "$root/tmp/${deb##*/}"
    echo "ncs-guest" >"$root/etc/hostname"
    echo "LABEL=ncsroot / ext4 rw,errors=remount-ro 0 1" >"$root/etc/fstab"
    mkdir -p "$root/etc/systemd/network"
    cat >"$root/etc/systemd/network/20-wired.network" <<'EOF'
[Match]
Type=ether

[Network]
DHCP=ipv4
IPv6AcceptRA=no
LinkLocalAddressing=no

[DHCPv4]
ClientIdentifier=mac
EOF
    # Masked: the serial getty (the console is the harness's), the timers a
    # test boot has no use for, the units that need hardware QEMU has not.
    local unit
    for unit in serial-getty@ttyS0.service getty@tty1.service apt-daily.timer \
                apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer fstrim.timer \
                e2scrub_reap.service; do
        ln -sf /dev/null "$root/etc/systemd/system/$unit"
    done
    install -D -m 0755 "$here/guest/installed-init" "$root/vm/installed-init"
    install -m 0644 "$here/guest/guest-lib.sh" "$root/vm/guest-lib.sh"
    mkdir -p "$root/vm/cases"
    install -m 0644 "$here"/cases/*.sh "$root/vm/cases/"
    cat >"$root/etc/systemd/system/ncs-vm-guest.service" <<'EOF'
[Unit]
Description=vm tier: the cases of this boot
After=multi-user.target

[Service]
Type=exec
ExecStart=/vm/installed-init
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0

[Install]
WantedBy=multi-user.target
EOF
    # systemctl --root: enabled offline, as an image builder does (systemctl in the
    # chroot of a newer Debian warns that /proc is not mounted).
    systemctl --root="$root" enable -q systemd-networkd.service systemd-networkd-wait-online.service \
        ncs-vm-guest.service || return 1
    mkdir -p "$root/var/lib/ncs-vm"
}

# installed_media DIR "CASE..." EXTRA: the boot's disk image, made from the run's
# root with the boot's /vm/env and what the cases' <case>_root add; sets
# installed_args to QEMU's arguments for it (the kernel and initramfs from the
# root's /boot) and the hardware watchdog systemd drives (panicdog), in the last
# PCI slot so that the e1000 keeps its slot and udev's name for it (ens2, which
# the boot-time target of firstline names).
installed_media() {
    local dir=$1 cases=$2 extra=$3 root=$work/root c
    cp "$dir/overlay/vm/env" "$root/vm/env"
    rm -f "$root"/var/lib/ncs-vm/*
    for c in $cases; do
        if declare -F "${c}_root" >/dev/null; then
            "${c}_root" "$root" || { echo "$c: its root part failed" >&2; return 1; }
        fi
    done
    rm -f "$dir/disk.img"
    mke2fs -q -t ext4 -L ncsroot -d "$root" "$dir/disk.img" "$INSTALLED_DISK_SIZE" >"$dir/mke2fs.log" 2>&1 ||
        { cat "$dir/mke2fs.log" >&2; return 1; }
    installed_args=(-m "$INSTALLED_MEMORY"
                    -kernel "$root/boot/vmlinuz-$kver" -initrd "$root/boot/initrd.img-$kver"
                    -append "$INSTALLED_CMDLINE $extra"
                    -drive "file=$dir/disk.img,format=raw,if=virtio"
                    -device i6300esb,addr=0x1f -action watchdog=reset)
}

# dhcp_server_up: dnsmasq on tap0 in the router namespace, DHCP only (no DNS):
# the guest's MAC gets GUEST_IP4 and ROUTER_IP4 as its router, leases of
# DHCP_LEASE seconds (dnsmasq's shortest, 120 s) that the client renews after
# DHCP_T1 and rebinds after DHCP_T2 (options 58 and 59), so that a change the
# server makes reaches the client by the protocol within seconds. dhcp_set
# ADDRESS ROUTER changes both for the next request (SIGHUP re-reads the hosts
# and options files).
dhcp_server_up() {
    mkdir -p "$work/dhcp"
    dhcp_set "$GUEST_IP4" "$ROUTER_IP4" || return 1
    : >"$work/dhcp/leases"
    ip netns exec "$ns_router" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 \
        --user=root --group=root --interface=tap0 --bind-interfaces \
        --dhcp-range="192.0.2.0,static,255.255.255.0,${DHCP_LEASE}s" --dhcp-authoritative \
        --dhcp-hostsfile="$work/dhcp/hosts" --dhcp-optsfile="$work/dhcp/opts" \
        --dhcp-leasefile="$work/dhcp/leases" --log-dhcp --log-facility="$work/dhcp/dnsmasq.log" \
        --pid-file= &
    dhcp_pid=$!
    pids+=("$dhcp_pid")
    sleep 0.3
    kill -0 "$dhcp_pid" 2>/dev/null
}
dhcp_set() {
    echo "$GUEST_MAC,$1" >"$work/dhcp/hosts"
    printf 'option:router,%s\noption:T1,%s\noption:T2,%s\n' "$2" "$DHCP_T1" "$DHCP_T2" \
        >"$work/dhcp/opts"
    [[ -z $dhcp_pid ]] || kill -HUP "$dhcp_pid"
}
