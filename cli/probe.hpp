#pragma once
// `test [NAME]` (the file is named for what it does, a delivery probe: `test` would
// read as a unit test): binds the options, runs lib/ops's Probe, and prints the marker
// to look for at the doctor and what came back.

#include "context.hpp"

#include <optional>
#include <string>

namespace ncs::cli {

struct TestOptions {
    std::optional<std::string> name; ///< a configfs target that must exist and be enabled
    bool ack = false;                ///< wait for `listen`'s acknowledgment, fail without one
    std::optional<std::string> timeout; ///< how long --ack waits (default 5 s)
};

/// Registers `test` on app.
Command setup_test(CLI::App& app);

/// Checks the target (when named), writes the line, prints the marker, and waits on the
/// target's local port for the acknowledgment of a `listen` doctor (briefly, or up to
/// --timeout with --ack). Throws InputError for a bad or unknown NAME, OperationError
/// for a disabled target or (--ack) no acknowledgment, std::system_error.
void run_test(const TestOptions& options, const Context& context);

} // namespace ncs::cli
