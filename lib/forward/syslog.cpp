#include "forward/syslog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

namespace ncs::forward {
namespace {

/// RFC 5424 §6.3.3 limits (§7.2.3: software 48 octets, swVersion 32).
constexpr std::size_t k_max_software_version = 32;
constexpr std::string_view k_bom = "\xEF\xBB\xBF";

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

/// The length of the UTF-8 character starting at text[i], 0 when it is not one.
std::size_t utf8_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const auto lead = byte(i);
    if (lead < 0x80) {
        return 1;
    }
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        code = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        code = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        code = lead & 0x07;
    } else {
        return 0;
    }
    if (i + length > text.size()) {
        return 0;
    }
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) {
            return 0;
        }
        code = (code << 6) | (byte(i + k) & 0x3F);
    }
    // Overlong forms, surrogates, beyond U+10FFFF.
    if ((length == 3 && code < 0x800) || (length == 4 && code < 0x10000) ||
        (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) {
        return 0;
    }
    return length;
}

/// The longest prefix of text of at most limit bytes that does not split a
/// character (of valid UTF-8; any byte of other text).
std::size_t cut_point(std::string_view text, std::size_t limit, bool utf8) {
    if (text.size() <= limit) {
        return text.size();
    }
    if (!utf8) {
        return limit;
    }
    auto point = limit;
    while (point > 0 && (static_cast<unsigned char>(text[point]) & 0xC0) == 0x80) {
        --point;
    }
    return point;
}

void add_line(std::string& msg, std::string_view key, std::string_view value) {
    msg += "\n netconsole.";
    msg += key;
    msg += '=';
    msg += value;
}

} // namespace

std::string escape_param_value(std::string_view value) {
    std::string escaped;
    escaped.reserve(value.size());
    for (const char c : value) {
        if (c == '"' || c == '\\' || c == ']') {
            escaped += '\\';
        }
        escaped += c;
    }
    return escaped;
}

bool is_valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto length = utf8_length(text, i);
        if (length == 0) {
            return false;
        }
        i += length;
    }
    return true;
}

std::string rfc3339(std::chrono::system_clock::time_point time) {
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
    auto seconds = static_cast<std::time_t>(micros / 1'000'000);
    auto fraction = micros % 1'000'000;
    if (fraction < 0) {
        fraction += 1'000'000;
        --seconds;
    }
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", utc.tm_year + 1900,
                       utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, fraction);
}

FormattedMessage format_message(const receive::Record& record,
                                std::chrono::system_clock::time_point received,
                                const MessageOptions& options) {
    const int facility = record.facility >= 0 && record.facility <= 23 ? record.facility : 0;
    const int severity = record.level >= 0 && record.level <= 7 ? record.level : 6;
    const auto host = record.sender.address_text();

    std::string message = fmt::format("<{}>1 {} {} kernel - netconsole ", facility * 8 + severity,
                                      rfc3339(received), host);
    message += "[origin ip=\"";
    message += escape_param_value(host);
    message += "\" software=\"Linux\"";
    if (!record.release.empty()) {
        // swVersion is at most 32 octets; the whole release is in the MSG's sysdata
        // or netconsole.release line.
        message += " swVersion=\"";
        message += escape_param_value(
            std::string_view(record.release).substr(0, k_max_software_version));
        message += '"';
    }
    message += ']';
    if (record.ts_usec) {
        message += fmt::format("[meta sysUpTime=\"{}\"]", *record.ts_usec / 10'000);
    }
    message += ' ';

    std::string msg = record.text;
    for (const auto& [key, value] : record.fields) {
        msg += "\n ";
        if (!key.empty()) {
            msg += key;
            msg += '=';
        }
        msg += value;
    }
    if (!record.release.empty() && record.release.size() > k_max_software_version) {
        add_line(msg, "release", record.release);
    }
    if (record.seq) {
        add_line(msg, "seq", std::to_string(*record.seq));
    }
    if (record.ts_usec) {
        add_line(msg, "ts_usec", std::to_string(*record.ts_usec));
    }
    if (record.level >= 0) {
        add_line(msg, "level", std::to_string(record.level));
    }
    add_line(msg, "source_port", std::to_string(record.sender.port));
    if (record.sender.local_port != 0) {
        add_line(msg, "target_port", std::to_string(record.sender.local_port));
    }
    if (record.lost_before > 0) {
        add_line(msg, "lost_before", std::to_string(record.lost_before));
    }
    if (record.unsent_before > 0) {
        add_line(msg, "unsent_before", std::to_string(record.unsent_before));
    }
    if (record.incomplete) {
        add_line(msg, "incomplete", "1");
    }
    if (record.cut) {
        add_line(msg, "cut", "1");
    }
    if (record.cont) {
        add_line(msg, "cont", "1");
    }
    if (record.merged > 0) {
        add_line(msg, "merged", std::to_string(record.merged));
    }

    FormattedMessage formatted;
    const bool utf8 = is_valid_utf8(msg);
    if (utf8 && !is_ascii(msg)) {
        message += k_bom;
    }
    const auto room = options.max_bytes > message.size() ? options.max_bytes - message.size() : 0;
    const auto keep = cut_point(msg, room, utf8);
    formatted.truncated = keep < msg.size();
    message.append(msg, 0, keep);
    formatted.text = std::move(message);
    return formatted;
}

std::string octet_counted(std::string_view message) {
    std::string frame = std::to_string(message.size());
    frame += ' ';
    frame += message;
    return frame;
}

} // namespace ncs::forward
