#!/bin/bash
# The "never" list of ARCHITECTURE.md, checked over the includes (issue 21).
#   include-rules.sh SOURCE_DIR
# Every project include ("dir/file.hpp") of lib/<layer>/ must name a layer that layer may
# use; cli/ uses lib/ops and the pure layers only (system/root.hpp is the one exception: the
# Root a request carries); the pure layers include no OS header; no verb file of cli/
# includes another verb (a verb file is one that defines setup_<verb>; app.cpp wires them).
# Prints one line per broken rule and exits 1 if any.
set -u
src=${1:?usage: include-rules.sh SOURCE_DIR}
cd "$src" || exit 2

# layer -> the layers (besides itself) it may include.
declare -A may=(
    [model]=""
    [grammar]="model"
    [receive]="model grammar"
    [persist]="model grammar"
    [forward]="model grammar receive"
    [system]="model grammar receive forward"
    [resolve]="system model grammar"
    [apply]="system model grammar"
    [reconcile]="resolve apply system persist model grammar"
    [ops]="reconcile resolve apply system persist receive forward model grammar"
)
pure="model grammar receive persist forward"
cli_may="ops model grammar receive persist forward"
cli_exceptions="system/root.hpp"
os_headers='^[[:space:]]*#[[:space:]]*include[[:space:]]*<(sys/|linux/|netlink/|unistd\.h|fcntl\.h|libkmod|systemd/|net/|netinet/|poll\.h|signal\.h)'

broken=0
fail() {
    echo "include-rules: $1"
    broken=1
}

# The project includes of one file, as "LINE TARGET".
project_includes() {
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$1" |
        sed -E 's/^([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1 \2/'
}

for dir in lib/*/; do
    layer=$(basename "$dir")
    [[ -v may[$layer] ]] || { fail "lib/$layer: a layer ARCHITECTURE.md does not place (add it to tests/unit/include-rules.sh)"; continue; }
    for file in "$dir"*.hpp "$dir"*.cpp; do
        [[ -e $file ]] || continue
        while read -r line target; do
            used=${target%%/*}
            [[ $target == */* ]] || continue # a sibling in the same folder
            [[ $used == "$layer" ]] && continue
            [[ " ${may[$layer]} " == *" $used "* ]] ||
                fail "$file:$line: lib/$layer may not include $target"
        done < <(project_includes "$file")
        if [[ " $pure " == *" $layer "* ]]; then
            # inet_pton is the one OS function the pure layers use (ARCHITECTURE.md).
            while IFS=: read -r line text; do
                fail "$file:$line: lib/$layer is pure and may not include ${text#*include}"
            done < <(grep -nE "$os_headers" "$file")
        fi
        grep -qE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(\.\./)*cli/' "$file" &&
            fail "$file: lib/ never includes cli/"
    done
done

# The verbs: cli files that define setup_<verb>; their headers are theirs alone.
verbs=()
for file in cli/*.cpp; do
    grep -qE '^[A-Za-z:<>* ]*[ *&]setup_[a-z_]+\(' "$file" && verbs+=("$(basename "${file%.cpp}")")
done
[[ ${#verbs[@]} -gt 5 ]] || fail "cli/: found only ${#verbs[@]} verb files (setup_<verb>); has the pattern changed?"

for file in cli/*.hpp cli/*.cpp; do
    [[ -e $file ]] || continue
    base=$(basename "$file"); base=${base%.*}
    while read -r line target; do
        if [[ $target == */* ]]; then
            used=${target%%/*}
            [[ " $cli_may " == *" $used "* || " $cli_exceptions " == *" $target "* ]] ||
                fail "$file:$line: cli/ may not include $target (call lib/ops)"
            continue
        fi
        header=${target%.hpp}
        [[ $header == "$base" || $base == app || $base == main ]] && continue
        for verb in "${verbs[@]}"; do
            [[ $header == "$verb" ]] && fail "$file:$line: includes the verb $target (verbs include no other verb)"
        done
    done < <(project_includes "$file")
done

exit $broken
