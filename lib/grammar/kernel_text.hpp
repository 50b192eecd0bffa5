#pragma once
// Faithful re-implementations of the kernel's text parsers that decide what a
// netconsole= value (and a configfs write) means: kstrtou16, in4_pton/in6_pton
// as netpoll_parse_ip_addr uses them, and mac_pton.
// Spec: shared/reference/kernel-netconsole.md §1.5. The text is what the kernel
// sees before its terminating NUL; a NUL inside it is just an invalid character.

#include "model/ip_address.hpp"
#include "model/mac_address.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace ncs::kernel {

/// kstrtou16(s, 10): optional '+', decimal digits, one trailing '\n' allowed, <= 65535.
std::optional<std::uint16_t> parse_u16(std::string_view text);

/// netpoll_parse_ip_addr: in4_pton, then in6_pton, each consuming the whole text
/// (one trailing '\n' ignored). No brackets, no zone, no prefix length; leading
/// zeros are decimal in IPv4 parts and allowed beyond four digits in IPv6 groups.
std::optional<IpAddress> parse_ip(std::string_view text);

/// mac_pton: the first 17 characters must be six ':'-separated hex pairs;
/// whatever follows is ignored (the boot parser's behaviour).
std::optional<MacAddress> parse_mac_prefix(std::string_view text);

} // namespace ncs::kernel
