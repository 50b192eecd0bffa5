# shellcheck shell=bash
# Shared by verify-unit.sh and verify-listen-units.sh.

skip() {
    echo "skip: $*"
    [[ ${CI:-} == true ]] && exit 1
    exit 77
}

# analyze_verify NAME UNIT...: systemd-analyze verify of the units; fails on any
# line naming NAME (warnings about the host's other units are not ours).
analyze_verify() {
    local name=$1 output
    shift
    command -v systemd-analyze > /dev/null || skip "systemd-analyze is not installed (package systemd)"
    output=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$@" 2>&1) \
        || { echo "$output"; return 1; }
    if grep -F "$name" <<< "$output"; then
        return 1
    fi
}
