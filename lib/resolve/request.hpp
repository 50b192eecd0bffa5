#pragma once
// The checks of a target request that need no lookup, and resolution from explicit
// fields only (the request and resolution types are in model/target_request.hpp).

#include "model/ip_address.hpp"
#include "model/target_request.hpp"

namespace ncs {

/// Refuses a destination no netconsole target can have: unspecified, loopback,
/// multicast, broadcast, IPv4-mapped IPv6. Throws InputError.
void check_target_address(const IpAddress& remote);

/// The one rule for a MAC given with broadcast (broadcast is a MAC): throws InputError.
void refuse_mac_with_broadcast(const TargetRequest& request);

/// Builds the target from explicit fields only (--to as an address, --dev, --src,
/// and --mac or --broadcast). Throws InputError naming the first field that would
/// need resolution.
Resolution resolve_explicit(const TargetRequest& request);

} // namespace ncs
