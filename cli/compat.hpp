#pragma once
// Debian's netconsole-setup 0.3 form: `netconsole-setup [+][PORT]@HOST ...` with
// no subcommand makes one configfs target per HOST, named after it, then sends a
// test message, so NETCONSOLE_OPTS in /etc/default/netconsole works unchanged. The
// words are parsed by ops::parse_compat_target (ops/config.hpp), applied by ops::apply.

#include "context.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ncs::cli {

/// Adds the positional `[+][PORT]@HOST...` to app and returns the app's new default
/// action: the Debian form when words were given, fallback otherwise. After parsing, words next to
/// a subcommand or to a target option of the app (target_option_given) are an InputError.
Command setup_compat(CLI::App& app, Command fallback,
                      std::function<std::string()> target_option_given);

/// Applies one target per word, then writes the test message. Throws InputError before
/// touching anything, OperationError and std::system_error.
void run_compat(const std::vector<std::string>& words, const Context& context);

} // namespace ncs::cli
