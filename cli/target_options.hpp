#pragma once
// Option binding: the options shared by the subcommands that build targets (print,
// cmdline, modprobe, apply, watch, and the lines of a configuration file): --to,
// --port, --src-port, --dev, --src, --mac | --broadcast, --extended, --release,
// --timeout, --allow-unconfirmed-mac, -4 | -6, --name, --userdata, --sysdata.

#include "context.hpp"
#include "options.hpp"
#include "model/errors.hpp"
#include "model/port.hpp"
#include "ops/apply.hpp"
#include "ops/config.hpp"
#include "ops/resolve.hpp"

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}

namespace ncs::cli {

using ops::request_label;

/// The options as typed; make_requests() validates and converts them.
struct TargetOptions {
    std::vector<std::string> to;
    std::optional<std::string> port;
    std::optional<std::string> src_port;
    std::optional<std::string> dev;
    std::optional<std::string> src;
    std::optional<std::string> mac;
    bool broadcast = false;
    bool extended = false;
    bool release = false;
    std::optional<std::string> timeout;
    bool allow_unconfirmed_mac = false;
    bool ipv4 = false;
    bool ipv6 = false;
};

/// Binds the target options to app under the "Target options" heading; returns them,
/// in the order registered.
std::vector<CLI::Option*> add_target_options(CLI::App& app, TargetOptions& options);

/// One request per --to, the other options applying to each. Throws InputError naming
/// the option when a value is invalid or options conflict.
std::vector<TargetRequest> make_requests(const TargetOptions& options);

/// "KEY=VALUE" -> the entry (split at the first '='); throws InputError.
UserdataEntry parse_userdata(std::string_view text);

/// "cpu_nr,taskname,release,msgid" (any subset; "" for none) -> the switches; throws
/// InputError naming an unknown one.
Sysdata parse_sysdata(std::string_view text);

/// Adds --userdata and --sysdata (what every extended message carries besides its
/// text) to command, bound to userdata and sysdata: apply and watch share them.
void add_message_data_options(CLI::App& command, std::vector<std::string>& userdata,
                              std::optional<std::string>& sysdata);

/// The desired targets of the command line: one per --to, each with name, userdata
/// (KEY=VALUE texts) and sysdata (a LIST text). Throws InputError; the request made of
/// them checks the rest (ops::make_apply_request).
std::vector<reconcile::DesiredTarget> desired_from_options(
    const TargetOptions& options, const std::optional<std::string>& name,
    const std::vector<std::string>& userdata, const std::optional<std::string>& sysdata);

/// The configuration of FILE (one target per line, these options) and of Debian's and
/// Red Hat's files (ops::configuration). Throws InputError "FILE:LINE: ...".
ops::Configuration read_configuration(const std::string& file, const Root& root);

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
/// when there are several). Returns the targets in order.
std::vector<Target> resolve_and_report(const std::vector<TargetRequest>& requests,
                                       const Context& context);

} // namespace ncs::cli
