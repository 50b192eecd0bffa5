# Case: libkmod is opened only when a module must really be loaded. With
# netconsole unloaded, `apply` loads it through libkmod (LD_DEBUG=files shows
# libkmod.so.2 mapped by dlopen); a second apply, the module now live, never
# maps libkmod. Uses ap_says and NC_DIR of case 60; the vm tier's initramfs
# ships libkmod.so.2 (host-lib.sh), as libkmod2 does on a Debian system.
# A fully static build (NCS_STATIC; scripts/check runs this case with it) has no
# dynamic loader, and glibc's static dlopen ignores LD_DEBUG: for it the case
# checks that the module gets loaded (libkmod opened by the static dlopen, with
# the loader preloaded from /lib64, where this initramfs has it, as one built
# from ldd's paths does); the cli tier traces that its other runs open nothing.
vm_case lazykmod --listen doctor4:6663

# lk_static: whether the tool has no program interpreter (a dynamic ELF names it
# in its first page).
lk_static() { ! head -c 4096 /usr/sbin/netconsole-setup | grep -q ld-linux; }

# lk_mapped FILE: the objects the dynamic loader mapped, from LD_DEBUG=files output.
lk_mapped() { sed -n 's/.*file=\([^ ]*\) .*/\1/p' "$1" | sort -u | tr '\n' ' '; }

lazykmod_guest() {
    unload
    if [ -d /sys/module/netconsole ]; then
        result unloaded FAIL "netconsole is still loaded: $(ls $NC_DIR)"
        return
    fi
    OUT=$(LD_DEBUG=files netconsole-setup apply --to "$DOCTOR_IP4" --port 6663 --name ncs-lazy 2>/tmp/lk.1)
    ap_says creates "target ncs-lazy: created"
    same loads "$(cat /sys/module/netconsole/initstate 2>&1)" live
    if lk_static; then
        kmsg "$(marker loaded)"
        OUT=$(netconsole-setup apply --to "$DOCTOR_IP4" --port 6663 --name ncs-lazy 2>/tmp/lk.2)
        same repeat "$OUT" "target ncs-lazy: unchanged, nothing written"
        run_tool remove remove ncs-lazy
        return
    fi
    case $(lk_mapped /tmp/lk.1) in
        *libkmod.so.2*) result load-maps-libkmod PASS "$(lk_mapped /tmp/lk.1)" ;;
        *) result load-maps-libkmod FAIL "no libkmod in: $(lk_mapped /tmp/lk.1)" ;;
    esac
    kmsg "$(marker loaded)"
    OUT=$(LD_DEBUG=files netconsole-setup apply --to "$DOCTOR_IP4" --port 6663 --name ncs-lazy 2>/tmp/lk.2)
    same repeat "$OUT" "target ncs-lazy: unchanged, nothing written"
    case $(lk_mapped /tmp/lk.2) in
        *libkmod*|*libcrypto*|*liblzma*|*libzstd*) result live-skips-libkmod FAIL "$(lk_mapped /tmp/lk.2)" ;;
        *libc.so.6*) result live-skips-libkmod PASS "$(lk_mapped /tmp/lk.2)" ;;
        *) result live-skips-libkmod FAIL "LD_DEBUG=files showed nothing: $(head -c 300 /tmp/lk.2)" ;;
    esac
    run_tool remove remove ncs-lazy
}

lazykmod_host() {
    expect_received "$1" delivered doctor4:6663 "$(marker "$1" loaded)"
}
