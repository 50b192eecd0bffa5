#include "test_message.hpp"

#include "apply/apply.hpp"
#include "json.hpp"
#include "model/duration.hpp"
#include "receive/ack.hpp"
#include "system/configfs.hpp"
#include "system/kernel_log.hpp"
#include "system/printk.hpp"
#include "system/udp.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <ostream>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace ncs::cli {
namespace {

constexpr const char* k_description =
    "Send a uniquely marked kernel message to check that netconsole delivers";

constexpr const char* k_examples = R"(Examples:
  # look for the printed marker in the doctor's log
  netconsole-setup test
  # the same, after checking that target 'doctor' exists and is enabled
  netconsole-setup test doctor
  # fail unless a doctor running 'netconsole-setup listen' acknowledges it
  netconsole-setup test doctor --ack --timeout 2s

The acknowledgment comes back to the target's local_ip and local_port. Without
--ack, test waits half a second for one and says whether it came.)";

constexpr auto k_short_wait = std::chrono::milliseconds(500);
constexpr auto k_default_ack_timeout = std::chrono::milliseconds(5000);

/// A marker nobody else writes: the time, and 32 bits mixed from the nanoseconds and
/// the pid. Not std::random_device: getrandom(2) blocks early at boot, when the
/// Debian form runs from its unit.
std::string make_marker(std::string_view name) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now).count();
    const auto nanoseconds = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
    const auto mixed = (nanoseconds * 0x9e3779b97f4a7c15ULL) ^
                       (static_cast<std::uint64_t>(::getpid()) << 32);
    return fmt::format("ncs-test{}{}-{}-{:08x}", name.empty() ? "" : "-", name, seconds,
                       static_cast<std::uint32_t>(mixed >> 32));
}

/// The target must be a configfs directory that exists (the rule of enable, disable
/// and remove: apply::require_target) and is enabled.
void check_target(const Root& root, const std::string& name) {
    const SystemConfigfsFiles files(root);
    apply::require_target(files, netconsole_dir(root), name);
    auto enabled = files.read(netconsole_dir(root) / name / "enabled");
    if (!enabled.empty() && enabled.back() == '\n') {
        enabled.pop_back();
    }
    if (parse_flag(enabled) != true) {
        throw OperationError(fmt::format("netconsole target '{}' is not enabled", name),
                             fmt::format("'{} enable {}' enables it", k_program, name));
    }
}

/// Where the doctors' acknowledgments arrive: sockets on the local addresses and
/// ports of the targets waited on, and those targets' doctors (remote_ip), the only
/// senders whose acknowledgment counts.
struct AckListener {
    std::vector<UdpSocket> sockets;
    std::vector<IpAddress> doctors;
    std::vector<Warning> unable; ///< why the acknowledgment of a target cannot be waited for
};

/// The address test binds for target: its local_ip (any when unset), with the
/// target's device as the zone of an IPv6 link-local one (no zone: EINVAL).
std::optional<IpAddress> ack_address(const ConfigfsTarget& target) {
    if (target.local_ip.is_unspecified()) {
        return std::nullopt;
    }
    if (target.local_ip.is_v6() && target.local_ip.is_link_local() && !target.dev_name.empty()) {
        const auto bytes = target.local_ip.bytes();
        std::array<std::uint8_t, 16> v6{};
        std::copy(bytes.begin(), bytes.end(), v6.begin());
        return IpAddress::v6(v6, target.dev_name);
    }
    return target.local_ip;
}

std::string bind_hint(const std::system_error& error, std::uint16_t port) {
    if (error.code() == std::errc::address_in_use) {
        return fmt::format("another program has UDP port {} open: 'ss -ulpn sport = :{}' names "
                           "it",
                           port, port);
    }
    return {};
}

