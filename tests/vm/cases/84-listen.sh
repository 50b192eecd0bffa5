# Case: `netconsole-setup listen` in the doctor namespace receives an extended
# record whole, with its level and, where the kernel has them, the release
# prefix (6.6+), userdata (6.9+) and sysdata (6.15+) fields; with userdata the
# record passes 1000 bytes and arrives in fragments the listener joins. Then
# `test --ack` in the guest is acknowledged by the listener through the router.
vm_case listen --listen listen:6691

listen_guest() {
    local t=/sys/kernel/config/netconsole/lsn text
    modprobe configfs
    grep -q ' /sys/kernel/config configfs' /proc/mounts ||
        mount -t configfs none /sys/kernel/config
    modprobe netconsole
    mkdir "$t" || { result target FAIL "no configfs target"; return; }
    echo eth0 >"$t/dev_name"
    echo "$DOCTOR_IP4" >"$t/remote_ip"
    echo "$GUEST_IP4" >"$t/local_ip"
    echo 6691 >"$t/remote_port"
    echo "$ROUTER_MAC" >"$t/remote_mac"
    echo 1 >"$t/extended"
    [ -e "$t/release" ] && echo 1 >"$t/release"
    if [ -d "$t/userdata" ]; then
        mkdir "$t/userdata/rack"
        # 180 bytes: with the text the record is past 1000 bytes.
        printf '%0180d' 0 | tr 0 r >"$t/userdata/rack/value"
        for s in cpu_nr taskname release msgid; do
            [ -e "$t/userdata/${s}_enabled" ] && echo 1 >"$t/userdata/${s}_enabled"
        done
    fi
    echo 1 >"$t/enabled" || { result enable FAIL "enabling failed"; return; }
    # /dev/kmsg takes up to ~976 bytes of text: 900 of them.
    text="$(marker long) $(printf '%0870d' 0 | tr 0 x)"
    kmsg "$text"
    result long-sent PASS "${#text}"
    run_tool ack test lsn --ack --timeout 10s && result ack-line PASS "$OUT"
    echo 0 >"$t/enabled"
    [ -d "$t/userdata/rack" ] && rmdir "$t/userdata/rack"
    rmdir "$t"
    unload
}

listen_host() {
    local f long ack
    f=$(recv_file listen:6691)
    long=$(marker "$1" long)
    check "$1.record" "$(python3 - "$f" "$long" "$kver" <<'PY'
import json, sys
path, marker, kver = sys.argv[1:4]
for line in open(path):
    r = json.loads(line)
    if not r["text"].startswith(marker):
        continue
    problems = []
    if len(r["text"]) != len(marker) + 1 + 870: problems.append("text %d bytes" % len(r["text"]))
    if r["level"] != 5: problems.append("level %s" % r["level"])
    if r["incomplete"]: problems.append("incomplete")
    major, minor = (int(x) for x in kver.split(".")[:2])
    if (major, minor) >= (6, 6) and r["release"] != kver: problems.append("release %s" % r["release"])
    # 900 bytes of text and 180 of userdata: past the kernel's 1000-byte datagram,
    # so this record came in fragments (ncfrag=) that listen joined.
    if (major, minor) >= (6, 9) and r["fields"].get("rack") != "r" * 180: problems.append("no userdata")
    if (major, minor) >= (6, 15) and "cpu" not in r["fields"]: problems.append("no sysdata")
    print("FAIL " + ", ".join(problems) if problems else "PASS", end="")
    sys.exit()
print("FAIL no record with the marker", end="")
PY
)" "the long record at listen:6691"
    ack=$(guest_detail "$1" ack-line)
    check "$1.acknowledged" "$([[ $ack =~ "test message ncs-test-lsn-"[0-9]+-[0-9a-f]{8}" acknowledged by $DOCTOR_IP4 in "[0-9.]+" ms" ]] && echo PASS || echo FAIL)" "'$ack'"
}
