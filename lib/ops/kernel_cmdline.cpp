#include "ops/kernel_cmdline.hpp"

#include "system/initramfs.hpp"
#include "system/initramfs_image.hpp"
#include "system/module_state.hpp"
#include "system/sysfs_net.hpp"

#include <algorithm>
#include <system_error>

namespace ncs::ops {
namespace {

/// How the kernel has netconsole and why, before asking what loads it.
CmdlineBuild kernel_build(const Root& root, std::optional<persist::Build> build,
                          const std::optional<std::string>& kernel) {
    if (build) {
        std::string release;
        try {
            release = kernel ? *kernel : running_kernel_release();
        } catch (const std::system_error&) {
            // unknown: nothing is checked against it
        }
        return {*build, BuildReason::chosen, std::move(release)};
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

/// The driver module of device: the interface's by name; by MAC, the one module of the
/// interfaces with that address (a bridge sharing its port's has no driver); nullopt
/// when sysfs under root does not tell one.
std::optional<std::string> device_driver_module(const Root& root, const Device& device) {
    if (const auto* name = std::get_if<std::string>(&device)) {
        return interface_driver_module(root, *name);
    }
    std::optional<std::string> found;
    for (const auto& name : interfaces_with_address(root, std::get<MacAddress>(device))) {
        const auto module = interface_driver_module(root, name);
        if (module && found && *module != *found) {
            return std::nullopt; // two drivers: which one boots is not known
        }
        found = module ? module : found;
    }
    return found;
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
    for (const auto& target : request.targets) {
        require_boot_features(target, request.release);
    }
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
        const auto module = device_driver_module(root, target.device);
        if (!module) {
            if (std::find(result.unknown_drivers.begin(), result.unknown_drivers.end(),
                          target.device) == result.unknown_drivers.end()) {
                result.unknown_drivers.push_back(target.device);
            }
        } else if (std::find(result.modules.begin(), result.modules.end(), *module) ==
                   result.modules.end()) {
            result.modules.push_back(*module);
        }
    }
    return result;
}

namespace {

/// The module a member of the image is, "" for none: "…/net/e1000e/e1000e.ko.zst" is
/// e1000e; '-' read as '_' as kmod does (snd-hda-intel.ko is snd_hda_intel).
std::string module_of_member(std::string_view member) {
    auto name = member.substr(member.rfind('/') + 1);
    bool module = false;
    for (const std::string_view suffix : {".ko", ".ko.xz", ".ko.zst", ".ko.gz"}) {
        if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
            name.remove_suffix(suffix.size());
            module = true;
            break;
        }
    }
    if (!module) {
        return {};
    }
    std::string result(name);
    std::replace(result.begin(), result.end(), '-', '_');
    return result;
}

} // namespace

bool InitramfsCheck::complete() const {
    return image_found && std::none_of(modules.begin(), modules.end(), [](const auto& module) {
               return module.second == InImage::missing;
           });
}

InitramfsCheck check_initramfs(const Root& root, const std::optional<std::string>& kernel,
                               const std::vector<std::string>& modules) {
    InitramfsCheck check;
    check.release = kernel ? *kernel : read_module_state(root, "netconsole").release;
    check.image = "/boot/initrd.img-" + check.release;
    const auto members = initramfs_members(root, check.image);
    check.image_found = members.has_value();
    std::vector<std::string> held;
    if (members) {
        for (const auto& member : *members) {
            if (auto module = module_of_member(member); !module.empty()) {
                held.push_back(std::move(module));
            }
        }
    }
    for (const auto& module : modules) {
        std::string wanted = module;
        std::replace(wanted.begin(), wanted.end(), '-', '_');
        auto where = InImage::missing;
        if (std::find(held.begin(), held.end(), wanted) != held.end()) {
            where = InImage::image;
        } else if (read_module_state(root, module, check.release).kind() == ModuleKind::builtin) {
            where = InImage::built_in;
        }
        check.modules.emplace_back(module, where);
    }
    return check;
}

std::vector<FilePlan> plan_initramfs_config(const Root& root, InitramfsGenerator generator,
                                            const std::vector<std::string>& modules,
                                            Force force) {
    switch (generator) {
    case InitramfsGenerator::initramfs_tools: {
        std::vector<FilePlan> plans{plan_write(root, persist::k_initramfs_tools_hook_path,
                                               persist::initramfs_tools_hook(modules), force,
                                               FileMode::executable)};
        // The list earlier versions wrote: the hook replaces it. plan_remove leaves
        // the administrator's own (Debian's stock file included) as it is.
        auto old_list = plan_remove(root, persist::k_initramfs_tools_modules_path);
        if (file_action(old_list) == FileAction::remove) {
            plans.push_back(std::move(old_list));
        }
        return plans;
    }
    case InitramfsGenerator::dracut:
        return {plan_write(root, persist::k_dracut_conf_path, persist::dracut_conf(modules),
                           force)};
    case InitramfsGenerator::none:
        break;
    }
    throw OperationError("neither initramfs-tools nor dracut builds this system's initramfs",
                         "list netconsole and the device's driver in its generator's "
                         "configuration");
}

} // namespace ncs::ops
