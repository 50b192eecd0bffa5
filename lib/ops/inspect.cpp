#include "ops/inspect.hpp"

#include "grammar/boot_values.hpp"
#include "system/crash_settings.hpp"
#include "system/kmod.hpp"

#include <algorithm>
#include <map>

namespace ncs::ops {
namespace {

using DeviceEvents = std::map<std::string, std::optional<StopReason>>;

/// netconsole_device_events() of <root>/dev/kmsg; empty when it cannot be read.
DeviceEvents read_device_events(const Root& root) {
    const auto log = read_kernel_log(root);
    return log ? netconsole_device_events(*log) : DeviceEvents{};
}

TargetReport report_target(const Root& root, const ConfigfsTarget& target,
                           const DeviceEvents& events) {
    TargetReport report;
    if (!target.dev_name.empty()) {
        report.device = read_target_device(root, target.dev_name);
        if (const auto it = events.find(target.dev_name); it != events.end()) {
            report.logged_stop = it->second;
        }
    }
    report.condition = target_condition(target, report.device, report.logged_stop);
    return report;
}

/// The verdicts for an enabled target are the host's: the kernel enabled it, so its
/// device does netpoll (netpoll_setup() succeeded); unless its device drops what it sends.
CrashDelivery judge_crash(const CrashSettings& crash, const TargetInspection& part) {
    const auto condition = part.report.condition;
    const auto state = !part.target->enabled ? TargetState::disabled
                       : condition == TargetCondition::device_down ||
                               condition == TargetCondition::no_carrier
                           ? TargetState::silent
                           : TargetState::enabled;
    return crash_delivery(crash, state, Netpoll::capable);
}

/// The kernel release whose modules to look at: the running kernel's, except under a
/// --root holding modules for exactly one kernel (an installed system seen from a
/// rescue shell), where it is that one.
std::optional<std::string> release_under(const Root& root) {
    if (root.is_system_root()) {
        return std::nullopt;
    }
    const auto releases = module_releases(root);
    if (releases.size() != 1) {
        return std::nullopt;
    }
    return releases.front();
}

template <typename Read>
auto read_part(Read read) -> Part<decltype(read())> {
    try {
        return {read(), {}};
    } catch (const std::exception& e) {
        return {std::nullopt, message_of(e)}; // mentions kept: the CLI phrases them
    }
}

/// The host's verdict when it loses (or cannot tell) the panic of an enabled target.
std::optional<CrashVerdict> lost_panic(const Status& status) {
    const auto& targets = status.targets.targets;
    const bool enabled = std::any_of(targets.begin(), targets.end(), [](const auto& part) {
        return part.target && part.target->enabled;
    });
    if (const auto verdict = panic_delivery(status.crash); enabled && !verdict.reaches()) {
        return verdict;
    }
    return std::nullopt;
}

} // namespace

std::optional<KernelVersion> targets_kernel(const Root& root) {
    const auto release = kernel_release_of(root);
    return release ? parse_kernel_version(*release) : std::nullopt;
}

TargetsInspection inspect_targets(const Root& root, const CrashSettings& crash,
                                  Unreadable unreadable) {
    TargetsInspection inspection;
    const SystemConfigfsFiles files(root);
    const auto dir = netconsole_dir(root);
    inspection.present = files.is_directory(dir);
    if (!inspection.present) {
        return inspection;
    }
    const auto names = list_targets(files, dir);
    const auto events = names.empty() ? DeviceEvents{} : read_device_events(root);
    for (const auto& name : names) {
        TargetInspection part{name, std::nullopt, {}, {}, {}};
        try {
            part.target = read_target(files, dir, name);
            part.report = report_target(root, *part.target, events);
        } catch (const std::exception& e) {
            if (unreadable == Unreadable::fail) {
                throw;
            }
            part.error = message_of(e);
        }
        if (part.target) {
            part.crash = judge_crash(crash, part);
        }
        inspection.targets.push_back(std::move(part));
    }
    inspection.kernel = targets_kernel(root);
    return inspection;
}

std::vector<std::optional<std::size_t>> overridden_values(
    const std::vector<ConfiguredValue>& values) {
    std::vector<grammar::ValueStore> stores;
    for (const auto& value : values) {
        stores.push_back(value.source == "/proc/cmdline" ? grammar::ValueStore::kernel_cmdline
                                                         : grammar::ValueStore::module_options);
    }
    return grammar::overridden_by(stores);
}

Status read_status(const Root& root) {
    Status status;
    status.module =
        read_part([&] { return read_module_state(root, "netconsole", release_under(root)); });
    status.crash = read_crash_settings(root);
    if (!status.crash.kernel && status.module.value) {
        // Under a --root without /proc: the one kernel it holds modules for.
        status.crash.kernel = parse_kernel_version(status.module.value->release);
    }
    status.configfs_mounted = read_part([&] { return configfs_mounted(root); });
    status.targets = inspect_targets(root, status.crash, Unreadable::record);
    status.printk = read_part([&] { return read_printk_levels(root); });
    if (status.printk.value) {
        status.console_warnings = check_console_loglevel(status.printk.value->console_loglevel);
    }
    status.configured =
        read_part([&] { return find_configured_values(root, &status.skipped); });
    if (status.configured.value) {
        status.overridden = overridden_values(*status.configured.value);
    }
    status.lost_panic = lost_panic(status);
    status.no_netconsole = status.module.value &&
                           status.module.value->kind() == ModuleKind::absent &&
                           status.module.value->index_found;
    status.configfs_unmounted =
        status.configfs_mounted.value && !*status.configfs_mounted.value;
    return status;
}

} // namespace ncs::ops
