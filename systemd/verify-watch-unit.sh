#!/bin/bash
# systemd-analyze verify of the configured netconsole-setup-watch.service, with
# ExecStart pointing at the built binary (verify checks that the executable exists),
# and the settings the watcher relies on (Type=notify, watchdog, restart on failure).
#   verify-watch-unit.sh UNIT BINARY
set -euo pipefail
unit=${1:?usage: verify-watch-unit.sh UNIT BINARY}
binary=${2:?usage: verify-watch-unit.sh UNIT BINARY}

skip() {
    echo "skip: $*"
    [[ ${CI:-} == true ]] && exit 1
    exit 77
}
command -v systemd-analyze > /dev/null || skip "systemd-analyze is not installed (package systemd)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
name=netconsole-setup-watch.service
sed "s|^ExecStart=[^ ]*/netconsole-setup |ExecStart=$binary |" "$unit" > "$work/$name"
for line in "ExecStart=$binary watch --config /etc/netconsole-setup.conf" "Type=notify" \
            "Restart=on-failure" "WatchdogSec=30"; do
    grep -qxF "$line" "$work/$name" || { echo "$name lacks '$line'"; exit 1; }
done
output=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$work/$name" 2>&1) \
    || { echo "$output"; exit 1; }
if grep -F "$name" <<< "$output"; then
    exit 1
fi
echo "systemd-analyze verify: $name is clean"
