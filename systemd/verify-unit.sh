#!/bin/bash
# systemd-analyze verify of the configured unit, with ExecStart pointing at the
# built binary (verify checks that the executable exists).
#   verify-unit.sh UNIT BINARY
set -euo pipefail
unit=${1:?usage: verify-unit.sh UNIT BINARY}
binary=${2:?usage: verify-unit.sh UNIT BINARY}

skip() {
    echo "skip: $*"
    [[ ${CI:-} == true ]] && exit 1
    exit 77
}
command -v systemd-analyze > /dev/null || skip "systemd-analyze is not installed (package systemd)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|^ExecStart=[^ ]*/netconsole-setup |ExecStart=$binary |" "$unit" > "$work/netconsole-setup.service"
grep -q "^ExecStart=$binary apply --config /etc/netconsole-setup.conf\$" "$work/netconsole-setup.service" \
    || { echo "ExecStart is not '<sbindir>/netconsole-setup apply --config ...'"; exit 1; }

# Warnings about the host's other units are not ours: judge only lines naming this unit.
output=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$work/netconsole-setup.service" 2>&1) \
    || { echo "$output"; exit 1; }
if grep -F "netconsole-setup.service" <<< "$output"; then
    exit 1
fi
echo "systemd-analyze verify: netconsole-setup.service is clean"
