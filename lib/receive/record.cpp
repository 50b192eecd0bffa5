#include "receive/record.hpp"

#include <algorithm>
#include <charconv>

namespace ncs::receive {
namespace {

template <typename Number>
bool parse_number(std::string_view text, Number& value) {
    if (text.empty() || text.size() > 20) {
        return false;
    }
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value, 10);
    return ec == std::errc() && ptr == end;
}

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

std::optional<ExtendedDatagram> parse_extended(std::string_view datagram) {
    while (!datagram.empty() && datagram.back() == '\0') {
        datagram.remove_suffix(1);
    }
    const auto semicolon = datagram.find(';');
    // The header is short: release (65) + numbers + caller + ncfrag.
    if (semicolon == std::string_view::npos || semicolon > 200) {
        return std::nullopt;
    }
    ExtendedDatagram result;
    const auto header = datagram.substr(0, semicolon);
    result.body = datagram.substr(semicolon + 1);
    // The comma-separated fields of the header, one at a time.
    std::size_t position = 0;
    std::size_t field_start = 0;
    auto more = [&] { return position <= header.size(); };
    auto next = [&]() -> std::string_view {
        field_start = position;
        auto comma = header.find(',', position);
        if (comma == std::string_view::npos) {
            comma = header.size();
        }
        position = comma + 1;
        return header.substr(field_start, comma - field_start);
    };
    auto field = next();
    if (!all_digits(field)) {
        // `r` (6.6+): the release string comes first; uname -r has no comma.
        if (field.empty() ||
            std::any_of(field.begin(), field.end(), [](char c) { return c <= ' ' || c > '~'; })) {
            return std::nullopt;
        }
        result.release = field;
        field = more() ? next() : std::string_view{};
    }
    if (!parse_number(field, result.prefix) || result.prefix > 1023 || !more() ||
        !parse_number(next(), result.seq) || !more() || !parse_number(next(), result.ts_usec) ||
        !more()) {
        return std::nullopt;
    }
    const auto flag = next();
    // '-' and 'c'; 4.4-4.8 (before the printk continuation rework of 4.9) also
    // sent '+' for a piece that continues the record before it.
    if (flag.size() != 1 || (flag[0] != '-' && flag[0] != 'c' && flag[0] != '+')) {
        return std::nullopt;
    }
    result.cont = flag[0] == 'c';
    result.continues = flag[0] == '+';
    std::size_t identity_end = header.size();
    while (more()) {
        field = next();
        if (field.starts_with("ncfrag=")) {
            const auto value = field.substr(7);
            const auto slash = value.find('/');
            Fragment fragment;
            if (result.fragment || slash == std::string_view::npos ||
                !parse_number(value.substr(0, slash), fragment.offset) ||
                !parse_number(value.substr(slash + 1), fragment.total)) {
                return std::nullopt;
            }
            result.fragment = fragment;
            // The kernel appends ncfrag last; the identity is what precedes it.
            identity_end = field_start - 1;
        } else if (field.starts_with("caller=")) {
            result.caller = field.substr(7);
        } else if (field.empty()) {
            return std::nullopt;
        }
        // Other key=value fields a future kernel may add are ignored.
    }
    result.identity = header.substr(0, identity_end);
    return result;
}

void parse_body(std::string_view body, Record& record) {
    auto newline = body.find('\n');
    record.text.assign(body.substr(0, newline));
    while (newline != std::string_view::npos) {
        body.remove_prefix(newline + 1);
        newline = body.find('\n');
        const auto line = body.substr(0, newline);
        if (line.empty()) {
            continue;
        }
        // Dictionary lines start with a space; anything else is kept as a field
        // without a key rather than lost.
        auto entry = line.front() == ' ' ? line.substr(1) : line;
        const auto equals = entry.find('=');
        if (equals == std::string_view::npos) {
            record.fields.emplace_back(std::string{}, std::string(entry));
        } else {
            record.fields.emplace_back(std::string(entry.substr(0, equals)),
                                       std::string(entry.substr(equals + 1)));
        }
    }
}

void parse_plain_line(std::string_view line, Record& record) {
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    // printk.time=1: "[%5lu.%06lu] " before the text.
    if (line.size() > 3 && line.front() == '[') {
        const auto close = line.find(']');
        if (close != std::string_view::npos && close < 24) {
            auto stamp = line.substr(1, close - 1);
            while (!stamp.empty() && stamp.front() == ' ') {
                stamp.remove_prefix(1);
            }
            const auto dot = stamp.find('.');
            std::uint64_t seconds = 0;
            std::uint64_t micros = 0;
            if (dot != std::string_view::npos && stamp.size() - dot - 1 == 6 &&
                parse_number(stamp.substr(0, dot), seconds) &&
                parse_number(stamp.substr(dot + 1), micros) && seconds < 100'000'000'000ULL) {
                record.ts_usec = seconds * 1'000'000 + micros;
                line.remove_prefix(close + 1);
                if (!line.empty() && line.front() == ' ') {
                    line.remove_prefix(1);
                }
            }
        }
    }
    record.text.assign(line);
}

std::string_view level_name(int level) {
    static constexpr std::string_view k_names[] = {"emerg",  "alert", "crit", "err",
                                                   "warning", "notice", "info", "debug"};
    if (level < 0 || level > 7) {
        return "-";
    }
    return k_names[level];
}

std::vector<std::string> kernel_datagrams(std::string_view header, std::string_view body,
                                          std::size_t max_datagram) {
    std::vector<std::string> datagrams;
    if (header.size() + 1 + body.size() <= max_datagram) {
        std::string datagram(header);
        datagram += ';';
        datagram += body;
        datagrams.push_back(std::move(datagram));
        return datagrams;
    }
    std::size_t offset = 0;
    while (offset < body.size()) {
        std::string datagram(header);
        datagram += ",ncfrag=";
        datagram += std::to_string(offset);
        datagram += '/';
        datagram += std::to_string(body.size());
        datagram += ';';
        if (datagram.size() >= max_datagram) {
            return {};
        }
        const auto chunk = std::min(body.size() - offset, max_datagram - datagram.size());
        datagram += body.substr(offset, chunk);
        datagrams.push_back(std::move(datagram));
        offset += chunk;
    }
    return datagrams;
}

} // namespace ncs::receive
