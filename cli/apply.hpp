#pragma once
// `apply --to ADDR [target options] [--name NAME] [--loglevel N] [--userdata K=V]...
// [--sysdata LIST]` and `apply --config FILE`: binds the options to an ops::ApplyRequest,
// calls ops::apply (get the kernel ready, resolve, make configfs hold the targets,
// idempotently and transactionally) and renders its result.

#include "context.hpp"
#include "target_options.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ncs::cli {

struct ApplyOptions {
    TargetOptions target; ///< with --name, --userdata and --sysdata
    std::optional<std::string> loglevel;
    std::optional<std::string> config; ///< --config FILE: the configuration (ops/config.hpp)
    bool dry_run = false;              ///< --dry-run: print the plan, change nothing
};

/// Registers `apply` on app.
Command setup_apply(CLI::App& app);

/// Applies the targets. Throws InputError before touching anything for bad input,
/// OperationError (privileges, kernel, a refused write after rollback), std::system_error.
void run_apply(const ApplyOptions& options, const Context& context);

/// `apply --config FILE`: the boot-time path (netconsole-setup.service). Applies every
/// target of the configuration (ops/config.hpp) in one transaction, then removes the
/// targets an earlier one made that it no longer lists. dry_run: print the plan,
/// change nothing, need no privileges. Throws InputError "FILE:LINE: ..." before
/// touching anything, OperationError and std::system_error.
void run_apply_config(const std::string& file, const Context& context, bool dry_run = false);

} // namespace ncs::cli
