#pragma once
// Ethernet MAC address value type.

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace ncs {

class MacAddress {
public:
    /// 00:00:00:00:00:00
    constexpr MacAddress() = default;
    constexpr explicit MacAddress(const std::array<std::uint8_t, 6>& bytes) : m_bytes(bytes) {}
    /// ff:ff:ff:ff:ff:ff, the kernel's default remote MAC.
    static constexpr MacAddress broadcast() {
        return MacAddress({0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
    }

    /// Parses tool input: exactly six colon-separated pairs of hex digits, any case.
    /// Throws InputError with a hint for the usual mistakes ('-' separators, ...).
    static MacAddress parse(std::string_view text);
    /// Like parse(), but returns nullopt instead of throwing.
    static std::optional<MacAddress> try_parse(std::string_view text);

    const std::array<std::uint8_t, 6>& bytes() const noexcept { return m_bytes; }
    bool is_broadcast() const noexcept { return *this == broadcast(); }
    bool is_zero() const noexcept { return *this == MacAddress{}; }
    /// The group bit is set (broadcast included).
    bool is_multicast() const noexcept { return (m_bytes[0] & 1) != 0; }
    /// Neither zero nor multicast: an address a device can own.
    bool is_unicast() const noexcept { return !is_zero() && !is_multicast(); }

    /// Lowercase aa:bb:cc:dd:ee:ff.
    std::string to_string() const;

    friend constexpr bool operator==(const MacAddress&, const MacAddress&) = default;
    friend constexpr std::strong_ordering operator<=>(const MacAddress&,
                                                      const MacAddress&) = default;

private:
    std::array<std::uint8_t, 6> m_bytes{};
};

} // namespace ncs

template <>
struct fmt::formatter<ncs::MacAddress> : fmt::formatter<std::string_view> {
    template <typename Context>
    auto format(const ncs::MacAddress& mac, Context& ctx) const {
        return fmt::formatter<std::string_view>::format(mac.to_string(), ctx);
    }
};
