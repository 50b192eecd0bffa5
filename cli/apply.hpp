#pragma once
// `apply --to ADDR [target options] [--name NAME] [--loglevel N] [--userdata K=V]...
// [--sysdata LIST]`: get the kernel ready, resolve the targets and make configfs
// hold them, idempotently and transactionally (lib/apply).

#include "context.hpp"
#include "model/target.hpp"
#include "target_options.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ncs::cli {

struct ApplyOptions {
    TargetOptions target;
    std::optional<std::string> name;
    std::optional<std::string> loglevel;
    std::vector<std::string> userdata;
    std::optional<std::string> sysdata;
    std::optional<std::string> config; ///< --config FILE: cli/apply_config.hpp (issue 6)
    bool dry_run = false;              ///< --dry-run: print the plan, change nothing
};

/// Registers `apply` on app.
Command setup_apply(CLI::App& app);

/// Applies the targets. Throws InputError before touching anything for bad input,
/// OperationError (privileges, kernel, a refused write after rollback), std::system_error.
void run_apply(const ApplyOptions& options, const Context& context);

/// "KEY=VALUE" -> the entry (split at the first '='); throws InputError.
UserdataEntry parse_userdata(std::string_view text);

/// "cpu_nr,taskname,release,msgid" (any subset; "" for none) -> the switches; throws
/// InputError naming an unknown one.
Sysdata parse_sysdata(std::string_view text);

/// Adds --userdata and --sysdata (what every extended message carries besides its
/// text) to command, bound to userdata and sysdata: apply and watch share them.
void add_message_data_options(CLI::App& command, std::vector<std::string>& userdata,
                              std::optional<std::string>& sysdata);

/// The right to act on the running kernel for verb: throws InputError under --root
/// (Root::live_kernel), OperationError unless the process may change the kernel's
/// configfs and modules (CAP_SYS_ADMIN). The hint repeats the command with sudo:
/// "VERB ..." or, given, the arguments as typed.
LiveKernel require_kernel_admin(const Context& context, std::string_view verb,
                                std::string_view arguments = {});

} // namespace ncs::cli
