#pragma once
// The netconsole= grammar: parse exactly what current kernels parse, and
// format the full explicit form.
//   target := [ "+" ] [ "r" ] [src-port] "@" [src-ip] "/" [dev] "," [tgt-port] "@" tgt-ip "/" [tgt-mac]
//   value  := target { ";" target }
// Spec: shared/reference/kernel-netconsole.md §1.2-§1.6.

#include "model/errors.hpp"
#include "model/target.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ncs::grammar {

/// The fields of a netconsole= target, named like their configfs attributes.
enum class Field { extended, release, local_port, local_ip, dev_name, remote_port, remote_ip, remote_mac };

/// The configfs attribute name of a field ("local_port", "dev_name", ...).
std::string_view to_string(Field field);

/// One target of a value. An explicit 0.0.0.0 or :: source IP gives an empty
/// target.local_ip (the kernel picks the device's address) but is not "defaulted".
struct ParsedTarget {
    Target target;
    std::vector<Field> defaulted; ///< fields whose text was absent or empty, in Field order
    std::string text;             ///< this target's text inside the value
    std::size_t offset = 0;       ///< where that text starts inside the value
};

struct ParseResult {
    std::vector<ParsedTarget> targets;
    std::vector<Warning> warnings; ///< newer-kernel features, truncated names, ...
};

/// Parses a netconsole= value (without the "netconsole=" part) exactly as current
/// kernels do. Throws ParseError at the point where the kernel would stop, with a
/// hint for the usual mistakes; InputError for more than 255 characters or a NUL.
ParseResult parse(std::string_view value);

/// Removes a leading "netconsole=" or "netconsole.netconsole=" and one pair of
/// surrounding double quotes, if present.
std::string_view strip_parameter_name(std::string_view text);

/// The full explicit form of one target: every field present, MAC lowercase,
/// IPv6 in RFC 5952 form, no zone. An absent local IP is written as 0.0.0.0 or ::.
/// parse(format(t)) gives t back when name, enabled, userdata and sysdata are at
/// their defaults, no address has a zone and local_ip is not the unspecified
/// address (that one comes back empty). Throws InputError when the string cannot
/// express t: release without extended, mixed families, a device name that is
/// empty, longer than 15 characters or holds ',', ';' or ':'.
std::string format(const Target& target);

/// Targets joined by ';'. Throws InputError when the result exceeds 255 characters.
std::string format(std::span<const Target> targets);

} // namespace ncs::grammar
