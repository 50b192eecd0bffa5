#include "system/printk.hpp"

#include "model/console_level.hpp"
#include "model/errors.hpp"
#include "system/atomic_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <system_error>

#include <sys/klog.h>

namespace ncs {
namespace {

// include/linux/syslog.h; glibc exposes klogctl but not the action names.
constexpr int k_syslog_action_console_level = 8;

} // namespace

std::optional<PrintkLevels> parse_printk_levels(std::string_view text) {
    std::array<int, 4> values{};
    std::size_t pos = 0;
    for (auto& value : values) {
        while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) {
            ++pos;
        }
        const char* first = text.data() + pos;
        const char* last = text.data() + text.size();
        const auto [end, ec] = std::from_chars(first, last, value);
        if (ec != std::errc{} || end == first) {
            return std::nullopt;
        }
        pos = static_cast<std::size_t>(end - text.data());
    }
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n')) {
        ++pos;
    }
    if (pos != text.size()) {
        return std::nullopt;
    }
    return PrintkLevels{values[0], values[1], values[2], values[3]};
}

PrintkLevels read_printk_levels(const Root& root) {
    // Messages name the system path, as config_sources does, whatever the root.
    constexpr const char* k_path = "/proc/sys/kernel/printk";
    const auto file = read_small_file(root, k_path);
    if (file.outcome == ReadOutcome::absent) {
        throw std::system_error(ENOENT, std::generic_category(),
                                fmt::format("cannot read {}", k_path));
    }
    if (file.outcome != ReadOutcome::ok) {
        throw OperationError(unread_reason(file.outcome, k_path));
    }
    const auto levels = parse_printk_levels(file.content);
    if (!levels) {
        throw OperationError(fmt::format("{} does not hold four integers", k_path));
    }
    return *levels;
}

void set_console_loglevel(const LiveKernel& /*kernel*/, int level) {
    validate_console_level(level);
    if (klogctl(k_syslog_action_console_level, nullptr, level) < 0) {
        const int err = errno;
        if (err == EPERM) {
            throw OperationError("not allowed to set the console log level",
                                 "run as root (needs CAP_SYSLOG or CAP_SYS_ADMIN)");
        }
        throw std::system_error(err, std::generic_category(),
                                fmt::format("syslog(SYSLOG_ACTION_CONSOLE_LEVEL, {})", level));
    }
}

std::string_view loglevel_name(int level) {
    static constexpr std::array<std::string_view, 8> k_names = {
        "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
    if (level < 0 || level >= static_cast<int>(k_names.size())) {
        return "?";
    }
    return k_names[static_cast<std::size_t>(level)];
}

std::vector<Warning> check_console_loglevel(int console_loglevel) {
    // A message is printed when its level is below console_loglevel.
    const std::string hint = "console log level 8 lets every message through";
    if (console_loglevel >= 8) {
        return {};
    }
    if (console_loglevel <= 0) {
        return {{fmt::format("console log level {} sends no message at all", console_loglevel),
                 hint, Warning::Kind::console_quiet}};
    }
    const int highest = console_loglevel - 1;
    const auto hidden = console_loglevel < 5 ? "warnings and debug messages" : "debug messages";
    return {{fmt::format("console log level {} hides {}: only levels 0-{} (emerg..{}) are sent",
                         console_loglevel, hidden, highest, loglevel_name(highest)),
             hint, Warning::Kind::console_quiet}};
}

int test_message_level(const PrintkLevels& levels) {
    return std::clamp(levels.console_loglevel - 1, 0, 7);
}

} // namespace ncs
