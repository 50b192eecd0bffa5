#compdef netconsole-setup
# zsh completion for netconsole-setup(8). Installed as
# share/zsh/site-functions/_netconsole-setup.
#
# Interface names come from /sys/class/net; netconsole targets from
# <root>/sys/kernel/config/netconsole, with <root> from --root on the line;
# kernel releases from <root>/lib/modules.

# BEGIN generated from the CLI11 app by tests/completions (update-completions target)
# The subcommands with their descriptions, the global options, and the
# _arguments specifications of each command (_netconsole_setup_args_ for the
# program itself).
_netconsole_setup_commands=(
    'print:Print the netconsole= value for the kernel command line'
    'explain:Explain a netconsole= value, or the ones this system is configured with'
    'apply:Create or update netconsole targets in configfs and enable them (needs root)'
    'enable:Enable a configfs target (needs root)'
    'disable:Disable a configfs target (needs root)'
    'remove:Disable a configfs target and remove it with its userdata (needs root)'
    'list:List the netconsole targets in configfs'
    'loglevel:Show the kernel'\''s console log levels, or set the console level (as dmesg -n)'
    'test:Send a uniquely marked kernel message to check that netconsole delivers'
    'status:Show netconsole'\''s module, configfs, targets, console log level and configuration'
    'cmdline:Print the kernel command-line fragment that sets up netconsole at boot'
    'modprobe:Write /etc/modprobe.d/netconsole.conf so the module gets its targets when it loads'
    'panic-watchdog:Make a panic reach the doctor on Linux 7.0+: kernel.panic=0, a hardware watchdog reboots'
    'watch:Apply the targets, then keep them right while the network changes (needs root)'
    'listen:Receive netconsole (the doctor'\''s side): reassemble, count losses, acknowledge tests'
)
_netconsole_setup_args_global=(
    '--json[Print the result as JSON on stdout]'
    '--verbose[Explain each step on stderr]'
    '-v[Explain each step on stderr]'
    '--quiet[Print no warnings]'
    '-q[Print no warnings]'
    '--root=[Prefix for every /sys, /proc and /etc path (default /)]:DIR: _netconsole-setup_value directory'
)
_netconsole_setup_group_Target_options=(
    '*--to=[The doctor'\''s address or host name; repeat for more targets]:ADDR|HOST:'
    '--port=[Remote UDP port (default 6666)]:N:'
    '--src-port=[Local UDP port (default 6665)]:N:'
    '--dev=[Egress interface, or its MAC (boot strings, Linux 6.15+)]:IFNAME|MAC: _netconsole-setup_value interface'
    '--src=[Local IP address]:ADDR:'
    '--mac=[The next hop'\''s MAC (the doctor'\''s, or its router'\''s)]:MAC:'
    '--broadcast[Send to ff:ff:ff:ff:ff:ff (doctor on the same link only)]'
    '--extended[Extended format: log level, sequence number, timestamp]'
    '--release[Prefix messages with the kernel release (needs --extended)]'
    '--timeout=[How long to wait for the neighbour (default 3s)]:DURATION:'
    '--allow-unconfirmed-mac[Use a cached next-hop MAC that did not confirm in time (with a warning)]'
    '-4[Resolve host names to IPv4]'
    '-6[Resolve host names to IPv6]'
)
_netconsole_setup_args_=(
    '--help[Print this help message and exit]'
    '-h[Print this help message and exit]'
    '--version[Display program version information and exit]'
    '--json[Print the result as JSON on stdout]'
    '--verbose[Explain each step on stderr]'
    '-v[Explain each step on stderr]'
    '--quiet[Print no warnings]'
    '-q[Print no warnings]'
    '--root=[Prefix for every /sys, /proc and /etc path (default /)]:DIR: _netconsole-setup_value directory'
    $_netconsole_setup_group_Target_options
)
_netconsole_setup_args_print=(
    '--help[Print this help message and exit]'
    '-h[Print this help message and exit]'
    $_netconsole_setup_group_Target_options
)
_netconsole_setup_args_explain=(
    '--help[Print this help message and exit]'
    '-h[Print this help message and exit]'
    '1:VALUE:'
)
_netconsole_setup_args_apply=(
    '--help[Print this help message and exit]'
    '-h[Print this help message and exit]'
    $_netconsole_setup_group_Target_options
    '--name=[The configfs target'\''s name (default ncs-<remote IP>-<port>); cmdlineN adopts a boot-time target]:NAME: _netconsole-setup_value target'
    '--loglevel=[Also set the console log level, as dmesg -n does (1-8)]:N: _netconsole-setup_value loglevel'
    '*--userdata=[Extra KEY=VALUE line in every extended message (Linux 6.9+); repeatable]:KEY=VALUE:'
    '--sysdata=[Switches to turn on: cpu_nr,taskname,release (Linux 6.15+), msgid (6.17+)]:LIST: _netconsole-setup_value sysdata'
    '--config=[Targets of FILE (one per line, these options) and /etc/default/netconsole; removes those it made that are no longer listed]:FILE: _netconsole-setup_value file'
    '--dry-run[Print what it would write (the plan against configfs now); change nothing]'
)
_netconsole_setup_args_enable=(
    '--help[Print this help message and exit]'
    '-h[Print this help message and exit]'
    '1:target: _netconsole-setup_value target'
)
_netconsole_setup_args_disable=(
    '--help[Print this help message and exit]'
    '-h[Print this help message and exit]'
    '1:target: _netconsole-setup_value target'
)
_netconsole_setup_args_remove=(
    '--help[Print this help message and exit]'
    '-h[Print this help message and exit]'
    '1:target: _netconsole-setup_value target'
)
_netconsole_setup_args_list=(
    '--help[Print this help message and exit]'
    '-h[Print this help message and exit]'
)
_netconsole_setup_args_loglevel=(
    '--help[Print this help message and exit]'
    '-h[Print this help message and exit]'
    '1:N: _netconsole-setup_value loglevel'
)
_netconsole_setup_args_test=(
    '--help[Print this help message and exit]'
    '-h[Print this help message and exit]'
    '--ack[Wait for the acknowledgment of a '\''netconsole-setup listen'\'' doctor; exit 1 without]'
    '--timeout=[How long --ack waits: 2, 1.5s, 500ms (default 5s)]:DURATION:'
    '1:NAME: _netconsole-setup_value target'
)
_netconsole_setup_args_status=(
    '--help[Print this help message and exit]'
    '-h[Print this help message and exit]'
    '--check[Exit 1 when configfs differs from what the configuration resolves to now]'
    '--check-panic[Exit 1 when a panic would not reach the doctor of an enabled target]'
    '--config=[The configuration --check compares with (default /etc/netconsole-setup.conf)]:FILE: _netconsole-setup_value file'
)
_netconsole_setup_args_cmdline=(
    '--help[Print this help message and exit]'
    '-h[Print this help message and exit]'
    $_netconsole_setup_group_Target_options
    '--loglevel=[Also append loglevel=N, the console log level from boot on (1-8)]:N: _netconsole-setup_value loglevel'
    '--builtin[Spell it for a kernel with netconsole built in (netconsole=); not with --module]'
    '--module[Spell it for netconsole as a module (netconsole.netconsole=); not with --builtin]'
    '--kernel=[Tell built in from module for this kernel release (default: the running one)]:RELEASE: _netconsole-setup_value kernel'
    '--write-grub[Write /etc/default/grub.d/netconsole.cfg (then run update-grub)]'
    '--check-initramfs[Check that /boot/initrd.img-RELEASE (--kernel, default: the running one) holds netconsole and the device'\''s driver]'
    '--write-initramfs-config[Put netconsole and the device'\''s driver in the initramfs: the hook /etc/initramfs-tools/hooks/netconsole-setup or /etc/dracut.conf.d/90-netconsole-setup.conf]'
    '--dry-run[With --write-grub or --write-initramfs-config: show the diff, write nothing]'
    '--force[With --write-grub or --write-initramfs-config: replace the file even if netconsole-setup did not write it]'
)
_netconsole_setup_args_modprobe=(
    '--help[Print this help message and exit]'
    '-h[Print this help message and exit]'
    $_netconsole_setup_group_Target_options
    '--load-at-boot[Also write /etc/modules-load.d/netconsole.conf, so systemd loads it at boot]'
    '--persist-loglevel=[Also write /etc/sysctl.d/90-netconsole.conf: console log level N from boot on]:N: _netconsole-setup_value loglevel'
    '--kernel=[Check netconsole is a module in this kernel release (default: the running one)]:RELEASE: _netconsole-setup_value kernel'
    '--dry-run[Show the diff, write nothing]'
    '--force[Replace files even if netconsole-setup did not write them]'
    '--remove[Remove the files netconsole-setup wrote, and only those]'
)
_netconsole_setup_args_panic_watchdog=(
    '--help[Print this help message and exit]'
    '-h[Print this help message and exit]'
    '--watchdog-sec=[RuntimeWatchdogSec= for the hardware watchdog (default 30s)]:DURATION:'
    '--stay-down[Set kernel.panic=0 without a watchdog: the host stays down after a panic]'
    '--dry-run[Show the diff, change nothing]'
    '--force[Replace files even if netconsole-setup did not write them]'
    '--remove[Undo it: remove the drop-in and kernel.panic=0, restore kernel.panic]'
)
_netconsole_setup_args_watch=(
    '--help[Print this help message and exit]'
    '-h[Print this help message and exit]'
    $_netconsole_setup_group_Target_options
    '--name=[The configfs target'\''s name (default ncs-<remote IP>-<port>)]:NAME: _netconsole-setup_value target'
    '*--userdata=[Extra KEY=VALUE line in every extended message (Linux 6.9+); repeatable]:KEY=VALUE:'
    '--sysdata=[Switches to turn on: cpu_nr,taskname,release (Linux 6.15+), msgid (6.17+)]:LIST: _netconsole-setup_value sysdata'
    '--dry-run[Print on stdout what it would change, each time; write nothing]'
    '--event-buffer=[Receive buffer of the rtnetlink event socket in bytes (default 1 MiB)]:BYTES:'
    '--config=[Targets of FILE, /etc/default/netconsole and /etc/sysconfig/netconsole, as apply --config; SIGHUP reads them again]:FILE: _netconsole-setup_value file'
)
_netconsole_setup_args_listen=(
    '--help[Print this help message and exit]'
    '-h[Print this help message and exit]'
    '*--port=[UDP port to receive on (repeatable; default 6666)]:N:'
    '--address=[Receive only on this local address (default: all, IPv4 and IPv6)]:ADDR:'
    '*--allow=[Accept (and acknowledge) only senders in this network (repeatable)]:CIDR:'
    '--output=[Append each stream'\''s records to DIR/ADDRESS@PORT.log (PORT: the doctor'\''s) instead of stdout]:DIR: _netconsole-setup_value directory'
    '--journal[Send each record to the systemd journal]'
    '--workers=[Receiving threads, one SO_REUSEPORT socket each per port (default: one per core, at most 4)]:N:'
    '*--forward=[Also hand every record on as RFC 5424 syslog to udp://, tcp:// or tls://HOST\[:PORT\] (repeatable)]:URL:'
    '--forward-ca=[CA certificates (PEM) a tls:// target is checked against (default: the system'\''s)]:FILE: _netconsole-setup_value file'
    '--forward-cert=[Client certificate (PEM) for tls:// targets]:FILE: _netconsole-setup_value file'
    '--forward-key=[The client certificate'\''s key (PEM)]:FILE: _netconsole-setup_value file'
    '--forward-no-verify[Do not check a tls:// target'\''s certificate (testing only)]'
    '--forward-queue=[Records each forward target may hold in memory while it is down (default 100000)]:N:'
    '--forward-spool=[Beyond the queue, keep records in a file per target in DIR]:DIR: _netconsole-setup_value directory'
)
# END generated

