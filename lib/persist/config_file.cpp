#include "persist/config_file.hpp"

#include "model/errors.hpp"

#include <fmt/format.h>

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

std::vector<std::string> parse_netconsole_opts(std::string_view text, std::string_view source) {
    constexpr std::string_view k_name = "NETCONSOLE_OPTS=";
    std::vector<std::string> result;
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
        if (!line.starts_with(k_name)) {
            continue;
        }
        const auto value = line.substr(k_name.size());
        // Single-quoted text is literal; anywhere else $ and ` would expand.
        bool in_single = false;
        for (const char c : value) {
            if (c == '\'') {
                in_single = !in_single;
            } else if (!in_single && (c == '$' || c == '`')) {
                fail(source, number, "NETCONSOLE_OPTS uses shell expansion, which is not supported");
            }
        }
        const auto words = split_words(value, source, number);
        if (words.size() > 1) {
            fail(source, number, "NETCONSOLE_OPTS needs quotes around a value with spaces");
        }
        result.clear();
        if (!words.empty()) {
            result = split_words(words.front(), source, number);
        }
    }
    return result;
}

} // namespace ncs::persist
