#include "target_words.hpp"

#include <fmt/format.h>

namespace ncs::cli {
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

std::string condition_text(const ConfigfsTarget& target, const ops::TargetReport& report,
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
                                         const ops::TargetReport& report) {
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

void add_condition_json(Json& json, const ConfigfsTarget& target, const ops::TargetReport& report,
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

Warning overridden_warning(const ConfiguredValue& value, const ConfiguredValue& by) {
    const bool cmdline = value.source == "/proc/cmdline";
    return {fmt::format("{}: {}={} has no effect: the kernel keeps only the last value of {}, "
                        "{}={}{}",
                        value.source, value.parameter, value.value,
                        cmdline ? "the command line" : "the module options", by.parameter,
                        by.value, by.source == value.source ? "" : " in " + by.source),
            "give every target in one value, separated by ';'"};
}

} // namespace ncs::cli
