#pragma once
// `print`: resolve the targets and print the netconsole= line. It is also the
// default action: `netconsole-setup --to 192.0.2.5` means `print --to 192.0.2.5`.

#include "context.hpp"
#include "target_options.hpp"

#include <string>
#include <vector>

namespace ncs::cli {

struct PrintOptions {
    TargetOptions target;
};

/// What setup_print registers: the subcommand, and the default action on the app itself.
struct PrintCommands {
    Command subcommand;
    Command default_action;
    /// The first target option given to the app itself (before any subcommand), or "".
    std::function<std::string()> default_option_given;
};

/// Registers `print` on app, and its options on app itself for the default action.
PrintCommands setup_print(CLI::App& app);

/// Prints "netconsole=<targets>" (or the --json object). Throws InputError, OperationError.
void run_print(const PrintOptions& options, const Context& context);

} // namespace ncs::cli
