#pragma once
// netconsole's configfs tree: <root>/sys/kernel/config/netconsole/<target>/...
// (shared/reference/kernel-netconsole.md §2). Reading a target and its
// features, and the file operations writes go through. Every write is one
// write(2) whose errno is kept: the kernel's answer is the information.

#include "model/ip_address.hpp"
#include "model/kernel_facts.hpp"
#include "model/mac_address.hpp"
#include "model/target.hpp"
#include "system/kernel_log.hpp"
#include "system/root.hpp"
#include "system/writer_lock.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ncs {

/// The file operations the configfs layer needs. SystemConfigfsFiles does them on the
/// real filesystem; the apply logic's unit tests use a record-and-assert fake, because
/// a plain directory cannot answer as the kernel does (EINVAL while enabled, ...).
class ConfigfsFiles {
public:
    virtual ~ConfigfsFiles() = default;
    /// Whether path exists (file or directory).
    virtual bool exists(const std::filesystem::path& path) const = 0;
    /// Whether path is a directory.
    virtual bool is_directory(const std::filesystem::path& path) const = 0;
    /// The names of the subdirectories of dir, sorted; empty when dir does not exist.
    virtual std::vector<std::string> subdirectories(const std::filesystem::path& dir) const = 0;
    /// The content of file. Throws std::system_error naming the path.
    virtual std::string read(const std::filesystem::path& file) const = 0;
    /// One write(2) of text to the existing file. Throws std::system_error with the errno.
    virtual void write(const std::filesystem::path& file, std::string_view text) = 0;
    /// mkdir(2). Throws std::system_error with the errno.
    virtual void make_directory(const std::filesystem::path& dir) = 0;
    /// rmdir(2). Throws std::system_error with the errno.
    virtual void remove_directory(const std::filesystem::path& dir) = 0;
    /// The writers' lock (WriterLock), held until the result goes, around a change
    /// made of several operations; nullopt when these files are no shared state.
    virtual std::optional<WriterLock> hold_writers() = 0;
};

/// ConfigfsFiles on the real filesystem. Reads resolve paths inside a Root (links
/// never leave it; only regular files are read). Writing acts on the running kernel,
/// so only an object made with a LiveKernel writes; one made without reads only.
class SystemConfigfsFiles final : public ConfigfsFiles {
public:
    /// Reads only, under "/": write, make_directory and remove_directory throw
    /// std::logic_error.
    SystemConfigfsFiles() = default;
    /// Reads only, paths (made by root.path()) resolved inside root.
    explicit SystemConfigfsFiles(const Root& root) : m_root(root) {}
    /// Reads and writes the running kernel's configfs.
    explicit SystemConfigfsFiles(const LiveKernel& /*kernel*/) : m_writable(true) {}
    bool exists(const std::filesystem::path& path) const override;
    bool is_directory(const std::filesystem::path& path) const override;
    std::vector<std::string> subdirectories(const std::filesystem::path& dir) const override;
    std::string read(const std::filesystem::path& file) const override;
    void write(const std::filesystem::path& file, std::string_view text) override;
    void make_directory(const std::filesystem::path& dir) override;
    void remove_directory(const std::filesystem::path& dir) override;
    /// The system root's lock when writable; nullopt for a reader.
    std::optional<WriterLock> hold_writers() override;

private:
    void require_writable() const;
    /// The system path of file inside m_root. Throws std::system_error (EXDEV) otherwise.
    std::string inside(const std::filesystem::path& file) const;
    Root m_root;
    bool m_writable = false;
};

/// <root>/sys/kernel/config: where configfs is mounted.
std::filesystem::path configfs_dir(const Root& root);
/// <root>/sys/kernel/config/netconsole: present when a netconsole with dynamic
/// targets (CONFIG_NETCONSOLE_DYNAMIC) is loaded and configfs is mounted.
std::filesystem::path netconsole_dir(const Root& root);

/// What this kernel's netconsole offers, from the attributes a target shows.
struct ConfigfsFeatures {
    bool release = false;         ///< `release` (added_in::release)
    bool userdata = false;        ///< `userdata/` (added_in::userdata)
    bool transmit_errors = false; ///< `transmit_errors` (added_in::transmit_errors)
    bool cpu_nr = false;          ///< `userdata/cpu_nr_enabled` (added_in::sysdata)
    bool taskname = false;        ///< `userdata/taskname_enabled` (added_in::sysdata)
    bool sysdata_release = false; ///< `userdata/release_enabled` (added_in::sysdata)
    bool msgid = false;           ///< `userdata/msgid_enabled` (added_in::msgid)
    bool operator==(const ConfigfsFeatures&) const = default;
};

/// One attribute file as read: its name (relative to the target) and its text
/// without the kernel's trailing newline.
struct AttributeValue {
    std::string name;
    std::string text;
    bool operator==(const AttributeValue&) const = default;
};

