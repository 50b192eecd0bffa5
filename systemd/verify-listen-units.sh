#!/bin/bash
# systemd-analyze verify of netconsole-setup-listen.socket + .service as configured,
# with ExecStart pointing at the built binary (verify checks the executable exists),
# and the properties the doctor's side promises: DynamicUser, the socket's port.
#   verify-listen-units.sh SOCKET SERVICE BINARY
set -euo pipefail
socket=${1:?usage: verify-listen-units.sh SOCKET SERVICE BINARY}
service=${2:?usage: verify-listen-units.sh SOCKET SERVICE BINARY}
binary=${3:?usage: verify-listen-units.sh SOCKET SERVICE BINARY}

# shellcheck source=verify-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/verify-lib.sh"
command -v systemd-analyze > /dev/null || skip "systemd-analyze is not installed (package systemd)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$socket" "$work/netconsole-setup-listen.socket"
sed "s|^ExecStart=[^ ]*/netconsole-setup |ExecStart=$binary |" "$service" > "$work/netconsole-setup-listen.service"
grep -q "^ExecStart=$binary listen " "$work/netconsole-setup-listen.service" \
    || { echo "ExecStart is not '<sbindir>/netconsole-setup listen ...'"; exit 1; }
grep -qx "DynamicUser=yes" "$work/netconsole-setup-listen.service" || { echo "no DynamicUser=yes"; exit 1; }
grep -qx "ListenDatagram=6666" "$work/netconsole-setup-listen.socket" || { echo "not UDP 6666"; exit 1; }
# The options ExecStart gives must be ones the binary takes.
args=$(sed -n "s|^ExecStart=$binary ||p" "$work/netconsole-setup-listen.service")
# shellcheck disable=SC2086
"$binary" $args --help > /dev/null || { echo "the binary refuses '$args'"; exit 1; }

analyze_verify netconsole-setup-listen \
    "$work/netconsole-setup-listen.socket" "$work/netconsole-setup-listen.service" || exit 1
echo "systemd-analyze verify: netconsole-setup-listen.socket and .service are clean"
