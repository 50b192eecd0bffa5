#pragma once
// Preparing the running kernel for configfs targets: the privilege check,
// loading modules as modprobe does (libkmod: modprobe.d options and blacklists
// honoured), and mounting configfs. The only file that includes <libkmod.h>.

#include "system/module_state.hpp"
#include "system/root.hpp"

#include <string_view>

namespace ncs {

/// Whether this process has CAP_SYS_ADMIN in its effective set (capget(2)): what
/// configfs writes, mount(2) and module loading (with CAP_SYS_MODULE) need.
bool has_sys_admin_capability();

enum class ModuleLoad { builtin, already_loaded, loaded };

/// Loads module name and its dependencies into the running kernel as `modprobe name`
/// does, with the options and blacklist of modprobe.d. Throws OperationError when the
/// module does not exist for this kernel or is blacklisted, std::system_error when the
/// kernel refuses it. Acts on the running kernel: needs a LiveKernel (never under --root).
ModuleLoad load_module(const LiveKernel& kernel, std::string_view name);

/// Whether <root>/proc/self/mounts lists a configfs on /sys/kernel/config (or on its
/// path under root). Throws std::system_error when the mount table cannot be read.
bool configfs_mounted(const Root& root);

/// mount -t configfs none <root>/sys/kernel/config. Throws std::system_error.
/// Acts on the running kernel: needs a LiveKernel (never under --root).
void mount_configfs(const LiveKernel& kernel, const Root& root);

/// The module and mount operations getting the kernel ready needs (apply::prepare_kernel),
/// behind one seam so that their decisions are unit-tested with a recording fake.
class KernelModules {
public:
    virtual ~KernelModules() = default;
    /// What the module index and /sys/module say about module name (read_module_state).
    virtual ModuleState state(std::string_view name) const = 0;
    /// load_module(): loads name as modprobe does.
    virtual ModuleLoad load(std::string_view name) = 0;
    /// configfs_mounted().
    virtual bool configfs_mounted() const = 0;
    /// mount_configfs().
    virtual void mount_configfs() = 0;
};

/// KernelModules on the running kernel (root "/", as a LiveKernel implies).
class SystemKernelModules final : public KernelModules {
public:
    SystemKernelModules(const LiveKernel& kernel, const Root& root)
        : m_kernel(kernel), m_root(root) {}
    ModuleState state(std::string_view name) const override;
    ModuleLoad load(std::string_view name) override;
    bool configfs_mounted() const override;
    void mount_configfs() override;

private:
    LiveKernel m_kernel;
    Root m_root;
};

} // namespace ncs
