#pragma once
// IPv4/IPv6 address value type. An IPv6 address may carry a zone (scope),
// which only the tool's own input accepts ("fe80::1%eth0"); the kernel never
// sees it, so to_string() never prints it.

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace ncs {

enum class IpFamily { v4, v6 };

class IpAddress {
public:
    /// 0.0.0.0
    IpAddress() = default;
    /// An IPv4 address from its four bytes in network order.
    static IpAddress v4(const std::array<std::uint8_t, 4>& bytes);
    /// An IPv6 address from its sixteen bytes, with an optional zone.
    static IpAddress v6(const std::array<std::uint8_t, 16>& bytes, std::string zone = {});
    /// The unspecified address of a family (0.0.0.0 or ::).
    static IpAddress any(IpFamily family);

    /// Parses tool input: dotted quad, or IPv6 text with optional %zone and optional
    /// [brackets]. Throws InputError naming the text.
    static IpAddress parse(std::string_view text);
    /// Like parse(), but returns nullopt instead of throwing.
    static std::optional<IpAddress> try_parse(std::string_view text);
    /// True when text can only be meant as an address, never as a host name:
    /// digits and dots only, or IPv6-ish (hex digits, ':' and '.', at least one
    /// ':'), optionally with [brackets] or a %zone. Such text goes to parse().
    static bool looks_numeric(std::string_view text);
    /// The IPv4 address inet_aton(3) (and so getaddrinfo) reads from text in
    /// its legacy forms: 1 to 4 parts, each decimal, 0-prefixed octal or 0x
    /// hex ("10.1", "3232235525", "0x7f.1"); nullopt when it reads none. The
    /// kernel and parse() accept only four decimal parts.
    static std::optional<IpAddress> parse_legacy_ipv4(std::string_view text);

    IpFamily family() const noexcept { return m_family; }
    bool is_v4() const noexcept { return m_family == IpFamily::v4; }
    bool is_v6() const noexcept { return m_family == IpFamily::v6; }
    /// 4 bytes for IPv4, 16 for IPv6, network order.
    std::span<const std::uint8_t> bytes() const noexcept;
    /// The zone (interface name or index) given in tool input, or empty.
    const std::string& zone() const noexcept { return m_zone; }
    IpAddress without_zone() const;

    bool is_unspecified() const noexcept;
    bool is_loopback() const noexcept;
    bool is_multicast() const noexcept;
    /// ::ffff:a.b.c.d, an IPv4 address in IPv6 clothing.
    bool is_v4_mapped() const noexcept;
    /// The IPv4 address inside an IPv4-mapped one (::ffff:a.b.c.d -> a.b.c.d).
    IpAddress mapped_v4() const;
    /// 169.254.0.0/16 or fe80::/10.
    bool is_link_local() const noexcept;
    /// 255.255.255.255.
    bool is_limited_broadcast() const noexcept;

    /// Dotted quad, or RFC 5952 text for IPv6; never the zone.
    std::string to_string() const;
    /// to_string() plus "%zone" when there is one.
    std::string to_string_with_zone() const;

    friend bool operator==(const IpAddress&, const IpAddress&) = default;
    friend std::strong_ordering operator<=>(const IpAddress&, const IpAddress&) = default;

private:
    IpFamily m_family = IpFamily::v4;
    std::array<std::uint8_t, 16> m_bytes{};
    std::string m_zone;
};

/// The family's name as users write it: "IPv4" or "IPv6".
std::string_view to_string(IpFamily family);

} // namespace ncs

template <>
struct fmt::formatter<ncs::IpAddress> : fmt::formatter<std::string_view> {
    template <typename Context>
    auto format(const ncs::IpAddress& address, Context& ctx) const {
        return fmt::formatter<std::string_view>::format(address.to_string(), ctx);
    }
};

template <>
struct fmt::formatter<ncs::IpFamily> : fmt::formatter<std::string_view> {
    template <typename Context>
    auto format(ncs::IpFamily family, Context& ctx) const {
        return fmt::formatter<std::string_view>::format(ncs::to_string(family), ctx);
    }
};
