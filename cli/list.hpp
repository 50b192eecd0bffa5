#pragma once
// `list [--json]`: every configfs target with all its attributes, read-only
// local_mac and transmit_errors included, and why a target does not send (its
// device gone, enslaved, down), which `status` shows too.

#include "context.hpp"
#include "json.hpp"
#include "system/configfs.hpp"
#include "system/kernel_log.hpp"

#include <map>
#include <optional>
#include <string>

namespace ncs::cli {

struct ListOptions {};

/// Registers `list` on app.
Command setup_list(CLI::App& app);

/// Prints the targets under <root>/sys/kernel/config/netconsole. Throws
/// std::system_error, OperationError.
void run_list(const ListOptions& options, const Context& context);

/// {"name", "enabled", "extended", "release", "local_port", "local_ip", "dev_name",
/// "local_mac", "remote_port", "remote_ip", "remote_mac", "transmit_errors", "userdata",
/// "sysdata"}: the attribute names as keys (explain's keys); null for an attribute this
/// kernel does not have, and local_ip null while unset.
Json configfs_target_json(const ConfigfsTarget& target);

/// A target's condition with what it was judged from.
struct TargetReport {
    TargetCondition condition = TargetCondition::unknown;
    std::optional<TargetDevice> device; ///< nullopt: <root>/sys/class/net not there
    std::optional<StopReason> logged_stop; ///< the kernel log's last word on the device
};

/// netconsole_device_events() of <root>/dev/kmsg; empty when it cannot be read.
using DeviceEvents = std::map<std::string, std::optional<StopReason>>;
DeviceEvents read_device_events(const Root& root);

/// The kernel whose behaviour applies to the targets: <root>/proc/sys/kernel/osrelease,
/// else uname(2) on the live system; nullopt when neither says.
std::optional<KernelVersion> targets_kernel(const Root& root);

/// Reads target's device under root and judges its condition.
TargetReport report_target(const Root& root, const ConfigfsTarget& target,
                           const DeviceEvents& events);

/// Why the target does not send and what this kernel does next, one sentence; empty
/// when there is nothing to say (sending, disabled by hand, unknown).
std::string condition_text(const ConfigfsTarget& target, const TargetReport& report,
                           std::optional<KernelVersion> kernel);

/// The warning for an enabled target whose messages the kernel drops silently
/// (device down or without carrier); nullopt otherwise.
std::optional<Warning> condition_warning(const ConfigfsTarget& target,
                                         const TargetReport& report);

/// Adds {"condition", "device": {"exists", "up", "carrier", "master"} or null, "logged_stop":
/// "unregistered", "joined_master", "released_slaves" or null,
/// "resumes_on_register": bool or null (the kernel's unregister behaviour), "reason":
/// condition_text or null} to a target's JSON.
void add_condition_json(Json& json, const ConfigfsTarget& target, const TargetReport& report,
                        std::optional<KernelVersion> kernel);

} // namespace ncs::cli
