#pragma once
// The next hop's MAC from the kernel's neighbour table, asking the kernel to
// resolve it when the entry is missing or unconfirmed, as netpoll never will.

#include "model/errors.hpp"
#include "model/ip_address.hpp"
#include "model/mac_address.hpp"
#include "resolve/request.hpp"
#include "system/netlink.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ncs {

/// Where to resolve: the next hop on one interface.
struct NextHop {
    IpAddress address; ///< no zone
    int ifindex = 0;
    std::string ifname;
    bool link_up = true;      ///< IFF_UP of the interface, for the failure message
    bool link_carrier = true; ///< IFF_LOWER_UP of the interface, likewise
};

/// Whether the caller already receives RTNLGRP_NEIGH events (watch's NetlinkMonitor,
/// subscribed before anything is triggered), or the wait subscribes Netlink's own
/// socket before it triggers.
enum class NeighbourEvents { subscribed, subscribe };

/// The wait for next_hop's MAC as a state machine its caller drives: the entry's
/// RTM_NEWNEIGH events, overruns, and a timer at next_timer(). No call blocks beyond
/// one netlink request, so an event loop can run many at once (watch), and
/// resolve_next_hop() runs one to completion. Every call may throw as
/// resolve_next_hop() does; steps and warnings are appended as it goes (they must
/// outlive it).
class NeighbourWait {
public:
    using Clock = std::chrono::steady_clock;

    NeighbourWait(Netlink& netlink, NextHop next_hop, std::chrono::milliseconds timeout,
                  UnconfirmedMac unconfirmed, NeighbourEvents events, std::vector<Step>& steps,
                  std::vector<Warning>& warnings);

    /// Reads the entry and, unless it is settled, asks the kernel to resolve or
    /// confirm it. May finish at once.
    void start();
    /// Whether the MAC is known (mac()); a failure is thrown instead.
    bool done() const noexcept { return m_mac.has_value(); }
    /// The MAC, once done().
    const MacAddress& mac() const { return *m_mac; }
    /// The NUD state of the entry the MAC came from, once done() (0: none seen).
    std::uint16_t state() const noexcept { return m_last ? m_last->state : 0; }
    /// The entry waited for.
    const NextHop& next_hop() const noexcept { return m_hop; }
    /// When on_timer() is due (while not done()).
    Clock::time_point next_timer() const;
    /// An RTM_NEWNEIGH for (next_hop().ifindex, next_hop().address).
    void on_neighbour(const Neighbour& entry);
    /// Neighbour events were lost (ENOBUFS): the table is read again.
    void on_overrun();
    /// The timer passed: the unicast grace (then broadcast) or the timeout (then the
    /// last look, and the MAC or the failure).
    void on_timer();
    /// After start(): blocks on Netlink's own neighbour events until done (the
    /// one-shot resolution). Returns the MAC.
    MacAddress wait();

private:
    enum class Phase { unicast, broadcast };
    void kick(const std::optional<Neighbour>& entry);
    void resolve_by_broadcast();
    void react();
    void answered(const Neighbour& entry);
    void conclude();
    void unconfirmed(const std::string& why, const std::string& hint);

    Netlink& m_netlink;
    NextHop m_hop;
    std::chrono::milliseconds m_timeout;
    UnconfirmedMac m_unconfirmed;
    NeighbourEvents m_events;
    std::vector<Step>& m_steps;
    std::vector<Warning>& m_warnings;
    Clock::time_point m_start;
    Clock::time_point m_kick_start;
    Clock::time_point m_deadline;
    Clock::time_point m_broadcast_at;
    Phase m_phase = Phase::broadcast;
    std::optional<Neighbour> m_last;
    std::optional<MacAddress> m_cached; ///< the MAC of a STALE/DELAY/PROBE entry
    std::uint16_t m_cached_state = 0;
    std::optional<MacAddress> m_mac;
};

/// The MAC of next_hop: from a REACHABLE/PERMANENT/NOARP entry at once;
/// otherwise triggers resolution and waits for the answer until timeout. An
/// entry with a MAC (STALE, DELAY, PROBE) is first probed by unicast (nud
/// PROBE); when that stays unanswered for a short grace it is marked FAILED and
/// resolved afresh by broadcast, so a replaced router's new MAC is found.
/// PERMANENT entries are never touched. Appends steps and warnings. Throws
/// OperationError when nothing answers, when the cached MAC could not be
/// confirmed and unconfirmed is UnconfirmedMac::refuse, or when triggering needs
/// CAP_NET_ADMIN. (A NeighbourWait run to completion on Netlink's own events.)
MacAddress resolve_next_hop(Netlink& netlink, const NextHop& next_hop,
                            std::chrono::milliseconds timeout, UnconfirmedMac unconfirmed,
                            std::vector<Step>& steps, std::vector<Warning>& warnings);

} // namespace ncs
