#!/bin/sh
# What Debian's netconsole-setup 0.3 runs to fill in a netconsole= line: ask
# `ip` for the route and the neighbour entry, and cut the fields out with
# grep/awk. The baseline for bench/resolve.sh, not part of the tool.
#   pipeline.sh ADDR [ping]   (ping: trigger ARP/ND first, for a cold cache)
set -eu
target="$1"
route="$(ip -o route get "$target")"
dev="$(echo "$route" | awk '{for (i = 1; i < NF; i++) if ($i == "dev") print $(i + 1)}')"
src="$(echo "$route" | awk '{for (i = 1; i < NF; i++) if ($i == "src") print $(i + 1)}')"
gw="$(echo "$route" | grep ' via ' | awk '{for (i = 1; i < NF; i++) if ($i == "via") print $(i + 1)}')" || true
hop="${gw:-$target}"
if [ "${2:-}" = ping ]; then
    ping -q -c 1 -W 1 -I "$dev" "$hop" >/dev/null 2>&1 || true
fi
mac="$(ip -o neigh show "$hop" dev "$dev" | grep -v FAILED | awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1)}')"
echo "netconsole=6665@$src/$dev,6666@$target/$mac"
