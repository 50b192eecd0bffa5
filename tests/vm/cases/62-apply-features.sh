# Case 8: features by kernel. 6.12: --release and --userdata work (the
# extended line carries the release, the userdata lines follow). 6.1: they
# give the missing-feature error naming the kernel that brings them, and
# configfs is left as it was.
vm_case features --listen doctor4:6656 --listen doctor4:6657

features_guest() {
    local before
    case $(uname -r) in
        6.1.*)
            before=$(ap_snapshot)
            ap_fails release 1 "needs Linux 6.6 or newer" apply --to "$DOCTOR_IP4" --port 6657 \
                --extended --release
            ap_fails userdata 1 "needs Linux 6.9 or newer" apply --to "$DOCTOR_IP4" --port 6657 \
                --extended --userdata host=patient
            same configfs-unchanged "$(ap_snapshot)" "$before"
            ;;
        *)
            run_tool apply apply --to "$DOCTOR_IP4" --port 6656 --name ncs-feat --extended --release \
                --userdata host=patient --userdata role=vm || return
            same userdata-file "$(cat $NC_DIR/ncs-feat/userdata/host/value)" patient
            same release-file "$(cat $NC_DIR/ncs-feat/release)" 1
            kmsg "$(marker ud)"
            run_tool repeat apply --to "$DOCTOR_IP4" --port 6656 --name ncs-feat --extended --release \
                --userdata host=patient --userdata role=vm
            same repeat-says "$OUT" "target ncs-feat: unchanged, nothing written"
            # userdata follows the request: role goes, host changes; still enabled.
            run_tool change apply --to "$DOCTOR_IP4" --port 6656 --name ncs-feat --extended --release \
                --userdata host=doctor
            same change-says "$OUT" "target ncs-feat: updated: rmdir userdata/role, userdata/host/value doctor (was patient)"
            ap_json list list --json
            run_tool remove remove ncs-feat
            ;;
    esac
}

features_host() {
    case $kver in
        6.1.*) expect_nothing "$1" nothing-sent doctor4:6657 ;;
        *)
            expect_line "$1" release-prefix doctor4:6656 "^$(printf '%s' "$kver" | sed 's/[.+]/\\&/g'),[0-9]+,[0-9]+,[0-9]+,-[^;]*;$(marker "$1" ud)\$"
            expect_line "$1" userdata-host doctor4:6656 "^ host=patient\$"
            expect_line "$1" userdata-role doctor4:6656 "^ role=vm\$"
            ap_json_check "$1" list '.targets | map(select(.name == "ncs-feat")) | .[0] | .release == true and .userdata == {"host": "doctor"}'
            ;;
    esac
}
