#pragma once
// `status [--json]`: what this system's netconsole looks like now: the module,
// configfs, the targets, the console log level and the persistent configuration.
// Each part is read on its own; one that cannot be read is reported, not fatal.

#include "context.hpp"

namespace ncs::cli {

struct StatusOptions {};

/// Registers `status` on app.
Command setup_status(CLI::App& app);

/// Prints the status. Throws only when the output cannot be written.
void run_status(const StatusOptions& options, const Context& context);

} // namespace ncs::cli
