# bash completion for netconsole-setup(8)                  -*- shell-script -*-
# Installed as share/bash-completion/completions/netconsole-setup. Needs no
# helper from the bash-completion package.
#
# Interface names come from /sys/class/net; netconsole targets from
# <root>/sys/kernel/config/netconsole, with <root> from --root on the line;
# kernel releases from <root>/lib/modules.

# BEGIN generated from the CLI11 app by tests/completions (update-completions target)
# The subcommands, then one record per option: COMMAND OPTION KIND. COMMAND '*'
# is valid after any subcommand; OPTION 'ARG' is the first positional argument.
_netconsole_setup_commands='print explain apply enable disable remove list loglevel test status cmdline modprobe panic-watchdog watch listen'
_netconsole_setup_surface=(
    'netconsole-setup --help flag'
    'netconsole-setup -h flag'
    'netconsole-setup --version flag'
    'netconsole-setup --json flag'
    'netconsole-setup --verbose flag'
    'netconsole-setup -v flag'
    'netconsole-setup --quiet flag'
    'netconsole-setup -q flag'
    'netconsole-setup --root directory'
    'netconsole-setup --to other'
    'netconsole-setup --port other'
    'netconsole-setup --src-port other'
    'netconsole-setup --dev interface'
    'netconsole-setup --src other'
    'netconsole-setup --mac other'
    'netconsole-setup --broadcast flag'
    'netconsole-setup --extended flag'
    'netconsole-setup --release flag'
    'netconsole-setup --timeout other'
    'netconsole-setup --allow-unconfirmed-mac flag'
    'netconsole-setup -4 flag'
    'netconsole-setup -6 flag'
    '* --json flag'
    '* --verbose flag'
    '* -v flag'
    '* --quiet flag'
    '* -q flag'
    '* --root directory'
    'print --help flag'
    'print -h flag'
    'print --to other'
    'print --port other'
    'print --src-port other'
    'print --dev interface'
    'print --src other'
    'print --mac other'
    'print --broadcast flag'
    'print --extended flag'
    'print --release flag'
    'print --timeout other'
    'print --allow-unconfirmed-mac flag'
    'print -4 flag'
    'print -6 flag'
    'explain --help flag'
    'explain -h flag'
    'explain ARG other'
    'apply --help flag'
    'apply -h flag'
    'apply --to other'
    'apply --port other'
    'apply --src-port other'
    'apply --dev interface'
    'apply --src other'
    'apply --mac other'
    'apply --broadcast flag'
    'apply --extended flag'
    'apply --release flag'
    'apply --timeout other'
    'apply --allow-unconfirmed-mac flag'
    'apply -4 flag'
    'apply -6 flag'
    'apply --name target'
    'apply --loglevel loglevel'
    'apply --userdata other'
    'apply --sysdata sysdata'
    'apply --config file'
    'apply --dry-run flag'
    'enable --help flag'
    'enable -h flag'
    'enable ARG target'
    'disable --help flag'
    'disable -h flag'
    'disable ARG target'
    'remove --help flag'
    'remove -h flag'
    'remove ARG target'
    'list --help flag'
    'list -h flag'
    'loglevel --help flag'
    'loglevel -h flag'
    'loglevel ARG loglevel'
    'test --help flag'
    'test -h flag'
    'test --ack flag'
    'test --timeout other'
    'test ARG target'
    'status --help flag'
    'status -h flag'
    'status --check flag'
    'status --check-panic flag'
    'status --config file'
    'cmdline --help flag'
    'cmdline -h flag'
    'cmdline --to other'
    'cmdline --port other'
    'cmdline --src-port other'
    'cmdline --dev interface'
    'cmdline --src other'
    'cmdline --mac other'
    'cmdline --broadcast flag'
    'cmdline --extended flag'
    'cmdline --release flag'
    'cmdline --timeout other'
    'cmdline --allow-unconfirmed-mac flag'
    'cmdline -4 flag'
    'cmdline -6 flag'
    'cmdline --loglevel loglevel'
    'cmdline --builtin flag'
    'cmdline --module flag'
    'cmdline --kernel kernel'
    'cmdline --write-grub flag'
    'cmdline --check-initramfs flag'
    'cmdline --write-initramfs-config flag'
    'cmdline --dry-run flag'
    'cmdline --force flag'
    'modprobe --help flag'
    'modprobe -h flag'
    'modprobe --to other'
    'modprobe --port other'
    'modprobe --src-port other'
    'modprobe --dev interface'
    'modprobe --src other'
    'modprobe --mac other'
    'modprobe --broadcast flag'
    'modprobe --extended flag'
    'modprobe --release flag'
    'modprobe --timeout other'
    'modprobe --allow-unconfirmed-mac flag'
    'modprobe -4 flag'
    'modprobe -6 flag'
    'modprobe --load-at-boot flag'
    'modprobe --persist-loglevel loglevel'
    'modprobe --kernel kernel'
    'modprobe --dry-run flag'
    'modprobe --force flag'
    'modprobe --remove flag'
    'panic-watchdog --help flag'
    'panic-watchdog -h flag'
    'panic-watchdog --watchdog-sec other'
    'panic-watchdog --stay-down flag'
    'panic-watchdog --dry-run flag'
    'panic-watchdog --force flag'
    'panic-watchdog --remove flag'
    'watch --help flag'
    'watch -h flag'
    'watch --to other'
    'watch --port other'
    'watch --src-port other'
    'watch --dev interface'
    'watch --src other'
    'watch --mac other'
    'watch --broadcast flag'
    'watch --extended flag'
    'watch --release flag'
    'watch --timeout other'
    'watch --allow-unconfirmed-mac flag'
    'watch -4 flag'
    'watch -6 flag'
    'watch --name target'
    'watch --userdata other'
    'watch --sysdata sysdata'
    'watch --dry-run flag'
    'watch --event-buffer other'
    'watch --config file'
    'listen --help flag'
    'listen -h flag'
    'listen --port other'
    'listen --address other'
    'listen --allow other'
    'listen --output directory'
    'listen --journal flag'
    'listen --workers other'
    'listen --forward other'
    'listen --forward-ca file'
    'listen --forward-cert file'
    'listen --forward-key file'
    'listen --forward-no-verify flag'
    'listen --forward-queue other'
    'listen --forward-spool directory'
)
# END generated

