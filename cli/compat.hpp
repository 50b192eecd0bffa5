#pragma once
// Debian's netconsole-setup 0.3 form: `netconsole-setup [+][PORT]@HOST ...` with
// no subcommand makes one configfs target per HOST, named after it, then sends a
// test message, so NETCONSOLE_OPTS in /etc/default/netconsole works unchanged.

#include "context.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ncs::cli {

/// One word of the Debian form.
struct CompatTarget {
    bool extended = false;                  ///< '+'
    std::optional<std::uint16_t> port;      ///< PORT, the remote port
    std::string host;                       ///< address or host name; also the target name
    bool operator==(const CompatTarget&) const = default;
};

/// Parses one word as Debian's script does (`^((\+)?([0-9]+)?@)?(.+)$`), with IPv6
/// brackets (`@[2001:db8::1]`) also accepted. A word without '@' is a host only when
/// it holds a '.' or ':' (otherwise it is taken for a mistyped command). Throws
/// InputError ("unknown command" for such a word) naming the word.
CompatTarget parse_compat_target(std::string_view word);

/// Adds the positional `[+][PORT]@HOST...` to app and returns the app's new default
/// action: the Debian form when words were given, fallback otherwise. After parsing, words next to
/// a subcommand or to a target option of the app (target_option_given) are an InputError.
Command setup_compat(CLI::App& app, Command fallback,
                      std::function<std::string()> target_option_given);

/// Applies one target per word, then writes the test message. Throws InputError before
/// touching anything, OperationError and std::system_error.
void run_compat(const std::vector<std::string>& words, const Context& context);

} // namespace ncs::cli
