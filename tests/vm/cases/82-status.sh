# Case: `status --json` parses and reports what is true in the guest: netconsole
# a loaded module, configfs mounted, a configfs target, the console log level
# and its warning. Before the module is loaded it says "loadable".
vm_case status

status_guest() {
    ap_json before status --json
    modprobe netconsole
    modprobe configfs
    grep -q ' /sys/kernel/config configfs' /proc/mounts ||
        mount -t configfs none /sys/kernel/config
    mkdir /sys/kernel/config/netconsole/st
    echo 6684 >/sys/kernel/config/netconsole/st/remote_port
    ap_json after status --json
    run_tool text status && ap_says text-module "netconsole:       module loaded"
    ap_says text-target "st disabled"
    rmdir /sys/kernel/config/netconsole/st
    unload
}

status_host() {
    ap_json_check "$1" before '.module.state == "loadable" and .module.loaded == false'
    ap_json_check "$1" after '.module.state == "loaded" and .module.loaded == true and .configfs_mounted == true and .dynamic_targets == true and (.targets | map(select(.name == "st")) | .[0] | .enabled == false and .remote_port == 6684) and .printk.console_loglevel == 6 and (.warnings | map(.message) | any(test("hides debug"))) and .errors == []'
}
