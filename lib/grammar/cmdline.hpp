#pragma once
// Finding netconsole values in the places the kernel and kmod read them:
// the kernel command line and modprobe.d "options" lines. Pure text logic.

#include <string>
#include <string_view>
#include <vector>

namespace ncs::grammar {

struct FoundValue {
    std::string value;     ///< the netconsole value, quotes removed
    std::string parameter; ///< "netconsole" or "netconsole.netconsole"
};

/// Splits a kernel command line into parameters the way the kernel does
/// (spaces separate, double quotes protect) and returns the netconsole ones.
std::vector<FoundValue> find_in_kernel_cmdline(std::string_view cmdline);

/// Returns the netconsole= values of "options netconsole ..." lines of a
/// modprobe.d file (comments and line continuations honoured).
std::vector<FoundValue> find_in_modprobe_conf(std::string_view text);

} // namespace ncs::grammar
