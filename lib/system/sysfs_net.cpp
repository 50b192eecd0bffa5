#include "system/sysfs_net.hpp"

#include "system/atomic_file.hpp"

#include <filesystem>
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

std::optional<std::string> interface_driver_module(const Root& root, std::string_view name) {
    if (name.empty() || name.find('/') != std::string_view::npos || name == "." ||
        name == "..") {
        return std::nullopt;
    }
    // The links are relative (../../../bus/pci/drivers/e1000): their last part is the
    // name, whatever the root.
    const auto link_name = [](const std::filesystem::path& link) -> std::optional<std::string> {
        std::error_code error;
        const auto target = std::filesystem::read_symlink(link, error);
        if (error || target.filename().empty()) {
            return std::nullopt;
        }
        return target.filename().string();
    };
    const auto driver = root.path("/sys/class/net/" + std::string(name) + "/device/driver");
    const auto driver_name = link_name(driver);
    if (!driver_name) {
        return std::nullopt;
    }
    return link_name(driver / "module").value_or(*driver_name);
}

std::vector<std::string> interfaces_with_address(const Root& root, const MacAddress& mac) {
    std::vector<std::string> found;
    try {
        const auto names = list_directory(root, "/sys/class/net");
        for (const auto& name : names.value_or(std::vector<std::string>{})) {
            const auto file = read_small_file(root, "/sys/class/net/" + name + "/address");
            if (file.outcome != ReadOutcome::ok) {
                continue;
            }
            const auto address = MacAddress::try_parse(file.content.substr(0, file.content.find('\n')));
            if (address && *address == mac) {
                found.push_back(name);
            }
        }
    } catch (const std::system_error&) {
        // unreadable: as if no interface had it
    }
    return found;
}

} // namespace ncs
