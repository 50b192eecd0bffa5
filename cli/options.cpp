#include "options.hpp"

#include <fmt/format.h>

#include <charconv>

namespace ncs::cli {

std::uint16_t parse_port(std::string_view text, std::string_view option) {
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value == 0 || value > 65535) {
        throw InputError(fmt::format("{}: '{}' is not a port number", option, text),
                         "a port is a decimal number from 1 to 65535");
    }
    return static_cast<std::uint16_t>(value);
}

unsigned parse_count(std::string_view text, std::string_view option) {
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value == 0) {
        throw InputError(fmt::format("{}: '{}' is not a count", option, text),
                         "a decimal number, 1 or more");
    }
    return value;
}

} // namespace ncs::cli
