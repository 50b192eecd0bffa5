#!/usr/bin/env bash
# Runs a shell's completion for real and checks what it offers: subcommands,
# options, interface names (lo, from /sys/class/net), configfs target names under
# --root (before or after the subcommand, --root DIR or --root=DIR), log levels,
# sysdata switches, kernel releases (<root>/lib/modules), directories for --root and
# files for apply --config.
#   bash: sources the file, sets COMP_WORDS/COMP_CWORD, calls the function;
#   zsh:  zsh-complete.zsh presses TAB in an interactive zsh on a pseudo-terminal;
#   fish: complete -C.
# Usage: values.sh bash|zsh|fish COMPLETION_FILE
set -uo pipefail
shell=$1
completion=$2
here=$(cd "$(dirname "$0")" && pwd)

tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/sys/kernel/config/netconsole/doctor" \
         "$tree/sys/kernel/config/netconsole/dock" \
         "$tree/sys/kernel/config/netconsole/cmdline0" \
         "$tree/images/one" "$tree/images/two" \
         "$tree/lib/modules/6.1.0-42-amd64" "$tree/usr/lib/modules/6.12.48+deb13-amd64"
touch "$tree/sys/kernel/config/netconsole/not-a-target" "$tree/images/targets.conf"

# complete LINE: what the shell offers at the end of LINE, one word per line, each
# reduced to its last path component or list item, without an --option= prefix
# (shells differ in how they show paths, lists and --option=value).
complete_line() {
    local line=$1
    case $shell in
        bash)
            # As bash splits the line: at blanks, and around '=' (COMP_WORDBREAKS).
            bash --norc -c '
                source "$1"
                read -r -a COMP_WORDS <<<"${2//=/ = }"
                [[ $2 == *" " || $2 == *= ]] && COMP_WORDS+=("")
                COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
                _netconsole_setup
                ((${#COMPREPLY[@]})) && printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" "$line"
            ;;
        zsh) zsh -f "$here/zsh-complete.zsh" "$completion" "$line" ;;
        fish) fish --no-config -c 'source $argv[1]; complete -C"$argv[2]"' "$completion" "$line" |
                  cut -f1 ;;
    esac | sed -e 's|^--[a-z-]*=||' -e 's|/$||' -e 's|.*/||' -e 's|.*,||' | sort -u
}

failures=0

# expect DESCRIPTION "WORDS" LINE: each of WORDS is offered.
expect() {
    local what=$1 words=$2 line=$3 word offered
    offered=$(complete_line "$line")
    for word in $words; do
        if ! grep -qxF -- "$word" <<<"$offered"; then
            printf 'FAIL %s: %s not offered for "%s"\n  offered: %s\n' \
                "$what" "$word" "$line" "$(echo $offered)"
            failures=$((failures + 1))
        fi
    done
}

# expect_only DESCRIPTION "WORDS" LINE: exactly WORDS are offered.
expect_only() {
    local what=$1 words=$2 line=$3 offered want
    offered=$(complete_line "$line" | tr '\n' ' ')
    want=$(for word in $words; do echo "$word"; done | sort -u | tr '\n' ' ')
    if [[ $offered != "$want" ]]; then
        printf 'FAIL %s: for "%s"\n  expected: %s\n  offered:  %s\n' "$what" "$line" "$want" "$offered"
        failures=$((failures + 1))
    fi
}

p=netconsole-setup
expect "subcommands" "print explain apply enable disable remove list status loglevel test cmdline modprobe listen" "$p "
expect_only "subcommands by prefix" "list listen loglevel" "$p l"
expect "options of the default action" "--to --port --dev --src --mac --broadcast --json --root --version" "$p --"
expect "options of apply" "--to --name --loglevel --userdata --sysdata --config --json --root --help" "$p apply --"
expect "global options after a subcommand" "--json --verbose --quiet --root" "$p list --"

expect "interfaces for --dev" "lo" "$p --dev "
expect "interfaces for --dev, by prefix" "lo" "$p apply --to 192.0.2.5 --dev l"
expect "interfaces for --dev=" "lo" "$p print --dev=l"

expect_only "targets for enable, --root before it" "cmdline0 dock doctor" "$p --root $tree enable "
expect_only "targets by prefix" "dock doctor" "$p --root $tree disable do"
expect_only "targets, --root after the subcommand" "dock doctor" "$p remove --root $tree do"
expect_only "targets, --root=DIR" "doctor" "$p --root=$tree test doct"
expect_only "targets for apply --name" "cmdline0" "$p --root $tree apply --to 192.0.2.5 --name cm"

expect_only "log levels" "1 2 3 4 5 6 7 8" "$p loglevel "
expect_only "log levels for apply --loglevel" "1 2 3 4 5 6 7 8" "$p apply --loglevel "
expect "sysdata switches after a comma" "taskname" "$p apply --sysdata cpu_nr,t"

expect_only "directories for --root" "one two" "$p --root $tree/images/"
expect "files for apply --config" "targets.conf" "$p apply --config $tree/images/t"
expect_only "kernel releases for --kernel" "6.1.0-42-amd64 6.12.48+deb13-amd64" \
    "$p --root $tree cmdline --kernel "
expect_only "nothing for an address" "" "$p --to "

# A value that looks like a subcommand is the option's value: apply's options follow.
expect "a value that looks like a subcommand" "--loglevel --sysdata" "$p apply --name list --"

if ((failures > 0)); then
    echo "$shell completion: $failures check(s) failed"
    exit 1
fi
echo "$shell completion: all checks passed"
