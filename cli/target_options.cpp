#include "target_options.hpp"

#include "errors.hpp"
#include "model/duration.hpp"
#include "resolve/resolver.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <charconv>

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
    if (options.mac && options.broadcast) {
        throw InputError("--mac and --broadcast exclude each other",
                         "--broadcast means --mac ff:ff:ff:ff:ff:ff");
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
            if (request.src && request.src->family() != address->family()) {
                throw InputError(fmt::format("--src {} and --to {} are of different families",
                                             *options.src, to));
            }
        }
        requests.push_back(std::move(request));
    }
    return requests;
}

std::string request_label(const std::vector<TargetRequest>& requests, std::size_t index) {
    if (requests.size() < 2) {
        return {};
    }
    return fmt::format("target {} ({})", index + 1, requests[index].to);
}

void refuse_same_destination(const std::vector<Resolution>& resolutions,
                             const std::vector<TargetRequest>& requests) {
    for (std::size_t i = 0; i < resolutions.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            const auto& a = resolutions[j].target;
            const auto& b = resolutions[i].target;
            if (a.remote_ip.without_zone() == b.remote_ip.without_zone() &&
                a.remote_port == b.remote_port) {
                throw InputError(
                    fmt::format("{} and {} are the same target: {} port {}",
                                request_label(requests, j), request_label(requests, i),
                                b.remote_ip, b.remote_port),
                    "give each --to once, or another --port");
            }
        }
    }
}

std::vector<Resolution> resolve_every(const std::vector<TargetRequest>& requests,
                                      const Context& context) {
    auto attempts = try_resolve_all(requests, context.root);
    std::vector<TargetErrors::Failure> failures;
    for (std::size_t i = 0; i < attempts.size(); ++i) {
        if (attempts[i].error) {
            failures.push_back({request_label(requests, i), attempts[i].error});
        }
    }
    if (!failures.empty()) {
        // -v shows how far each got: the steps before the error are the diagnosis.
        for (std::size_t i = 0; i < attempts.size(); ++i) {
            const auto& steps = attempts[i].resolution ? attempts[i].resolution->steps
                                                       : attempts[i].steps_before_error;
            for (const auto& step : steps) {
                context.output.step(step, request_label(requests, i));
            }
        }
        if (requests.size() == 1) {
            std::rethrow_exception(failures.front().error);
        }
        throw TargetErrors(std::move(failures));
    }
    std::vector<Resolution> resolutions;
    for (auto& attempt : attempts) {
        resolutions.push_back(std::move(*attempt.resolution));
    }
    refuse_same_destination(resolutions, requests);
    return resolutions;
}

std::vector<Target> resolve_and_report(const std::vector<TargetRequest>& requests,
                                       const Context& context) {
    const auto resolutions = resolve_every(requests, context);
    std::vector<Target> targets;
    for (const auto& resolution : resolutions) {
        context.output.resolution(resolution, resolutions.size() > 1
                                                  ? resolution.target.remote_ip.to_string()
                                                  : std::string());
        targets.push_back(resolution.target);
    }
    return targets;
}

} // namespace ncs::cli
