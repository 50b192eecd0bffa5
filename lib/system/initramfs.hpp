#pragma once
// Which program builds the system's initramfs, read from the files it installs.
// It decides which spelling of netconsole's kernel parameter acts before the root
// filesystem is mounted (persist::Build): initramfs-tools' init runs
// `modprobe netconsole netconsole=<value>` for a plain netconsole=, dracut has no
// netconsole support, and netconsole.netconsole= is only acted on by
// systemd-modules-load after the root is mounted.

#include "system/root.hpp"

namespace ncs {

/// The program that builds the initramfs of the system under a root.
enum class InitramfsGenerator { initramfs_tools, dracut, none };

/// initramfs-tools when <root>/usr/share/initramfs-tools/init exists (Debian's and
/// Ubuntu's default), else dracut when <root>/usr/lib/dracut is a directory, else none.
InitramfsGenerator initramfs_generator(const Root& root);

} // namespace ncs
