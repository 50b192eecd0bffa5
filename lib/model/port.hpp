#pragma once
// A UDP port as a person writes it: the one rule every source of targets uses (the
// command line, the configuration file, Debian's and Red Hat's files).

#include <cstdint>
#include <string_view>

namespace ncs {

/// "6666" -> 6666: a decimal from 1 to 65535. Throws InputError "<subject>: '<text>' is
/// not a port number" (subject: where the text came from, as its caller names it).
std::uint16_t parse_port(std::string_view text, std::string_view subject);

} // namespace ncs
