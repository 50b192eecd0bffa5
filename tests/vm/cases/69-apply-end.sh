# Case 10, last of the apply cases: the kernel never saw a write while a target
# was enabled, nor `enabled` written with its current value (it logs both
# refusals), and nothing is left behind: no targets, netconsole unloaded.
vm_case applyend

applyend_guest() {
    local refused
    refused=$(dmesg | grep -E 'disable to update parameters|network logging has already')
    same never-refused "$refused" ""
    same no-targets "$(ls $NC_DIR 2>/dev/null)" ""
    unload
}

applyend_host() { :; }
