#pragma once
// The boot-time configuration: /etc/netconsole-setup.conf, one target per line
// written with the CLI's own target options, and Debian's /etc/default/netconsole
// (NETCONSOLE_OPTS="[+][port]@host ..."), so that it replaces that package, and
// Red Hat's /etc/sysconfig/netconsole (SYSLOGADDR=..., so it replaces netconsole-service).
//
// /etc/netconsole-setup.conf:
//   # A comment; blank lines are ignored.
//   --to 192.0.2.5 --port 6666 --extended     # a comment after the options
//   --to doctor.example.net --dev eth0 --name 'office doctor'
// Words are split like a shell splits them, with no expansion of any kind:
// white space separates words; '...' is literal; "..." is literal but for \" and
// \\; a backslash outside quotes takes the next character literally; a '#' that
// starts a word starts a comment. Pure: the caller reads the file.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ncs::persist {

/// One line of the file that holds options.
struct ConfigLine {
    std::size_t number = 0;         ///< 1-based line number
    std::vector<std::string> words; ///< the options and their values, unquoted
    bool operator==(const ConfigLine&) const = default;
};

/// Splits one line into words (rules above). Throws InputError "<source>:<line>: ..."
/// for an unterminated quote or a trailing backslash.
std::vector<std::string> split_words(std::string_view line, std::string_view source,
                                     std::size_t number);

/// The lines of the file holding options, in order. Throws InputError as split_words.
std::vector<ConfigLine> parse_config_text(std::string_view text, std::string_view source);

/// One NAME=value line of a shell variables file, its value unquoted (one word).
struct ShellAssignment {
    std::string name;
    std::string value;
    std::size_t line = 0; ///< 1-based
    bool operator==(const ShellAssignment&) const = default;
};

/// The NAME=value and `export NAME=value` lines of a shell variables file for the
/// given names, in order (other lines are ignored). Throws InputError
/// "<source>:<line>: ..." for such a value that needs the shell ($, `), holds unquoted
/// spaces, or is badly quoted.
std::vector<ShellAssignment> parse_shell_assignments(std::string_view text, std::string_view source,
                                                    const std::vector<std::string_view>& names);

/// The words of the last NETCONSOLE_OPTS assignment in the text of a shell
/// variables file such as /etc/default/netconsole ("" and "export " forms too); empty
/// when none. Throws InputError when the value needs the shell ($, `, $(...)).
std::vector<std::string> parse_netconsole_opts(std::string_view text, std::string_view source);

/// Red Hat's /etc/sysconfig/netconsole (initscripts' netconsole-service), the last
/// non-empty assignment of each variable: SYSLOGADDR (the doctor, required),
/// SYSLOGPORT (remote port, 514 when unset), SYSLOGMACADDR (its MAC), DEV (the
/// interface), LOCALPORT (local port, 6666 when unset).
struct RedHatNetconsole {
    std::optional<ShellAssignment> syslogaddr;
    std::optional<ShellAssignment> syslogport;
    std::optional<ShellAssignment> syslogmacaddr;
    std::optional<ShellAssignment> dev;
    std::optional<ShellAssignment> localport;
    bool operator==(const RedHatNetconsole&) const = default;
};

/// The Red Hat variables of text. Throws InputError as parse_shell_assignments.
RedHatNetconsole parse_redhat_netconsole(std::string_view text, std::string_view source);

/// Red Hat's defaults where the script sets them itself.
inline constexpr std::uint16_t k_redhat_default_remote_port = 514;
inline constexpr std::uint16_t k_redhat_default_local_port = 6666;

} // namespace ncs::persist
