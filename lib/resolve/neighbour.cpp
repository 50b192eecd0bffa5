#include "resolve/neighbour.hpp"

#include <algorithm>
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

/// How long a unicast probe of a cached MAC may stay unanswered before the
/// entry is resolved afresh by broadcast. A live neighbour answers within
/// milliseconds; the kernel's own PROBE would unicast to a replaced router's
/// old MAC for ucast_solicit x retrans_time (3 s by default).
std::chrono::milliseconds unicast_grace(std::chrono::milliseconds timeout) {
    return std::min(std::chrono::milliseconds(500), timeout / 4);
}

/// Why the link may explain a silent next hop, or empty.
std::string link_state_text(const NextHop& hop) {
    if (!hop.link_up) {
        return fmt::format("{} is down", hop.ifname);
    }
    if (!hop.link_carrier) {
        return fmt::format("{} has no carrier (NO-CARRIER)", hop.ifname);
    }
    return {};
}

/// Runs change() on an existing entry; false when it vanished meanwhile (ENOENT).
template <typename Change>
bool on_existing_entry(Change change) {
    try {
        change();
        return true;
    } catch (const NetlinkError& e) {
        if (e.kernel_errno() != ENOENT) {
            throw;
        }
        return false;
    }
}

} // namespace

NeighbourWait::NeighbourWait(Netlink& netlink, NextHop next_hop,
                             std::chrono::milliseconds timeout, UnconfirmedMac unconfirmed,
                             NeighbourEvents events, std::vector<Step>& steps,
                             std::vector<Warning>& warnings)
    : m_netlink(netlink), m_hop(std::move(next_hop)), m_timeout(timeout),
      m_unconfirmed(unconfirmed), m_events(events), m_steps(steps), m_warnings(warnings) {}

void NeighbourWait::start() {
    m_start = Clock::now();
    m_deadline = m_start + m_timeout;
    auto entry = m_netlink.get_neighbour(m_hop.ifindex, m_hop.address);
    if (entry && is_settled(*entry)) {
        m_steps.push_back({describe(m_hop, *entry), since(m_start)});
        m_last = entry;
        m_mac = *entry->lladdr;
        return;
    }
    if (m_events == NeighbourEvents::subscribe) {
        // Subscribe before triggering, then read again: an answer that lands in
        // between is then either in the entry or in the event queue.
        m_netlink.watch_neighbours();
        entry = m_netlink.get_neighbour(m_hop.ifindex, m_hop.address);
        if (entry && is_settled(*entry)) {
            m_steps.push_back({describe(m_hop, *entry), since(m_start)});
            m_mac = *entry->lladdr;
            return;
        }
    }
    if (entry && is_unconfirmed(*entry)) {
        m_cached = entry->lladdr;
        m_cached_state = entry->state;
    }
    m_last = entry;
    m_kick_start = Clock::now();
    kick(entry);
}

NeighbourWait::Clock::time_point NeighbourWait::next_timer() const {
    return m_phase == Phase::unicast ? std::min(m_deadline, m_broadcast_at) : m_deadline;
}

void NeighbourWait::on_neighbour(const Neighbour& entry) {
    if (done()) {
        return;
    }
    m_last = entry;
    react();
}

void NeighbourWait::on_overrun() {
    if (done()) {
        return;
    }
    // Events were dropped (ENOBUFS): the table itself is the truth.
    if (auto entry = m_netlink.get_neighbour(m_hop.ifindex, m_hop.address)) {
        m_last = entry;
    }
    react();
}

void NeighbourWait::on_timer() {
    if (done() || Clock::now() < next_timer()) {
        return;
    }
    if (m_phase == Phase::unicast && Clock::now() < m_deadline) {
        resolve_by_broadcast();
        return;
    }
    conclude();
}