# _netconsole-setup_value KIND: offers the values of one kind (see the generated specs).
_netconsole-setup_value() {
    local expl root=/ i
    case $1 in
        interface)
            local -a interfaces
            interfaces=(/sys/class/net/*(N:t))
            _wanted interfaces expl 'network interface' compadd -a interfaces
            ;;
        target|kernel)
            # --root before the subcommand (from opt_args), or after it (in words)
            [[ -n ${_netconsole_setup_root:-} ]] && root=$_netconsole_setup_root
            for (( i = 1; i < $#words; i++ )); do
                case $words[i] in
                    --root) root=$words[i+1] ;;
                    --root=*) root=${words[i]#--root=} ;;
                esac
            done
            ;|
        target)
            local -a targets
            targets=(${~root%/}/sys/kernel/config/netconsole/*(N/:t))
            _wanted targets expl 'netconsole target' compadd -a targets
            ;;
        loglevel)
            local -a levels
            levels=(
                '1:emergency messages only'
                '2:up to alert'
                '3:up to critical'
                '4:up to errors'
                '5:up to warnings'
                '6:up to notices'
                '7:up to informational messages'
                '8:everything, debug messages included'
            )
            _describe -t levels 'console log level' levels -V levels
            ;;
        kernel)
            local -aU releases
            releases=(${~root%/}/lib/modules/*(N/:t) ${~root%/}/usr/lib/modules/*(N/:t))
            _wanted releases expl 'kernel release' compadd -a releases
            ;;
        directory) _directories ;;
        file) _files ;;
        sysdata) _values -s , 'sysdata switch' cpu_nr taskname release msgid ;;
    esac
}

_netconsole-setup() {
    local curcontext=$curcontext state state_descr line ret=1
    local _netconsole_setup_root= # seen by _netconsole-setup_value
    typeset -A opt_args

    # -A: after the subcommand, the options are the subcommand's.
    _arguments -C -A '-*' $_netconsole_setup_args_ \
        '1: :->command' \
        '*:: :->argument' && ret=0

    case $state in
        command)
            _describe -t commands 'netconsole-setup subcommand' _netconsole_setup_commands && ret=0
            ;;
        argument)
            # --root given before the subcommand, for target names and kernel releases
            _netconsole_setup_root=${opt_args[--root]:-}
            local command=$line[1]
            local specs=_netconsole_setup_args_${command//[^a-zA-Z0-9]/_}
            curcontext=${curcontext%:*:*}:netconsole-setup-$command:
            if (( ${+parameters[$specs]} )); then
                _arguments ${(P)specs} $_netconsole_setup_args_global && ret=0
            fi
            ;;
    esac
    return ret
}

_netconsole-setup "$@"
