#include "system/sysfs_net.hpp"

#include "system/atomic_file.hpp"

#include <sstream>
#include <string>
#include <system_error>

namespace ncs {

bool is_wireless_interface(const Root& root, std::string_view name, int ifindex) {
    if (name.empty() || name.find('/') != std::string_view::npos || name == "." ||
        name == "..") {
        return false; // not an interface name
    }
    const std::string dir = "/sys/class/net/" + std::string(name);
    const auto text = [&root](const std::string& path) {
        try {
            const auto file = read_small_file(root, path);
            return file.outcome == ReadOutcome::ok ? file.content : std::string();
        } catch (const std::system_error&) {
            return std::string();
        }
    };
    std::istringstream index_file(text(dir + "/ifindex"));
    int index = 0;
    if (!(index_file >> index) || index != ifindex) {
        return false;
    }
    if (root.exists(dir + "/phy80211")) {
        return true;
    }
    std::istringstream uevent(text(dir + "/uevent"));
    std::string line;
    while (std::getline(uevent, line)) {
        if (line == "DEVTYPE=wlan") {
            return true;
        }
    }
    return false;
}

} // namespace ncs