/// Sockets on the local ports of the named target, or of every enabled one. A port
/// that cannot be bound is left out with a warning saying why, unless required
/// (--ack), when that is the error.
AckListener ack_listener(const Root& root, const std::optional<std::string>& name,
                         bool required) {
    AckListener listener;
    const SystemConfigfsFiles files(root);
    const auto directory = netconsole_dir(root);
    std::vector<std::string> names;
    if (name) {
        names.push_back(*name);
    } else {
        names = list_targets(files, directory);
    }
    std::vector<std::pair<std::optional<IpAddress>, std::uint16_t>> bound;
    for (const auto& target_name : names) {
        ConfigfsTarget target;
        try {
            target = read_target(files, directory, target_name);
        } catch (const std::exception&) {
            if (required && name) {
                throw;
            }
            continue;
        }
        if (!target.enabled) {
            continue;
        }
        listener.doctors.push_back(target.remote_ip.without_zone());
        const std::pair endpoint{ack_address(target), target.local_port};
        if (std::find(bound.begin(), bound.end(), endpoint) != bound.end()) {
            continue;
        }
        bound.push_back(endpoint);
        try {
            listener.sockets.push_back(UdpSocket::bind(endpoint.first, endpoint.second));
        } catch (const std::system_error& e) {
            Warning why{fmt::format("cannot wait for the acknowledgment of target {}: {}",
                                    target_name, e.what()),
                        bind_hint(e, target.local_port)};
            if (required) {
                throw OperationError(why.message, why.hint);
            }
            if (why.hint.empty()) {
                why.hint = "the test message was sent all the same: look for its marker in the "
                           "doctor's log";
            }
            listener.unable.push_back(std::move(why));
        }
    }
    if (required && listener.sockets.empty()) {
        throw OperationError("there is no enabled netconsole target to wait on for an acknowledgment",
                             "'netconsole-setup status' lists the targets");
    }
    return listener;
}

struct Acknowledgment {
    std::string sender;
    std::chrono::duration<double, std::milli> elapsed;
};

/// What came back: the doctor's acknowledgment, and the first sender of the marker
/// that is no target's doctor.
struct AckResult {
    std::optional<Acknowledgment> ack;
    std::optional<std::string> stranger;
};

/// Waits until deadline for "netconsole-setup ack MARKER" from a doctor of listener.
AckResult wait_for_ack(const AckListener& listener, const std::string& marker,
                       std::chrono::steady_clock::time_point start,
                       std::chrono::steady_clock::time_point deadline) {
    const auto& sockets = listener.sockets;
    std::vector<pollfd> polled;
    for (const auto& socket : sockets) {
        polled.push_back({socket.fd(), POLLIN, 0});
    }
    AckResult result;
    DatagramBatch batch(8);
    while (!polled.empty()) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            break;
        }
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
        if (::poll(polled.data(), polled.size(), static_cast<int>(left.count())) < 0 &&
            errno != EINTR) {
            throw std::system_error(errno, std::generic_category(), "poll");
        }
        for (std::size_t i = 0; i < sockets.size(); ++i) {
            if ((polled[i].revents & POLLIN) == 0) {
                continue;
            }
            const auto received = batch.receive(sockets[i]);
            for (std::size_t d = 0; d < received; ++d) {
                if (receive::parse_ack(batch.payload(d)) != marker) {
                    continue;
                }
                const auto sender = batch.sender(d);
                const auto& doctors = listener.doctors;
                if (std::find(doctors.begin(), doctors.end(), sender.ip()) == doctors.end()) {
                    // Anyone who saw the marker can send it back: not the doctor's word.
                    if (!result.stranger) {
                        result.stranger = sender.address_text();
                    }
                    continue;
                }
                result.ack = Acknowledgment{sender.address_text(),
                                            std::chrono::steady_clock::now() - start};
                return result;
            }
        }
    }
    return result;
}

/// "198.51.100.2" or "198.51.100.2, 2001:db8::2": the doctors an acknowledgment may come from.
std::string doctors_text(const std::vector<IpAddress>& doctors) {
    std::vector<std::string> texts;
    for (const auto& doctor : doctors) {
        if (std::find(texts.begin(), texts.end(), doctor.to_string()) == texts.end()) {
            texts.push_back(doctor.to_string());
        }
    }
    return fmt::format("{}", fmt::join(texts, ", "));
}

} // namespace

TestMessage send_test_message(const LiveKernel& kernel, const Root& root,
                              std::string_view name) {
    const auto levels = read_printk_levels(root);
    TestMessage message{make_marker(name), test_message_level(levels)};
    const auto line = fmt::format("<{}>{}: test message {}\n", message.level, k_program,
                                  message.marker);
    write_kernel_log(kernel, root, line);
    return message;
}