/// Asks the kernel to (re)confirm entry. Finishes only when it had to settle for
/// an unconfirmed MAC because triggering is not permitted.
void NeighbourWait::kick(const std::optional<Neighbour>& entry) {
    try {
        if (m_cached) {
            // Kernel quirk (all versions to 6.18): NTF_USE on a STALE entry only
            // moves it to DELAY, and the first unicast probe waits
            // delay_first_probe_time (5 s by default), longer than our timeout.
            // Setting PROBE (as `ip neigh change ... nud probe`) sends it at once.
            if (on_existing_entry([&] { m_netlink.probe_now(m_hop.ifindex, m_hop.address); })) {
                m_steps.push_back({fmt::format("{}, asked the kernel to confirm it (nud PROBE)",
                                               describe(m_hop, *entry)),
                                   since(m_start)});
                m_phase = Phase::unicast;
                m_broadcast_at = Clock::now() + unicast_grace(m_timeout);
                return;
            }
            // The entry was garbage-collected meanwhile: resolve afresh.
        }
        m_netlink.trigger_resolution(m_hop.ifindex, m_hop.address);
        m_phase = Phase::broadcast;
        m_steps.push_back(
            {fmt::format("neighbour {} dev {}: {}, asked the kernel to resolve (NTF_USE)",
                         m_hop.address, m_hop.ifname,
                         entry ? neighbour_state_name(entry->state) : "none"),
             since(m_start)});
    } catch (const NetlinkError& e) {
        if (e.kernel_errno() != EPERM) {
            throw;
        }
        if (m_cached) {
            m_steps.push_back({fmt::format("{}, not confirmed: no CAP_NET_ADMIN to probe",
                                           describe(m_hop, *entry)),
                               since(m_start)});
            unconfirmed("asking the kernel to probe it needs CAP_NET_ADMIN",
                        "run as root (or with CAP_NET_ADMIN) to confirm it");
            return;
        }
        throw OperationError(
            fmt::format("next hop {} on {} is not in the neighbour table ({}), and asking the "
                        "kernel to resolve it needs CAP_NET_ADMIN: {}",
                        m_hop.address, m_hop.ifname,
                        entry ? neighbour_state_name(entry->state) : "no entry", e.what()),
            fmt::format("run as root (or with CAP_NET_ADMIN), or give {}",
                        mention(Field::remote_mac)));
    }
}

/// The unicast probe went unanswered: forget the cached MAC and solicit by
/// broadcast, which a replaced router answers with its new MAC.
void NeighbourWait::resolve_by_broadcast() {
    on_existing_entry([&] { m_netlink.forget_neighbour(m_hop.ifindex, m_hop.address); });
    m_netlink.trigger_resolution(m_hop.ifindex, m_hop.address);
    m_phase = Phase::broadcast;
    m_steps.push_back(
        {fmt::format("neighbour {} dev {}: no answer to the unicast probe of {} within {}, "
                     "asked the kernel to resolve afresh by broadcast (nud FAILED, NTF_USE)",
                     m_hop.address, m_hop.ifname, *m_cached,
                     milliseconds_text(since(m_kick_start))),
         since(m_kick_start)});
}

void NeighbourWait::react() {
    if (m_last && is_settled(*m_last)) {
        answered(*m_last);
        return;
    }
    if (m_last && (m_last->state & k_nud_failed) != 0 && Clock::now() < m_deadline) {
        if (m_phase == Phase::unicast) {
            resolve_by_broadcast();
        } else {
            // The kernel gave up (mcast_solicit probes); NTF_USE on FAILED
            // starts a new round while our timeout lasts.
            m_netlink.trigger_resolution(m_hop.ifindex, m_hop.address);
        }
    }
}

void NeighbourWait::answered(const Neighbour& entry) {
    std::string text = fmt::format("{}, answered after {}", describe(m_hop, entry),
                                   milliseconds_text(since(m_kick_start)));
    if (m_cached && *m_cached != *entry.lladdr) {
        text += fmt::format(" (the table had {})", *m_cached);
    }
    m_steps.push_back({std::move(text), since(m_kick_start)});
    m_mac = *entry.lladdr;
}

