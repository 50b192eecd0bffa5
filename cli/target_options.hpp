#pragma once
// Option binding: the options shared by the subcommands that build targets (print,
// cmdline, modprobe, apply, watch): --to, --port, --src-port, --dev, --src, --mac |
// --broadcast, --extended, --release, --timeout, --allow-unconfirmed-mac, -4 | -6,
// --userdata, --sysdata (apply and watch bind --name themselves).

#include "context.hpp"
#include "options.hpp"
#include "model/errors.hpp"
#include "model/port.hpp"
#include "ops/apply.hpp"
#include "ops/resolve.hpp"
#include "ops/target_options.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
class Option;
}

namespace ncs::cli {

using ops::request_label;

// The options bind into the library's TargetOptions (lib/ops/target_options.hpp), whose
// one builder checks them: make_requests (print, cmdline, modprobe), make_desired
// (apply, watch). A configuration file's lines are parsed into the same struct in the
// library (ops::read_configuration), by the same words.
using ops::make_requests;
using ops::TargetOptions;

/// Binds the target options to app under the "Target options" heading; returns them,
/// in the order registered.
std::vector<CLI::Option*> add_target_options(CLI::App& app, TargetOptions& options);

/// Adds --userdata and --sysdata (what every extended message carries besides its
/// text) to command, bound to options: apply and watch share them.
void add_message_data_options(CLI::App& command, TargetOptions& options);

/// Resolves every request, even after one fails. When any fails: prints (under -v) the
/// steps each completed, then throws the failure itself when there is one request, a
/// TargetErrors naming each failing one ("target 2 (TO)") when there are several.
/// Then refuse_same_destination(). Steps and warnings of the results are the caller's
/// to report (Output::resolution), with its own context.
std::vector<Resolution> resolve_every(const std::vector<TargetRequest>& requests,
                                      const Context& context);

/// resolve_every() for attempts the library already made (ops::resolve_requests,
/// ops::resolve_then): the failures shown and thrown, or the resolutions.
std::vector<Resolution> resolutions_of(ops::Attempts resolved,
                                       const std::vector<TargetRequest>& requests,
                                       const Context& context);

/// Each resolution's steps (-v) and warnings, named by remote IP when there are several.
void report_resolutions(const std::vector<Resolution>& resolutions, const Context& context);

/// The plan of a use case that resolved its targets first (ops::resolve_then): reports
/// the resolutions as resolve_and_report() does, then returns the plan or throws its error.
template <class Plan>
Plan report_resolved(ops::Resolved<Plan> resolved, const std::vector<TargetRequest>& requests,
                     const Context& context) {
    report_resolutions(resolutions_of(std::move(resolved.attempts), requests, context), context);
    if (resolved.error) {
        std::rethrow_exception(resolved.error);
    }
    return std::move(*resolved.plan);
}

/// Throws the failures of several requests: the error itself for the only request, a
/// TargetErrors naming each failing one ("target 2 (TO)") otherwise.
[[noreturn]] void throw_failures(const std::vector<ops::RequestFailure>& failures);

/// Resolves requests and reports each one's steps and warnings (named by remote IP
/// when there are several); with the release of the kernel the targets are for, the
/// needs-newer-kernel warnings are left to the plan's check (ops::drop_version_warnings).
/// Returns the targets in order.
std::vector<Target> resolve_and_report(const std::vector<TargetRequest>& requests,
                                       const Context& context,
                                       std::string_view kernel_release = {});

} // namespace ncs::cli
