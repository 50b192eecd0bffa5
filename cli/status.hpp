#pragma once
// `status [--json]`: what this system's netconsole looks like now: the module,
// configfs, the targets, the console log level and the persistent configuration.
// Each part is read on its own; one that cannot be read is reported, not fatal.

#include "context.hpp"

#include <optional>
#include <string>

namespace ncs::cli {

struct StatusOptions {
    bool check = false;                ///< --check: exit 1 when configfs drifted (issue 13)
    bool check_panic = false;          ///< --check-panic: exit 1 when a panic is lost (issue 19)
    std::optional<std::string> config; ///< --config FILE for --check
};

/// Registers `status` on app.
Command setup_status(CLI::App& app);

/// Prints the status. Throws only when the output cannot be written.
void run_status(const StatusOptions& options, const Context& context);

} // namespace ncs::cli
