#include "target_options.hpp"

#include "errors.hpp"
#include "model/duration.hpp"
#include "persist/config_file.hpp"

#include <CLI/App.hpp>
#include <CLI/Config.hpp>
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

/// Re-throws an InputError from a value parser with the option named first.
template <typename Parse>
auto with_option(std::string_view option, Parse parse) {
    try {
        return parse();
    } catch (const InputError& e) {
        throw InputError(fmt::format("{}: {}", option, e.what()), e.hint());
    }
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
    added.push_back(add_optional(app, "--dev", options.dev, "Egress interface", "IFNAME"));
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

std::vector<TargetRequest> make_requests(const TargetOptions& options) {
    if (options.to.empty()) {
        throw InputError("no target given", "add --to ADDR (the doctor's address)");
    }
    if (options.ipv4 && options.ipv6) {
        throw InputError("-4 and -6 exclude each other");
    }
    if (options.release && !options.extended) {
        throw InputError("--release needs --extended",
                         "the kernel prepends the release only to extended messages");
    }

    TargetRequest common;
    if (options.port) {
        common.remote_port = parse_port(*options.port, "--port");
    }
    if (options.src_port) {
        common.local_port = parse_port(*options.src_port, "--src-port");
    }
    if (options.dev) {
        if (options.dev->empty()) {
            throw InputError("--dev: the interface name is empty");
        }
        common.dev = *options.dev;
    }
    if (options.src) {
        common.src = with_option("--src", [&] { return IpAddress::parse(*options.src); });
    }
    if (options.mac) {
        common.mac = with_option("--mac", [&] { return MacAddress::parse(*options.mac); });
    }
    common.broadcast = options.broadcast;
    refuse_mac_with_broadcast(common);
    common.extended = options.extended;
    common.release = options.release;
    if (options.timeout) {
        common.timeout = with_option("--timeout", [&] { return parse_duration(*options.timeout); });
    }
    if (options.allow_unconfirmed_mac) {
        common.unconfirmed_mac = UnconfirmedMac::accept;
    }
    if (options.ipv4) {
        common.family = IpFamily::v4;
    } else if (options.ipv6) {
        common.family = IpFamily::v6;
    }

    std::vector<TargetRequest> requests;
    for (const auto& to : options.to) {
        if (to.empty()) {
            throw InputError("--to: the address is empty");
        }
        if (to.front() == '[') {
            // [ADDR] is URL syntax for an address followed by :PORT; --to takes the
            // address alone (the port is --port).
            throw InputError(fmt::format("--to {}: brackets are not part of an address", to),
                             fmt::format("write --to {}", to.substr(1, to.find(']') - 1)));
        }
        auto request = common;
        request.to = to;
        if (const auto address = IpAddress::try_parse(to)) {
            if (request.family && address->family() != *request.family) {
                throw InputError(fmt::format("--to {} is not an {} address", to, *request.family));
            }
            if (request.src) {
                require_one_family(*request.src, *address);
            }
        }
        requests.push_back(std::move(request));
    }
    return requests;
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
                                       const Context& context) {
    const auto resolutions = resolve_every(requests, context);
    report_resolutions(resolutions, context);
    std::vector<Target> targets;
    for (const auto& resolution : resolutions) {
        targets.push_back(resolution.target);
    }
    return targets;
}

UserdataEntry parse_userdata(std::string_view text) {
    const auto equals = text.find('=');
    if (equals == std::string_view::npos || equals == 0) {
        throw InputError(fmt::format("--userdata: '{}' is not KEY=VALUE", text),
                         "for example --userdata host=web1");
    }
    return {std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
}

Sysdata parse_sysdata(std::string_view text) {
    Sysdata sysdata;
    if (text.empty()) {
        return sysdata;
    }
    while (true) {
        const auto comma = text.find(',');
        const auto item = text.substr(0, comma);
        if (item == "cpu_nr") {
            sysdata.cpu_nr = true;
        } else if (item == "taskname") {
            sysdata.taskname = true;
        } else if (item == "release") {
            sysdata.release = true;
        } else if (item == "msgid") {
            sysdata.msgid = true;
        } else {
            throw InputError(fmt::format("--sysdata: unknown switch '{}'", item),
                             "the switches are cpu_nr, taskname, release and msgid");
        }
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
    }
    return sysdata;
}

void add_message_data_options(CLI::App& command, std::vector<std::string>& userdata,
                              std::optional<std::string>& sysdata) {
    command.add_option("--userdata", userdata,
                       fmt::format("Extra KEY=VALUE line in every extended message (Linux {}+); "
                                   "repeatable",
                                   to_string(added_in::userdata)))
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);
    command
        .add_option_function<std::string>(
            "--sysdata", [&sysdata](const std::string& v) { sysdata = v; },
            fmt::format("Switches to turn on: cpu_nr,taskname,release (Linux {}+), msgid ({}+)",
                        to_string(added_in::sysdata), to_string(added_in::msgid)))
        ->type_name("LIST");
}

std::vector<reconcile::DesiredTarget> desired_from_options(
    const TargetOptions& options, const std::optional<std::string>& name,
    const std::vector<std::string>& userdata, const std::optional<std::string>& sysdata) {
    const auto requests = make_requests(options);
    if (name && requests.size() != 1) {
        throw InputError("--name needs exactly one --to",
                         "apply the targets one at a time to name each");
    }
    std::vector<reconcile::DesiredTarget> desired;
    for (const auto& request : requests) {
        reconcile::DesiredTarget d;
        d.where = "command line";
        d.request = request;
        d.name = name;
        for (const auto& text : userdata) {
            d.userdata.push_back(parse_userdata(text));
        }
        if (sysdata) {
            d.sysdata = parse_sysdata(*sysdata);
        }
        desired.push_back(std::move(d));
    }
    return desired;
}

namespace {

// One line's words, parsed by the same target options as the command line.
reconcile::DesiredTarget parse_line(const persist::ConfigLine& line, const std::string& file) {
    reconcile::DesiredTarget configured;
    configured.where = fmt::format("{}:{}", file, line.number);
    TargetOptions target;
    std::optional<std::string> name;
    std::vector<std::string> userdata;
    std::optional<std::string> sysdata;
    CLI::App app("a line of the configuration file", "line");
    add_target_options(app, target);
    app.add_option("--name", name);
    app.add_option("--userdata", userdata)->allow_extra_args(false);
    app.add_option("--sysdata", sysdata);
    app.set_help_flag();
    try {
        std::vector<std::string> args(line.words.rbegin(), line.words.rend());
        app.parse(args);
        if (target.to.size() != 1) {
            throw InputError("one --to per line: each line is one target");
        }
        auto desired = desired_from_options(target, name, userdata, sysdata);
        configured.request = std::move(desired.front().request);
        configured.name = std::move(desired.front().name);
        configured.userdata = std::move(desired.front().userdata);
        configured.sysdata = desired.front().sysdata;
    } catch (const CLI::Error& e) {
        throw InputError(fmt::format("{}: {}", configured.where, e.what()),
                         "a line holds the options of 'netconsole-setup apply', one --to");
    } catch (const InputError& e) {
        throw InputError(fmt::format("{}: {}", configured.where, e.what()), e.hint());
    }
    return configured;
}

} // namespace

ops::Configuration read_configuration(const std::string& file, const Root& root) {
    std::optional<std::vector<reconcile::DesiredTarget>> from_file;
    if (const auto lines = ops::read_config_lines(file, root)) {
        from_file.emplace();
        for (const auto& line : *lines) {
            from_file->push_back(parse_line(line, file));
        }
    }
    return ops::configuration(file, std::move(from_file), root);
}

} // namespace ncs::cli