/// The timeout passed: one last look (an answer may have raced the deadline),
/// then the MAC or the failure.
void NeighbourWait::conclude() {
    if (auto entry = m_netlink.get_neighbour(m_hop.ifindex, m_hop.address)) {
        m_last = entry;
    }
    if (m_last && is_settled(*m_last)) {
        answered(*m_last);
        return;
    }
    const std::string state = m_last ? neighbour_state_name(m_last->state) : "none";
    if (m_cached) {
        m_steps.push_back({fmt::format("neighbour {} dev {}: {}, the cached {} was not "
                                       "confirmed within {}",
                                       m_hop.address, m_hop.ifname, state, *m_cached,
                                       timeout_text(m_timeout)),
                           since(m_kick_start)});
        unconfirmed(fmt::format("it answered neither a unicast probe nor a broadcast "
                                "within {} ({})",
                                timeout_text(m_timeout), mention(Field::timeout)),
                    fmt::format("is it up? check the MAC, or give {}",
                                mention(Field::remote_mac)));
        return;
    }
    m_steps.push_back({fmt::format("neighbour {} dev {}: {}, no answer within {}",
                                   m_hop.address, m_hop.ifname, state, timeout_text(m_timeout)),
                       since(m_kick_start)});
    const std::string link = link_state_text(m_hop);
    if (!link.empty()) {
        throw OperationError(fmt::format("next hop {} did not answer on {} within {}: {}",
                                         m_hop.address, m_hop.ifname, timeout_text(m_timeout),
                                         link),
                             m_hop.link_up ? fmt::format("check the cable or the peer; or give {}",
                                                         mention(Field::remote_mac))
                                           : fmt::format("ip link set {} up", m_hop.ifname));
    }
    throw OperationError(fmt::format("next hop {} did not answer on {} within {} ({})",
                                     m_hop.address, m_hop.ifname, timeout_text(m_timeout),
                                     mention(Field::timeout)),
                         fmt::format("is it up? give {}", mention(Field::remote_mac)));
}

/// The cached MAC could not be confirmed (why): an error, or with
/// UnconfirmedMac::accept the cached MAC and a warning.
void NeighbourWait::unconfirmed(const std::string& why, const std::string& hint) {
    const std::string link = link_state_text(m_hop);
    const std::string what =
        fmt::format("the neighbour table's MAC {} ({}) of next hop {} on {} is not confirmed: "
                    "{}{}",
                    *m_cached, neighbour_state_name(m_cached_state), m_hop.address, m_hop.ifname,
                    why, link.empty() ? "" : fmt::format("; {}", link));
    if (m_unconfirmed == UnconfirmedMac::accept) {
        m_warnings.push_back({fmt::format("{}; using it ({})", what,
                                          mention(Field::unconfirmed_mac)),
                              "if the router was replaced, nothing will arrive"});
        m_mac = *m_cached;
        return;
    }
    throw OperationError(what, fmt::format("{}, or {} to use it", hint,
                                           mention(Field::unconfirmed_mac)));
}

MacAddress NeighbourWait::wait() {
    while (!done()) {
        const auto event = m_netlink.wait_neighbour(m_hop.ifindex, m_hop.address, next_timer());
        switch (event.kind) {
        case NeighbourEvent::Kind::timeout: on_timer(); break;
        case NeighbourEvent::Kind::overrun: on_overrun(); break;
        case NeighbourEvent::Kind::update: on_neighbour(event.neighbour); break;
        }
    }
    return *m_mac;
}

MacAddress resolve_next_hop(Netlink& netlink, const NextHop& next_hop,
                            std::chrono::milliseconds timeout, UnconfirmedMac unconfirmed,
                            std::vector<Step>& steps, std::vector<Warning>& warnings) {
    NeighbourWait wait(netlink, next_hop, timeout, unconfirmed, NeighbourEvents::subscribe, steps,
                       warnings);
    wait.start();
    return wait.wait();
}

} // namespace ncs
