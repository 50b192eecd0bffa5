# Host side of the vm tier (bash), sourced by run.sh. Globals set by run.sh:
# tool kernel kver kroot work run_id here, guest (busybox when unset) and build.

# Addresses of the topology (documentation ranges; they only exist inside the
# namespaces this run creates).
GUEST_MAC=52:54:00:00:01:02
GUEST_IP4=192.0.2.2
GUEST_IP6=2001:db8:1::2
ROUTER_MAC=02:00:00:00:01:01
ROUTER_IP4=192.0.2.1
ROUTER_IP6=2001:db8:1::1
ROUTER_LL=fe80::1
DOCTOR_IP4=198.51.100.2
DOCTOR_IP6=2001:db8:2::2
# A second gateway on the guest's link (macvlan gw2 on tap0, same router), with
# its own MAC; spare addresses for the guest and the router's MAC after a change.
GW2_MAC=02:00:00:00:01:02
GW2_IP4=192.0.2.3
GW2_IP6=2001:db8:1::3
GUEST2_IP4=192.0.2.12
GUEST2_IP6=2001:db8:1::12
ROUTER_MAC2=02:00:00:00:01:03
# Hard limit per boot, seconds: NCS_VM_BOOT_TIMEOUT, else 60 s and 15 s per case
# of the boot, or the case's --seconds (one boot runs most cases; a loaded
# machine slows TCG down).
BOOT_TIMEOUT_BASE=60 BOOT_TIMEOUT_PER_CASE=15
BASE_CMDLINE="console=ttyS0 quiet panic=-1 mitigations=off"
GUEST_MODULES="configfs netconsole e1000 veth bonding i6300esb"
QEMU_MEMORY=256M

ns_router= ns_doctor= pids=() results=() failed=0 qemu_pid= director_pid= boot_end=
declare -A listener_pid

skip() {
    if [[ ${CI:-} == true ]]; then
        echo "vm tier cannot run: $* (CI=true: failing instead of skipping)" >&2
        exit 1
    fi
    echo "vm tier skipped: $*" >&2
    exit 77
}
fatal() { echo "run.sh: $*" >&2; exit 1; }

# --- Case registry ------------------------------------------------------------
# vm_case NAME [--listen SPEC]... [--kernels "LABEL..."] [--cmdline "ARGS"] [--seconds N]
#         [--qemu "ARGS"] [--memory SIZE] [--crash] [--guest busybox|installed]
#   SPEC is doctor4:PORT, doctor6:PORT, link4:PORT or link6:PORT (UDP
#   payloads), listen:PORT (the tool's own receiver) or tap (every frame the
#   guest puts on its link, raw).
#   --kernels limits the case to those kernel labels (default: every kernel).
#   --cmdline adds kernel command-line arguments, --qemu QEMU arguments (split
#   into words) and --memory sets the guest's RAM (default QEMU_MEMORY); cases
#   with the same three share one boot.
#   --seconds is what the case adds to its boot's time limit (default 15).
#   --crash: the case ends its boot with a crash (crash_now in the guest), so
#   it gets a boot of its own that ends in a panic, a reset or a kexec instead
#   of a poweroff; see boot() for how the harness stops it.
#   --guest: which guest runs the case: the busybox initramfs the tier builds
#   (default), or an installed Debian booted from its disk (installed-lib.sh);
#   run.sh --guest selects the cases of one kind.
#   --boot-kernel LABEL (installed guest): boot the root's kernel of that label
#   (debian-root.sh: the Debian 13 root holds unstable's 7.x beside its own);
#   default the run's. A case whose kernel the root lacks is left out.
declare -A case_cmdline case_kernels case_seconds case_qemu case_memory case_crash case_guest listener_case
declare -A case_boot_kernel
case_order=() listeners=()

