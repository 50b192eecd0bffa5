#pragma once
// Is a kernel module built in, loadable, loaded or absent? Read from what is
// there: <root>/lib/modules/<release>/modules.{builtin,builtin.modinfo,dep,alias},
// <root>/sys/module and <root>/proc/modules; a missing file is no error. Pure
// reading under a Root; nothing is loaded.

#include "system/root.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ncs {

enum class ModuleKind { builtin, loaded, loadable, absent };

/// "builtin", "loaded", "loadable" or "absent".
std::string_view to_string(ModuleKind kind) noexcept;

struct ModuleState {
    std::string name;    ///< normalised: '-' becomes '_', as the kernel names modules
    std::string release; ///< the kernel release whose module index was read
    bool builtin = false;  ///< in modules.builtin, or in /sys/module with no initstate
    bool loadable = false; ///< in modules.dep or named by modules.alias
    bool loaded = false;   ///< /sys/module/<name>/initstate or refcnt, or in /proc/modules
    bool index_found = false; ///< <root>/lib/modules/<release> exists
    /// modules.builtin or modules.builtin.modinfo was there to say what is built in.
    /// Debian's linux-modules-<release> (7.x) ships neither (linux-base-<release> does);
    /// without them only /sys/module tells a built-in module, for the running kernel.
    bool builtin_index_found = false;

    /// One answer: builtin, else loaded, else loadable, else absent.
    ModuleKind kind() const noexcept;
};

/// The running kernel's release (uname(2)); throws std::system_error.
std::string running_kernel_release();

/// The kernel releases whose modules <root>/lib/modules holds (its directories), sorted;
/// empty when there is none. Never throws.
std::vector<std::string> module_releases(const Root& root);

/// The release of the kernel <root> belongs to: the first line of
/// <root>/proc/sys/kernel/osrelease (a regular file only), else, on the running
/// system, uname(2); nullopt when neither tells. Never throws.
std::optional<std::string> kernel_release_of(const Root& root);

/// What <root> says about module `name` for kernel `release` (uname(2) when unset).
/// Throws InputError for a name that cannot be a module name.
ModuleState read_module_state(const Root& root, std::string_view name,
                              std::optional<std::string> release = std::nullopt);

} // namespace ncs
