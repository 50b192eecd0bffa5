#pragma once
// What this system's netconsole looks like now, as typed data (issue 21): the targets in
// configfs with their condition (device gone, enslaved, down) and crash readiness, the
// module, configfs, the console levels and the configured netconsole= values. `list` and
// `status` render it; nothing here prints or words a condition.

#include "grammar/netconsole_string.hpp"
#include "model/crash_delivery.hpp"
#include "model/errors.hpp"
#include "model/kernel_facts.hpp"
#include "system/config_sources.hpp"
#include "system/configfs.hpp"
#include "system/kernel_log.hpp"
#include "system/module_state.hpp"
#include "system/printk.hpp"
#include "system/root.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ncs::ops {

/// Shown as the system path of netconsole's configfs directory, also under --root.
inline constexpr const char* k_configfs_dir = "/sys/kernel/config/netconsole";

/// A target's condition with what it was judged from.
struct TargetReport {
    TargetCondition condition = TargetCondition::unknown;
    std::optional<TargetDevice> device;    ///< nullopt: <root>/sys/class/net not there
    std::optional<StopReason> logged_stop; ///< the kernel log's last word on the device
};

/// One configfs target as read, or the error reading it.
struct TargetInspection {
    std::string name;
    std::optional<ConfigfsTarget> target; ///< nullopt: unreadable (error says why)
    std::string error; ///< why, with its mentions (phrase() it)
    TargetReport report; ///< judged when target was read
    CrashDelivery crash; ///< whether a panic and an oops reach its doctor, when target was read
};

/// The targets of <root>/sys/kernel/config/netconsole.
struct TargetsInspection {
    bool present = false; ///< the directory exists (netconsole loaded, configfs mounted)
    std::vector<TargetInspection> targets;
    std::optional<KernelVersion> kernel; ///< whose behaviour applies to the targets
};

/// What inspect_targets does with a target it cannot read.
enum class Unreadable {
    fail,   ///< throw (list)
    record, ///< keep its error, go on (status)
};

/// Reads every target with its condition and crash delivery under crash (the host's
/// settings). Throws std::system_error, OperationError only with Unreadable::fail.
TargetsInspection inspect_targets(const Root& root, const CrashSettings& crash,
                                  Unreadable unreadable);

/// The kernel whose behaviour applies to the targets: <root>/proc/sys/kernel/osrelease,
/// else uname(2) on the live system; nullopt when neither says.
std::optional<KernelVersion> targets_kernel(const Root& root);

/// For configured values in reading order: the index of the later value the kernel
/// keeps instead of each (the last of its store: /proc/cmdline, or all of modprobe.d
/// together), nullopt for the values it uses.
std::vector<std::optional<std::size_t>> overridden_values(
    const std::vector<ConfiguredValue>& values);

/// A part of the status, or why it could not be read.
template <typename T>
struct Part {
    std::optional<T> value;
    std::string error; ///< why value is missing, with its mentions (phrase() it)
};

/// Everything `status` shows, each part read on its own.
struct Status {
    Part<ModuleState> module;
    Part<bool> configfs_mounted;
    TargetsInspection targets;
    Part<PrintkLevels> printk;
    std::vector<Warning> console_warnings; ///< check_console_loglevel() of printk
    Part<std::vector<ConfiguredValue>> configured;
    std::vector<std::optional<std::size_t>> overridden; ///< overridden_values(configured)
    std::vector<Warning> skipped; ///< configuration files that were not read
    CrashSettings crash;          ///< what the host does when it crashes
    /// The host's verdict when it loses (or cannot tell) the panic of an enabled target.
    std::optional<CrashVerdict> lost_panic;
    /// The kernel's module index knows no netconsole (neither built in nor a module).
    bool no_netconsole = false;
    /// configfs is known not to be mounted (netconsole's targets cannot be made).
    bool configfs_unmounted = false;
};

/// Reads the status under root; a part that cannot be read is recorded, never thrown.
Status read_status(const Root& root);

} // namespace ncs::ops
