#include "model/duration.hpp"

#include "model/errors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace ncs {
namespace {

constexpr double k_max_ms = 3'600'000.0; // one hour

/// DIGITS[.DIGITS] or .DIGITS, nothing else: std::from_chars also takes "nan", "inf"
/// and "-nan" (which passed every range check and became INT64_MIN ms), and a sign.
bool is_decimal(std::string_view number) {
    const auto dot = number.find('.');
    const auto digits = [](std::string_view part) {
        return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (dot == std::string_view::npos) {
        return !number.empty() && digits(number);
    }
    const auto whole = number.substr(0, dot);
    const auto fraction = number.substr(dot + 1);
    return !(whole.empty() && fraction.empty()) && digits(whole) && digits(fraction);
}

} // namespace

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
    const bool parsed = is_decimal(number) && [&] {
        const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(),
                                               value, std::chars_format::fixed);
        return ec == std::errc{} && end == number.data() + number.size();
    }();
    if (!parsed || !std::isfinite(value) || value < 0 || value * scale > k_max_ms) {
        throw InputError(fmt::format("invalid duration '{}'", text),
                         "write a duration as 2, 2s, 1.5s or 500ms (at most one hour)");
    }
    return std::chrono::milliseconds(std::llround(value * scale));
}

} // namespace ncs
