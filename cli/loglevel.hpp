#pragma once
// `loglevel [N]`: show the four values of /proc/sys/kernel/printk with their
// meaning, or set the console log level as `dmesg -n N` does.

#include "context.hpp"

#include <optional>
#include <string>

namespace ncs::cli {

struct LoglevelOptions {
    std::optional<std::string> level; ///< as typed; validated by run_loglevel
};

/// Registers `loglevel` on app.
Command setup_loglevel(CLI::App& app);

/// Shows the levels, or sets the console level first. Throws InputError for a level
/// outside 1-8 or when setting under --root; OperationError, std::system_error.
void run_loglevel(const LoglevelOptions& options, const Context& context);

} // namespace ncs::cli
