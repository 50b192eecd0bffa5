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
    /// The link a zoned network ("fe80::/64%eth0" as "fe80::%eth0/64") is on, set by
    /// the caller from network.zone() (lib/system's scope_id); 0 matches every link.
    std::uint32_t scope = 0;

    /// "10.0.0.0/8", "2001:db8::/32", "fe80::%eth0/64", or one address (/32, /128).
    /// Throws InputError, also for host bits set below the prefix, a prefix length
    /// with a leading zero, and an IPv4-mapped network (senders are stored as IPv4).
    static Cidr parse(std::string_view text);
    /// Whether sender's address is inside (IPv4 networks also match IPv4-mapped senders,
    /// which SenderKey stores as IPv4).
    bool contains(const SenderKey& sender) const;
};

/// True when allow is empty or one entry contains sender.
bool allowed(const std::vector<Cidr>& allow, const SenderKey& sender);

} // namespace ncs::receive
