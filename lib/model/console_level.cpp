#include "model/console_level.hpp"

#include "model/errors.hpp"

#include <fmt/format.h>

#include <charconv>
#include <system_error>

namespace ncs {
namespace {

constexpr int k_lowest = 1;  // only emergencies reach the console
constexpr int k_highest = 8; // everything, debug included

[[noreturn]] void reject(std::string_view text) {
    throw FieldError(Field::console_level,
                     fmt::format("'{}' is not a console log level", text),
                     "a level from 1 to 8; messages below it reach the console (8: all)");
}

} // namespace

int parse_console_level(std::string_view text) {
    int value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value < k_lowest || value > k_highest) {
        reject(text);
    }
    return value;
}

void validate_console_level(int level) {
    if (level < k_lowest || level > k_highest) {
        reject(fmt::format("{}", level));
    }
}

} // namespace ncs
