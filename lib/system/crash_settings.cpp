#include "system/crash_settings.hpp"

#include "model/errors.hpp"
#include "system/atomic_file.hpp"
#include "system/module_state.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

namespace ncs {
namespace {

/// /proc and /sys files are a page at most; a larger "file" is not what we look for.
constexpr std::size_t k_max_attribute_size = 4096;

std::optional<std::string> read_attribute(const Root& root, std::string_view path) {
    try {
        auto file = read_small_file(root, path, FollowLast::yes, k_max_attribute_size);
        if (file.outcome == ReadOutcome::ok) {
            return std::move(file.content);
        }
    } catch (const std::exception&) {
        // EACCES, EIO: the fact stays unknown.
    }
    return std::nullopt;
}

std::optional<int> read_int(const Root& root, std::string_view path) {
    const auto text = read_attribute(root, path);
    return text ? parse_sysctl_int(*text) : std::nullopt;
}

/// A 0/1 attribute ("Y"/"N" for a bool module parameter, "0"/"1" for kexec_crash_loaded);
/// absent_is when the file does not exist.
std::optional<bool> read_flag(const Root& root, std::string_view path, bool absent_is) {
    if (!root.exists(path)) {
        return absent_is;
    }
    const auto text = read_attribute(root, path);
    if (!text) {
        return std::nullopt;
    }
    if (*text == "Y\n" || *text == "Y") {
        return true;
    }
    if (*text == "N\n" || *text == "N") {
        return false;
    }
    const auto value = parse_sysctl_int(*text);
    return value ? std::optional<bool>(*value != 0) : std::nullopt;
}

} // namespace

std::optional<int> parse_sysctl_int(std::string_view text) {
    if (!text.empty() && text.back() == '\n') {
        text.remove_suffix(1);
    }
    int value = 0;
    const char* const end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || p != end || text.empty()) {
        return std::nullopt;
    }
    return value;
}

CrashSettings read_crash_settings(const Root& root) {
    CrashSettings settings;
    try {
        if (const auto release = kernel_release_of(root)) {
            settings.kernel = parse_kernel_version(*release);
        }
    } catch (const std::exception&) {
        // The version stays unknown.
    }
    if (const auto panic = read_int(root, k_panic_path)) {
        settings.panic_timeout = *panic;
    }
    if (const auto on_oops = read_int(root, k_panic_on_oops_path)) {
        settings.panic_on_oops = *on_oops != 0;
    }
    settings.crash_kernel_loaded = read_flag(root, k_crash_loaded_path, false);
    settings.oops_only = read_flag(root, k_oops_only_path, false);
    return settings;
}

bool is_hardware_watchdog(const Watchdog& w) {
    auto identity = std::string_view(w.identity);
    return !identity.empty() && identity != k_softdog_identity;
}

std::vector<Watchdog> read_watchdogs(const Root& root) {
    std::vector<Watchdog> found;
    std::optional<std::vector<std::string>> names;
    try {
        names = list_directory(root, "/sys/class/watchdog");
    } catch (const std::exception&) {
        return found;
    }
    for (const auto& name : names.value_or(std::vector<std::string>{})) {
        if (name.rfind("watchdog", 0) != 0) {
            continue;
        }
        auto identity =
            read_attribute(root, fmt::format("/sys/class/watchdog/{}/identity", name));
        if (identity && !identity->empty() && identity->back() == '\n') {
            identity->pop_back();
        }
        found.push_back({name, identity.value_or("")});
    }
    return found;
}

void set_panic_timeout(const LiveKernel& /*kernel*/, const Root& root, int seconds) {
    const auto fd = root.open(k_panic_path, O_WRONLY);
    if (!fd) {
        const int err = errno;
        if (err == EACCES || err == EPERM || err == EROFS) {
            throw OperationError(fmt::format("not allowed to write {}", k_panic_path),
                                 "run as root");
        }
        throw std::system_error(err, std::generic_category(),
                                fmt::format("cannot open {}", k_panic_path));
    }
    const auto text = fmt::format("{}\n", seconds);
    const auto written = ::write(fd.get(), text.data(), text.size());
    if (written != static_cast<ssize_t>(text.size())) {
        const int err = written < 0 ? errno : EIO;
        throw std::system_error(err, std::generic_category(),
                                fmt::format("cannot write {} to {}", seconds, k_panic_path));
    }
}

} // namespace ncs
