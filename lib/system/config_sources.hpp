#pragma once
// Reads the persistent netconsole configuration of a system: the kernel
// command line and modprobe.d files, all under a Root (resolved inside it).

#include "model/errors.hpp"
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
/// in that order (modprobe.d files sorted by name). Missing files are skipped; so are
/// what is not a regular file (a FIFO, a device, a directory), a file larger than
/// k_max_config_file_size and one that cannot be read, each with a warning in warnings
/// (when given).
std::vector<ConfiguredValue> find_configured_values(const Root& root,
                                                    std::vector<Warning>* warnings = nullptr);

} // namespace ncs
