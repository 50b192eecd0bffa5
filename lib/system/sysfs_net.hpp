#pragma once
// What <root>/sys/class/net/<name> says about an interface that rtnetlink does not.

#include "model/mac_address.hpp"
#include "system/root.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ncs {

/// Whether interface name (of index ifindex) is Wi-Fi: its sysfs directory has
/// phy80211 or a uevent with DEVTYPE=wlan. Wi-Fi is invisible to rtnetlink
/// (ARPHRD_ETHER, no kind). sysfs shows the namespace of whoever mounted it, so it is
/// only believed when its ifindex file reads ifindex. Read inside root, regular files
/// only (a FIFO in a --root tree never blocks). Never throws.
bool is_wireless_interface(const Root& root, std::string_view name, int ifindex);

/// The kernel module of interface name's driver: the name <root>/sys/class/net/<name>/
/// device/driver/module links to, else the driver's own name; nullopt when sysfs has no
/// driver for it (virtual, not there, or no sysfs under root). Never throws.
std::optional<std::string> interface_driver_module(const Root& root, std::string_view name);

/// The names of the interfaces under <root>/sys/class/net whose address file reads mac,
/// sorted (a bridge and its port share one). Never throws.
std::vector<std::string> interfaces_with_address(const Root& root, const MacAddress& mac);

} // namespace ncs
