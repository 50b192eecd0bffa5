#!/usr/bin/env bash
# Sources the bash completion and checks what it offers, as bash would call it:
# subcommands, options, interface names (lo, from /sys/class/net), configfs target
# names under --root, log levels, sysdata switches, and paths for --root.
# Usage: bash-values.sh COMPLETION_FILE
set -uo pipefail
completion=$1
# shellcheck source=/dev/null
source "$completion"

tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/sys/kernel/config/netconsole/doctor" \
         "$tree/sys/kernel/config/netconsole/dock" \
         "$tree/sys/kernel/config/netconsole/cmdline0" \
         "$tree/images/one" "$tree/images/two"
touch "$tree/sys/kernel/config/netconsole/not-a-target" "$tree/netconsole-setup.conf"

failures=0

# complete WORD... : the words of the line, the last one being completed.
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMPREPLY=()
    _netconsole_setup
}

# expect "DESCRIPTION" "EXPECTED WORDS" WORD... : every expected word is offered.
expect() {
    local what=$1 expected=$2 word
    shift 2
    complete_words "$@"
    for word in $expected; do
        local offered=0 candidate
        for candidate in "${COMPREPLY[@]}"; do
            [[ $candidate == "$word" ]] && offered=1
        done
        if ((offered == 0)); then
            printf 'FAIL %s: %q not offered for: %s\n  offered: %s\n' \
                "$what" "$word" "$*" "${COMPREPLY[*]}"
            failures=$((failures + 1))
        fi
    done
}

# expect_only "DESCRIPTION" "EXPECTED WORDS" WORD... : exactly these, in any order.
expect_only() {
    local what=$1 expected=$2
    shift 2
    complete_words "$@"
    local got want
    # one word per line, so "1 2" as one word differs from 1 and 2
    got=$( ((${#COMPREPLY[@]})) && printf '[%s]\n' "${COMPREPLY[@]}" | sort | tr -d '\n')
    want=$(for word in $expected; do printf '[%s]\n' "$word"; done | sort | tr -d '\n')
    if [[ $got != "$want" ]]; then
        printf 'FAIL %s: for: %s\n  expected: %s\n  offered:  %s\n' "$what" "$*" "$want" "$got"
        failures=$((failures + 1))
    fi
}

expect "subcommands" "print explain apply enable disable remove list status loglevel test" \
    netconsole-setup ''
expect_only "subcommands by prefix" "list loglevel" netconsole-setup l
expect "options of the default action" "--to --port --dev --src --mac --broadcast --json --root --version" \
    netconsole-setup --
expect "options of apply" "--to --name --loglevel --userdata --sysdata --json --root --help" \
    netconsole-setup apply --
expect "global options after a subcommand" "--json --verbose --quiet --root" \
    netconsole-setup list --

expect "interfaces for --dev" "lo" netconsole-setup --dev ''
expect "interfaces for --dev by prefix" "lo" netconsole-setup apply --to 192.0.2.5 --dev l
expect "interfaces for --dev=" "lo" netconsole-setup print --dev = ''

expect_only "targets for enable under --root" "cmdline0 dock doctor" \
    netconsole-setup --root "$tree" enable ''
expect_only "targets by prefix" "dock doctor" netconsole-setup --root "$tree" disable do
expect_only "targets with --root after the subcommand" "dock doctor" \
    netconsole-setup remove --root "$tree" do
expect_only "targets with --root=DIR" "doctor" netconsole-setup --root = "$tree" test doct
expect_only "targets for apply --name" "cmdline0" \
    netconsole-setup --root "$tree" apply --to 192.0.2.5 --name cm

expect_only "log levels" "1 2 3 4 5 6 7 8" netconsole-setup loglevel ''
expect_only "log levels for apply --loglevel" "1 2 3 4 5 6 7 8" netconsole-setup apply --loglevel ''
expect_only "sysdata switches, second item" "cpu_nr,taskname" \
    netconsole-setup apply --sysdata cpu_nr,t

expect_only "directories for --root" "$tree/images/one $tree/images/two" \
    netconsole-setup --root "$tree/images/"
expect_only "nothing for an address" "" netconsole-setup --to ''

# Options that take a value do not end the search for the subcommand: "list" here is
# --name's value, so apply's options are offered.
expect "a value that looks like a subcommand" "--name --loglevel" \
    netconsole-setup apply --name list --

if ((failures > 0)); then
    echo "$failures completion check(s) failed"
    exit 1
fi
echo "bash completion: all checks passed"
