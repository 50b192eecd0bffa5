#pragma once
// `modprobe`'s use case (issue 21): the modprobe.d options for the netconsole module, and
// with them modules-load.d and the console level in sysctl.d; or their removal. Planned
// whole before anything is written (carry_out writes all or none).

#include "model/target.hpp"
#include "ops/owned_files.hpp"
#include "ops/resolve.hpp"
#include "system/root.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ncs::ops {

/// netconsole is built into the kernel: modprobe.d options are not used (the kernel
/// command line is what it reads).
class BuiltInNetconsoleError : public OperationError {
public:
    explicit BuiltInNetconsoleError(const std::string& release);
};

/// Throws BuiltInNetconsoleError when netconsole is built into the kernel release (default: the
/// running one) under root: a built-in netconsole never reads modprobe.d. Checked before
/// the targets are resolved. Returns the release looked at.
std::string require_modular_netconsole(const Root& root, const std::optional<std::string>& kernel);

/// What `modprobe` writes for resolved targets.
struct ModprobeRequest {
    std::vector<Target> targets;
    std::string release;              ///< the kernel the module is of ("" unknown)
    bool load_at_boot = false;        ///< also /etc/modules-load.d/netconsole.conf
    std::optional<int> console_level; ///< also kernel.printk in sysctl.d (validated: 1-8)
    Force force = Force::no;
};

struct ModprobePlan {
    std::vector<FilePlan> files;
    /// <root>/proc/sys/kernel/printk could not be read: the kernel's defaults 4 1 7 are
    /// kept beside the console level.
    bool printk_unread = false;
    /// The device the module may not find at boot ("" when the targets name none).
    std::string boot_device;
};

/// The files for request. Throws OwnedFileError, OperationError, InputError (a feature
/// the release lacks: require_boot_features); nothing written.
ModprobePlan plan_modprobe(const Root& root, const ModprobeRequest& request);

/// `modprobe` as one call: the target requests as given, and what to write with them.
struct ModprobeTargetsRequest {
    std::vector<TargetRequest> targets;
    std::optional<std::string> kernel; ///< the release to check (default: the running one)
    bool load_at_boot = false;
    std::optional<int> console_level;
    Force force = Force::no;
};

/// require_modular_netconsole() (throws BuiltInNetconsoleError before anything is
/// resolved), then the targets resolved and the files planned (resolve_then). Nothing written.
Resolved<ModprobePlan> plan_modprobe(const Root& root, const ModprobeTargetsRequest& request);

/// The removal of the files modprobe wrote (and only those; sysctl.d keeps
/// panic-watchdog's kernel.panic). Throws OperationError; nothing written.
ModprobePlan plan_modprobe_removal(const Root& root);

} // namespace ncs::ops
