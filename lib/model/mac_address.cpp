#include "model/mac_address.hpp"

#include "model/errors.hpp"

#include <cctype>

namespace ncs {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower >= 'a' && lower <= 'f') {
        return lower - 'a' + 10;
    }
    return -1;
}

} // namespace

MacAddress MacAddress::parse(std::string_view text) {
    std::array<std::uint8_t, 6> bytes{};
    bool ok = text.size() == 17;
    for (std::size_t i = 0; ok && i < 6; ++i) {
        const int high = hex_value(text[3 * i]);
        const int low = hex_value(text[3 * i + 1]);
        ok = high >= 0 && low >= 0 && (i == 5 || text[3 * i + 2] == ':');
        bytes[i] = static_cast<std::uint8_t>(high << 4 | low);
    }
    if (ok) {
        return MacAddress(bytes);
    }
    std::string hint = "write a MAC as six pairs of hex digits separated by ':', "
                       "e.g. 52:54:00:12:34:56";
    if (text.find('-') != std::string_view::npos) {
        hint = "use ':' between the pairs, not '-'";
    }
    throw InputError(fmt::format("'{}' is not a MAC address", text), std::move(hint));
}

std::optional<MacAddress> MacAddress::try_parse(std::string_view text) {
    try {
        return parse(text);
    } catch (const InputError&) {
        return std::nullopt;
    }
}

std::string MacAddress::to_string() const {
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m_bytes[0], m_bytes[1],
                       m_bytes[2], m_bytes[3], m_bytes[4], m_bytes[5]);
}

} // namespace ncs
