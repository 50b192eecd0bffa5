#include "model/port.hpp"

#include "model/errors.hpp"

#include <fmt/format.h>

#include <charconv>
#include <system_error>

namespace ncs {

std::uint16_t parse_port(std::string_view text, std::string_view subject) {
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value == 0 || value > 65535) {
        throw InputError(fmt::format("{}: '{}' is not a port number", subject, text),
                         "a port is a decimal number from 1 to 65535");
    }
    return static_cast<std::uint16_t>(value);
}

} // namespace ncs
