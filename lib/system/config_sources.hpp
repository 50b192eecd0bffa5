#pragma once
// Reads the persistent netconsole configuration of a system: the kernel
// command line and modprobe.d files, all under a Root.

#include "system/root.hpp"

#include <string>
#include <vector>

namespace ncs {

struct ConfiguredValue {
    std::string source; ///< "/proc/cmdline" or "/etc/modprobe.d/x.conf" (system path)
    std::string parameter; ///< "netconsole" or "netconsole.netconsole"
    std::string value;
};

/// Every netconsole value found in <root>/proc/cmdline and <root>/etc/modprobe.d/*.conf,
/// in that order (modprobe.d files sorted by name). Missing files are skipped.
std::vector<ConfiguredValue> find_configured_values(const Root& root);

} // namespace ncs
