#include "system/initramfs.hpp"

namespace ncs {

InitramfsGenerator initramfs_generator(const Root& root) {
    // The init script itself, which is what acts on netconsole=: /etc/initramfs-tools
    // outlives the package (conffiles stay until purged) when dracut replaced it.
    if (root.exists("/usr/share/initramfs-tools/init")) {
        return InitramfsGenerator::initramfs_tools;
    }
    if (root.is_directory("/usr/lib/dracut")) {
        return InitramfsGenerator::dracut;
    }
    return InitramfsGenerator::none;
}

} // namespace ncs
