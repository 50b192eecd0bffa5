#pragma once
// The command-line surface of netconsole-setup as the CLI11 app defines it
// (every subcommand, option and positional), and the data blocks of the bash,
// zsh and fish completions generated from it. The completion files in
// completions/ hold hand-written logic around one generated block each; the
// drift test compares that block with what the app says today.

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace ncs::surface {

/// What the completion offers for an option's value or a positional argument.
enum class ValueKind {
    flag,      ///< takes no value
    other,     ///< takes a value nothing can be offered for (an address, a port)
    interface, ///< a network interface name, from /sys/class/net
    target,    ///< a configfs netconsole target name, from <root>/sys/kernel/config/netconsole
    loglevel,  ///< a console log level, 1-8
    directory, ///< a directory path
    file,      ///< a file path
    sysdata,   ///< a comma-separated list of sysdata switches
    kernel,    ///< a kernel release, from <root>/lib/modules
};

/// The word the completion data uses for kind ("interface", "flag", ...).
std::string_view to_string(ValueKind kind);

struct OptionInfo {
    std::vector<std::string> names; ///< long names ("--dev") first, then short ones ("-v")
    std::string description;
    std::string value_name; ///< CLI11's type name ("IFNAME"), empty for a flag
    ValueKind kind = ValueKind::flag;
    bool repeatable = false;
    bool global = false; ///< of the app itself and valid after a subcommand too
    std::string group;   ///< the --help heading it is under ("Target options")
};

struct PositionalInfo {
    std::string name;
    std::string description;
    ValueKind kind = ValueKind::other;
    bool repeatable = false;
};

struct CommandInfo {
    std::string path; ///< "" for the program itself, "apply", or "a b" when nested
    std::string description;
    std::vector<OptionInfo> options; ///< its own options, in registration order
    std::vector<PositionalInfo> positionals;
    std::vector<std::string> subcommands; ///< the names of its visible subcommands
};

/// Every command of app, depth first, the app itself first. Hidden subcommands (no
/// group) are left out; option groups (no name) are merged into their parent.
std::vector<CommandInfo> walk(const CLI::App& app);

/// The lines between the BEGIN/END markers of each completion file.
std::string bash_block(const std::vector<CommandInfo>& commands);
std::string zsh_block(const std::vector<CommandInfo>& commands);
std::string fish_block(const std::vector<CommandInfo>& commands);

inline constexpr std::string_view k_begin_marker =
    "# BEGIN generated from the CLI11 app by tests/completions (update-completions target)";
inline constexpr std::string_view k_end_marker = "# END generated";

/// The text between the marker lines of file_text (without them); throws std::runtime_error
/// when a marker is missing.
std::string extract_block(std::string_view file_text);

/// file_text with its block replaced by block.
std::string replace_block(std::string_view file_text, std::string_view block);

} // namespace ncs::surface
