#pragma once
// Where records are forwarded: `udp://HOST[:PORT]`, `tcp://HOST[:PORT]`,
// `tls://HOST[:PORT]` (an IPv6 address in brackets). Pure parsing.

#include <cstdint>
#include <string>
#include <string_view>

namespace ncs::forward {

/// RFC 5426 (UDP, port 514), RFC 6587 octet counting over TCP (601), RFC 5425 TLS (6514).
enum class Transport { udp, tcp, tls };

struct ForwardUrl {
    Transport transport = Transport::tcp;
    std::string host; ///< a name or an address, without brackets
    std::uint16_t port = 0;

    /// "tcp://[2001:db8::1]:601": the canonical form, with the port.
    std::string to_string() const;
    friend bool operator==(const ForwardUrl&, const ForwardUrl&) = default;
};

/// The well-known port of a transport: 514, 601, 6514.
std::uint16_t default_port(Transport transport);

/// Parses a forward URL. Throws FieldError (Field::forward) naming the part at fault,
/// with a hint.
ForwardUrl parse_forward_url(std::string_view text);

} // namespace ncs::forward
