#pragma once
// The boot-time configuration: /etc/netconsole-setup.conf, one target per line
// written with the CLI's own target options, and Debian's /etc/default/netconsole
// (NETCONSOLE_OPTS="[+][port]@host ..."), so that it replaces that package.
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

/// The words of the last NETCONSOLE_OPTS assignment in the text of a shell
/// variables file such as /etc/default/netconsole ("" and "export " forms too); empty
/// when none. Throws InputError when the value needs the shell ($, `, $(...)).
std::vector<std::string> parse_netconsole_opts(std::string_view text, std::string_view source);

} // namespace ncs::persist
