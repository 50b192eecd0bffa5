#include "status.hpp"

#include "crash_report.hpp"
#include "explain.hpp"
#include "json.hpp"
#include "list.hpp"
#include "system/config_sources.hpp"
#include "system/configfs.hpp"
#include "system/crash_settings.hpp"
#include "system/kmod.hpp"
#include "system/module_state.hpp"
#include "system/printk.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>

namespace ncs::cli {
namespace {

constexpr const char* k_description =
    "Show netconsole's module, configfs, targets, console log level and configuration";

constexpr const char* k_examples = R"(Examples:
  netconsole-setup status
  netconsole-setup status --json
  # an installed system, from a rescue shell
  netconsole-setup status --root /mnt/sysimage)";

/// A part of the status, or why it could not be read.
template <typename T>
struct Part {
    std::optional<T> value;
    std::string error;
};

template <typename Read>
auto read_part(Read read) -> Part<decltype(read())> {
    try {
        return {read(), {}};
    } catch (const std::exception& e) {
        return {std::nullopt, e.what()};
    }
}

/// One target as read, or the error reading it.
struct TargetPart {
    std::string name;
    std::optional<ConfigfsTarget> target;
    std::string error;
    TargetReport report; ///< judged when target was read
    CrashDelivery crash; ///< whether a panic and an oops reach its doctor, when target was read
};

struct Status {
    Part<ModuleState> module;
    Part<bool> configfs_mounted;
    bool dynamic = false; ///< <root>/sys/kernel/config/netconsole exists
    std::vector<TargetPart> targets;
    std::optional<KernelVersion> kernel; ///< whose behaviour applies to the targets
    Part<PrintkLevels> printk;
    Part<std::vector<ConfiguredValue>> configured;
    std::vector<Warning> skipped; ///< configuration files that were not read
    CrashSettings crash;          ///< what the host does when it crashes
};

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

/// One target and its condition (device gone, enslaved, down), or why it is unreadable.
TargetPart read_target_part(const Root& root, const ConfigfsFiles& files,
                            const std::filesystem::path& dir, const std::string& name,
                            const DeviceEvents& events) {
    TargetPart part{name, std::nullopt, {}, {}, {}};
    try {
        part.target = read_target(files, dir, name);
        part.report = report_target(root, *part.target, events);
    } catch (const std::exception& e) {
        part.error = e.what();
    }
    return part;
}

/// The verdicts for an enabled target are the host's: the kernel enabled it, so its
/// device does netpoll (netpoll_setup() succeeded); unless its device drops what it sends.
void judge_crashes(Status& status) {
    for (auto& part : status.targets) {
        if (!part.target) {
            continue;
        }
        const auto condition = part.report.condition;
        const auto state = !part.target->enabled ? TargetState::disabled
                           : condition == TargetCondition::device_down ||
                                   condition == TargetCondition::no_carrier
                               ? TargetState::silent
                               : TargetState::enabled;
        part.crash = crash_delivery(status.crash, state, Netpoll::capable);
    }
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
    const SystemConfigfsFiles files(root);
    const auto dir = netconsole_dir(root);
    status.dynamic = files.is_directory(dir);
    if (status.dynamic) {
        const auto names = list_targets(files, dir);
        const auto events = names.empty() ? DeviceEvents{} : read_device_events(root);
        for (const auto& name : names) {
            status.targets.push_back(read_target_part(root, files, dir, name, events));
        }
        status.kernel = targets_kernel(root);
    }
    status.printk = read_part([&] { return read_printk_levels(root); });
    status.configured =
        read_part([&] { return find_configured_values(root, &status.skipped); });
    judge_crashes(status);
    return status;
}

std::string module_text(const ModuleState& module) {
    switch (module.kind()) {
    case ModuleKind::builtin:
        return "built into the kernel";
    case ModuleKind::loaded:
        return "module loaded";
    case ModuleKind::loadable:
        return "module available, not loaded";
    case ModuleKind::absent:
        break;
    }
    if (module.index_found && !module.builtin_index_found) {
        return "absent: not in modules.dep, and no modules.builtin says it is built in";
    }
    return module.index_found ? "absent: no netconsole module for this kernel"
                              : fmt::format("unknown: no module index for kernel {}",
                                            module.release);
}

/// Enabled targets whose messages the kernel drops silently (device down, no carrier).
void add_target_warnings(const Status& status, std::vector<Warning>& warnings) {
    for (const auto& part : status.targets) {
        if (part.target) {
            if (auto warning = condition_warning(*part.target, part.report)) {
                warnings.push_back(std::move(*warning));
            }
        }
    }
}

/// The host's verdict when it loses (or cannot tell) the panic of an enabled target;
/// nullopt when it does not. A target that sends nothing now has its own warning.
std::optional<CrashVerdict> lost_panic(const Status& status) {
    const bool enabled = std::any_of(status.targets.begin(), status.targets.end(),
                                     [](const TargetPart& part) {
                                         return part.target && part.target->enabled;
                                     });
    if (const auto verdict = panic_delivery(status.crash); enabled && !verdict.reaches()) {
        return verdict;
    }
    return std::nullopt;
}

/// The warnings status gives: what stops netconsole from sending, and the console level.
std::vector<Warning> status_warnings(const Status& status) {
    std::vector<Warning> warnings;
    if (status.module.value && status.module.value->kind() == ModuleKind::absent &&
        status.module.value->index_found) {
        warnings.push_back({"this kernel has no netconsole", "install a kernel built with "
                                                             "CONFIG_NETCONSOLE"});
    }
    if (status.configfs_mounted.value && !*status.configfs_mounted.value) {
        warnings.push_back({"configfs is not mounted on /sys/kernel/config",
                            "'netconsole-setup apply' mounts it"});
    }
    add_target_warnings(status, warnings);
    if (const auto lost = lost_panic(status)) {
        if (auto warning = panic_warning(*lost)) {
            warnings.push_back(std::move(*warning));
        }
    }
    if (status.printk.value) {
        for (auto& warning : check_console_loglevel(status.printk.value->console_loglevel)) {
            warnings.push_back(std::move(warning));
        }
    }
    if (const auto& configured = status.configured.value) {
        const auto overridden = overridden_values(*configured);
        for (std::size_t i = 0; i < configured->size(); ++i) {
            if (overridden[i]) {
                warnings.push_back(
                    overridden_warning((*configured)[i], (*configured)[*overridden[i]]));
            }
        }
    }
    return warnings;
}

/// A target's JSON as `list --json` gives it, or {"name", "error"}.
Json target_part_json(const TargetPart& part, std::optional<KernelVersion> kernel) {
    if (!part.target) {
        return Json{{"name", part.name}, {"error", part.error}};
    }
    auto json = configfs_target_json(*part.target);
    add_condition_json(json, *part.target, part.report, kernel);
    json["panic"] = verdict_json(part.crash.panic);
    json["oops"] = verdict_json(part.crash.oops);
    return json;
}

Json status_json(const Status& status, const std::vector<Warning>& warnings) {
    Json json;
    if (const auto& module = status.module.value) {
        json["module"] = {{"state", to_string(module->kind())},
                          {"release", module->release},
                          {"builtin", module->builtin},
                          {"loadable", module->loadable},
                          {"loaded", module->loaded},
                          {"index_found", module->index_found},
                          {"builtin_index_found", module->builtin_index_found}};
    } else {
        json["module"] = {{"error", status.module.error}};
    }
    json["configfs_mounted"] = status.configfs_mounted.value
                                   ? Json(*status.configfs_mounted.value)
                                   : Json(nullptr);
    json["crash"] = crash_settings_json(status.crash);
    json["dynamic_targets"] = status.dynamic;
    json["targets"] = Json::array();
    for (const auto& part : status.targets) {
        json["targets"].push_back(target_part_json(part, status.kernel));
    }
    if (const auto& printk = status.printk.value) {
        json["printk"] = {{"console_loglevel", printk->console_loglevel},
                          {"default_message_loglevel", printk->default_message_loglevel},
                          {"minimum_console_loglevel", printk->minimum_console_loglevel},
                          {"default_console_loglevel", printk->default_console_loglevel}};
    } else {
        json["printk"] = {{"error", status.printk.error}};
    }
    json["configured"] = Json::array();
    if (const auto& configured = status.configured.value) {
        const auto overridden = overridden_values(*configured);
        for (std::size_t i = 0; i < configured->size(); ++i) {
            const auto& found = (*configured)[i];
            json["configured"].push_back({{"source", found.source},
                                          {"parameter", found.parameter},
                                          {"value", found.value},
                                          {"effective", !overridden[i].has_value()}});
        }
    }
    json["errors"] = Json::array();
    for (const auto* error : {&status.module.error, &status.configfs_mounted.error,
                              &status.printk.error, &status.configured.error}) {
        if (!error->empty()) {
            json["errors"].push_back(*error);
        }
    }
    json["warnings"] = Json::array();
    for (const auto& warning : warnings) {
        json["warnings"].push_back(warning_json(warning, std::nullopt));
    }
    return json;
}

/// "  NAME enabled|disabled: ... dev DEV", then why it does not send.
void print_target(const TargetPart& part, std::optional<KernelVersion> kernel,
                  std::ostream& out) {
    const auto& t = *part.target;
    out << fmt::format("  {} {}: {}{} -> {}:{} via {} dev {}\n", printable(t.name),
                       t.enabled ? "enabled" : "disabled", t.extended ? "extended, " : "",
                       fmt::format("from {}:{}", t.local_ip, t.local_port), t.remote_ip,
                       t.remote_port, t.remote_mac, printable(t.dev_name));
    if (const auto reason = condition_text(t, part.report, kernel); !reason.empty()) {
        out << fmt::format("    {}\n", reason);
    }
    out << fmt::format("    panic: {}\n", verdict_text(part.crash.panic));
    if (part.crash.oops != part.crash.panic) {
        out << fmt::format("    oops: {}\n", verdict_text(part.crash.oops));
    }
}

void print_status(const Status& status, std::ostream& out) {
    const auto unknown = [](const std::string& error) { return "unknown (" + error + ")"; };
    out << fmt::format("netconsole:       {}\n", status.module.value
                                                     ? module_text(*status.module.value)
                                                     : unknown(status.module.error));
    out << fmt::format("configfs:         {}\n",
                       !status.configfs_mounted.value ? unknown(status.configfs_mounted.error)
                       : *status.configfs_mounted.value ? "mounted on /sys/kernel/config"
                                                        : "not mounted");
    if (!status.dynamic) {
        out << "targets:          none (/sys/kernel/config/netconsole does not exist)\n";
    } else if (status.targets.empty()) {
        out << "targets:          none\n";
    } else {
        out << "targets:\n";
    }
    for (const auto& part : status.targets) {
        if (!part.target) {
            out << fmt::format("  {}: unreadable ({})\n", printable(part.name),
                               printable(part.error));
            continue;
        }
        print_target(part, status.kernel, out);
    }
    if (status.dynamic) {
        out << "  (boot-time targets cmdline0... show only once adopted: "
               "'apply --name cmdline0')\n";
    }
    if (const auto& printk = status.printk.value) {
        const int highest = std::clamp(printk->console_loglevel - 1, 0, 7);
        out << fmt::format("console loglevel: {} (levels 0-{}, emerg..{}, are sent)\n",
                           printk->console_loglevel, highest, loglevel_name(highest));
    } else {
        out << fmt::format("console loglevel: {}\n", unknown(status.printk.error));
    }
    if (!status.configured.value) {
        out << fmt::format("configured:       {}\n", unknown(status.configured.error));
    } else if (status.configured.value->empty()) {
        out << "configured:       nothing in /proc/cmdline or /etc/modprobe.d\n";
    } else {
        out << "configured:\n";
        const auto& configured = *status.configured.value;
        const auto overridden = overridden_values(configured);
        for (std::size_t i = 0; i < configured.size(); ++i) {
            const auto& found = configured[i];
            out << fmt::format("  {}: {}={}{}\n", printable(found.source),
                               printable(found.parameter), printable(found.value),
                               overridden[i] ? " (no effect: a later value replaces it)" : "");
        }
    }
}

} // namespace

