#include "surface.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace ncs::surface {
namespace {

constexpr std::string_view k_program = "netconsole-setup";
constexpr std::string_view k_global_group = "Global options";

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

/// CLI11's type name without the validators' descriptions ("INT:INT in [1 - 8]" -> "INT").
std::string value_name(const CLI::Option& option) {
    auto name = option.get_type_name();
    return name.substr(0, name.find(':'));
}

bool has_long_name(const CLI::Option& option, std::string_view name) {
    const auto& names = option.get_lnames();
    return std::find(names.begin(), names.end(), name) != names.end();
}

// The options whose values can be completed are known by name; the rest by the type
// name they show in --help.
ValueKind option_kind(const CLI::Option& option) {
    if (option.get_items_expected_max() == 0) { // add_flag sets expected(0)
        return ValueKind::flag;
    }
    if (has_long_name(option, "dev")) {
        return ValueKind::interface;
    }
    if (has_long_name(option, "name")) {
        return ValueKind::target;
    }
    if (has_long_name(option, "loglevel") || has_long_name(option, "persist-loglevel")) {
        return ValueKind::loglevel;
    }
    if (has_long_name(option, "sysdata")) {
        return ValueKind::sysdata;
    }
    if (has_long_name(option, "kernel")) {
        return ValueKind::kernel;
    }
    if (has_long_name(option, "root")) {
        return ValueKind::directory;
    }
    if (has_long_name(option, "config")) {
        return ValueKind::file;
    }
    const auto type = value_name(option);
    if (type == "DIR") {
        return ValueKind::directory;
    }
    if (type == "FILE" || type == "PATH") {
        return ValueKind::file;
    }
    if (type == "IFNAME") {
        return ValueKind::interface;
    }
    return ValueKind::other;
}

ValueKind positional_kind(const std::string& command) {
    if (command == "enable" || command == "disable" || command == "remove" ||
        command == "test") {
        return ValueKind::target;
    }
    if (command == "loglevel") {
        return ValueKind::loglevel;
    }
    return ValueKind::other;
}

void collect(const CLI::App& app, const std::string& path, CommandInfo& info) {
    for (const auto* option : app.get_options()) {
        if (option->get_positional() && !option->nonpositional()) {
            PositionalInfo positional;
            positional.name = option->get_name();
            positional.description = first_line(option->get_description());
            positional.kind = positional_kind(path);
            positional.repeatable = option->get_items_expected_max() > 1;
            info.positionals.push_back(std::move(positional));
            continue;
        }
        OptionInfo entry;
        for (const auto& name : option->get_lnames()) {
            entry.names.push_back("--" + name);
        }
        for (const auto& name : option->get_snames()) {
            entry.names.push_back("-" + name);
        }
        entry.description = first_line(option->get_description());
        entry.kind = option_kind(*option);
        if (entry.kind != ValueKind::flag) {
            entry.value_name = value_name(*option);
        }
        entry.repeatable = entry.kind != ValueKind::flag && option->get_expected_max() > 1;
        // With fallthrough, the app's "Global options" work after any subcommand.
        entry.global = path.empty() && option->get_group() == k_global_group;
        entry.group = option->get_group();
        info.options.push_back(std::move(entry));
    }
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (sub->get_name().empty()) { // an option group: its options are the parent's
            collect(*sub, path, info);
            continue;
        }
        if (sub->get_group().empty()) { // hidden
            continue;
        }
        info.subcommands.push_back(sub->get_name());
    }
}

void walk_into(const CLI::App& app, const std::string& path, std::vector<CommandInfo>& out) {
    CommandInfo info;
    info.path = path;
    info.description = first_line(app.get_description());
    collect(app, path, info);
    out.push_back(info);
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (sub->get_name().empty() || sub->get_group().empty()) {
            continue;
        }
        walk_into(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), out);
    }
}