/// One target as configfs shows it.
struct ConfigfsTarget {
    std::string name;
    ConfigfsFeatures features;
    bool enabled = false;
    bool extended = false;
    std::optional<bool> release; ///< nullopt: no such attribute (before 6.6)
    std::string dev_name;
    std::uint16_t local_port = 0;
    IpAddress local_ip;          ///< all-zero while unset (the kernel picks at enable)
    std::uint16_t remote_port = 0;
    IpAddress remote_ip;
    MacAddress remote_mac;
    MacAddress local_mac;        ///< read-only: the device's MAC while enabled, else broadcast
    std::optional<std::uint64_t> transmit_errors; ///< read-only, 6.14+
    std::vector<UserdataEntry> userdata; ///< userdata/<key>/value, sorted by key
    Sysdata sysdata;             ///< the switches present (see features)
    /// Every attribute file as read, in the kernel's documented order, then
    /// userdata/<key>/value and the sysdata switches.
    std::vector<AttributeValue> attributes;

    /// The text of attribute name ("remote_port", "userdata/k/value"), or nullptr.
    const std::string* text(std::string_view attribute_name) const;
};

/// The target attributes a tool may write, in the order an apply writes them
/// (§2.6: device, addresses of one family, ports, MAC, format).
inline constexpr std::string_view k_writable_attributes[] = {
    "dev_name", "remote_ip", "local_ip", "remote_port", "local_port",
    "remote_mac", "extended", "release"};

/// One sysdata switch file under userdata/: its name, the feature it shows, its value.
struct SysdataSwitch {
    std::string_view file;
    bool ConfigfsFeatures::*feature;
    bool Sysdata::*value;
};

/// The sysdata switches, in the kernel's order.
inline constexpr SysdataSwitch k_sysdata_switches[] = {
    {"cpu_nr_enabled", &ConfigfsFeatures::cpu_nr, &Sysdata::cpu_nr},
    {"taskname_enabled", &ConfigfsFeatures::taskname, &Sysdata::taskname},
    {"release_enabled", &ConfigfsFeatures::sysdata_release, &Sysdata::release},
    {"msgid_enabled", &ConfigfsFeatures::msgid, &Sysdata::msgid},
};

/// The names of the targets under dir (directories), sorted; empty when dir is absent.
std::vector<std::string> list_targets(const ConfigfsFiles& files, const std::filesystem::path& dir);

/// Reads dir/name. Throws std::system_error when a file cannot be read, OperationError
/// when an attribute holds text this tool does not understand.
ConfigfsTarget read_target(const ConfigfsFiles& files, const std::filesystem::path& dir,
                           std::string_view name);

/// What the kernel does to an enabled target whose device unregisters (driver
/// unload, hot-unplug).
enum class UnregisterBehaviour {
    disable, ///< up to 6.x: disabled for good
    resume,  ///< added_in::resume_on_register: deactivated (`enabled` reads 0) and set up
             ///< again once when a device of that name (or MAC) registers
};

/// That kernel-version fact (added_in::resume_on_register) as a behaviour.
UnregisterBehaviour unregister_behaviour(KernelVersion version) noexcept;

/// What the caller found out about a target's device (by dev_name).
struct TargetDevice {
    bool exists = false;
    bool up = false;      ///< IFF_UP
    bool carrier = false; ///< IFF_LOWER_UP
    std::string master;   ///< the bond/bridge it is enslaved to, empty when none
};

/// The device named dev_name as <root>/sys/class/net/<dev_name> shows it: nullopt
/// when <root>/sys/class/net is not there (nothing to look at), exists false when
/// the device is not. Never throws.
std::optional<TargetDevice> read_target_device(const Root& root, std::string_view dev_name);

/// Why a target sends or not, from its configfs state and its device.
enum class TargetCondition {
    sending,     ///< enabled, device up with carrier
    disabled,    ///< disabled, nothing known against its device
    device_gone, ///< disabled, no device of its dev_name: it unregistered
    enslaved,    ///< disabled, its device is a bond/bridge slave: the kernel stopped it
                 ///< at NETDEV_JOIN and never resumes it; netpoll refuses slaves
    stopped_by_kernel, ///< disabled, its device is there, and the kernel log says the
                       ///< kernel stopped logging on it (it went away, joined a master)
    device_down, ///< enabled, device administratively down: messages dropped silently
    no_carrier,  ///< enabled, device up without carrier: messages dropped silently
    unknown,     ///< enabled, device not looked at (no dev_name, not the live system) or
                 ///< not found (renamed while read)
};

/// "sending", "disabled", "device_gone", "enslaved", "stopped_by_kernel", "device_down",
/// "no_carrier", "unknown".
std::string_view to_string(TargetCondition condition) noexcept;

/// The condition of target given its device (nullopt: not looked up) and the last
/// thing the kernel log says netconsole did on it (netconsole_device_events()).
TargetCondition target_condition(const ConfigfsTarget& target,
                                 const std::optional<TargetDevice>& device,
                                 std::optional<StopReason> logged_stop = std::nullopt) noexcept;

/// Text as the kernel shows it, without one trailing newline.
std::string_view without_newline(std::string_view text) noexcept;

/// "0"/"1" as netconsole prints booleans; nullopt otherwise.
std::optional<bool> parse_flag(std::string_view text) noexcept;

} // namespace ncs
