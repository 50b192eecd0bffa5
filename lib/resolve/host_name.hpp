#pragma once
// Host names to addresses through getaddrinfo (so /etc/hosts, and the
// /etc/netns/NAME/hosts that `ip netns exec` binds over it, work).

#include "model/ip_address.hpp"

#include <string>
#include <vector>

namespace ncs {

/// Every distinct address getaddrinfo gives for name, in its order. An IPv6
/// link-local answer carries its scope as a numeric zone. Throws InputError
/// with the resolver's text when the name does not resolve.
std::vector<IpAddress> lookup_host(const std::string& name);

} // namespace ncs
