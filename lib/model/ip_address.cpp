#include "model/ip_address.hpp"

#include "model/errors.hpp"
#include "model/target.hpp" // k_max_ifname: a zone is an interface name

#include <arpa/inet.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace ncs {
namespace {

bool parse_bytes(IpFamily family, const std::string& text, std::uint8_t* out) {
    return inet_pton(family == IpFamily::v4 ? AF_INET : AF_INET6, text.c_str(), out) == 1;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_hex_digit(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// The reason text of digits and dots is no dotted quad, for the error message,
/// with a hint; empty when the parts look fine (inet_pton then decides).
std::pair<std::string, std::string> dotted_quad_problem(std::string_view text) {
    std::vector<std::string_view> parts;
    std::size_t begin = 0;
    for (;;) {
        const auto dot = text.find('.', begin);
        parts.push_back(text.substr(begin, dot == std::string_view::npos ? dot : dot - begin));
        if (dot == std::string_view::npos) {
            break;
        }
        begin = dot + 1;
    }
    const std::string quad_hint = "write an IPv4 address as four decimal parts, as 192.0.2.1";
    if (parts.size() != 4) {
        return {fmt::format("it has {} part{}, not 4 (short forms such as 10.1 are not read)",
                            parts.size(), parts.size() == 1 ? "" : "s"),
                quad_hint};
    }
    std::string fixed;
    bool leading_zero = false;
    for (const auto part : parts) {
        if (part.empty()) {
            return {"it has an empty part", quad_hint};
        }
        unsigned value = 0;
        for (const char c : part) {
            value = std::min(value * 10 + static_cast<unsigned>(c - '0'), 256u);
        }
        if (value > 255) {
            return {fmt::format("part '{}' is over 255", part), quad_hint};
        }
        leading_zero = leading_zero || (part.size() > 1 && part.front() == '0');
        fixed += fmt::format("{}{}", fixed.empty() ? "" : ".", value);
    }
    if (leading_zero) {
        return {"a part has a leading zero, which some tools read as octal",
                fmt::format("write it without leading zeros: {}", fixed)};
    }
    return {};
}

std::string format_v6(std::span<const std::uint8_t> b) {
    // RFC 5952: lowercase, no leading zeros, the longest run (>= 2) of zero
    // groups compressed, the first one on a tie; IPv4-mapped as ::ffff:a.b.c.d.
    const bool mapped = std::all_of(b.begin(), b.begin() + 10, [](auto x) { return x == 0; }) &&
                        b[10] == 0xff && b[11] == 0xff;
    if (mapped) {
        return fmt::format("::ffff:{}.{}.{}.{}", b[12], b[13], b[14], b[15]);
    }
    std::array<unsigned, 8> groups{};
    for (std::size_t i = 0; i < 8; ++i) {
        groups[i] = static_cast<unsigned>(b[2 * i] << 8 | b[2 * i + 1]);
    }
    std::size_t best_start = 8;
    std::size_t best_len = 0;
    for (std::size_t i = 0; i < 8;) {
        if (groups[i] != 0) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < 8 && groups[j] == 0) {
            ++j;
        }
        if (j - i > best_len) {
            best_start = i;
            best_len = j - i;
        }
        i = j;
    }
    if (best_len < 2) {
        best_start = 8;
    }
    std::string out;
    for (std::size_t i = 0; i < 8; ++i) {
        if (i == best_start) {
            out += "::";
            i += best_len - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') {
            out += ':';
        }
        out += fmt::format("{:x}", groups[i]);
    }
    return out;
}

} // namespace

IpAddress IpAddress::v4(const std::array<std::uint8_t, 4>& bytes) {
    IpAddress address;
    std::copy(bytes.begin(), bytes.end(), address.m_bytes.begin());
    return address;
}

IpAddress IpAddress::v6(const std::array<std::uint8_t, 16>& bytes, std::string zone) {
    IpAddress address;
    address.m_family = IpFamily::v6;
    address.m_bytes = bytes;
    address.m_zone = std::move(zone);
    return address;
}

IpAddress IpAddress::any(IpFamily family) {
    return family == IpFamily::v4 ? IpAddress{} : v6({});
}

std::optional<IpAddress> IpAddress::try_parse(std::string_view text) {
    try {
        return parse(text);
    } catch (const InputError&) {
        return std::nullopt;
    }
}

IpAddress IpAddress::parse(std::string_view text) {
    std::string_view body = text;
    if (body.size() >= 2 && body.front() == '[' && body.back() == ']') {
        body = body.substr(1, body.size() - 2);
    }
    std::string zone;
    if (const auto percent = body.find('%'); percent != std::string_view::npos) {
        zone = std::string(body.substr(percent + 1));
        body = body.substr(0, percent);
        if (zone.empty() || zone.size() > k_max_ifname ||
            zone.find_first_of("/ \t") != std::string::npos) {
            throw InputError(fmt::format("invalid zone in '{}': expected an interface name",
                                         text),
                             "write a link-local address as fe80::1%eth0");
        }
    }
    const std::string copy(body);
    IpAddress address;
    if (zone.empty() && parse_bytes(IpFamily::v4, copy, address.m_bytes.data())) {
        return address;
    }
    if (parse_bytes(IpFamily::v6, copy, address.m_bytes.data())) {
        address.m_family = IpFamily::v6;
        address.m_zone = std::move(zone);
        return address;
    }
    if (!zone.empty() && parse_bytes(IpFamily::v4, copy, address.m_bytes.data())) {
        throw InputError(fmt::format("'{}': only IPv6 addresses have a zone", text));
    }
    if (!copy.empty() && std::all_of(copy.begin(), copy.end(),
                                     [](char c) { return is_digit(c) || c == '.'; })) {
        auto [problem, hint] = dotted_quad_problem(copy);
        if (!problem.empty()) {
            throw InputError(fmt::format("'{}' is not an IPv4 address: {}", text, problem),
                             std::move(hint));
        }
    }
    throw InputError(fmt::format("'{}' is not an IPv4 or IPv6 address", text));
}

bool IpAddress::looks_numeric(std::string_view text) {
    std::string_view body = text;
    if (body.size() >= 2 && body.front() == '[' && body.back() == ']') {
        return true;
    }
    if (const auto percent = body.find('%'); percent != std::string_view::npos) {
        return true; // a zone: only addresses have one
    }
    if (body.empty()) {
        return false;
    }
    if (std::all_of(body.begin(), body.end(), [](char c) { return is_digit(c) || c == '.'; })) {
        return true;
    }
    return body.find(':') != std::string_view::npos &&
           std::all_of(body.begin(), body.end(),
                       [](char c) { return is_hex_digit(c) || c == ':' || c == '.'; });
}

std::optional<IpAddress> IpAddress::parse_legacy_ipv4(std::string_view text) {
    // inet_aton (glibc resolv/inet_addr.c): parts of base 10, 8 (leading 0)
    // or 16 (0x); the last part fills the remaining bytes.
    std::array<std::uint64_t, 4> parts{};
    std::size_t count = 0;
    std::size_t i = 0;
    while (true) {
        if (count == parts.size() || i >= text.size() || !is_digit(text[i])) {
            return std::nullopt;
        }
        unsigned base = 10;
        if (text[i] == '0') {
            base = 8;
            ++i;
            if (i < text.size() && (text[i] == 'x' || text[i] == 'X')) {
                base = 16;
                ++i;
            }
        }
        std::uint64_t value = 0;
        while (i < text.size() && text[i] != '.') {
            const char c = text[i];
            unsigned digit = 0;
            if (is_digit(c)) {
                digit = static_cast<unsigned>(c - '0');
            } else if (base == 16 && is_hex_digit(c)) {
                digit = static_cast<unsigned>((c | 0x20) - 'a' + 10);
            } else {
                return std::nullopt;
            }
            if (digit >= base) {
                return std::nullopt;
            }
            value = value * base + digit;
            if (value > 0xffffffffULL) {
                return std::nullopt;
            }
            ++i;
        }
        parts[count++] = value;
        if (i == text.size()) {
            break;
        }
        ++i; // the dot; a trailing one leaves nothing to read and fails above
    }
    // Every part but the last is one byte; the last fills what is left.
    const unsigned last_bits = 8 * static_cast<unsigned>(4 - (count - 1));
    std::uint64_t value = 0;
    for (std::size_t p = 0; p + 1 < count; ++p) {
        if (parts[p] > 0xff) {
            return std::nullopt;
        }
        value = value << 8 | parts[p];
    }
    if (last_bits < 32 && parts[count - 1] >> last_bits != 0) {
        return std::nullopt;
    }
    value = value << last_bits | parts[count - 1];
    return IpAddress::v4({static_cast<std::uint8_t>(value >> 24),
                          static_cast<std::uint8_t>(value >> 16),
                          static_cast<std::uint8_t>(value >> 8),
                          static_cast<std::uint8_t>(value)});
}

std::span<const std::uint8_t> IpAddress::bytes() const noexcept {
    return {m_bytes.data(), is_v4() ? 4u : 16u};
}

IpAddress IpAddress::without_zone() const {
    IpAddress copy = *this;
    copy.m_zone.clear();
    return copy;
}

bool IpAddress::is_unspecified() const noexcept {
    const auto b = bytes();
    return std::all_of(b.begin(), b.end(), [](auto x) { return x == 0; });
}

bool IpAddress::is_loopback() const noexcept {
    if (is_v4()) {
        return m_bytes[0] == 127;
    }
    return std::all_of(m_bytes.begin(), m_bytes.begin() + 15, [](auto x) { return x == 0; }) &&
           m_bytes[15] == 1;
}

bool IpAddress::is_multicast() const noexcept {
    return is_v4() ? (m_bytes[0] & 0xf0) == 0xe0 : m_bytes[0] == 0xff;
}

bool IpAddress::is_v4_mapped() const noexcept {
    return is_v6() &&
           std::all_of(m_bytes.begin(), m_bytes.begin() + 10, [](auto x) { return x == 0; }) &&
           m_bytes[10] == 0xff && m_bytes[11] == 0xff;
}

IpAddress IpAddress::mapped_v4() const {
    return v4({m_bytes[12], m_bytes[13], m_bytes[14], m_bytes[15]});
}

bool IpAddress::is_link_local() const noexcept {
    if (is_v4()) {
        return m_bytes[0] == 169 && m_bytes[1] == 254;
    }
    return m_bytes[0] == 0xfe && (m_bytes[1] & 0xc0) == 0x80;
}

bool IpAddress::is_limited_broadcast() const noexcept {
    return is_v4() &&
           std::all_of(m_bytes.begin(), m_bytes.begin() + 4, [](auto x) { return x == 0xff; });
}

std::string IpAddress::to_string() const {
    if (is_v4()) {
        return fmt::format("{}.{}.{}.{}", m_bytes[0], m_bytes[1], m_bytes[2], m_bytes[3]);
    }
    return format_v6(bytes());
}

std::string IpAddress::to_string_with_zone() const {
    return m_zone.empty() ? to_string() : to_string() + "%" + m_zone;
}

std::string_view to_string(IpFamily family) {
    return family == IpFamily::v4 ? "IPv4" : "IPv6";
}

} // namespace ncs
