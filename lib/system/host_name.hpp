#pragma once
// Host names to addresses through getaddrinfo (so /etc/hosts, and the
// /etc/netns/NAME/hosts that `ip netns exec` binds over it, work).

#include "model/ip_address.hpp"

#include <string>
#include <vector>

namespace ncs {

/// Every distinct address getaddrinfo gives for name, in its order. An IPv6
/// link-local answer carries its scope as a numeric zone. Throws as
/// throw_lookup_error() when the name does not resolve.
std::vector<IpAddress> lookup_host(const std::string& name);

/// The error for getaddrinfo's answer gai_error (EAI_*) about name: InputError
/// when the name has no address (EAI_NONAME, EAI_NODATA, ...), OperationError
/// when resolving failed (EAI_AGAIN: no DNS server answered; EAI_FAIL,
/// EAI_MEMORY, EAI_SYSTEM), so that a DNS outage is exit 1, not bad input.
[[noreturn]] void throw_lookup_error(const std::string& name, int gai_error);

} // namespace ncs
