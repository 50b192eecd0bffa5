#pragma once
// Getting the running kernel ready for configfs targets: configfs loaded and
// mounted, netconsole loaded (through libkmod, so modprobe.d applies), and
// clear errors for the kernels that cannot have dynamic targets.

#include "system/configfs.hpp"
#include "system/kmod.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace ncs::apply {

/// Makes the netconsole directory (netconsole_dir(), under the configfs mount that is
/// its parent) available; returns what it did, one step per line ("loaded module
/// netconsole"). Looks at the directories through files and loads and mounts through
/// modules, nothing else. Throws OperationError when netconsole is absent or has no
/// dynamic targets, and what KernelModules::load() and mount_configfs() throw.
std::vector<std::string> prepare_kernel(const ConfigfsFiles& files, KernelModules& modules,
                                        const std::filesystem::path& netconsole_dir);

} // namespace ncs::apply
