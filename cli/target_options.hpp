#pragma once
// The target options shared by every subcommand that builds targets
// (print, and later cmdline, modprobe, apply): --to, --port, --src-port,
// --dev, --src, --mac | --broadcast, --extended, --release, --timeout,
// --allow-unconfirmed-mac, -4 | -6.

#include "context.hpp"
#include "options.hpp"
#include "resolve/request.hpp"

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}

namespace ncs::cli {

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

/// Resolves every request, even after one fails. When any fails: prints (under -v) the
/// steps each completed, then throws the failure itself when there is one request, a
/// TargetErrors naming each failing one ("target 2 (TO)") when there are several.
/// Then refuse_same_destination(). Steps and warnings of the results are the caller's
/// to report (Output::resolution), with its own context.
std::vector<Resolution> resolve_every(const std::vector<TargetRequest>& requests,
                                      const Context& context);

/// "target N (TO)" for the Nth of several requests, "" for the only one.
std::string request_label(const std::vector<TargetRequest>& requests, std::size_t index);

/// The one rule for a target given twice: two targets to the same remote IP and port
/// would send every message twice (and apply would give both one name). Throws InputError.
void refuse_same_destination(const std::vector<Resolution>& resolutions,
                             const std::vector<TargetRequest>& requests);

/// Resolves requests and reports each one's steps and warnings (named by remote IP
/// when there are several). Returns the targets in order.
std::vector<Target> resolve_and_report(const std::vector<TargetRequest>& requests,
                                       const Context& context);

} // namespace ncs::cli
