#include "ops/kernel_cmdline.hpp"

#include "system/initramfs.hpp"
#include "system/module_state.hpp"
#include "system/sysfs_net.hpp"

#include <algorithm>

namespace ncs::ops {
namespace {

/// How the kernel has netconsole and why, before asking what loads it.
CmdlineBuild kernel_build(const Root& root, std::optional<persist::Build> build,
                          const std::optional<std::string>& kernel) {
    if (build) {
        return {*build, BuildReason::chosen, {}};
    }
    const auto state = read_module_state(root, "netconsole", kernel);
    switch (state.kind()) {
    case ModuleKind::builtin:
        return {persist::Build::builtin, BuildReason::built_in, state.release};
    case ModuleKind::loaded:
    case ModuleKind::loadable:
        return {persist::Build::module, BuildReason::module, state.release};
    case ModuleKind::absent:
        break;
    }
    return {persist::Build::module,
            state.index_found ? BuildReason::no_module : BuildReason::no_modules, state.release};
}

} // namespace

CmdlineBuild cmdline_build(const Root& root, std::optional<persist::Build> build,
                           const std::optional<std::string>& kernel) {
    auto result = kernel_build(root, build, kernel);
    if (result.build == persist::Build::builtin) {
        result.loaded_by = LoadedBy::kernel;
    } else if (result.reason != BuildReason::chosen &&
               initramfs_generator(root) == InitramfsGenerator::initramfs_tools) {
        result.loaded_by = LoadedBy::initramfs_tools;
    }
    return result;
}

CmdlinePlan plan_cmdline(const Root& root, const CmdlineRequest& request) {
    CmdlinePlan plan;
    plan.fragment = persist::cmdline_fragment(request.targets, request.build, request.console_level);
    if (request.write_grub) {
        plan.files.push_back(plan_write(root, persist::k_grub_path,
                                        persist::grub_dropin(plan.fragment), request.force));
    }
    return plan;
}

InitramfsModules initramfs_modules(const Root& root, const std::vector<Target>& targets) {
    InitramfsModules result;
    result.modules.emplace_back("netconsole");
    for (const auto& target : targets) {
        const auto* dev = target.device_name();
        if (dev == nullptr) {
            continue;
        }
        const auto module = interface_driver_module(root, *dev);
        if (!module) {
            if (std::find(result.unknown_drivers.begin(), result.unknown_drivers.end(), *dev) ==
                result.unknown_drivers.end()) {
                result.unknown_drivers.push_back(*dev);
            }
        } else if (std::find(result.modules.begin(), result.modules.end(), *module) ==
                   result.modules.end()) {
            result.modules.push_back(*module);
        }
    }
    return result;
}

FilePlan plan_initramfs_config(const Root& root, InitramfsGenerator generator,
                               const std::vector<std::string>& modules, Force force) {
    switch (generator) {
    case InitramfsGenerator::initramfs_tools:
        return plan_write(root, persist::k_initramfs_tools_modules_path,
                          persist::initramfs_tools_modules(modules), force);
    case InitramfsGenerator::dracut:
        return plan_write(root, persist::k_dracut_conf_path, persist::dracut_conf(modules),
                          force);
    case InitramfsGenerator::none:
        break;
    }
    throw OperationError("neither initramfs-tools nor dracut builds this system's initramfs",
                         "list netconsole and the device's driver in its generator's "
                         "configuration");
}

} // namespace ncs::ops
