#pragma once
// The next hop's MAC from the kernel's neighbour table, asking the kernel to
// resolve it when the entry is missing or unconfirmed, as netpoll never will.

#include "model/errors.hpp"
#include "model/ip_address.hpp"
#include "model/mac_address.hpp"
#include "resolve/request.hpp"
#include "system/netlink.hpp"

#include <chrono>
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

/// The MAC of next_hop: from a REACHABLE/PERMANENT/NOARP entry at once;
/// otherwise triggers resolution and waits for the answer until timeout. An
/// entry with a MAC (STALE, DELAY, PROBE) is first probed by unicast (nud
/// PROBE); when that stays unanswered for a short grace it is marked FAILED and
/// resolved afresh by broadcast, so a replaced router's new MAC is found.
/// PERMANENT entries are never touched. Appends steps and warnings. Throws
/// OperationError when nothing answers, when the cached MAC could not be
/// confirmed and unconfirmed is UnconfirmedMac::refuse, or when triggering needs
/// CAP_NET_ADMIN.
MacAddress resolve_next_hop(Netlink& netlink, const NextHop& next_hop,
                            std::chrono::milliseconds timeout, UnconfirmedMac unconfirmed,
                            std::vector<Step>& steps, std::vector<Warning>& warnings);

} // namespace ncs
