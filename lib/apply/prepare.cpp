#include "apply/prepare.hpp"

#include "model/errors.hpp"

#include <fmt/format.h>

namespace ncs::apply {
namespace {

constexpr const char* k_no_dynamic_hint =
    "give the targets on the kernel command line instead (netconsole=)";

} // namespace

std::vector<std::string> prepare_kernel(const ConfigfsFiles& files, KernelModules& modules,
                                        const std::filesystem::path& netconsole_dir) {
    std::vector<std::string> steps;
    const auto netconsole = modules.state("netconsole");
    if (netconsole.index_found && netconsole.kind() == ModuleKind::absent) {
        throw OperationError(
            fmt::format("netconsole is neither built into kernel {} nor a module of it",
                        netconsole.release),
            "install the kernel's modules package, or use a kernel built with "
            "CONFIG_NETCONSOLE");
    }

    const auto configfs = netconsole_dir.parent_path();
    // /sys/kernel/config appears when configfs registers itself.
    if (!files.is_directory(configfs)) {
        if (modules.load("configfs") == ModuleLoad::loaded) {
            steps.emplace_back("loaded module configfs");
        }
    }
    if (!modules.configfs_mounted()) {
        modules.mount_configfs();
        steps.push_back(fmt::format("mounted configfs on {}", configfs.string()));
    }
    if (modules.load("netconsole") == ModuleLoad::loaded) {
        steps.emplace_back("loaded module netconsole");
    }

    if (!files.is_directory(netconsole_dir)) {
        if (netconsole.builtin) {
            throw OperationError("netconsole is built into this kernel without dynamic targets "
                                 "(CONFIG_NETCONSOLE_DYNAMIC)",
                                 k_no_dynamic_hint);
        }
        throw OperationError(
            fmt::format("netconsole is loaded but {} does not exist: it was built without "
                        "dynamic targets (CONFIG_NETCONSOLE_DYNAMIC)",
                        netconsole_dir.string()),
            k_no_dynamic_hint);
    }
    return steps;
}

} // namespace ncs::apply
