#include "system/config_sources.hpp"

#include "grammar/cmdline.hpp"

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

namespace ncs {
namespace {

std::optional<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

std::vector<ConfiguredValue> find_configured_values(const Root& root) {
    std::vector<ConfiguredValue> found;
    if (const auto cmdline = read_file(root.path("/proc/cmdline"))) {
        for (auto& v : grammar::find_in_kernel_cmdline(*cmdline)) {
            found.push_back({"/proc/cmdline", std::move(v.parameter), std::move(v.value)});
        }
    }
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& entry :
         std::filesystem::directory_iterator(root.path("/etc/modprobe.d"), ec)) {
        if (entry.path().extension() == ".conf") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        const auto text = read_file(file);
        if (!text) {
            continue;
        }
        for (auto& v : grammar::find_in_modprobe_conf(*text)) {
            found.push_back({"/etc/modprobe.d/" + file.filename().string(),
                             std::move(v.parameter), std::move(v.value)});
        }
    }
    return found;
}

} // namespace ncs