/// The key of a command in the bash data: the program for the app itself, else its path
/// with '.' between the levels.
std::string bash_key(const std::string& path) {
    if (path.empty()) {
        return std::string(k_program);
    }
    auto key = path;
    std::replace(key.begin(), key.end(), ' ', '.');
    return key;
}

/// An identifier fragment for zsh variable names.
std::string identifier(const std::string& path) {
    auto id = path;
    for (auto& c : id) {
        if (!std::isalnum(static_cast<unsigned char>(c))) {
            c = '_';
        }
    }
    return id;
}

/// Inside '...' in bash and zsh.
std::string sh_quote(std::string_view text) {
    std::string out = "'";
    for (const char c : text) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

/// Inside '...' in fish, where \ and ' are escaped.
std::string fish_quote(std::string_view text) {
    std::string out = "'";
    for (const char c : text) {
        if (c == '\'' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "'";
}

/// A zsh _arguments description: brackets escaped.
std::string zsh_description(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '[' || c == ']' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

/// A zsh _arguments message or action part: colons escaped.
std::string zsh_message(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == ':' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

std::string zsh_action(ValueKind kind) {
    if (kind == ValueKind::other || kind == ValueKind::flag) {
        return {};
    }
    // The leading space makes _arguments call it as written, without compadd options.
    return fmt::format(" _netconsole-setup_value {}", to_string(kind));
}

std::vector<std::string> zsh_option_specs(const OptionInfo& option) {
    std::vector<std::string> specs;
    for (const auto& name : option.names) {
        auto spec = option.repeatable ? "*" + name : name;
        if (option.kind == ValueKind::flag) {
            spec += fmt::format("[{}]", zsh_description(option.description));
        } else {
            // "--opt=": the value may follow in the same word after '=' or in the next
            spec += fmt::format("{}[{}]:{}:{}", name.size() > 2 ? "=" : "",
                                zsh_description(option.description),
                                zsh_message(option.value_name), zsh_action(option.kind));
        }
        specs.push_back(sh_quote(spec));
    }
    return specs;
}

std::string fish_value(const OptionInfo& option) {
    switch (option.kind) {
    case ValueKind::flag:
        return {};
    case ValueKind::file:
        return " -r -F";
    case ValueKind::directory:
        return " -x -a '(__fish_complete_directories (commandline -ct))'";
    case ValueKind::other:
        return " -x";
    default:
        return fmt::format(" -x -a '(__netconsole_setup_value {})'", to_string(option.kind));
    }
}

std::string fish_names(const OptionInfo& option) {
    std::string out;
    for (const auto& name : option.names) {
        if (name.starts_with("--")) {
            out += fmt::format(" -l {}", name.substr(2));
        } else {
            out += fmt::format(" -s {}", name.substr(1));
        }
    }
    return out;
}

} // namespace

std::string_view to_string(ValueKind kind) {
    switch (kind) {
    case ValueKind::flag: return "flag";
    case ValueKind::other: return "other";
    case ValueKind::interface: return "interface";
    case ValueKind::target: return "target";
    case ValueKind::loglevel: return "loglevel";
    case ValueKind::directory: return "directory";
    case ValueKind::file: return "file";
    case ValueKind::sysdata: return "sysdata";
    case ValueKind::kernel: return "kernel";
    }
    return "other";
}

std::vector<CommandInfo> walk(const CLI::App& app) {
    std::vector<CommandInfo> out;
    walk_into(app, "", out); // the app itself first, then depth first
    return out;
}

namespace {

const CommandInfo& root_of(const std::vector<CommandInfo>& commands) {
    if (commands.empty() || !commands.front().path.empty()) {
        throw std::logic_error("the surface does not start with the app itself");
    }
    return commands.front();
}

std::string join(const std::vector<std::string>& words, std::string_view separator) {
    std::string out;
    for (const auto& word : words) {
        if (!out.empty()) {
            out += separator;
        }
        out += word;
    }
    return out;
}

} // namespace

std::string bash_block(const std::vector<CommandInfo>& commands) {
    const auto& root = root_of(commands);
    std::string out;
    out += "# The subcommands, then one record per option: COMMAND OPTION KIND. COMMAND '*'\n";
    out += "# is valid after any subcommand; OPTION 'ARG' is the first positional argument.\n";
    out += fmt::format("_netconsole_setup_commands={}\n", sh_quote(join(root.subcommands, " ")));
    out += "_netconsole_setup_surface=(\n";
    for (const auto& command : commands) {
        const auto key = bash_key(command.path);
        for (const auto& option : command.options) {
            for (const auto& name : option.names) {
                out += fmt::format("    {}\n", sh_quote(fmt::format("{} {} {}", key, name,
                                                                     to_string(option.kind))));
            }
        }
        for (const auto& option : command.options) {
            if (!option.global) {
                continue;
            }
            for (const auto& name : option.names) {
                out += fmt::format("    {}\n",
                                   sh_quote(fmt::format("* {} {}", name, to_string(option.kind))));
            }
        }
        if (!command.path.empty() && !command.positionals.empty()) {
            out += fmt::format("    {}\n",
                               sh_quote(fmt::format("{} ARG {}", key,
                                                    to_string(command.positionals.front().kind))));
        }
    }
    out += ")\n";
    return out;
}

std::string zsh_block(const std::vector<CommandInfo>& commands) {
    const auto& root = root_of(commands);
    std::string out;
    out += "# The subcommands with their descriptions, the global options, and the\n";
    out += "# _arguments specifications of each command (_netconsole_setup_args_ for the\n";
    out += "# program itself).\n";
    out += "_netconsole_setup_commands=(\n";
    for (const auto& command : commands) {
        if (!command.path.empty() && command.path.find(' ') == std::string::npos) {
            out += fmt::format("    {}\n", sh_quote(fmt::format("{}:{}", command.path,
                                                                 command.description)));
        }
    }
    out += ")\n";
    out += "_netconsole_setup_args_global=(\n";
    for (const auto& option : root.options) {
        if (option.global) {
            for (const auto& spec : zsh_option_specs(option)) {
                out += fmt::format("    {}\n", spec);
            }
        }
    }
    out += ")\n";
    // A group of options that several commands have with the same specifications (the
    // target options) is one array, which their arrays include.
    std::map<std::string, std::string> group_specs;
    std::map<std::string, int> group_users;
    std::set<std::string> differing;
    for (const auto& command : commands) {
        std::map<std::string, std::string> specs;
        for (const auto& option : command.options) {
            if (!option.group.empty() && !option.global) {
                for (const auto& spec : zsh_option_specs(option)) {
                    specs[option.group] += fmt::format("    {}\n", spec);
                }
            }
        }
        for (const auto& [group, text] : specs) {
            const auto [it, inserted] = group_specs.emplace(group, text);
            if (!inserted && it->second != text) {
                differing.insert(group);
            }
            ++group_users[group];
        }
    }
    std::set<std::string> shared;
    for (const auto& [group, users] : group_users) {
        if (users > 1 && !differing.contains(group)) {
            shared.insert(group);
            out += fmt::format("_netconsole_setup_group_{}=(\n{})\n", identifier(group),
                               group_specs[group]);
        }
    }
    for (const auto& command : commands) {
        out += fmt::format("_netconsole_setup_args_{}=(\n", identifier(command.path));
        std::set<std::string> included;
        for (const auto& option : command.options) {
            if (!option.global && shared.contains(option.group)) {
                if (included.insert(option.group).second) {
                    out += fmt::format("    $_netconsole_setup_group_{}\n", identifier(option.group));
                }
                continue;
            }
            for (const auto& spec : zsh_option_specs(option)) {
                out += fmt::format("    {}\n", spec);
            }
        }
        if (!command.path.empty()) {
            for (std::size_t i = 0; i < command.positionals.size(); ++i) {
                const auto& positional = command.positionals[i];
                const auto position = positional.repeatable ? std::string("*")
                                                            : std::to_string(i + 1);
                out += fmt::format("    {}\n",
                                   sh_quote(fmt::format("{}:{}:{}", position,
                                                        zsh_message(positional.name),
                                                        zsh_action(positional.kind))));
            }
        }
        out += ")\n";
    }
    return out;
}

std::string fish_block(const std::vector<CommandInfo>& commands) {
    const auto& root = root_of(commands);
    std::vector<std::string> value_options;
    for (const auto& command : commands) {
        for (const auto& option : command.options) {
            if (option.kind == ValueKind::flag) {
                continue;
            }
            for (const auto& name : option.names) {
                if (std::find(value_options.begin(), value_options.end(), name) ==
                    value_options.end()) {
                    value_options.push_back(name);
                }
            }
        }
    }
    std::string out;
    out += "# The subcommands, the options that take a value (to find the subcommand on the\n";
    out += "# line), and a complete line for each subcommand, option and positional.\n";
    out += fmt::format("set -g __netconsole_setup_commands {}\n", join(root.subcommands, " "));
    out += fmt::format("set -g __netconsole_setup_value_options {}\n", join(value_options, " "));
    for (const auto& command : commands) {
        if (!command.path.empty() && command.path.find(' ') == std::string::npos) {
            out += fmt::format(
                "complete -c netconsole-setup -n __netconsole_setup_no_command -a {} -d {}\n",
                command.path, fish_quote(command.description));
        }
    }
    // One line per option and positional; a line that several subcommands share names
    // them all in its condition.
    std::vector<std::string> lines;
    std::map<std::string, std::vector<std::string>> users;
    const auto add_line = [&](const std::string& path, const std::string& rest) {
        if (path.empty()) {
            lines.push_back(rest);
            return;
        }
        auto& names = users[rest];
        if (names.empty()) {
            lines.push_back(rest);
        }
        names.push_back(path);
    };
    for (const auto& command : commands) {
        for (const auto& option : command.options) {
            const auto rest = fmt::format("{}{} -d {}", fish_names(option), fish_value(option),
                                          fish_quote(option.description));
            if (option.global) {
                out += fmt::format("complete -c netconsole-setup{}\n", rest);
            } else if (command.path.empty()) {
                add_line("", fmt::format(" -n __netconsole_setup_no_command{}", rest));
            } else {
                add_line(command.path, rest);
            }
        }
        if (!command.path.empty() && !command.positionals.empty()) {
            const auto kind = command.positionals.front().kind;
            if (kind != ValueKind::other) {
                add_line(command.path,
                         fmt::format(" -a '(__netconsole_setup_value {})'", to_string(kind)));
            }
        }
    }
    for (const auto& rest : lines) {
        const auto it = users.find(rest);
        if (it == users.end()) {
            out += fmt::format("complete -c netconsole-setup{}\n", rest);
        } else {
            out += fmt::format("complete -c netconsole-setup -n '__netconsole_setup_using {}'{}\n",
                               join(it->second, " "), rest);
        }
    }
    return out;
}

std::string extract_block(std::string_view file_text) {
    const auto begin = file_text.find(k_begin_marker);
    const auto end = file_text.find(k_end_marker);
    if (begin == std::string_view::npos || end == std::string_view::npos || end < begin) {
        throw std::runtime_error("the BEGIN/END generated markers are missing");
    }
    const auto start = file_text.find('\n', begin);
    return std::string(file_text.substr(start + 1, end - start - 1));
}

std::string replace_block(std::string_view file_text, std::string_view block) {
    const auto old_block = extract_block(file_text);
    const auto start = file_text.find('\n', file_text.find(k_begin_marker)) + 1;
    std::string out(file_text.substr(0, start));
    out += block;
    out += file_text.substr(start + old_block.size());
    return out;
}

} // namespace ncs::surface
