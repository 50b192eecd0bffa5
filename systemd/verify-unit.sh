#!/bin/bash
# systemd-analyze verify of the configured unit, with ExecStart pointing at the
# built binary (verify checks that the executable exists).
#   verify-unit.sh UNIT BINARY
set -euo pipefail
unit=${1:?usage: verify-unit.sh UNIT BINARY}
binary=${2:?usage: verify-unit.sh UNIT BINARY}

# shellcheck source=verify-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/verify-lib.sh"
command -v systemd-analyze > /dev/null || skip "systemd-analyze is not installed (package systemd)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|^ExecStart=[^ ]*/netconsole-setup |ExecStart=$binary |" "$unit" > "$work/netconsole-setup.service"
grep -q "^ExecStart=$binary apply --config /etc/netconsole-setup.conf\$" "$work/netconsole-setup.service" \
    || { echo "ExecStart is not '<sbindir>/netconsole-setup apply --config ...'"; exit 1; }

analyze_verify netconsole-setup.service "$work/netconsole-setup.service" || exit 1
echo "systemd-analyze verify: netconsole-setup.service is clean"
