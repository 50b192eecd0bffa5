#include "system/config_sources.hpp"

#include "grammar/boot_values.hpp"
#include "system/atomic_file.hpp"

#include <fmt/format.h>

#include <optional>
#include <system_error>

namespace ncs {
namespace {

/// The text of path, or nullopt (with a warning unless it is simply absent).
std::optional<std::string> read_source(const Root& root, const std::string& path,
                                       std::vector<Warning>* warnings) {
    auto warn = [&](std::string message, std::string hint) {
        if (warnings != nullptr) {
            warnings->push_back({std::move(message), std::move(hint)});
        }
    };
    try {
        auto file = read_small_file(root, path);
        if (file.outcome == ReadOutcome::ok) {
            return std::move(file.content);
        }
        if (file.outcome != ReadOutcome::absent) {
            warn(fmt::format("{}: skipped", unread_reason(file.outcome, path)),
                 "a configuration file is a few lines, not a FIFO, a device or a directory");
        }
    } catch (const std::system_error& e) {
        warn(fmt::format("{}: skipped", e.what()), {});
    }
    return std::nullopt;
}

} // namespace

std::vector<ConfiguredValue> find_configured_values(const Root& root,
                                                    std::vector<Warning>* warnings) {
    std::vector<ConfiguredValue> found;
    if (const auto cmdline = read_source(root, "/proc/cmdline", warnings)) {
        for (auto& v : grammar::find_in_kernel_cmdline(*cmdline)) {
            found.push_back({"/proc/cmdline", std::move(v.parameter), std::move(v.value)});
        }
    }
    std::optional<std::vector<std::string>> names;
    try {
        names = list_directory(root, "/etc/modprobe.d");
    } catch (const std::system_error& e) {
        if (warnings != nullptr) {
            warnings->push_back({fmt::format("{}: skipped", e.what()), {}});
        }
    }
    for (const auto& name : names.value_or(std::vector<std::string>{})) {
        // modprobe reads only *.conf (sorted by name).
        if (name.size() <= 5 || name.compare(name.size() - 5, 5, ".conf") != 0) {
            continue;
        }
        const auto source = "/etc/modprobe.d/" + name;
        const auto text = read_source(root, source, warnings);
        if (!text) {
            continue;
        }
        for (auto& v : grammar::find_in_modprobe_conf(*text)) {
            found.push_back({source, std::move(v.parameter), std::move(v.value)});
        }
    }
    return found;
}

} // namespace ncs