# add_listener CASE SPEC: cases may share a receiver, but two receivers in the
# doctor namespace on one port would steal each other's datagrams: the tool's
# listen:PORT binds both families, so it takes the port from doctor4/doctor6.
add_listener() {
    local name=$1 spec=$2 other
    [[ " ${listeners[*]} " == *" $spec "* ]] && return
    for other in "${listeners[@]}"; do
        if [[ ${other#*:} == "${spec#*:}" && $other != link* && $spec != link* &&
              ( $other == listen:* || $spec == listen:* ) ]]; then
            fatal "vm_case $name: --listen $spec takes the port of ${listener_case[$other]}'s $other"
        fi
    done
    listeners+=("$spec")
    listener_case[$spec]=$name
}
vm_case() {
    local name=$1
    shift
    case_order+=("$name")
    case_cmdline[$name]= case_kernels[$name]= case_seconds[$name]=$BOOT_TIMEOUT_PER_CASE
    case_qemu[$name]= case_memory[$name]=$QEMU_MEMORY case_crash[$name]= case_guest[$name]=busybox
    case_boot_kernel[$name]=
    while (($#)); do
        case $1 in
            --boot-kernel) case_boot_kernel[$name]=$2; shift 2 ;;
            --guest) case_guest[$name]=$2; shift 2 ;;
            --qemu) case_qemu[$name]=$2; shift 2 ;;
            --memory) case_memory[$name]=$2; shift 2 ;;
            --crash) case_crash[$name]=1; shift ;;
            --listen) add_listener "$name" "$2"; shift 2 ;;
            --kernels) case_kernels[$name]=$2; shift 2 ;;
            --cmdline) case_cmdline[$name]=$2; shift 2 ;;
            --seconds) case_seconds[$name]=$2; shift 2 ;;
            *) fatal "vm_case $name: unknown option $1" ;;
        esac
    done
}

