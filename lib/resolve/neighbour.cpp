#include "resolve/neighbour.hpp"

#include <cerrno>
#include <optional>

#include <fmt/format.h>

namespace ncs {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::microseconds since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

std::string milliseconds_text(std::chrono::microseconds elapsed) {
    return fmt::format("{:.2f} ms", static_cast<double>(elapsed.count()) / 1000.0);
}

std::string timeout_text(std::chrono::milliseconds timeout) {
    if (timeout.count() % 1000 == 0) {
        return fmt::format("{} s", timeout.count() / 1000);
    }
    return fmt::format("{} ms", timeout.count());
}

/// A confirmed MAC that needs no resolution.
bool is_settled(const Neighbour& n) {
    return (n.state & (k_nud_reachable | k_nud_permanent | k_nud_noarp)) != 0 && n.lladdr;
}

/// A MAC the kernel holds but has not confirmed lately.
bool is_unconfirmed(const Neighbour& n) {
    return (n.state & (k_nud_stale | k_nud_delay | k_nud_probe)) != 0 && n.lladdr;
}

std::string describe(const NextHop& hop, const Neighbour& n) {
    if (n.lladdr) {
        return fmt::format("neighbour {} dev {} lladdr {} {}", hop.address, hop.ifname, *n.lladdr,
                           neighbour_state_name(n.state));
    }
    return fmt::format("neighbour {} dev {} {}", hop.address, hop.ifname,
                       neighbour_state_name(n.state));
}

class NeighbourResolution {
public:
    NeighbourResolution(Netlink& netlink, const NextHop& hop, std::chrono::milliseconds timeout,
                        std::vector<Step>& steps, std::vector<Warning>& warnings)
        : m_netlink(netlink), m_hop(hop), m_timeout(timeout), m_steps(steps),
          m_warnings(warnings) {}

    MacAddress run() {
        const auto start = Clock::now();
        m_deadline = start + m_timeout;
        auto entry = m_netlink.get_neighbour(m_hop.ifindex, m_hop.address);
        if (entry && is_settled(*entry)) {
            m_steps.push_back({describe(m_hop, *entry), since(start)});
            return *entry->lladdr;
        }
        // Subscribe before triggering, then read again: an answer that lands in
        // between is then either in the entry or in the event queue.
        m_netlink.watch_neighbours();
        entry = m_netlink.get_neighbour(m_hop.ifindex, m_hop.address);
        if (entry && is_settled(*entry)) {
            m_steps.push_back({describe(m_hop, *entry), since(start)});
            return *entry->lladdr;
        }
        const auto kick_start = Clock::now();
        if (auto mac = kick(entry, start)) {
            return *mac;
        }
        return wait(entry, kick_start);
    }

private:
    /// Asks the kernel to (re)confirm entry. Returns a MAC only when it had to
    /// settle for an unconfirmed one because triggering is not permitted.
    std::optional<MacAddress> kick(const std::optional<Neighbour>& entry,
                                   Clock::time_point start) {
        try {
            if (entry && is_unconfirmed(*entry)) {
                // Kernel quirk (all versions to 6.18): NTF_USE on a STALE entry only
                // moves it to DELAY, and the first unicast probe waits
                // delay_first_probe_time (5 s by default), longer than our timeout.
                // Setting PROBE (as `ip neigh change ... nud probe`) sends it at once.
                try {
                    m_netlink.probe_now(m_hop.ifindex, m_hop.address);
                    m_steps.push_back(
                        {fmt::format("{}, asked the kernel to confirm it (nud PROBE)",
                                     describe(m_hop, *entry)),
                         since(start)});
                    return std::nullopt;
                } catch (const NetlinkError& e) {
                    if (e.kernel_errno() != ENOENT) {
                        throw;
                    }
                    // The entry was garbage-collected meanwhile: resolve afresh.
                }
            }
            m_netlink.trigger_resolution(m_hop.ifindex, m_hop.address);
            m_steps.push_back(
                {fmt::format("neighbour {} dev {}: {}, asked the kernel to resolve (NTF_USE)",
                             m_hop.address, m_hop.ifname,
                             entry ? neighbour_state_name(entry->state) : "none"),
                 since(start)});
            return std::nullopt;
        } catch (const NetlinkError& e) {
            if (e.kernel_errno() != EPERM) {
                throw;
            }
            if (entry && is_unconfirmed(*entry)) {
                m_steps.push_back({fmt::format("{}, not confirmed: no CAP_NET_ADMIN to probe",
                                               describe(m_hop, *entry)),
                                   since(start)});
                m_warnings.push_back(
                    {fmt::format("the MAC of next hop {} on {} is {} and was not confirmed "
                                 "(asking the kernel to probe needs CAP_NET_ADMIN)",
                                 m_hop.address, m_hop.ifname, neighbour_state_name(entry->state)),
                     "run as root to confirm it, or check it and give --mac"});
                return *entry->lladdr;
            }
            throw OperationError(
                fmt::format("next hop {} on {} is not in the neighbour table ({}), and asking the "
                            "kernel to resolve it needs CAP_NET_ADMIN: {}",
                            m_hop.address, m_hop.ifname,
                            entry ? neighbour_state_name(entry->state) : "no entry", e.what()),
                "run as root (or with CAP_NET_ADMIN), or give --mac");
        }
    }

