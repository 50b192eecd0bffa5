#pragma once

#include <chrono>
#include <string_view>

namespace ncs {

/// Parses "2" (seconds), "2s", "1.5s" or "500ms". Throws InputError.
std::chrono::milliseconds parse_duration(std::string_view text);

} // namespace ncs
