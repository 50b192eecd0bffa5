#pragma once
// What the user asked for one target (--to and the target options), before
// resolution, and what resolution produced: pure values, so cli/ can carry and
// render them without including lib/resolve.

#include "model/errors.hpp"
#include "model/ip_address.hpp"
#include "model/mac_address.hpp"
#include "model/target.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ncs {

/// What to do with a next-hop MAC the neighbour table holds (STALE, DELAY,
/// PROBE) but that did not answer within the timeout.
enum class UnconfirmedMac {
    refuse, ///< an OperationError: the router may have been replaced
    accept, ///< use it, with a warning (--allow-unconfirmed-mac)
};

struct TargetRequest {
    std::string to;                       ///< address (maybe with %zone) or host name, as typed
    std::optional<Device> dev;            ///< --dev: an interface name, or a MAC (6.15+)
    std::optional<IpAddress> src;         ///< --src
    std::optional<MacAddress> mac;        ///< --mac
    bool broadcast = false;               ///< --broadcast
    std::uint16_t remote_port = k_default_remote_port;
    std::uint16_t local_port = k_default_local_port;
    bool extended = false;
    bool release = false;
    std::optional<IpFamily> family;       ///< -4 / -6: preferred family for host names
    std::chrono::milliseconds timeout{3000};
    UnconfirmedMac unconfirmed_mac = UnconfirmedMac::refuse;
};

/// One resolution step, for -v and --json ("route 192.0.2.5 via 10.0.0.1 dev eth0 src ...").
struct Step {
    std::string text;
    std::chrono::microseconds elapsed{0};
};

struct Resolution {
    Target target;
    std::vector<Step> steps;
    std::vector<Warning> warnings;
    /// The next hop the route named: its gateway, or the remote when on-link (without
    /// zone). nullopt when no route was looked up (every field given).
    std::optional<IpAddress> next_hop;
    /// The ifindex of the device the route leaves by; 0 when no route was looked up.
    int ifindex = 0;
    /// The NUD state of the neighbour entry the MAC came from (k_nud_permanent: set by
    /// hand, not an answer); 0 when the MAC did not come from the table.
    std::uint16_t neighbour_state = 0;
};

} // namespace ncs
