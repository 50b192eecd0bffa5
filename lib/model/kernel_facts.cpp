#include "model/kernel_facts.hpp"

#include <fmt/format.h>

#include <charconv>

namespace ncs {

std::optional<KernelVersion> parse_kernel_version(std::string_view release) noexcept {
    KernelVersion version;
    const char* const end = release.data() + release.size();
    auto [p, ec] = std::from_chars(release.data(), end, version.major);
    if (ec != std::errc() || p == end || *p != '.') {
        return std::nullopt;
    }
    auto [q, ec2] = std::from_chars(p + 1, end, version.minor);
    if (ec2 != std::errc() || q == p + 1 || version.major < 0 || version.minor < 0) {
        return std::nullopt;
    }
    return version;
}

std::string to_string(KernelVersion version) {
    return fmt::format("{}.{}", version.major, version.minor);
}

std::string needs_linux(std::string_view what, KernelVersion version) {
    return fmt::format("{} needs Linux {} or newer", what, to_string(version));
}

} // namespace ncs
