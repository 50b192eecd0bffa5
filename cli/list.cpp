#include "list.hpp"

#include "system/module_state.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <memory>
#include <ostream>

namespace ncs::cli {
namespace {

constexpr const char* k_description = "List the netconsole targets in configfs";

/// Shown as the system path, also under --root (as explain shows /proc/cmdline).
constexpr const char* k_shown_dir = "/sys/kernel/config/netconsole";

std::string boot_note() {
    return fmt::format(
        "boot-time targets (netconsole= on the kernel command line or at module load) are "
        "named cmdline0, cmdline1, ... and stay invisible here until adopted (Linux {}+): "
        "netconsole-setup apply --name cmdline0 --to ...",
        to_string(added_in::cmdline_adoption));
}

} // namespace

Json configfs_target_json(const ConfigfsTarget& target) {
    Json json;
    json["name"] = target.name;
    json["enabled"] = target.enabled;
    json["extended"] = target.extended;
    json["release"] = target.release ? Json(*target.release) : Json(nullptr);
    json["local_port"] = target.local_port;
    json["local_ip"] =
        target.local_ip.is_unspecified() ? Json(nullptr) : Json(target.local_ip.to_string());
    json["dev_name"] = target.dev_name;
    json["local_mac"] = target.local_mac.to_string();
    json["remote_port"] = target.remote_port;
    json["remote_ip"] = target.remote_ip.to_string();
    json["remote_mac"] = target.remote_mac.to_string();
    json["transmit_errors"] =
        target.transmit_errors ? Json(*target.transmit_errors) : Json(nullptr);
    if (target.features.userdata) {
        Json userdata = Json::object();
        for (const auto& entry : target.userdata) {
            userdata[entry.key] = entry.value;
        }
        json["userdata"] = std::move(userdata);
    } else {
        json["userdata"] = nullptr;
    }
    Json sysdata = Json::object();
    for (const auto& s : k_sysdata_switches) {
        if (target.features.*s.feature) {
            auto key = std::string(s.file);
            key.erase(key.rfind("_enabled"));
            sysdata[key] = target.sysdata.*s.value;
        }
    }
    json["sysdata"] = sysdata.empty() ? Json(nullptr) : std::move(sysdata);
    return json;
}

std::optional<KernelVersion> targets_kernel(const Root& root) {
    const auto release = kernel_release_of(root);
    return release ? parse_kernel_version(*release) : std::nullopt;
}

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

namespace {

std::string_view to_string(StopReason reason) {
    switch (reason) {
    case StopReason::unregistered: return "unregistered";
    case StopReason::joined_master: return "joined_master";
    case StopReason::released_slaves: break;
    }
    return "released_slaves";
}

/// "Linux 7.2", or "this kernel" when its version is unknown.
std::string linux_name(std::optional<KernelVersion> kernel) {
    return kernel ? "Linux " + to_string(*kernel) : "this kernel";
}

/// stopped_by_kernel: what the kernel did and how to send again.
std::string stopped_text(const ConfigfsTarget& target, StopReason reason,
                         std::optional<KernelVersion> kernel) {
    const auto& dev = target.dev_name;
    const auto again = fmt::format("'netconsole-setup enable {}' sends again", target.name);
    switch (reason) {
    case StopReason::unregistered:
        return fmt::format(
            "{} went away (the kernel stopped the target as it unregistered) and is back; {}; {}",
            dev,
            kernel && unregister_behaviour(*kernel) == UnregisterBehaviour::resume
                ? fmt::format("{}'s one retry has not enabled the target (it failed, or "
                              "has yet to run)",
                              linux_name(kernel))
                : fmt::format("{} does not enable the target again", linux_name(kernel)),
            again);
    case StopReason::joined_master:
        return fmt::format("the kernel stopped the target when {} joined a bond or bridge, and "
                           "never enables it again; {}",
                           dev, again);
    case StopReason::released_slaves:
        break;
    }
    return fmt::format("the kernel stopped the target when {} released its slaves; {}", dev,
                       again);
}

} // namespace

std::string condition_text(const ConfigfsTarget& target, const TargetReport& report,
                           std::optional<KernelVersion> kernel) {
    const auto& dev = target.dev_name;
    switch (report.condition) {
    case TargetCondition::device_gone:
        if (!kernel) {
            return fmt::format("{} is gone (unregistered): Linux {}+ enables the target again, "
                               "once, when a device named {} registers; older kernels do not",
                               dev, to_string(added_in::resume_on_register), dev);
        }
        if (unregister_behaviour(*kernel) == UnregisterBehaviour::resume) {
            return fmt::format("{} is gone (unregistered): {} enables the target again, once, "
                               "when a device named {} registers (unless it was disabled by hand)",
                               dev, linux_name(kernel), dev);
        }
        return fmt::format("{} is gone (unregistered): {} does not enable the target again; run "
                           "'netconsole-setup apply' once {} is back",
                           dev, linux_name(kernel), dev);
    case TargetCondition::enslaved:
        return fmt::format("{} is enslaved to {}: the kernel disabled the target when {} joined "
                           "it and never enables it again, and refuses a slave device; send "
                           "through {} (apply --dev {})",
                           dev, report.device->master, dev, report.device->master,
                           report.device->master);
    case TargetCondition::stopped_by_kernel:
        return stopped_text(target, *report.logged_stop, kernel);
    case TargetCondition::device_down:
        return fmt::format("{} is down: the kernel drops this target's messages silently (not "
                           "counted in transmit_errors) until {} is up",
                           dev, dev);
    case TargetCondition::no_carrier:
        return fmt::format("{} has no carrier: the kernel drops this target's messages silently "
                           "(not counted in transmit_errors) until the link is back",
                           dev);
    case TargetCondition::sending:
    case TargetCondition::disabled:
    case TargetCondition::unknown:
        break;
    }
    return {};
}

std::optional<Warning> condition_warning(const ConfigfsTarget& target,
                                         const TargetReport& report) {
    if (report.condition == TargetCondition::device_down) {
        return Warning{fmt::format("target {} is enabled but its device {} is down: its "
                                   "messages are dropped silently",
                                   target.name, target.dev_name),
                       fmt::format("ip link set {} up", target.dev_name)};
    }
    if (report.condition == TargetCondition::no_carrier) {
        return Warning{fmt::format("target {} is enabled but its device {} has no carrier: its "
                                   "messages are dropped silently",
                                   target.name, target.dev_name),
                       "check the cable or the link partner"};
    }
    return std::nullopt;
}

void add_condition_json(Json& json, const ConfigfsTarget& target, const TargetReport& report,
                        std::optional<KernelVersion> kernel) {
    json["condition"] = to_string(report.condition);
    if (report.device) {
        json["device"] = {{"exists", report.device->exists},
                          {"up", report.device->up},
                          {"carrier", report.device->carrier},
                          {"master", report.device->master.empty()
                                         ? Json(nullptr)
                                         : Json(report.device->master)}};
    } else {
        json["device"] = nullptr;
    }
    json["logged_stop"] =
        report.logged_stop ? Json(to_string(*report.logged_stop)) : Json(nullptr);
    json["resumes_on_register"] =
        kernel ? Json(unregister_behaviour(*kernel) == UnregisterBehaviour::resume)
               : Json(nullptr);
    const auto reason = condition_text(target, report, kernel);
    json["reason"] = reason.empty() ? Json(nullptr) : Json(reason);
}

Command setup_list(CLI::App& app) {
    auto options = std::make_shared<ListOptions>();
    auto* list = app.add_subcommand("list", k_description);
    list->footer(fmt::format("Boot-time targets (cmdline0, ...) are listed only once adopted "
                             "with\n'netconsole-setup apply --name cmdline0 --to ...' (Linux "
                             "{}+).",
                             to_string(added_in::cmdline_adoption)));
    return {list, [options](const Context& c) { run_list(*options, c); }};
}

void run_list(const ListOptions& /*options*/, const Context& context) {
    const SystemConfigfsFiles files(context.root);
    const auto dir = netconsole_dir(context.root);
    const bool present = files.is_directory(dir);
    std::vector<ConfigfsTarget> targets;
    if (present) {
        for (const auto& name : list_targets(files, dir)) {
            targets.push_back(read_target(files, dir, name));
        }
    }

    const auto kernel = targets_kernel(context.root);
    const auto events = targets.empty() ? DeviceEvents{} : read_device_events(context.root);
    std::vector<TargetReport> reports;
    for (const auto& target : targets) {
        reports.push_back(report_target(context.root, target, events));
    }

    if (context.global.json) {
        Json json;
        json["configfs"] = k_shown_dir;
        json["present"] = present;
        json["targets"] = Json::array();
        for (std::size_t i = 0; i < targets.size(); ++i) {
            auto target_json = configfs_target_json(targets[i]);
            add_condition_json(target_json, targets[i], reports[i], kernel);
            json["targets"].push_back(std::move(target_json));
        }
        json["note"] = boot_note();
        context.output.result() << dump(json);
        return;
    }

    auto& out = context.output.result();
    if (!present) {
        out << fmt::format("no netconsole targets: {} does not exist (netconsole not loaded, "
                           "or configfs not mounted)\n",
                           k_shown_dir);
    } else if (targets.empty()) {
        out << fmt::format("no netconsole targets in {}\n", k_shown_dir);
    }
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const auto& target = targets[i];
        out << fmt::format("{} ({})\n", printable(target.name),
                           target.enabled ? "enabled" : "disabled");
        if (const auto reason = condition_text(target, reports[i], kernel); !reason.empty()) {
            out << fmt::format("  {}\n", printable(reason));
        }
        for (const auto& attribute : target.attributes) {
            out << fmt::format("  {:<27} {}\n", printable(attribute.name),
                               printable(attribute.text));
        }
    }
    out << "note: " << boot_note() << '\n';
}

} // namespace ncs::cli