# select_cases KERNEL [ONLY...]: for the guest kind $guest, fill boot_names/boot_cmdlines/boot_cases,
# boot_qemu/boot_memory (the QEMU arguments and RAM of each boot) and
# boot_crash (1: the boot's one case ends it with a crash) and boot_kernel (the
# label of the kernel the boot runs, kernel_release's key).
select_cases() {
    local k=$1 c i found bk
    shift
    boot_names=() boot_cmdlines=() boot_cases=() boot_qemu=() boot_memory=() boot_crash=()
    boot_kernel=()
    for c in "${case_order[@]}"; do
        if (($#)) && [[ " $* " != *" $c "* ]]; then continue; fi
        [[ ${case_guest[$c]} == "${guest:-busybox}" ]] || continue
        if [[ -n ${case_kernels[$c]} && " ${case_kernels[$c]} " != *" $k "* ]]; then continue; fi
        bk=${case_boot_kernel[$c]:-$k}
        [[ -n ${kernel_release[$bk]:-} ]] || continue
        found=
        for i in "${!boot_cmdlines[@]}"; do
            if [[ -z ${case_crash[$c]} && -z ${boot_crash[i]} && ${boot_kernel[i]} == "$bk" &&
                  ${boot_cmdlines[i]} == "${case_cmdline[$c]}" &&
                  ${boot_qemu[i]} == "${case_qemu[$c]}" && ${boot_memory[i]} == "${case_memory[$c]}" ]]; then
                boot_cases[i]+=" $c" found=1
                break
            fi
        done
        if [[ -z $found ]]; then
            boot_names+=("boot${#boot_names[@]}")
            boot_cmdlines+=("${case_cmdline[$c]}")
            boot_cases+=("$c")
            boot_qemu+=("${case_qemu[$c]}")
            boot_memory+=("${case_memory[$c]}")
            boot_crash+=("${case_crash[$c]}")
            boot_kernel+=("$bk")
        fi
    done
}

# --- Results ------------------------------------------------------------------
# check CASE.CHECK PASS|FAIL DETAIL: record one result.
check() {
    local name=$1 verdict=$2
    shift 2
    results+=("$verdict $kernel/$name $*")
    [[ $verdict == PASS ]] || failed=1
}

# marker CASE TAG: the same text the guest's `marker TAG` wrote in case CASE.
marker() { echo "ncs-mark-$run_id-$1-$2"; }

# release_at_least MAJOR.MINOR: the booted kernel ($kver) is that version or
# newer (the guest has the same function for uname -r).
release_at_least() {
    local r=${kver%%[-+]*} maj min
    maj=${r%%.*} min=${r#*.} min=${min%%.*}
    ((maj > ${1%%.*} || (maj == ${1%%.*} && min >= ${1#*.})))
}

recv_file() { echo "$work/recv/${1/:/-}.log"; }

# expect_received CASE CHECK LISTENER TEXT: TEXT arrived at LISTENER.
expect_received() {
    local f
    f=$(recv_file "$3")
    if grep -aqF -- "$4" "$f"; then
        check "$1.$2" PASS "'$4' arrived at $3"
    else
        check "$1.$2" FAIL "'$4' did not arrive at $3 ($(wc -c <"$f") bytes received: $f)"
    fi
}

# expect_line CASE CHECK LISTENER REGEX: a received line matches REGEX (ERE).
expect_line() {
    local f
    f=$(recv_file "$3")
    if grep -aqE -- "$4" "$f"; then
        check "$1.$2" PASS "$3 got: $(grep -aE -- "$4" "$f" | head -n1)"
    else
        check "$1.$2" FAIL "no line at $3 matches /$4/ (received: $(tr '\n' '|' <"$f" | tail -c 300))"
    fi
}

# expect_frame CASE CHECK 4|6 DST_MAC DST_PORT: the raw capture of the tap
# (listener "tap") holds a UDP frame from the guest to DST_MAC, port DST_PORT:
# proof that a datagram was put on the link, whatever happened to it next.
expect_frame() {
    local f hex pattern
    f=$(recv_file tap)
    hex() { sed 's/^/\\x/; s/:/\\x/g' <<<"$1"; }
    pattern="(?s)$(hex "$4")$(hex "$GUEST_MAC")"
    if [[ $3 == 4 ]]; then
        pattern+='\x08\x00.{20}'      # IPv4 without options (netpoll sends none)
    else
        pattern+='\x86\xdd.{40}'      # IPv6, next header UDP
    fi
    pattern+=$(printf '.{2}\\x%02x\\x%02x' $(($5 >> 8)) $(($5 & 255)))
    if LC_ALL=C grep -aqP -- "$pattern" "$f"; then
        check "$1.$2" PASS "a UDP/IPv$3 frame to $4 port $5 was on the guest's link"
    else
        check "$1.$2" FAIL "no UDP/IPv$3 frame to $4 port $5 on the guest's link (capture: $f)"
    fi
}

# expect_nothing CASE CHECK LISTENER: not a single byte arrived at LISTENER.
expect_nothing() {
    local f
    f=$(recv_file "$3")
    if [[ ! -s $f ]]; then
        check "$1.$2" PASS "nothing arrived at $3"
    else
        check "$1.$2" FAIL "$(wc -c <"$f") bytes arrived at $3: $(head -c 200 "$f" | tr '\n' '|')"
    fi
}

# guest_detail CASE CHECK: the detail of the guest's PASS result CASE.CHECK, without
# its [t=...] suffix (how a guest hands a value, e.g. a printed marker, to the host).
# Reads the serial log of the boot being checked ($dir of boot()).
guest_detail() {
    grep -ao "NCS-RESULT $1.$2 PASS .*" "$dir/serial.txt" | tail -n 1 |
        sed -E "s/^NCS-RESULT [^ ]+ PASS //; s/ \[t=[0-9.]+\]\$//"
}

report() {
    local r
    echo "---- vm tier on $kernel ($kver), run $run_id"
    # The failures first: a log cut to its head and tail (CI's excerpt) still shows them.
    printf '%s\n' "${results[@]}" | grep '^FAIL'
    printf '%s\n' "${results[@]}" | grep -v '^FAIL'
    echo "---- $(grep -c '^PASS' <<<"$(printf '%s\n' "${results[@]}")") passed, $(grep -c '^FAIL' <<<"$(printf '%s\n' "${results[@]}")") failed; logs in $work"
    exit $failed
}

# --- Network ------------------------------------------------------------------
# remove_stale_namespaces: namespaces of earlier runs whose harness died
# without cleaning up (SIGKILL from a ctest timeout), found by the harness PID
# in their name; their processes (our QEMU and socat) are ended first.
remove_stale_namespaces() {
    local ns pid p
    for ns in $(ip netns list | grep -oE '^ncs-vm-[rd]-[0-9]+-[0-9]+'); do
        pid=${ns#ncs-vm-?-} pid=${pid%-*}
        kill -0 "$pid" 2>/dev/null && continue
        for p in $(ip netns pids "$ns"); do kill "$p" 2>/dev/null; done
        ip netns del "$ns"
    done
}

network_up() {
    local id=$1
    remove_stale_namespaces
    ns_router=ncs-vm-r-$id ns_doctor=ncs-vm-d-$id
    ip netns add "$ns_router" || return 1
    ip netns add "$ns_doctor" || return 1
    ip -n "$ns_router" link set lo up
    ip -n "$ns_doctor" link set lo up
    ip netns exec "$ns_router" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || return 1
    ip -n "$ns_router" tuntap add tap0 mode tap || return 1
    ip -n "$ns_router" link set tap0 address "$ROUTER_MAC" up
    ip -n "$ns_router" addr add "$ROUTER_IP4/24" dev tap0
    ip -n "$ns_router" addr add "$ROUTER_IP6/64" dev tap0 nodad
    ip -n "$ns_router" addr add "$ROUTER_LL/64" dev tap0 nodad
    ip -n "$ns_router" link add veth-d type veth peer name veth-r netns "$ns_doctor" || return 1
    ip -n "$ns_router" link set veth-d up
    ip -n "$ns_router" addr add 198.51.100.1/24 dev veth-d
    ip -n "$ns_router" addr add 2001:db8:2::1/64 dev veth-d nodad
    ip -n "$ns_doctor" link set veth-r up
    ip -n "$ns_doctor" addr add "$DOCTOR_IP4/24" dev veth-r
    ip -n "$ns_doctor" addr add "$DOCTOR_IP6/64" dev veth-r nodad
    ip -n "$ns_doctor" route add default via 198.51.100.1
    ip -n "$ns_doctor" -6 route add default via 2001:db8:2::1
    # The second gateway: a macvlan of tap0 with its own MAC and /32, /128
    # addresses, so only it answers ARP and ND for them (arp_ignore=1: tap0 does
    # not answer for gw2's address) and the router's routes to the guest stay on
    # tap0. No reverse-path filter: gw2 forwards what the guest sends it.
    ip -n "$ns_router" link add gw2 link tap0 address "$GW2_MAC" type macvlan mode bridge || return 1
    ip netns exec "$ns_router" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
        net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
        net.ipv4.conf.tap0.rp_filter=0 net.ipv4.conf.gw2.rp_filter=0 || return 1
    # A changed MAC on tap0 is announced, as a failed-over router does:
    # a gratuitous ARP (arp_notify) and an unsolicited neighbour advertisement.
    ip netns exec "$ns_router" sysctl -qw net.ipv4.conf.tap0.arp_notify=1 \
        net.ipv6.conf.tap0.ndisc_notify=1 || return 1
    ip -n "$ns_router" link set gw2 up
    ip -n "$ns_router" addr add "$GW2_IP4/32" dev gw2
    ip -n "$ns_router" addr add "$GW2_IP6/128" dev gw2 nodad
}

# listen SPEC: start a socat receiver appending every datagram to recv_file SPEC
# (for listen:PORT or listen:PORT+PORT..., `netconsole-setup listen --json` on those
# ports in the doctor namespace).
listen() {
    local spec=$1 role port ns addr f
    role=${spec%%:*} port=${spec#*:}
    case $role in
        tap) ns=$ns_router addr=INTERFACE:tap0 ;;
        doctor4) ns=$ns_doctor addr="UDP4-RECV:$port" ;;
        doctor6) ns=$ns_doctor addr="UDP6-RECV:$port,ipv6only=1" ;;
        link4) ns=$ns_router addr="UDP4-RECV:$port" ;;
        link6) ns=$ns_router addr="UDP6-RECV:$port,ipv6only=1" ;;
        listen) ns=$ns_doctor ;;    # the tool's own receiver: JSON lines, acks
        *) fatal "unknown receiver $spec" ;;
    esac
    f=$(recv_file "$spec")
    : >"$f"
    if [[ $role == listen ]]; then
        # listen:P1+P2: one receiver on both ports (85-listen-targets.sh).
        local ports=() p
        for p in ${port//+/ }; do ports+=(--port "$p"); done
        # Its own stderr: the summary (listen_summary) is per receiver.
        ip netns exec "$ns" "$tool" listen --json "${ports[@]}" >"$f" 2>"${f%.log}.err" &
        pids+=($!)
        listener_pid[$spec]=$!
        return
    fi
    ip netns exec "$ns" socat -u "$addr" "OPEN:$f,creat,append" 2>>"$work/recv/socat.err" &
    pids+=($!)
}

# listen_summary SPEC: the counts of the listen:PORT receiver so far, as the
# JSON object it prints on SIGUSR1 (records, lost, duplicates, ...).
listen_summary() {
    local f n
    f=$(recv_file "$1") f=${f%.log}.err
    n=$(grep -c '^{' "$f")
    kill -USR1 "${listener_pid[$1]}" || return 1
    for _ in $(seq 50); do
        (($(grep -c '^{' "$f") > n)) && break
        sleep 0.1
    done
    grep '^{' "$f" | tail -n 1
}

cleanup() {
    local p
    if [[ -n $qemu_pid ]]; then      # timeout(1) passes the signal on to QEMU
        kill "$qemu_pid" 2>/dev/null
        wait "$qemu_pid" 2>/dev/null
    fi
    stop_director
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
    [[ -n $ns_router ]] && ip -n "$ns_router" link del tap0 2>/dev/null
    [[ -n $ns_doctor ]] && ip netns del "$ns_doctor" 2>/dev/null
    [[ -n $ns_router ]] && ip netns del "$ns_router" 2>/dev/null
}

# --- Host actions during a boot ---------------------------------------------------
# A case's guest part may ask the host to change something it cannot change from
# inside (the router's MAC): `host_do ACTION ARGS...` in the guest writes
#   NCS-HOST <seq> <case> <action> <args...>
# on the guest's second serial port (a QEMU pipe chardev, <boot>/ctl.{in,out});
# the director runs the host function <case>_do_<action> ARGS (defined in the
# case file) and answers "NCS-DONE <seq> <status>". Names are checked and the
# arguments passed as words, never evaluated. Log: <boot>/host-actions.log.
director() {
    local dir=$1 line words seq c action rc
    exec 3<>"$dir/ctl.out" 4<>"$dir/ctl.in"
    while IFS= read -r -u 3 line; do
        line=${line%$'\r'}
        read -ra words <<<"$line"
        [[ ${words[0]:-} == NCS-HOST && ${#words[@]} -ge 4 ]] || continue
        seq=${words[1]} c=${words[2]} action=${words[3]}
        if [[ $seq =~ ^[0-9]+$ && $c =~ ^[a-z0-9]+$ && $action =~ ^[a-z0-9_]+$ ]] &&
           declare -F "${c}_do_${action}" >/dev/null; then
            "${c}_do_${action}" "${words[@]:4}" >>"$dir/host-actions.log" 2>&1
            rc=$?
        else
            rc=127
        fi
        echo "$(date +%T.%N) $line -> $rc" >>"$dir/host-actions.log"
        printf 'NCS-DONE %s %d\n' "$seq" "$rc" >&4
    done
}

start_director() {
    rm -f "$1/ctl.in" "$1/ctl.out"
    mkfifo "$1/ctl.in" "$1/ctl.out" || return 1
    : >"$1/host-actions.log"
    director "$1" &
    director_pid=$!
}

stop_director() {
    [[ -n $director_pid ]] || return 0
    kill "$director_pid" 2>/dev/null
    wait "$director_pid" 2>/dev/null
    director_pid=
}

# --- Initramfs ------------------------------------------------------------------
# copy_binary ROOT SRC DEST: SRC into ROOT/DEST plus every library ldd names,
# each at the path ldd gives (the dynamic loader included).
copy_binary() {
    local root=$1 src=$2 dest=$3 lib
    install -D -m 0755 "$src" "$root$dest" || return 1
    for lib in $(ldd "$src" | grep -oE '/[^ ]+'); do
        [[ -e $root$lib ]] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib" || return 1
    done
}

# module_closure KROOT KVER NAME...: print the module files NAME needs, deps first.
module_closure() {
    local kroot=$1 kver=$2 moddir
    shift 2
    moddir=$kroot/lib/modules/$kver
    [[ -d $moddir ]] || moddir=$kroot/usr/lib/modules/$kver
    declare -A path seen
    local f n
    while read -r f; do
        n=${f##*/} n=${n%%.ko*} n=${n//-/_}
        path[$n]=$f
    done < <(find "$moddir/kernel" -name '*.ko*')
    visit() {
        local n=${1//-/_} d
        [[ -n ${seen[$n]:-} ]] && return 0
        seen[$n]=1
        [[ -n ${path[$n]:-} ]] || return 0        # built into the kernel
        for d in $(modinfo -F depends "${path[$n]}" | tr ',' ' '); do visit "$d"; done
        echo "${path[$n]#"$moddir"/}"
    }
    for n in "$@"; do visit "$n"; done
}

# build_base_initramfs KROOT KVER OUT: busybox, kmod, iproute2, the tool, the
# modules GUEST_MODULES need, the init and the cases. The per-boot part
# (/vm/env) is a second cpio archive appended at boot time.
build_base_initramfs() {
    local kroot=$1 kver=$2 out=$3 root=$work/initramfs moddir m
    rm -rf "$root"
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,vm/cases,lib/modules/$kver}
    install -m 0755 /bin/busybox "$root/bin/busybox" || return 1
    ln -s busybox "$root/bin/sh"
    copy_binary "$root" "$(readlink -f "$(command -v kmod)")" /usr/sbin/kmod || return 1
    for m in modprobe rmmod lsmod insmod modinfo; do ln -s kmod "$root/usr/sbin/$m"; done
    copy_binary "$root" "$(readlink -f "$(command -v ip)")" /usr/sbin/ip || return 1
    copy_binary "$root" "$tool" /usr/sbin/netconsole-setup || return 1
    # The tool opens libkmod with dlopen to load a module: ldd of it does not name it.
    m=$(ldconfig -p | awk '$1 == "libkmod.so.2" && /x86-64/ {print $NF; exit}')
    copy_binary "$root" "$(readlink -f "$m")" "$m" || return 1
    moddir=$kroot/lib/modules/$kver
    [[ -d $moddir ]] || moddir=$kroot/usr/lib/modules/$kver
    for m in $(module_closure "$kroot" "$kver" $GUEST_MODULES); do
        install -D -m 0644 "$moddir/$m" "$root/lib/modules/$kver/$m" || return 1
    done
    cp "$moddir"/modules.builtin* "$moddir"/modules.order "$root/lib/modules/$kver/" 2>/dev/null
    depmod -b "$root" "$kver" || return 1
    install -m 0755 "$here/guest/init" "$root/init"
    install -m 0644 "$here/guest/guest-lib.sh" "$root/vm/guest-lib.sh"
    install -m 0644 "$here"/cases/*.sh "$root/vm/cases/"
    (cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$out"
}

# --- Boot -----------------------------------------------------------------------
# boot NAME EXTRA_CMDLINE "CASE..." [QEMU_ARGS [MEMORY [CRASH [KERNEL]]]]: one QEMU
# boot running those cases, then the guest's results and each case's host-side
# assertions. KERNEL (a label of kernel_release, default the run's) is the kernel
# the boot runs: kernel and kver are its label and release for the boot's checks. A case may add files to its boot's initramfs: the host function
# <case>_initramfs DIR, if defined, fills DIR (the root of the boot's part).
#
# A crash boot (CRASH=1, one case) does not end in a poweroff: the guest prints
# "NCS-CRASH <case>" and crashes the kernel (crash_now). While it runs the
# harness timestamps each serial line as it appears (<boot>/serial.times, host
# time, see serial_clock) and, once the crash line is there, calls the case's
# <case>_stop DIR every 0.2 s if defined: when it succeeds (the doctor has the
# last line, the capture kernel booted) QEMU is stopped. boot_end tells the
# case's host function how the boot ended: "reset" (QEMU exited by itself: with
# -no-reboot a reset, a panic's reboot or a watchdog's, ends it), "stopped"
# (<case>_stop said so) or "timeout".
boot() {
    local name=$1 extra=$2 cases=$3 qemu_args=${4:-} memory=${5:-$QEMU_MEMORY} crash=${6:-}
    local kernel=${7:-$kernel}
    local kver=${kernel_release[$kernel]:-$kver}
    local dir=$work/$1 c start rc limit clock_pid= stop=
    limit=$BOOT_TIMEOUT_BASE
    # shellcheck disable=SC2086 # cases: one word per case
    for c in $cases; do limit=$((limit + case_seconds[$c])); done
    limit=${NCS_VM_BOOT_TIMEOUT:-$limit}
    mkdir -p "$dir/overlay/vm"
    {
        for v in GUEST_MAC GUEST_IP4 GUEST_IP6 ROUTER_MAC ROUTER_IP4 ROUTER_IP6 ROUTER_LL DOCTOR_IP4 DOCTOR_IP6 \
                 GW2_MAC GW2_IP4 GW2_IP6 GUEST2_IP4 GUEST2_IP6 ROUTER_MAC2; do
            echo "$v=${!v}"
        done
        echo "VM_RUN=$run_id"
        echo "VM_BOOT=$name"
        echo "VM_CASES='$cases'"
    } >"$dir/overlay/vm/env"
    local media=()
    if [[ ${guest:-} == installed ]]; then
        installed_media "$dir" "$cases" "$extra" || fatal "$name: the installed guest's disk failed"
        media=("${installed_args[@]}")
    else
        for c in $cases; do
            if declare -F "${c}_initramfs" >/dev/null; then
                "${c}_initramfs" "$dir/overlay" || fatal "$c: its initramfs part failed"
            fi
        done
        (cd "$dir/overlay" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$dir/boot.cpio.gz"
        cat "$work/base.cpio.gz" "$dir/boot.cpio.gz" >"$dir/initrd.gz"
        media=(-no-reboot -kernel "$(kernel_image)" -initrd "$dir/initrd.gz" -append "$BASE_CMDLINE $extra")
    fi
    start_director "$dir" || fatal "no control channel for $name"
    : >"$dir/serial.log"
    start=$(date +%s.%N)
    # shellcheck disable=SC2086 # qemu_args: the case's words
    timeout --kill-after=5 "$limit" ip netns exec "$ns_router" \
        qemu-system-x86_64 -accel tcg -m "$memory" -smp 1 -nodefaults -display none \
            -serial "file:$dir/serial.log" -serial "pipe:$dir/ctl" "${media[@]}" \
            -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
            -device "e1000,netdev=n0,mac=$GUEST_MAC,autonegotiation=off" $qemu_args \
        >"$dir/qemu.out" 2>&1 &
    qemu_pid=$!
    boot_end=
    if [[ -n $crash ]]; then
        serial_clock "$dir/serial.log" "$dir/serial.times" "$qemu_pid" &
        clock_pid=$!
        declare -F "${cases}_stop" >/dev/null && stop=${cases}_stop
        while kill -0 "$qemu_pid" 2>/dev/null; do
            if [[ -n $stop ]] && grep -aq '^NCS-CRASH' "$dir/serial.log" && "$stop" "$dir"; then
                boot_end=stopped
                kill "$qemu_pid" 2>/dev/null
                break
            fi
            sleep 0.2
        done
    fi
    wait "$qemu_pid"       # in the background so that a signal's trap runs at once
    rc=$?
    qemu_pid=
    [[ -n $clock_pid ]] && wait "$clock_pid"
    stop_director
    local secs
    secs=$(awk "BEGIN{print $(date +%s.%N) - $start}")
    printf '%s: %s boot took %.1f s (qemu exit %d)\n' "$kernel" "$name" "$secs" "$rc"
    sleep 0.3   # let the receivers write out the last datagrams
    tr -d '\r' <"$dir/serial.log" >"$dir/serial.txt"
    if [[ -n $crash ]]; then
        if [[ -z $boot_end ]]; then
            boot_end=reset
            ((rc == 124 || rc == 137)) && boot_end=timeout
        fi
        if ! grep -q "^NCS-CRASH $cases\$" "$dir/serial.txt"; then
            check "$name.boot" FAIL "the guest did not get to its crash (qemu exit $rc, $boot_end; serial: $dir/serial.txt): $(tail -n 5 "$dir/serial.txt" | tr '\n' '|')"
        elif [[ $boot_end == timeout ]]; then
            check "$name.boot" FAIL "crashed, then neither a reset nor the case's end within ${limit}s (serial: $dir/serial.txt): $(tail -n 5 "$dir/serial.txt" | tr '\n' '|')"
        else
            check "$name.boot" PASS "$(printf '%.1f' "$secs") s; crashed, then $boot_end"
        fi
    elif ((rc == 124 || rc == 137)); then
        check "$name.boot" FAIL "no poweroff within ${limit}s (serial: $dir/serial.txt): $(tail -n 5 "$dir/serial.txt" | tr '\n' '|')"
    elif ! grep -q '^NCS-GUEST-DONE' "$dir/serial.txt"; then
        check "$name.boot" FAIL "guest did not finish (qemu exit $rc; serial: $dir/serial.txt): $(tail -n 5 "$dir/serial.txt" | tr '\n' '|')"
    else
        check "$name.boot" PASS "$(printf '%.1f' "$secs") s; $(grep -o 'NCS-GUEST-DONE.*' "$dir/serial.txt")"
    fi
    local _ what verdict detail
    while read -r _ what verdict detail; do
        check "$what" "$verdict" "$detail"
    done < <(grep -ao 'NCS-RESULT .*' "$dir/serial.txt")
    for c in $cases; do
        # A crash case's guest part ends in the crash: no NCS-CASE-END.
        [[ -n $crash ]] || grep -q "^NCS-CASE-END $c\$" "$dir/serial.txt" ||
            check "$c.guest" FAIL "the guest part did not finish"
        "${c}_host" "$c"
    done
}

# serial_clock LOG TIMES PID: while PID runs (and once more after), append each
# new complete line of LOG to TIMES as "<epoch seconds> <line>", the host time
# it was first seen (LOG polled every 5 ms: that is the resolution), for the
# time from a line on the guest's console to its arrival at the doctor.
serial_clock() {
    python3 - "$@" <<'PY'
import os, sys, time
log, times, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
def alive():
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False
pos, partial = 0, b""
with open(times, "w") as out:
    while True:
        running = alive()
        with open(log, "rb") as f:
            f.seek(pos)
            data = f.read()
        if data:
            now = time.time()
            pos += len(data)
            lines = (partial + data).split(b"\n")
            partial = lines.pop()
            for line in lines:
                out.write("%.6f %s\n" % (now, line.rstrip(b"\r").decode("utf-8", "replace")))
            out.flush()
        if not running:
            break
        time.sleep(0.005)
PY
}

# kernel_image: the uncompressed vmlinux when fetch-kernels.sh could extract
# it (PVH boot, seconds faster under TCG), else the vmlinuz; in /boot up to
# 6.x, in /usr/lib/modules/<release>/ from 7.x (linux-binary-<release>).
kernel_image() {
    local f
    for f in "$kroot/boot/vmlinux-$kver" "$kroot/usr/lib/modules/$kver/vmlinux" \
             "$kroot/boot/vmlinuz-$kver" "$kroot/usr/lib/modules/$kver/vmlinuz"; do
        [[ -e $f ]] && { echo "$f"; return 0; }
    done
    fatal "no kernel image for $kver under $kroot"
}
