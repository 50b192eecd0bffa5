#pragma once
// Who sent a datagram, and where to: a stream, as a compact hashable key.
// netconsole has no connection, so a stream is its source address and port (a
// target's local_ip and local_port) and the address and port it was sent to (the
// target's remote_ip and remote_port): two targets of one patient that share a
// source port but go to two doctor ports are two streams, each with its own
// sequence numbers (issue 23).

#include "model/ip_address.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ncs::receive {

/// A datagram's source. IPv4-mapped IPv6 senders are stored as IPv4, so a
/// dual-stack socket and an IPv4 socket name the same sender alike.
struct SenderKey {
    std::array<std::uint8_t, 16> address{}; ///< IPv4 in the first 4 bytes
    std::uint32_t scope = 0;                ///< IPv6 scope id (link-local), else 0
    std::uint16_t port = 0;
    bool v4 = true;
    /// Where the datagram was received: the doctor's address (0 when unknown, as
    /// on a socket bound to one address without IP_PKTINFO) and UDP port.
    std::array<std::uint8_t, 16> local_address{};
    bool local_v4 = true;
    std::uint16_t local_port = 0;

    /// From an IpAddress (its zone, when numeric, becomes the scope).
    static SenderKey from(const IpAddress& address, std::uint16_t port, std::uint32_t scope = 0);
    /// The same sender received at local (IPv4-mapped stored as IPv4) and local_port.
    SenderKey at(const IpAddress& local, std::uint16_t local_port) const;
    /// The address as a value type (the scope is dropped: see to_string()).
    IpAddress ip() const;
    /// "10.1.0.2", "2001:db8::2", "fe80::1%3" (the scope id as a number).
    std::string address_text() const;
    /// The address the datagram was sent to, as a value type.
    IpAddress local_ip() const;

    friend bool operator==(const SenderKey&, const SenderKey&) = default;
};

struct SenderKeyHash {
    std::size_t operator()(const SenderKey& key) const noexcept;
};

} // namespace ncs::receive
