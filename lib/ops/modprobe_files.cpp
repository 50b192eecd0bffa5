#include "ops/modprobe_files.hpp"

#include "model/console_level.hpp"
#include "persist/persist.hpp"
#include "system/module_state.hpp"
#include "system/printk.hpp"

#include <fmt/format.h>

namespace ncs::ops {

BuiltInNetconsoleError::BuiltInNetconsoleError(const std::string& release)
    : OperationError(
          fmt::format("netconsole is built into {}: modprobe.d options are not used", release)) {}

std::string require_modular_netconsole(const Root& root, const std::optional<std::string>& kernel) {
    const auto state = read_module_state(root, "netconsole", kernel);
    if (state.kind() == ModuleKind::builtin) {
        throw BuiltInNetconsoleError(state.release);
    }
    return state.release;
}

ModprobePlan plan_modprobe(const Root& root, const ModprobeRequest& request) {
    for (const auto& target : request.targets) {
        require_boot_features(target, request.release);
    }
    ModprobePlan plan;
    plan.files.push_back(plan_write(root, persist::k_modprobe_path,
                                    persist::modprobe_conf(request.targets), request.force));
    if (request.load_at_boot) {
        plan.files.push_back(plan_write(root, persist::k_modules_load_path,
                                        persist::modules_load_conf(), request.force));
    }
    if (const auto level = request.console_level) {
        validate_console_level(*level);
        // Keep the other three values as they are now; the kernel's defaults
        // (CONSOLE_LOGLEVEL_DEFAULT 7, MESSAGE_LOGLEVEL_DEFAULT 4, minimum 1)
        // when /proc cannot be read.
        PrintkLevels now{*level, 4, 1, 7};
        try {
            now = read_printk_levels(root);
        } catch (const std::exception&) {
            plan.printk_unread = true;
        }
        plan.files.push_back(plan_sysctl(
            root,
            [&](persist::SysctlSettings& s) {
                s.printk = std::array{*level, now.default_message_loglevel,
                                      now.minimum_console_loglevel, now.default_console_loglevel};
            },
            request.force));
    }
    if (!request.targets.empty() && request.targets.front().device_name() != nullptr) {
        plan.boot_device = *request.targets.front().device_name();
    }
    return plan;
}

Resolved<ModprobePlan> plan_modprobe(const Root& root, const ModprobeTargetsRequest& request) {
    const auto release = require_modular_netconsole(root, request.kernel);
    auto result = resolve_then(request.targets, root, [&](std::vector<Target> targets) {
        return plan_modprobe(root, {std::move(targets), release, request.load_at_boot,
                                    request.console_level, request.force});
    });
    drop_version_warnings(result.attempts, release);
    return result;
}

ModprobePlan plan_modprobe_removal(const Root& root) {
    ModprobePlan plan;
    for (const auto path : {persist::k_modprobe_path, persist::k_modules_load_path}) {
        plan.files.push_back(plan_remove(root, path));
    }
    // kernel.panic there is panic-watchdog's: only the printk line is modprobe's.
    plan.files.push_back(
        plan_sysctl(root, [](persist::SysctlSettings& s) { s.printk.reset(); }, Force::no));
    return plan;
}

} // namespace ncs::ops