    MacAddress wait(std::optional<Neighbour> last, Clock::time_point kick_start) {
        for (;;) {
            const auto event = m_netlink.wait_neighbour(m_hop.ifindex, m_hop.address, m_deadline);
            if (event.kind == NeighbourEvent::Kind::timeout) {
                break;
            }
            if (event.kind == NeighbourEvent::Kind::overrun) {
                // Events were dropped (ENOBUFS): the table itself is the truth.
                if (auto entry = m_netlink.get_neighbour(m_hop.ifindex, m_hop.address)) {
                    last = entry;
                }
            } else {
                last = event.neighbour;
            }
            if (last && is_settled(*last)) {
                m_steps.push_back({fmt::format("{}, answered after {}", describe(m_hop, *last),
                                               milliseconds_text(since(kick_start))),
                                   since(kick_start)});
                return *last->lladdr;
            }
            if (last && (last->state & k_nud_failed) != 0 && Clock::now() < m_deadline) {
                // The kernel gave up (mcast_solicit probes); NTF_USE on FAILED
                // starts a new round while our timeout lasts.
                m_netlink.trigger_resolution(m_hop.ifindex, m_hop.address);
            }
        }
        // One last look: an answer may have raced the deadline.
        if (auto entry = m_netlink.get_neighbour(m_hop.ifindex, m_hop.address)) {
            last = entry;
        }
        if (last && is_settled(*last)) {
            m_steps.push_back({fmt::format("{}, answered after {}", describe(m_hop, *last),
                                           milliseconds_text(since(kick_start))),
                               since(kick_start)});
            return *last->lladdr;
        }
        if (last && is_unconfirmed(*last)) {
            m_steps.push_back({fmt::format("{}, not confirmed within {}", describe(m_hop, *last),
                                           timeout_text(m_timeout)),
                               since(kick_start)});
            m_warnings.push_back(
                {fmt::format("next hop {} on {} did not confirm its MAC {} within {}; using it",
                             m_hop.address, m_hop.ifname, *last->lladdr, timeout_text(m_timeout)),
                 "is it up? check the MAC, or give --mac"});
            return *last->lladdr;
        }
        m_steps.push_back({fmt::format("neighbour {} dev {}: {}, no answer within {}",
                                       m_hop.address, m_hop.ifname,
                                       last ? neighbour_state_name(last->state) : "none",
                                       timeout_text(m_timeout)),
                           since(kick_start)});
        throw OperationError(fmt::format("next hop {} did not answer on {} within {} (--timeout)",
                                         m_hop.address, m_hop.ifname, timeout_text(m_timeout)),
                             "is it up? give --mac");
    }

    Netlink& m_netlink;
    const NextHop& m_hop;
    std::chrono::milliseconds m_timeout;
    std::vector<Step>& m_steps;
    std::vector<Warning>& m_warnings;
    Clock::time_point m_deadline;
};

} // namespace

MacAddress resolve_next_hop(Netlink& netlink, const NextHop& next_hop,
                            std::chrono::milliseconds timeout, std::vector<Step>& steps,
                            std::vector<Warning>& warnings) {
    return NeighbourResolution(netlink, next_hop, timeout, steps, warnings).run();
}

} // namespace ncs