# The records of _netconsole_setup_surface, one "COMMAND OPTION KIND" per line.
_netconsole_setup_records() {
    printf '%s\n' "${_netconsole_setup_surface[@]}"
}

# The options valid for $1 (a subcommand, or netconsole-setup without one).
_netconsole_setup_options() {
    local command option kind
    while IFS=' ' read -r command option kind; do
        [[ $option == ARG ]] && continue
        if [[ $command == "$1" || ($command == '*' && $1 != netconsole-setup) ]]; then
            printf '%s\n' "$option"
        fi
    done < <(_netconsole_setup_records)
}

# The kind of value option $2 takes under command $1 ("flag" when none), or of the
# first positional argument when $2 is ARG.
_netconsole_setup_kind() {
    local command option kind
    while IFS=' ' read -r command option kind; do
        if [[ $option == "$2" && ($command == "$1" || $command == '*') ]]; then
            printf '%s\n' "$kind"
            return
        fi
    done < <(_netconsole_setup_records)
}

_netconsole_setup_interfaces() {
    local dir
    for dir in /sys/class/net/*; do
        [[ -e $dir ]] && printf '%s\n' "${dir##*/}"
    done
}

_netconsole_setup_kernels() { # $1: the --root directory
    local dir
    for dir in "${1%/}"/lib/modules/*/ "${1%/}"/usr/lib/modules/*/; do
        [[ -d $dir ]] || continue
        dir=${dir%/}
        printf '%s\n' "${dir##*/}"
    done | sort -u
}

_netconsole_setup_targets() { # $1: the --root directory
    local dir
    for dir in "${1%/}"/sys/kernel/config/netconsole/*/; do
        [[ -d $dir ]] || continue
        dir=${dir%/}
        printf '%s\n' "${dir##*/}"
    done
}

# Fills COMPREPLY with the words after $1 that start with $1.
_netconsole_setup_reply() {
    local cur=$1 word
    shift
    COMPREPLY=()
    for word in "$@"; do
        [[ $word == "$cur"* ]] && COMPREPLY+=("$word")
    done
    return 0
}

# Fills COMPREPLY with the values of kind $1 matching $2; $3 is the --root directory.
_netconsole_setup_values() {
    local kind=$1 cur=$2 root=$3 words
    case $kind in
        interface)
            mapfile -t words < <(_netconsole_setup_interfaces)
            _netconsole_setup_reply "$cur" "${words[@]}"
            ;;
        target)
            mapfile -t words < <(_netconsole_setup_targets "$root")
            _netconsole_setup_reply "$cur" "${words[@]}"
            ;;
        loglevel) _netconsole_setup_reply "$cur" 1 2 3 4 5 6 7 8 ;;
        kernel)
            mapfile -t words < <(_netconsole_setup_kernels "$root")
            _netconsole_setup_reply "$cur" "${words[@]}"
            ;;
        directory)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            ;;
        file)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            ;;
        sysdata)
            # a comma-separated list: complete its last item
            local given=
            [[ $cur == *,* ]] && given=${cur%,*},
            _netconsole_setup_reply "$cur" "${given}cpu_nr" "${given}taskname" \
                "${given}release" "${given}msgid"
            compopt -o nospace 2>/dev/null
            ;;
        *) COMPREPLY=() ;;
    esac
    return 0
}

_netconsole_setup() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local command=netconsole-setup root=/ pending= word kind i words

    # Walk the words before the cursor: the subcommand, --root, and which option
    # is still waiting for its value. bash splits --opt=value at '=' by default.
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $word == = ]]; then
            continue
        fi
        if [[ -n $pending ]]; then
            [[ $pending == --root ]] && root=$word
            pending=
            continue
        fi
        case $word in
            --root=*) root=${word#--root=} ;;
            -*=*) ;;
            -*)
                kind=$(_netconsole_setup_kind "$command" "$word")
                [[ -n $kind && $kind != flag ]] && pending=$word
                ;;
            *)
                if [[ $command == netconsole-setup && " $_netconsole_setup_commands " == *" $word "* ]]; then
                    command=$word
                fi
                ;;
        esac
    done

    if [[ $cur == = ]]; then
        cur=
    fi
    if [[ -n $pending ]]; then
        _netconsole_setup_values "$(_netconsole_setup_kind "$command" "$pending")" "$cur" "$root"
        return
    fi
    if [[ $cur == -* ]]; then
        mapfile -t words < <(_netconsole_setup_options "$command")
        _netconsole_setup_reply "$cur" "${words[@]}"
        return
    fi
    if [[ $command == netconsole-setup ]]; then
        read -r -a words <<<"$_netconsole_setup_commands"
        _netconsole_setup_reply "$cur" "${words[@]}"
        return
    fi
    _netconsole_setup_values "$(_netconsole_setup_kind "$command" ARG)" "$cur" "$root"
}

complete -F _netconsole_setup netconsole-setup
