#pragma once
// --allow CIDR: the senders the listener accepts (and answers).

#include "model/ip_address.hpp"
#include "receive/sender.hpp"

#include <string_view>
#include <vector>

namespace ncs::receive {

struct Cidr {
    IpAddress network;
    unsigned prefix = 0;

    /// "10.0.0.0/8", "2001:db8::/32", or one address (/32, /128). Throws InputError,
    /// also for host bits set below the prefix.
    static Cidr parse(std::string_view text);
    /// Whether sender's address is inside (IPv4 networks also match IPv4-mapped senders,
    /// which SenderKey stores as IPv4).
    bool contains(const SenderKey& sender) const;
};

/// True when allow is empty or one entry contains sender.
bool allowed(const std::vector<Cidr>& allow, const SenderKey& sender);

} // namespace ncs::receive
