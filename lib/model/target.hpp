#pragma once
// Target: everything the kernel knows about one netconsole target, with the
// kernel's own defaults (shared/reference/kernel-netconsole.md §1.3, §2.3).

#include "model/errors.hpp"
#include "model/ip_address.hpp"
#include "model/kernel_facts.hpp"
#include "model/mac_address.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ncs {

inline constexpr std::string_view k_default_device = "eth0";
inline constexpr std::uint16_t k_default_local_port = 6665;
inline constexpr std::uint16_t k_default_remote_port = 6666;
inline constexpr std::size_t k_max_ifname = 15;          // IFNAMSIZ - 1
inline constexpr std::size_t k_max_config_length = 255;  // MAX_PARAM_LENGTH - 1
inline constexpr std::size_t k_max_userdata_key = 53;    // 256 - 200 - 3
inline constexpr std::size_t k_max_userdata_value = 199; // writes of >= 200 bytes fail

/// The sysdata switches under userdata/ (6.15+, msgid 6.17+).
struct Sysdata {
    bool cpu_nr = false;
    bool taskname = false;
    bool release = false;
    bool msgid = false;

    bool any() const noexcept { return cpu_nr || taskname || release || msgid; }
    friend bool operator==(const Sysdata&, const Sysdata&) = default;
};

/// One userdata/<key>/value entry.
struct UserdataEntry {
    std::string key;
    std::string value;
    friend bool operator==(const UserdataEntry&, const UserdataEntry&) = default;
};

/// The egress device: by interface name, or (6.15+, boot string only) by MAC.
using Device = std::variant<std::string, MacAddress>;

struct Target {
    std::string name; ///< configfs directory name; empty for boot/module targets
    bool enabled = false;
    bool extended = false;
    bool release = false;
    Device device = std::string(k_default_device);
    std::optional<IpAddress> local_ip; ///< nullopt: the kernel takes the device's address
    std::uint16_t local_port = k_default_local_port;
    IpAddress remote_ip;
    std::uint16_t remote_port = k_default_remote_port;
    MacAddress remote_mac = MacAddress::broadcast();
    std::vector<UserdataEntry> userdata;
    Sysdata sysdata;

    IpFamily family() const noexcept { return remote_ip.family(); }
    /// The interface name, or nullopt when the device is chosen by MAC.
    const std::string* device_name() const noexcept { return std::get_if<std::string>(&device); }
    /// The device MAC, or nullptr when the device is chosen by name.
    const MacAddress* device_mac() const noexcept { return std::get_if<MacAddress>(&device); }

    friend bool operator==(const Target&, const Target&) = default;
};

/// Throws InputError, naming the field, when the kernel could not use t as given.
void validate(const Target& t);

/// The one rule for a source and a remote address: one family. Throws InputError.
void require_one_family(const IpAddress& local, const IpAddress& remote);

/// Warnings about t: features that need a newer kernel, kernel quirks that bite.
std::vector<Warning> check(const Target& t);

/// The warning of a target with release ('r'): "release ('r') needs Linux 6.6 or newer".
std::string release_needs_newer_kernel();
/// The warning of a device chosen by MAC.
std::string device_by_mac_needs_newer_kernel();

/// Throws InputError when the kernel of release (a `uname -r` text) would not read t's
/// netconsole= at all: before 6.6 its parser fails at the release prefix ('r'). A release
/// whose version cannot be read refuses nothing (check() warns).
void require_boot_features(const Target& t, std::string_view release);

/// The warning for t's device by MAC on release when its version is older than 6.15
/// (backports exist, so it is no refusal), or nullopt.
std::optional<Warning> device_by_mac_on(const Target& t, std::string_view release);

/// "eth0" or "dev by MAC 52:54:00:12:34:56": how to name a device in messages.
std::string describe(const Device& device);

} // namespace ncs
