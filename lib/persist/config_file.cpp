#include "persist/config_file.hpp"

#include "model/errors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace ncs::persist {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

[[noreturn]] void fail(std::string_view source, std::size_t number, std::string_view what) {
    throw InputError(fmt::format("{}:{}: {}", source, number, what));
}

} // namespace

std::vector<std::string> split_words(std::string_view line, std::string_view source,
                                     std::size_t number) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < line.size()) {
        if (is_blank(line[i])) {
            ++i;
            continue;
        }
        if (line[i] == '#') {
            break; // a comment runs to the end of the line
        }
        std::string word;
        while (i < line.size() && !is_blank(line[i])) {
            const char c = line[i++];
            if (c == '\'') {
                const auto close = line.find('\'', i);
                if (close == std::string_view::npos) {
                    fail(source, number, "unterminated single quote");
                }
                word.append(line.substr(i, close - i));
                i = close + 1;
            } else if (c == '"') {
                for (;;) {
                    if (i == line.size()) {
                        fail(source, number, "unterminated double quote");
                    }
                    const char d = line[i++];
                    if (d == '"') {
                        break;
                    }
                    if (d == '\\' && i < line.size() && (line[i] == '"' || line[i] == '\\')) {
                        word += line[i++];
                    } else {
                        word += d;
                    }
                }
            } else if (c == '\\') {
                if (i == line.size()) {
                    fail(source, number, "a backslash ends the line (lines do not continue)");
                }
                word += line[i++];
            } else {
                word += c;
            }
        }
        words.push_back(std::move(word));
    }
    return words;
}

std::vector<ConfigLine> parse_config_text(std::string_view text, std::string_view source) {
    std::vector<ConfigLine> lines;
    std::size_t number = 0;
    while (!text.empty()) {
        ++number;
        const auto end = text.find('\n');
        const auto line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        auto words = split_words(line, source, number);
        if (!words.empty()) {
            lines.push_back({number, std::move(words)});
        }
    }
    return lines;
}

std::vector<ShellAssignment> parse_shell_assignments(std::string_view text, std::string_view source,
                                                    const std::vector<std::string_view>& names) {
    std::vector<ShellAssignment> result;
    std::size_t number = 0;
    while (!text.empty()) {
        ++number;
        const auto end = text.find('\n');
        auto line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        while (!line.empty() && is_blank(line.front())) {
            line.remove_prefix(1);
        }
        if (line.starts_with("export") && line.size() > 6 && is_blank(line[6])) {
            line.remove_prefix(7);
            while (!line.empty() && is_blank(line.front())) {
                line.remove_prefix(1);
            }
        }
        const auto equals = line.find('=');
        if (equals == std::string_view::npos || equals == 0) {
            continue;
        }
        const auto name = line.substr(0, equals);
        const bool is_name =
            std::all_of(name.begin(), name.end(),
                        [](char c) { return c == '_' || std::isalnum(static_cast<unsigned char>(c)); }) &&
            std::isdigit(static_cast<unsigned char>(name.front())) == 0;
        if (!is_name || std::find(names.begin(), names.end(), name) == names.end()) {
            continue;
        }
        const auto value = line.substr(equals + 1);
        // Single-quoted text is literal; anywhere else $ and ` would expand.
        bool in_single = false;
        for (const char c : value) {
            if (c == '\'') {
                in_single = !in_single;
            } else if (!in_single && (c == '$' || c == '`')) {
                fail(source, number,
                     fmt::format("{} uses shell expansion, which is not supported", name));
            }
        }
        const auto words = split_words(value, source, number);
        if (words.size() > 1) {
            fail(source, number, fmt::format("{} needs quotes around a value with spaces", name));
        }
        result.push_back({std::string(name), words.empty() ? std::string() : words.front(), number});
    }
    return result;
}

std::vector<std::string> parse_netconsole_opts(std::string_view text, std::string_view source) {
    std::vector<std::string> result;
    for (const auto& a : parse_shell_assignments(text, source, {"NETCONSOLE_OPTS"})) {
        {
            result = split_words(a.value, source, a.line);
        }
    }
    return result;
}

RedHatNetconsole parse_redhat_netconsole(std::string_view text, std::string_view source) {
    RedHatNetconsole config;
    const std::vector<std::string_view> names{"SYSLOGADDR", "SYSLOGPORT", "SYSLOGMACADDR", "DEV",
                                              "LOCALPORT"};
    for (auto& a : parse_shell_assignments(text, source, names)) {
        std::optional<ShellAssignment>* slot = nullptr;
        if (a.name == "SYSLOGADDR") {
            slot = &config.syslogaddr;
        } else if (a.name == "SYSLOGPORT") {
            slot = &config.syslogport;
        } else if (a.name == "SYSLOGMACADDR") {
            slot = &config.syslogmacaddr;
        } else if (a.name == "DEV") {
            slot = &config.dev;
        } else if (a.name == "LOCALPORT") {
            slot = &config.localport;
        }
        if (slot != nullptr) {
            // The script tests [ -z "$VAR" ]: an empty value is no value.
            if (a.value.empty()) {
                slot->reset();
            } else {
                *slot = std::move(a);
            }
        }
    }
    return config;
}

} // namespace ncs::persist
