#include "grammar/boot_values.hpp"

#include <optional>

// Splitting follows the kernel's next_arg() (lib/cmdline.c, used by
// parse_args() for the boot command line and for module parameters), and the
// modprobe.d reading follows kmod's config parser (libkmod-config.c).

namespace ncs::grammar {
namespace {

constexpr std::string_view k_parameter = "netconsole";
constexpr std::string_view k_module_parameter = "netconsole.netconsole";

/// The kernel's isspace(): space, \t, \n, \v, \f, \r.
bool is_kernel_space(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
}

struct Argument {
    std::string_view name;
    std::optional<std::string_view> value; ///< nullopt when there is no '='
};

/// Cuts a parameter string into name[=value] arguments like next_arg():
/// whitespace separates outside double quotes; a quote at the start of the
/// argument or of the value, and a quote ending the argument, are removed.
/// Quotes elsewhere stay in the value.
std::vector<Argument> split_arguments(std::string_view text) {
    std::vector<Argument> arguments;
    std::size_t pos = 0;
    while (true) {
        while (pos < text.size() && is_kernel_space(text[pos])) {
            ++pos;
        }
        if (pos >= text.size()) {
            break;
        }
        const bool quoted = text[pos] == '"';
        std::size_t begin = quoted ? pos + 1 : pos;
        bool in_quote = quoted;
        std::size_t equals = 0; // 0: none yet; an '=' in the first column does not count
        std::size_t end = begin;
        for (; end < text.size(); ++end) {
            const char c = text[end];
            if (is_kernel_space(c) && !in_quote) {
                break;
            }
            if (equals == 0 && c == '=' && end > begin) {
                equals = end;
            }
            if (c == '"') {
                in_quote = !in_quote;
            }
        }
        const std::string_view argument = text.substr(begin, end - begin);
        Argument parsed{argument, std::nullopt};
        if (equals != 0) {
            const std::size_t name_length = equals - begin;
            std::size_t value_begin = name_length + 1;
            std::size_t value_end = argument.size();
            bool trimmed_end = false;
            if (value_begin < value_end && argument[value_begin] == '"') {
                ++value_begin;
                if (argument.back() == '"') {
                    value_end = std::max(value_begin, value_end - 1);
                    trimmed_end = true;
                }
            }
            if (quoted && !trimmed_end && argument.back() == '"') {
                value_end = std::max(value_begin, value_end - 1);
            }
            parsed.name = argument.substr(0, name_length);
            parsed.value = argument.substr(value_begin, value_end - value_begin);
        }
        // parse_args() hands everything after a bare "--" to init.
        if (!parsed.value && parsed.name == "--") {
            break;
        }
        arguments.push_back(parsed);
        pos = end;
    }
    return arguments;
}

/// kmod joins a line ending in '\' with the next one, dropping both.
std::vector<std::string> logical_lines(std::string_view text) {
    std::vector<std::string> lines;
    std::string current;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t newline = std::min(text.find('\n', pos), text.size());
        std::string_view line = text.substr(pos, newline - pos);
        pos = newline + 1;
        if (!line.empty() && line.back() == '\\') {
            line.remove_suffix(1);
            if (pos <= text.size()) {
                current += line;
                continue;
            }
        }
        current += line;
        lines.push_back(std::move(current));
        current.clear();
    }
    return lines;
}

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

/// The next word separated by spaces or tabs, or empty at the end.
std::string_view next_word(std::string_view line, std::size_t& pos) {
    while (pos < line.size() && is_blank(line[pos])) {
        ++pos;
    }
    const std::size_t begin = pos;
    while (pos < line.size() && !is_blank(line[pos])) {
        ++pos;
    }
    return line.substr(begin, pos - begin);
}

/// kmod treats '-' and '_' in module names alike.
bool is_netconsole_module(std::string_view name) {
    if (name.size() != k_parameter.size()) {
        return false;
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i] == '-' ? '_' : name[i];
        if (c != k_parameter[i]) {
            return false;
        }
    }
    return true;
}

} // namespace

std::vector<FoundValue> find_in_kernel_cmdline(std::string_view cmdline) {
    std::vector<FoundValue> found;
    for (const Argument& argument : split_arguments(cmdline)) {
        if (argument.value &&
            (argument.name == k_parameter || argument.name == k_module_parameter)) {
            found.push_back({std::string(*argument.value), std::string(argument.name)});
        }
    }
    return found;
}

std::vector<FoundValue> find_in_modprobe_conf(std::string_view text) {
    std::vector<FoundValue> found;
    for (const std::string& line : logical_lines(text)) {
        // A '#' line is a comment; kmod has no comments after a command, and
        // an unknown first word (such as "#options") makes it skip the line.
        std::size_t pos = 0;
        if (next_word(line, pos) != "options" || !is_netconsole_module(next_word(line, pos))) {
            continue;
        }
        const std::string_view options = std::string_view(line).substr(pos);
        for (const Argument& argument : split_arguments(options)) {
            if (argument.value && argument.name == k_parameter) {
                found.push_back({std::string(*argument.value), std::string(k_parameter)});
            }
        }
    }
    return found;
}

std::vector<std::optional<std::size_t>> overridden_by(const std::vector<ValueStore>& stores) {
    std::vector<std::optional<std::size_t>> result(stores.size());
    for (std::size_t i = 0; i < stores.size(); ++i) {
        for (std::size_t later = stores.size(); later-- > i + 1;) {
            if (stores[later] == stores[i]) {
                result[i] = later;
                break;
            }
        }
    }
    return result;
}

} // namespace ncs::grammar
