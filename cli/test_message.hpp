#pragma once
// `test [NAME]`: write a uniquely marked line to /dev/kmsg at a level the
// console log level lets through, and print the marker to look for at the doctor.

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

/// What `test` wrote: the marker and the level of the line.
struct TestMessage {
    std::string marker;
    int level = 0;
};

/// Writes "<level>netconsole-setup: test message MARKER" to <root>/dev/kmsg, the level
/// chosen from <root>/proc/sys/kernel/printk; name (may be empty) goes into the marker.
/// Used by `test` and by the Debian compatible form. Writes to the running kernel, so
/// it needs a LiveKernel (never under --root). Throws std::system_error.
TestMessage send_test_message(const LiveKernel& kernel, const Root& root,
                              std::string_view name);

} // namespace ncs::cli
