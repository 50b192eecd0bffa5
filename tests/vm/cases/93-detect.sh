# Case: what this kernel's netconsole has, three ways that must agree: the
# files configfs really shows, what `list --json` detects from them, and the
# kernel version each feature came with (release 6.6, userdata 6.9,
# transmit_errors 6.14, sysdata cpu_nr/taskname/release 6.15, msgid 6.17;
# `apply --name cmdline0` adopts only from 6.7). The
# device by MAC in the boot string (6.15, backported to Debian's 6.12) is
# checked against what the kernel logged it did. The sysdata a kernel has is
# delivered; one it lacks is refused naming the version.
vm_case detect --listen doctor4:6694 --listen doctor4:6695 --listen doctor4:6696

# dt_has FILE...: "FILE=1" or "FILE=0" for each file under the target.
dt_has() {
    local f out=
    for f in "$@"; do
        if [ -e "$NC_DIR/ncs-detect/$f" ]; then out="$out ${f##*/}=1"; else out="$out ${f##*/}=0"; fi
    done
    echo "${out# }"
}

detect_guest() {
    unload
    # The boot string's parser, as netconsole= on the kernel command line uses it.
    if out=$(modprobe netconsole "netconsole=6665@$GUEST_IP4/$GUEST_MAC,6694@$DOCTOR_IP4/$ROUTER_MAC" 2>&1); then
        result bymac-load PASS loaded
    else
        result bymac-load PASS "refused: $out"
    fi
    kmsg "$(marker bymac)"
    # What the kernel made of the dev field: netpoll logs "local ethernet address
    # '<mac>'" for a target bound by MAC, "interface name '<text>'" otherwise.
    if dmesg | grep -q "local ethernet address '$GUEST_MAC'"; then
        result bymac-kernel PASS mac
    else
        result bymac-kernel PASS "name: $(dmesg | grep -E "netpoll: .*interface (name )?'" | tail -n 1)"
    fi
    unload
    # cmdlineN adoption (6.7+): the mkdir attaches the module's target; before,
    # it makes a new one, and the tool says so.
    load adopt-load "6665@$GUEST_IP4/eth0,6696@$DOCTOR_IP4/$ROUTER_MAC" &&
        run_tool adopt apply --name cmdline0 --to "$DOCTOR_IP4" --port 6696
    if release_at_least 6.7; then
        ap_says adopt-says "target cmdline0: adopted: mkdir"
    else
        ap_says adopt-says "target cmdline0: created: mkdir"
    fi
    run_tool adopt-remove remove cmdline0
    unload
    run_tool apply apply --to "$DOCTOR_IP4" --port 6695 --name ncs-detect --extended || return
    result files PASS "$(dt_has release userdata transmit_errors userdata/cpu_nr_enabled \
        userdata/taskname_enabled userdata/release_enabled userdata/msgid_enabled)"
    ap_json list list --json
    if release_at_least 6.17; then
        run_tool sysdata apply --to "$DOCTOR_IP4" --port 6695 --name ncs-detect --extended \
            --sysdata cpu_nr,taskname,release,msgid
        kmsg "$(marker sys)"
    elif release_at_least 6.15; then
        ap_fails sysdata 1 "--sysdata msgid needs Linux 6.17 or newer" apply --to "$DOCTOR_IP4" \
            --port 6695 --name ncs-detect --extended --sysdata msgid
    else
        ap_fails sysdata 1 "--sysdata needs Linux 6.15 or newer" apply --to "$DOCTOR_IP4" \
            --port 6695 --name ncs-detect --extended --sysdata cpu_nr
    fi
    run_tool remove remove ncs-detect
}

# dt_want: the files the booted kernel should show, from the version table.
dt_want() {
    local out= f v
    for f in release:6.6 userdata:6.9 transmit_errors:6.14 cpu_nr_enabled:6.15 \
             taskname_enabled:6.15 release_enabled:6.15 msgid_enabled:6.17; do
        v=${f#*:}
        if release_at_least "$v"; then out="$out ${f%%:*}=1"; else out="$out ${f%%:*}=0"; fi
    done
    echo "${out# }"
}

# dt_bool FILES NAME: "true" when FILES (dt_has output) says NAME=1.
dt_bool() {
    case " $1 " in *" $2=1 "*) echo true ;; *) echo false ;; esac
}

detect_host() {
    local files want keys= k
    files=$(guest_detail "$1" files) want=$(dt_want)
    if [ "$files" = "$want" ]; then
        check "$1.files-by-version" PASS "$kver shows: $files"
    else
        check "$1.files-by-version" FAIL "$kver shows '$files', the version table says '$want'"
    fi
    # What list --json detects must be exactly what the files say.
    for k in cpu_nr taskname release msgid; do
        [ "$(dt_bool "$files" "${k}_enabled")" = true ] && keys="$keys,\"$k\""
    done
    ap_json_check "$1" list ".targets | map(select(.name == \"ncs-detect\")) | .[0] |
        (.release != null) == $(dt_bool "$files" release) and
        (.userdata != null) == $(dt_bool "$files" userdata) and
        (.transmit_errors != null) == $(dt_bool "$files" transmit_errors) and
        ((.sysdata // {}) | keys | sort) == ([${keys#,}] | sort)"
    # The device by MAC came with 6.15; Debian's 6.12 has it backported. A
    # kernel that bound the target by MAC delivers, one that took the MAC
    # as an interface name does not.
    case $(guest_detail "$1" bymac-kernel) in
        mac)
            check "$1.bymac-bound" PASS "$kver bound the boot-string target by MAC"
            expect_received "$1" bymac-delivered doctor4:6694 "$(marker "$1" bymac)"
            ;;
        *)
            if release_at_least 6.15; then
                check "$1.bymac-bound" FAIL "$kver (6.15+) did not bind the target by MAC: $(guest_detail "$1" bymac-kernel)"
            else
                check "$1.bymac-bound" PASS "$kver took the MAC as an interface name"
            fi
            ap_not_received "$1" bymac-not-delivered doctor4:6694 bymac
            ;;
    esac
    if release_at_least 6.17; then
        expect_line "$1" sysdata-cpu doctor4:6695 '^ cpu=[0-9]+$'
        expect_line "$1" sysdata-taskname doctor4:6695 '^ taskname=.+$'
        expect_line "$1" sysdata-release doctor4:6695 "^ release=$(printf '%s' "$kver" | sed 's/[.+]/\\&/g')\$"
        expect_line "$1" sysdata-msgid doctor4:6695 '^ msgid=[0-9]+$'
    fi
}
