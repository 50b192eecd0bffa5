# fish completion for netconsole-setup(8). Installed as
# share/fish/vendor_completions.d/netconsole-setup.fish.
#
# Interface names come from /sys/class/net; netconsole targets from
# <root>/sys/kernel/config/netconsole, with <root> from --root on the line;
# kernel releases from <root>/lib/modules.

# Prints the subcommand on the command line, or nothing.
function __netconsole_setup_command
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    for token in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $token
            case '-*=*'
            case '-*'
                if contains -- $token $__netconsole_setup_value_options
                    set skip 1
                end
            case '*'
                if contains -- $token $__netconsole_setup_commands
                    echo $token
                    return
                end
        end
    end
end

function __netconsole_setup_no_command
    set -l command (__netconsole_setup_command)
    test -z "$command"
end

# True when the subcommand on the line is one of the arguments.
function __netconsole_setup_using
    set -l command (__netconsole_setup_command)
    contains -- "$command" $argv
end

# Prints the values of one kind, with a description after a tab where it helps.
function __netconsole_setup_value
    switch $argv[1]
        case interface
            for dir in /sys/class/net/*
                basename $dir
            end
        case target kernel
            set -l root /
            set -l tokens (commandline -opc)
            for i in (seq (count $tokens))
                switch $tokens[$i]
                    case --root
                        set -l next (math $i + 1)
                        if test $next -le (count $tokens)
                            set root $tokens[$next]
                        end
                    case '--root=*'
                        set root (string replace -- --root= '' $tokens[$i])
                end
            end
            set root (string trim -r -c / -- $root)
            if test $argv[1] = target
                for dir in $root/sys/kernel/config/netconsole/*/
                    basename $dir
                end
            else
                for dir in $root/lib/modules/*/ $root/usr/lib/modules/*/
                    basename $dir
                end | sort -u
            end
        case loglevel
            printf '%s\n' \
                '1'\t'emergency messages only' \
                '2'\t'up to alert' \
                '3'\t'up to critical' \
                '4'\t'up to errors' \
                '5'\t'up to warnings' \
                '6'\t'up to notices' \
                '7'\t'up to informational messages' \
                '8'\t'everything, debug messages included'
        case sysdata
            set -l current (commandline -ct)
            set -l done ''
            if string match -q -- '*,*' $current
                set done (string replace -r -- ',[^,]*$' ',' $current)
            end
            for switch in cpu_nr taskname release msgid
                echo $done$switch
            end
    end
end

# Files only where an option asks for them.
complete -c netconsole-setup -f

