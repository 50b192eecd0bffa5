#include "model/ip_address.hpp"

#include "model/errors.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace ncs {
namespace {

constexpr std::size_t k_max_ifname = 15; // IFNAMSIZ - 1

bool parse_bytes(IpFamily family, const std::string& text, std::uint8_t* out) {
    return inet_pton(family == IpFamily::v4 ? AF_INET : AF_INET6, text.c_str(), out) == 1;
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
    throw InputError(fmt::format("'{}' is not an IPv4 or IPv6 address", text));
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
