#include "model/duration.hpp"

#include "model/errors.hpp"

#include <fmt/format.h>

#include <charconv>

namespace ncs {

std::chrono::milliseconds parse_duration(std::string_view text) {
    std::string_view number = text;
    double scale = 1000.0; // plain numbers are seconds
    if (number.ends_with("ms")) {
        number.remove_suffix(2);
        scale = 1.0;
    } else if (number.ends_with('s')) {
        number.remove_suffix(1);
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value,
                                           std::chars_format::fixed);
    if (number.empty() || ec != std::errc{} || end != number.data() + number.size() ||
        value < 0 || value * scale > 3'600'000.0) {
        throw InputError(fmt::format("invalid duration '{}'", text),
                         "write a duration as 2, 2s, 1.5s or 500ms (at most one hour)");
    }
    return std::chrono::milliseconds(static_cast<long long>(value * scale + 0.5));
}

} // namespace ncs
