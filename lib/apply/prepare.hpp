#pragma once
// Getting the running kernel ready for configfs targets: configfs loaded and
// mounted, netconsole loaded (through libkmod, so modprobe.d applies), and
// clear errors for the kernels that cannot have dynamic targets.

#include "system/root.hpp"

#include <string>
#include <vector>

namespace ncs::apply {

/// Makes <root>/sys/kernel/config/netconsole available; returns what it did, one
/// step per line ("loaded module netconsole"). Acts on the running kernel, so only
/// with a LiveKernel (root is "/"). Throws OperationError when netconsole is absent
/// or has no dynamic targets, and what load_module() and mount_configfs() throw.
std::vector<std::string> prepare_kernel(const LiveKernel& kernel, const Root& root);

} // namespace ncs::apply