Command setup_status(CLI::App& app) {
    auto options = std::make_shared<StatusOptions>();
    auto* status = app.add_subcommand("status", k_description);
    status->add_flag("--check", options->check,
                     "Exit 1 when configfs differs from what the configuration resolves to now");
    status->add_flag("--check-panic", options->check_panic,
                     "Exit 1 when a panic would not reach the doctor of an enabled target");
    status
        ->add_option_function<std::string>(
            "--config", [o = options.get()](const std::string& v) { o->config = v; },
            "The configuration --check compares with (default /etc/netconsole-setup.conf)")
        ->type_name("FILE");
    status->footer(k_examples);
    return {status, [options](const Context& c) { run_status(*options, c); }};
}

namespace {

/// --check-panic: an OperationError (exit 1) naming the first enabled target whose panic
/// is lost, or whose fate cannot be told.
void check_panic(const Status& status) {
    const auto lost = lost_panic(status);
    if (!lost) {
        return;
    }
    const auto warning = panic_warning(*lost);
    if (!warning) {
        throw OperationError(fmt::format("cannot tell whether a panic reaches the doctor: {}",
                                         loss_text(*lost)));
    }
    throw OperationError(warning->message, warning->hint);
}

} // namespace

void run_status(const StatusOptions& options, const Context& context) {
    if (options.check || options.config) {
        if (options.check_panic) {
            check_panic(read_status(context.root)); // before --check prints its lines
        }
        run_status_check(options, context);
        return;
    }
    const auto status = read_status(context.root);
    for (const auto& warning : status.skipped) {
        context.output.warning(warning);
    }
    // A failed check is the error alone (stdout empty), as --check's drift is.
    if (options.check_panic) {
        check_panic(status);
    }
    const auto warnings = status_warnings(status);
    if (context.global.json) {
        context.output.result() << dump(status_json(status, warnings));
        return;
    }
    for (const auto& warning : warnings) {
        context.output.warning(warning);
    }
    print_status(status, context.output.result());
}

} // namespace ncs::cli
