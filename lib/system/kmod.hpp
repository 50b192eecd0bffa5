#pragma once
// Preparing the running kernel for configfs targets: the privilege check,
// loading modules as modprobe does (libkmod: modprobe.d options and blacklists
// honoured), and mounting configfs. The only file that includes <libkmod.h>.

#include "system/root.hpp"

#include <string_view>

namespace ncs {

/// Whether this process has CAP_SYS_ADMIN in its effective set (capget(2)): what
/// configfs writes, mount(2) and module loading (with CAP_SYS_MODULE) need.
bool has_sys_admin_capability();

enum class ModuleLoad { builtin, already_loaded, loaded };

/// Loads module name and its dependencies into the running kernel as `modprobe name`
/// does, with the options and blacklist of modprobe.d. Throws OperationError when the
/// module does not exist for this kernel or is blacklisted, std::system_error when the
/// kernel refuses it. Acts on the running kernel: needs a LiveKernel (never under --root).
ModuleLoad load_module(const LiveKernel& kernel, std::string_view name);

/// Whether <root>/proc/self/mounts lists a configfs on /sys/kernel/config (or on its
/// path under root). Throws std::system_error when the mount table cannot be read.
bool configfs_mounted(const Root& root);

/// mount -t configfs none <root>/sys/kernel/config. Throws std::system_error.
/// Acts on the running kernel: needs a LiveKernel (never under --root).
void mount_configfs(const LiveKernel& kernel, const Root& root);

} // namespace ncs
