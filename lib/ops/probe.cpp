#include "ops/probe.hpp"

#include "apply/apply.hpp"
#include "receive/ack.hpp"
#include "system/configfs.hpp"
#include "system/event_loop.hpp"
#include "system/kernel_log.hpp"
#include "system/printk.hpp"
#include "system/udp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include <unistd.h>

namespace ncs::ops {
namespace {

using Clock = std::chrono::steady_clock;

/// How long `test` without a required wait listens for an acknowledgment.
constexpr auto k_brief_wait = std::chrono::milliseconds(500);

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
        throw ProbeError(ProbeError::Kind::target_disabled,
                         fmt::format("netconsole target '{}' is not enabled", name));
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
/// that cannot be bound is left out with a warning saying why, unless required, when
/// that is the error.
AckListener ack_listener(const Root& root, const std::optional<std::string>& name,
                         AckWait wait) {
    const bool required = wait == AckWait::required;
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
        throw ProbeError(ProbeError::Kind::no_enabled_target,
                         "there is no enabled netconsole target to wait on for an acknowledgment");
    }
    return listener;
}

/// Waits on the EventLoop until deadline for "netconsole-setup ack MARKER" from a
/// doctor of listener; the first stranger's answer is kept.
void wait_for_ack(AckListener& listener, const std::string& marker, Clock::time_point start,
                  Clock::time_point deadline, ProbeResult& result) {
    if (listener.sockets.empty()) {
        return;
    }
    EventLoop loop;
    for (const auto& socket : listener.sockets) {
        loop.add(socket.fd());
    }
    DatagramBatch batch(8);
    while (Clock::now() < deadline) {
        const auto wake = loop.wait(deadline);
        for (auto& socket : listener.sockets) {
            if (!wake.is_readable(socket.fd())) {
                continue;
            }
            const auto received = batch.receive(socket);
            for (std::size_t d = 0; d < received; ++d) {
                if (receive::parse_ack(batch.payload(d)) != marker) {
                    continue;
                }
                const auto sender = batch.sender(d);
                const auto& doctors = listener.doctors;
                if (std::find(doctors.begin(), doctors.end(), sender.ip()) == doctors.end()) {
                    if (!result.stranger) {
                        result.stranger = sender.address_text();
                    }
                    continue;
                }
                result.ack = Acknowledgment{sender.address_text(), Clock::now() - start};
                return;
            }
        }
    }
}

} // namespace

ProbeError::ProbeError(Kind kind, const std::string& message)
    : OperationError(message), m_kind(kind) {}

Probe::Probe(const Root& root, ProbeRequest request) : m_root(root), m_request(std::move(request)) {
    // As enable and disable: a missing target is the same error under --root.
    if (m_request.target) {
        check_target(m_root, *m_request.target);
    }
}

ProbeResult Probe::run(const LiveKernel& kernel, ProbeSink& sink) const {
    // Bound before the message goes out, so a fast acknowledgment is not missed.
    auto listener = ack_listener(m_root, m_request.target, m_request.wait);
    ProbeReady ready;
    ready.unable = listener.unable;
    ready.waiting = !listener.sockets.empty();
    ready.console_loglevel = read_printk_levels(m_root).console_loglevel;
    sink.ready(ready);
    ProbeResult result;
    result.message = send_test_message(kernel, m_root, m_request.target.value_or(""));
    const auto start = Clock::now();
    sink.sent(result.message);
    result.doctors = listener.doctors;
    result.waiting = ready.waiting;
    result.waited = m_request.wait == AckWait::required ? m_request.timeout : k_brief_wait;
    wait_for_ack(listener, result.message.marker, start, start + result.waited, result);
    return result;
}

TestMessage send_test_message(const LiveKernel& kernel, const Root& root, std::string_view name) {
    const auto levels = read_printk_levels(root);
    TestMessage message{make_marker(name), test_message_level(levels)};
    write_kernel_log(kernel, root,
                     fmt::format("<{}>{}{}\n", message.level, receive::k_test_text, message.marker));
    return message;
}

} // namespace ncs::ops