# BEGIN generated from the CLI11 app by tests/completions (update-completions target)
# The subcommands, the options that take a value (to find the subcommand on the
# line), and a complete line for each subcommand, option and positional.
set -g __netconsole_setup_commands print explain apply enable disable remove list loglevel test status cmdline modprobe panic-watchdog watch listen
set -g __netconsole_setup_value_options --root --to --port --src-port --dev --src --mac --timeout --name --loglevel --userdata --sysdata --config --kernel --persist-loglevel --watchdog-sec --event-buffer --address --allow --output --workers --forward --forward-ca --forward-cert --forward-key --forward-queue --forward-spool
complete -c netconsole-setup -n __netconsole_setup_no_command -a print -d 'Print the netconsole= value for the kernel command line'
complete -c netconsole-setup -n __netconsole_setup_no_command -a explain -d 'Explain a netconsole= value, or the ones this system is configured with'
complete -c netconsole-setup -n __netconsole_setup_no_command -a apply -d 'Create or update netconsole targets in configfs and enable them (needs root)'
complete -c netconsole-setup -n __netconsole_setup_no_command -a enable -d 'Enable a configfs target (needs root)'
complete -c netconsole-setup -n __netconsole_setup_no_command -a disable -d 'Disable a configfs target (needs root)'
complete -c netconsole-setup -n __netconsole_setup_no_command -a remove -d 'Disable a configfs target and remove it with its userdata (needs root)'
complete -c netconsole-setup -n __netconsole_setup_no_command -a list -d 'List the netconsole targets in configfs'
complete -c netconsole-setup -n __netconsole_setup_no_command -a loglevel -d 'Show the kernel\'s console log levels, or set the console level (as dmesg -n)'
complete -c netconsole-setup -n __netconsole_setup_no_command -a test -d 'Send a uniquely marked kernel message to check that netconsole delivers'
complete -c netconsole-setup -n __netconsole_setup_no_command -a status -d 'Show netconsole\'s module, configfs, targets, console log level and configuration'
complete -c netconsole-setup -n __netconsole_setup_no_command -a cmdline -d 'Print the kernel command-line fragment that sets up netconsole at boot'
complete -c netconsole-setup -n __netconsole_setup_no_command -a modprobe -d 'Write /etc/modprobe.d/netconsole.conf so the module gets its targets when it loads'
complete -c netconsole-setup -n __netconsole_setup_no_command -a panic-watchdog -d 'Make a panic reach the doctor on Linux 7.0+: kernel.panic=0, a hardware watchdog reboots'
complete -c netconsole-setup -n __netconsole_setup_no_command -a watch -d 'Apply the targets, then keep them right while the network changes (needs root)'
complete -c netconsole-setup -n __netconsole_setup_no_command -a listen -d 'Receive netconsole (the doctor\'s side): reassemble, count losses, acknowledge tests'
complete -c netconsole-setup -l json -d 'Print the result as JSON on stdout'
complete -c netconsole-setup -l verbose -s v -d 'Explain each step on stderr'
complete -c netconsole-setup -l quiet -s q -d 'Print no warnings'
complete -c netconsole-setup -l root -x -a '(__fish_complete_directories (commandline -ct))' -d 'Prefix for every /sys, /proc and /etc path (default /)'
complete -c netconsole-setup -n __netconsole_setup_no_command -l help -s h -d 'Print this help message and exit'
complete -c netconsole-setup -n __netconsole_setup_no_command -l version -d 'Display program version information and exit'
complete -c netconsole-setup -n __netconsole_setup_no_command -l to -x -d 'The doctor\'s address or host name; repeat for more targets'
complete -c netconsole-setup -n __netconsole_setup_no_command -l port -x -d 'Remote UDP port (default 6666)'
complete -c netconsole-setup -n __netconsole_setup_no_command -l src-port -x -d 'Local UDP port (default 6665)'
complete -c netconsole-setup -n __netconsole_setup_no_command -l dev -x -a '(__netconsole_setup_value interface)' -d 'Egress interface, or its MAC (boot strings, Linux 6.15+)'
complete -c netconsole-setup -n __netconsole_setup_no_command -l src -x -d 'Local IP address'
complete -c netconsole-setup -n __netconsole_setup_no_command -l mac -x -d 'The next hop\'s MAC (the doctor\'s, or its router\'s)'
complete -c netconsole-setup -n __netconsole_setup_no_command -l broadcast -d 'Send to ff:ff:ff:ff:ff:ff (doctor on the same link only)'
complete -c netconsole-setup -n __netconsole_setup_no_command -l extended -d 'Extended format: log level, sequence number, timestamp'
complete -c netconsole-setup -n __netconsole_setup_no_command -l release -d 'Prefix messages with the kernel release (needs --extended)'
complete -c netconsole-setup -n __netconsole_setup_no_command -l timeout -x -d 'How long to wait for the neighbour (default 3s)'
complete -c netconsole-setup -n __netconsole_setup_no_command -l allow-unconfirmed-mac -d 'Use a cached next-hop MAC that did not confirm in time (with a warning)'
complete -c netconsole-setup -n __netconsole_setup_no_command -s 4 -d 'Resolve host names to IPv4'
complete -c netconsole-setup -n __netconsole_setup_no_command -s 6 -d 'Resolve host names to IPv6'
complete -c netconsole-setup -n '__netconsole_setup_using print explain apply enable disable remove list loglevel test status cmdline modprobe panic-watchdog watch listen' -l help -s h -d 'Print this help message and exit'
complete -c netconsole-setup -n '__netconsole_setup_using print apply cmdline modprobe watch' -l to -x -d 'The doctor\'s address or host name; repeat for more targets'
complete -c netconsole-setup -n '__netconsole_setup_using print apply cmdline modprobe watch' -l port -x -d 'Remote UDP port (default 6666)'
complete -c netconsole-setup -n '__netconsole_setup_using print apply cmdline modprobe watch' -l src-port -x -d 'Local UDP port (default 6665)'
complete -c netconsole-setup -n '__netconsole_setup_using print apply cmdline modprobe watch' -l dev -x -a '(__netconsole_setup_value interface)' -d 'Egress interface, or its MAC (boot strings, Linux 6.15+)'
complete -c netconsole-setup -n '__netconsole_setup_using print apply cmdline modprobe watch' -l src -x -d 'Local IP address'
complete -c netconsole-setup -n '__netconsole_setup_using print apply cmdline modprobe watch' -l mac -x -d 'The next hop\'s MAC (the doctor\'s, or its router\'s)'
complete -c netconsole-setup -n '__netconsole_setup_using print apply cmdline modprobe watch' -l broadcast -d 'Send to ff:ff:ff:ff:ff:ff (doctor on the same link only)'
complete -c netconsole-setup -n '__netconsole_setup_using print apply cmdline modprobe watch' -l extended -d 'Extended format: log level, sequence number, timestamp'
complete -c netconsole-setup -n '__netconsole_setup_using print apply cmdline modprobe watch' -l release -d 'Prefix messages with the kernel release (needs --extended)'
complete -c netconsole-setup -n '__netconsole_setup_using print apply cmdline modprobe watch' -l timeout -x -d 'How long to wait for the neighbour (default 3s)'
complete -c netconsole-setup -n '__netconsole_setup_using print apply cmdline modprobe watch' -l allow-unconfirmed-mac -d 'Use a cached next-hop MAC that did not confirm in time (with a warning)'
complete -c netconsole-setup -n '__netconsole_setup_using print apply cmdline modprobe watch' -s 4 -d 'Resolve host names to IPv4'
complete -c netconsole-setup -n '__netconsole_setup_using print apply cmdline modprobe watch' -s 6 -d 'Resolve host names to IPv6'
complete -c netconsole-setup -n '__netconsole_setup_using apply' -l name -x -a '(__netconsole_setup_value target)' -d 'The configfs target\'s name (default ncs-<remote IP>-<port>); cmdlineN adopts a boot-time target'
complete -c netconsole-setup -n '__netconsole_setup_using apply' -l loglevel -x -a '(__netconsole_setup_value loglevel)' -d 'Also set the console log level, as dmesg -n does (1-8)'
complete -c netconsole-setup -n '__netconsole_setup_using apply watch' -l userdata -x -d 'Extra KEY=VALUE line in every extended message (Linux 6.9+); repeatable'
complete -c netconsole-setup -n '__netconsole_setup_using apply watch' -l sysdata -x -a '(__netconsole_setup_value sysdata)' -d 'Switches to turn on: cpu_nr,taskname,release (Linux 6.15+), msgid (6.17+)'
complete -c netconsole-setup -n '__netconsole_setup_using apply' -l config -r -F -d 'Targets of FILE (one per line, these options) and /etc/default/netconsole; removes those it made that are no longer listed'
complete -c netconsole-setup -n '__netconsole_setup_using apply' -l dry-run -d 'Print what it would write (the plan against configfs now); change nothing'
complete -c netconsole-setup -n '__netconsole_setup_using enable disable remove test' -a '(__netconsole_setup_value target)'
complete -c netconsole-setup -n '__netconsole_setup_using loglevel' -a '(__netconsole_setup_value loglevel)'
complete -c netconsole-setup -n '__netconsole_setup_using test' -l ack -d 'Wait for the acknowledgment of a \'netconsole-setup listen\' doctor; exit 1 without'
complete -c netconsole-setup -n '__netconsole_setup_using test' -l timeout -x -d 'How long --ack waits: 2, 1.5s, 500ms (default 5s)'
complete -c netconsole-setup -n '__netconsole_setup_using status' -l check -d 'Exit 1 when configfs differs from what the configuration resolves to now'
complete -c netconsole-setup -n '__netconsole_setup_using status' -l check-panic -d 'Exit 1 when a panic would not reach the doctor of an enabled target'
complete -c netconsole-setup -n '__netconsole_setup_using status' -l config -r -F -d 'The configuration --check compares with (default /etc/netconsole-setup.conf)'
complete -c netconsole-setup -n '__netconsole_setup_using cmdline' -l loglevel -x -a '(__netconsole_setup_value loglevel)' -d 'Also append loglevel=N, the console log level from boot on (1-8)'
complete -c netconsole-setup -n '__netconsole_setup_using cmdline' -l builtin -d 'Spell it for a kernel with netconsole built in (netconsole=); not with --module'
complete -c netconsole-setup -n '__netconsole_setup_using cmdline' -l module -d 'Spell it for netconsole as a module (netconsole.netconsole=); not with --builtin'
complete -c netconsole-setup -n '__netconsole_setup_using cmdline' -l kernel -x -a '(__netconsole_setup_value kernel)' -d 'Tell built in from module for this kernel release (default: the running one)'
complete -c netconsole-setup -n '__netconsole_setup_using cmdline' -l write-grub -d 'Write /etc/default/grub.d/netconsole.cfg (then run update-grub)'
complete -c netconsole-setup -n '__netconsole_setup_using cmdline' -l check-initramfs -d 'Check that /boot/initrd.img-RELEASE (--kernel, default: the running one) holds netconsole and the device\'s driver'
complete -c netconsole-setup -n '__netconsole_setup_using cmdline' -l write-initramfs-config -d 'Put netconsole and the device\'s driver in the initramfs: the hook /etc/initramfs-tools/hooks/netconsole-setup or /etc/dracut.conf.d/90-netconsole-setup.conf'
complete -c netconsole-setup -n '__netconsole_setup_using cmdline' -l dry-run -d 'With --write-grub or --write-initramfs-config: show the diff, write nothing'
complete -c netconsole-setup -n '__netconsole_setup_using cmdline' -l force -d 'With --write-grub or --write-initramfs-config: replace the file even if netconsole-setup did not write it'
complete -c netconsole-setup -n '__netconsole_setup_using modprobe' -l load-at-boot -d 'Also write /etc/modules-load.d/netconsole.conf, so systemd loads it at boot'
complete -c netconsole-setup -n '__netconsole_setup_using modprobe' -l persist-loglevel -x -a '(__netconsole_setup_value loglevel)' -d 'Also write /etc/sysctl.d/90-netconsole.conf: console log level N from boot on'
complete -c netconsole-setup -n '__netconsole_setup_using modprobe' -l kernel -x -a '(__netconsole_setup_value kernel)' -d 'Check netconsole is a module in this kernel release (default: the running one)'
complete -c netconsole-setup -n '__netconsole_setup_using modprobe' -l dry-run -d 'Show the diff, write nothing'
complete -c netconsole-setup -n '__netconsole_setup_using modprobe panic-watchdog' -l force -d 'Replace files even if netconsole-setup did not write them'
complete -c netconsole-setup -n '__netconsole_setup_using modprobe' -l remove -d 'Remove the files netconsole-setup wrote, and only those'
complete -c netconsole-setup -n '__netconsole_setup_using panic-watchdog' -l watchdog-sec -x -d 'RuntimeWatchdogSec= for the hardware watchdog (default 30s)'
complete -c netconsole-setup -n '__netconsole_setup_using panic-watchdog' -l stay-down -d 'Set kernel.panic=0 without a watchdog: the host stays down after a panic'
complete -c netconsole-setup -n '__netconsole_setup_using panic-watchdog' -l dry-run -d 'Show the diff, change nothing'
complete -c netconsole-setup -n '__netconsole_setup_using panic-watchdog' -l remove -d 'Undo it: remove the drop-in and kernel.panic=0, restore kernel.panic'
complete -c netconsole-setup -n '__netconsole_setup_using watch' -l name -x -a '(__netconsole_setup_value target)' -d 'The configfs target\'s name (default ncs-<remote IP>-<port>)'
complete -c netconsole-setup -n '__netconsole_setup_using watch' -l dry-run -d 'Print on stdout what it would change, each time; write nothing'
complete -c netconsole-setup -n '__netconsole_setup_using watch' -l event-buffer -x -d 'Receive buffer of the rtnetlink event socket in bytes (default 1 MiB)'
complete -c netconsole-setup -n '__netconsole_setup_using watch' -l config -r -F -d 'Targets of FILE, /etc/default/netconsole and /etc/sysconfig/netconsole, as apply --config; SIGHUP reads them again'
complete -c netconsole-setup -n '__netconsole_setup_using listen' -l port -x -d 'UDP port to receive on (repeatable; default 6666)'
complete -c netconsole-setup -n '__netconsole_setup_using listen' -l address -x -d 'Receive only on this local address (default: all, IPv4 and IPv6)'
complete -c netconsole-setup -n '__netconsole_setup_using listen' -l allow -x -d 'Accept (and acknowledge) only senders in this network (repeatable)'
complete -c netconsole-setup -n '__netconsole_setup_using listen' -l output -x -a '(__fish_complete_directories (commandline -ct))' -d 'Append each stream\'s records to DIR/ADDRESS@PORT.log (PORT: the doctor\'s) instead of stdout'
complete -c netconsole-setup -n '__netconsole_setup_using listen' -l journal -d 'Send each record to the systemd journal'
complete -c netconsole-setup -n '__netconsole_setup_using listen' -l workers -x -d 'Receiving threads, one SO_REUSEPORT socket each per port (default: one per core, at most 4)'
complete -c netconsole-setup -n '__netconsole_setup_using listen' -l forward -x -d 'Also hand every record on as RFC 5424 syslog to udp://, tcp:// or tls://HOST[:PORT] (repeatable)'
complete -c netconsole-setup -n '__netconsole_setup_using listen' -l forward-ca -r -F -d 'CA certificates (PEM) a tls:// target is checked against (default: the system\'s)'
complete -c netconsole-setup -n '__netconsole_setup_using listen' -l forward-cert -r -F -d 'Client certificate (PEM) for tls:// targets'
complete -c netconsole-setup -n '__netconsole_setup_using listen' -l forward-key -r -F -d 'The client certificate\'s key (PEM)'
complete -c netconsole-setup -n '__netconsole_setup_using listen' -l forward-no-verify -d 'Do not check a tls:// target\'s certificate (testing only)'
complete -c netconsole-setup -n '__netconsole_setup_using listen' -l forward-queue -x -d 'Records each forward target may hold in memory while it is down (default 100000)'
complete -c netconsole-setup -n '__netconsole_setup_using listen' -l forward-spool -x -a '(__fish_complete_directories (commandline -ct))' -d 'Beyond the queue, keep records in a file per target in DIR'
# END generated
