#pragma once
// `list [--json]`: every configfs target with all its attributes, read-only
// local_mac and transmit_errors included, and why a target does not send (its
// device gone, enslaved, down), which `status` shows too (lib/ops/inspect).

#include "context.hpp"

namespace ncs::cli {

struct ListOptions {};

/// Registers `list` on app.
Command setup_list(CLI::App& app);

/// Prints the targets under <root>/sys/kernel/config/netconsole. Throws
/// std::system_error, OperationError.
void run_list(const ListOptions& options, const Context& context);

} // namespace ncs::cli
