#pragma once
// Finding netconsole values in the places the kernel and kmod read them:
// the kernel command line and modprobe.d "options" lines. Pure text logic.

#include <cstddef>
#include <optional>
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

/// Where the kernel keeps a netconsole value until netconsole starts: one buffer per
/// store, so a later value replaces an earlier one, never adds to it (several targets
/// are one value joined with ';').
/// - kernel_cmdline: the boot command line; netconsole= (option_setup(), __setup) and
///   netconsole.netconsole= (module_param_string, param_set_copystring()) both copy
///   into netconsole.c's config[] in one left-to-right parse_args() pass.
/// - module_options: kmod joins the "options netconsole" lines of every modprobe.d
///   file, in file order, into one string; the module's parse_args() copies each
///   netconsole= of it over the last.
enum class ValueStore { kernel_cmdline, module_options };

/// For values in reading order, each in its store: the index of the later value of
/// the same store that the kernel keeps instead, or nullopt for the value it uses.
std::vector<std::optional<std::size_t>> overridden_by(const std::vector<ValueStore>& stores);

} // namespace ncs::grammar