Command setup_test(CLI::App& app) {
    auto options = std::make_shared<TestOptions>();
    auto* test = app.add_subcommand("test", k_description);
    test->add_option_function<std::string>(
            "NAME", [options](const std::string& given) { options->name = given; },
            "A configfs target that must exist and be enabled")
        ->type_name("NAME");
    test->add_flag("--ack", options->ack,
                   "Wait for the acknowledgment of a 'netconsole-setup listen' doctor; exit 1 without");
    test->add_option("--timeout", options->timeout, "How long --ack waits: 2, 1.5s, 500ms (default 5s)")
        ->type_name("DURATION");
    test->footer(k_examples);
    return {test, [options](const Context& c) { run_test(*options, c); }};
}

void run_test(const TestOptions& options, const Context& context) {
    if (options.timeout && !options.ack) {
        throw InputError("--timeout is how long --ack waits", "add --ack");
    }
    const auto timeout = options.timeout ? parse_duration(*options.timeout) : k_default_ack_timeout;
    // As enable and disable: a missing target is the same error under --root.
    if (options.name) {
        check_target(context.root, *options.name);
    }
    const auto kernel = context.root.live_kernel("'test'");
    // Bound before the message goes out, so a fast acknowledgment is not missed.
    const auto listener = ack_listener(context.root, options.name, options.ack);
    for (const auto& why : listener.unable) {
        context.output.warning(why);
    }
    if (listener.sockets.empty() && listener.unable.empty()) {
        context.output.note("not waiting for an acknowledgment: configfs shows no enabled target "
                            "(where it would come back to)");
    }
    if (const auto levels = read_printk_levels(context.root); levels.console_loglevel <= 1) {
        context.output.warning(
            {fmt::format("console log level {} lets {} through", levels.console_loglevel,
                         levels.console_loglevel == 1 ? "only emergencies (level 0)"
                                                      : "no message"),
             "'netconsole-setup loglevel 8' lets every message through"});
    }
    const auto message = send_test_message(kernel, context.root, options.name.value_or(""));
    const auto start = std::chrono::steady_clock::now();
    if (!options.ack && !context.global.json) {
        // The marker first, so it is there to look for while we wait.
        context.output.result() << message.marker << '\n' << std::flush;
    }
    const auto [ack, stranger] = wait_for_ack(listener, message.marker, start,
                                              start + (options.ack ? timeout : k_short_wait));
    const auto stranger_text = [&, &stranger = stranger] {
        return fmt::format("{} answered with the marker, but is not the doctor of a target ({})",
                           *stranger, doctors_text(listener.doctors));
    };
    if (options.ack && !ack) {
        if (stranger) {
            throw OperationError(
                fmt::format("no acknowledgment of test message {} from the doctor within {} ms: {}",
                            message.marker, timeout.count(), stranger_text()),
                "a host that saw the message sent it back; is the target's remote_ip the doctor?");
        }
        throw OperationError(
            fmt::format("no acknowledgment of test message {} within {} ms", message.marker,
                        timeout.count()),
            "check the console log level ('netconsole-setup status'), a firewall on either side, "
            "and that the doctor runs 'netconsole-setup listen' (a plain receiver never answers)");
    }
    if (!ack && stranger) {
        context.output.warning({stranger_text(), {}});
    }
    if (context.global.json) {
        Json json;
        json["marker"] = message.marker;
        json["level"] = message.level;
        json["target"] = options.name ? Json(*options.name) : Json(nullptr);
        json["acknowledged_by"] = ack ? Json(ack->sender) : Json(nullptr);
        json["ack_ms"] = ack ? Json(ack->elapsed.count()) : Json(nullptr);
        context.output.result() << dump(json);
        return;
    }
    if (options.ack) {
        context.output.result() << fmt::format("test message {} acknowledged by {} in {:.1f} ms\n",
                                               message.marker, ack->sender, ack->elapsed.count());
    } else if (ack) {
        context.output.note(fmt::format("acknowledged by {} in {:.1f} ms", ack->sender,
                                        ack->elapsed.count()));
    } else if (!listener.sockets.empty() && !stranger) {
        context.output.note(fmt::format(
            "no acknowledgment within {} ms (a doctor running 'netconsole-setup listen' answers; "
            "'test --ack' waits longer and fails without one)",
            k_short_wait.count()));
    }
}

} // namespace ncs::cli
