#include "target_options.hpp"

#include "errors.hpp"

#include <CLI/App.hpp>
#include <CLI/Formatter.hpp>
#include <fmt/format.h>

namespace ncs::cli {
namespace {

/// Binds a single-valued option whose absence matters (std::optional).
CLI::Option* add_optional(CLI::App& app, const std::string& name,
                          std::optional<std::string>& value, const std::string& description,
                          const std::string& type) {
    return app
        .add_option_function<std::string>(
            name, [&value](const std::string& given) { value = given; }, description)
        ->type_name(type);
}

} // namespace

std::vector<CLI::Option*> add_target_options(CLI::App& app, TargetOptions& options) {
    std::vector<CLI::Option*> added;
    added.push_back(app.add_option("--to", options.to,
                                   "The doctor's address or host name; repeat for more targets")
                        ->type_name("ADDR|HOST")
                        ->allow_extra_args(false));
    added.push_back(add_optional(app, "--port", options.port,
                                 "Remote UDP port (default 6666)", "N"));
    added.push_back(add_optional(app, "--src-port", options.src_port,
                                 "Local UDP port (default 6665)", "N"));
    added.push_back(add_optional(app, "--dev", options.dev,
                                 "Egress interface, or its MAC (boot strings, Linux 6.15+)",
                                 "IFNAME|MAC"));
    added.push_back(add_optional(app, "--src", options.src, "Local IP address", "ADDR"));
    added.push_back(add_optional(app, "--mac", options.mac,
                                 "The next hop's MAC (the doctor's, or its router's)", "MAC"));
    added.push_back(app.add_flag("--broadcast", options.broadcast,
                                 "Send to ff:ff:ff:ff:ff:ff (doctor on the same link only)"));
    added.push_back(app.add_flag("--extended", options.extended,
                                 "Extended format: log level, sequence number, timestamp"));
    added.push_back(app.add_flag("--release", options.release,
                                 "Prefix messages with the kernel release (needs --extended)"));
    added.push_back(add_optional(app, "--timeout", options.timeout,
                                 "How long to wait for the neighbour (default 3s)", "DURATION"));
    added.push_back(app.add_flag("--allow-unconfirmed-mac", options.allow_unconfirmed_mac,
                                 "Use a cached next-hop MAC that did not confirm in time "
                                 "(with a warning)"));
    added.push_back(app.add_flag("-4", options.ipv4, "Resolve host names to IPv4"));
    added.push_back(app.add_flag("-6", options.ipv6, "Resolve host names to IPv6"));
    for (auto* option : added) {
        option->group("Target options");
    }
    return added;
}

std::vector<Resolution> resolve_every(const std::vector<TargetRequest>& requests,
                                      const Context& context) {
    return resolutions_of(ops::resolve_requests(requests, context.root), requests, context);
}

std::vector<Resolution> resolutions_of(ops::Attempts resolved,
                                       const std::vector<TargetRequest>& requests,
                                       const Context& context) {
    if (!resolved.failures.empty()) {
        // -v shows how far each got: the steps before the error are the diagnosis.
        for (std::size_t i = 0; i < resolved.attempts.size(); ++i) {
            const auto& attempt = resolved.attempts[i];
            const auto& steps =
                attempt.resolution ? attempt.resolution->steps : attempt.steps_before_error;
            for (const auto& step : steps) {
                context.output.step(step, request_label(requests, i));
            }
        }
        throw_failures(resolved.failures);
    }
    std::vector<Resolution> resolutions;
    for (auto& attempt : resolved.attempts) {
        resolutions.push_back(std::move(*attempt.resolution));
    }
    return resolutions;
}

void report_resolutions(const std::vector<Resolution>& resolutions, const Context& context) {
    for (const auto& resolution : resolutions) {
        context.output.resolution(resolution, resolutions.size() > 1
                                                  ? resolution.target.remote_ip.to_string()
                                                  : std::string());
    }
}

void throw_failures(const std::vector<ops::RequestFailure>& failures) {
    if (failures.size() == 1 && failures.front().label.empty()) {
        std::rethrow_exception(failures.front().error);
    }
    std::vector<TargetErrors::Failure> reported;
    for (const auto& failure : failures) {
        reported.push_back({failure.label, failure.error});
    }
    throw TargetErrors(std::move(reported));
}

std::vector<Target> resolve_and_report(const std::vector<TargetRequest>& requests,
                                       const Context& context, std::string_view kernel_release) {
    auto attempts = ops::resolve_requests(requests, context.root);
    ops::drop_version_warnings(attempts, kernel_release);
    const auto resolutions = resolutions_of(std::move(attempts), requests, context);
    report_resolutions(resolutions, context);
    std::vector<Target> targets;
    for (const auto& resolution : resolutions) {
        targets.push_back(resolution.target);
    }
    return targets;
}

void add_message_data_options(CLI::App& command, TargetOptions& options) {
    command.add_option("--userdata", options.userdata,
                       fmt::format("Extra KEY=VALUE line in every extended message (Linux {}+); "
                                   "repeatable",
                                   to_string(added_in::userdata)))
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);
    command
        .add_option_function<std::string>(
            "--sysdata", [&options](const std::string& v) { options.sysdata = v; },
            fmt::format("Switches to turn on: cpu_nr,taskname,release (Linux {}+), msgid ({}+)",
                        to_string(added_in::sysdata), to_string(added_in::msgid)))
        ->type_name("LIST");
}

} // namespace ncs::cli
