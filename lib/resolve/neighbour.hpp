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
};

/// The MAC of next_hop: from a REACHABLE/PERMANENT/NOARP entry at once;
/// otherwise triggers resolution (NTF_USE, or a PROBE for an entry that has a
/// MAC) and waits for the answer until timeout. Appends steps and warnings.
/// Throws OperationError when nothing answers, or when triggering needs
/// CAP_NET_ADMIN and there is no MAC at all.
MacAddress resolve_next_hop(Netlink& netlink, const NextHop& next_hop,
                            std::chrono::milliseconds timeout, std::vector<Step>& steps,
                            std::vector<Warning>& warnings);

} // namespace ncs
