#include "apply/prepare.hpp"

#include "model/errors.hpp"
#include "system/configfs.hpp"
#include "system/kmod.hpp"
#include "system/module_state.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace ncs::apply {
namespace {

constexpr const char* k_no_dynamic_hint =
    "use the kernel command line instead: netconsole-setup cmdline --to ...";

} // namespace

std::vector<std::string> prepare_kernel(const LiveKernel& kernel, const Root& root) {
    std::vector<std::string> steps;
    const auto netconsole = read_module_state(root, "netconsole");
    if (netconsole.index_found && netconsole.kind() == ModuleKind::absent) {
        throw OperationError(
            fmt::format("netconsole is neither built into kernel {} nor a module of it",
                        netconsole.release),
            "install the kernel's modules package, or use a kernel built with "
            "CONFIG_NETCONSOLE");
    }

    std::error_code ec;
    // /sys/kernel/config appears when configfs registers itself.
    if (!std::filesystem::is_directory(configfs_dir(root), ec)) {
        if (load_module(kernel, "configfs") == ModuleLoad::loaded) {
            steps.emplace_back("loaded module configfs");
        }
    }
    if (!configfs_mounted(root)) {
        mount_configfs(kernel, root);
        steps.push_back(fmt::format("mounted configfs on {}", configfs_dir(root).string()));
    }
    if (load_module(kernel, "netconsole") == ModuleLoad::loaded) {
        steps.emplace_back("loaded module netconsole");
    }

    if (!std::filesystem::is_directory(netconsole_dir(root), ec)) {
        if (netconsole.builtin) {
            throw OperationError("netconsole is built into this kernel without dynamic targets "
                                 "(CONFIG_NETCONSOLE_DYNAMIC)",
                                 k_no_dynamic_hint);
        }
        throw OperationError(
            fmt::format("netconsole is loaded but {} does not exist: it was built without "
                        "dynamic targets (CONFIG_NETCONSOLE_DYNAMIC)",
                        netconsole_dir(root).string()),
            k_no_dynamic_hint);
    }
    return steps;
}

} // namespace ncs::apply
