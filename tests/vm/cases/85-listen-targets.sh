# Case (issue 23): one patient, two targets to one doctor, both from the default
# source port 6665: an extended one to port 6761 and a plain one to port 6762. One
# `netconsole-setup listen --json --port 6761 --port 6762` receives both and tells
# them apart by the doctor's port (local_port): the marker arrives once per target,
# extended (a sequence number) at 6761 and plain (none) at 6762, and the summary
# lists two streams of the guest, one per doctor port, each from source port 6665.
# Where the kernel has sysdata msgid (6.17+), the extended target sends it and its
# stream's losses are counted from msgid (counts_msgid), the plain one's not.
vm_case listentargets --listen listen:6761+6762

listentargets_guest() {
    local base=/sys/kernel/config/netconsole t
    modprobe configfs
    grep -q ' /sys/kernel/config configfs' /proc/mounts ||
        mount -t configfs none /sys/kernel/config
    modprobe netconsole
    for t in ext:6761:1 plain:6762:0; do
        local name=${t%%:*} rest=${t#*:}
        local port=${rest%%:*} extended=${rest#*:}
        mkdir "$base/$name" || { result "target-$name" FAIL "no configfs target"; return; }
        echo eth0 >"$base/$name/dev_name"
        echo "$DOCTOR_IP4" >"$base/$name/remote_ip"
        echo "$GUEST_IP4" >"$base/$name/local_ip"
        echo "$port" >"$base/$name/remote_port"
        echo "$ROUTER_MAC" >"$base/$name/remote_mac"
        echo "$extended" >"$base/$name/extended"
        [ "$extended" = 1 ] && [ -e "$base/$name/userdata/msgid_enabled" ] &&
            echo 1 >"$base/$name/userdata/msgid_enabled"
        echo 1 >"$base/$name/enabled" || { result "enable-$name" FAIL "enabling failed"; return; }
        result "source-port-$name" PASS "$(cat "$base/$name/local_port")"
    done
    kmsg "$(marker both)"
    sleep 1
    for t in ext plain; do
        echo 0 >"$base/$t/enabled"
        rmdir "$base/$t"
    done
    unload
}

listentargets_host() {
    local f summary
    f=$(recv_file listen:6761+6762)
    check "$1.two-streams" "$(python3 - "$f" "$(marker "$1" both)" <<'PY'
import json, sys
path, marker = sys.argv[1:3]
seen = {}
for line in open(path):
    r = json.loads(line)
    if r["text"].startswith(marker):
        seen.setdefault(r["local_port"], []).append(r)
problems = []
if sorted(seen) != [6761, 6762]: problems.append("local ports %s" % sorted(seen))
for port, records in seen.items():
    if len(records) != 1: problems.append("%d records at %d" % (len(records), port))
    for r in records:
        if r["port"] != 6665: problems.append("source port %s at %d" % (r["port"], port))
ext, plain = seen.get(6761, [{}])[0], seen.get(6762, [{}])[0]
if ext.get("seq") is None: problems.append("no seq at 6761 (extended)")
if plain and plain.get("seq") is not None: problems.append("a seq at 6762 (plain)")
print("FAIL " + ", ".join(problems) if problems else "PASS", end="")
PY
)" "the marker once per target, told apart by local_port"
    summary=$(listen_summary listen:6761+6762)
    check "$1.summary-streams" "$(python3 - "$GUEST_IP4" "$summary" <<'PY'
import json, sys
guest, summary = sys.argv[1], json.loads(sys.argv[2])
mine = sorted((s["local_port"], s["port"]) for s in summary["streams"] if s["sender"] == guest)
print("PASS" if mine == [(6761, 6665), (6762, 6665)] else "FAIL streams %s" % mine, end="")
PY
)" "two streams of the guest in listen's summary: $summary"
    if release_at_least 6.17; then
        check "$1.msgid" "$(python3 - "$GUEST_IP4" "$summary" <<'PY'
import json, sys
guest, summary = sys.argv[1], json.loads(sys.argv[2])
msgid = {s["local_port"]: s["counts_msgid"] for s in summary["streams"] if s["sender"] == guest}
print("PASS" if msgid == {6761: True, 6762: False} else "FAIL counts_msgid %s" % msgid, end="")
PY
)" "losses of the extended stream counted from msgid"
    fi
}
