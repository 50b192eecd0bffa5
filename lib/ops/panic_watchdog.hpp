#pragma once
// `panic-watchdog`'s use case (issue 19, 21): make a panic reach the doctor on Linux 7.0+:
// kernel.panic=0 live and in the tool's sysctl.d file, and a systemd drop-in that lets a
// hardware watchdog reboot the host that then stays down; or undo it. Planned whole
// (plan_panic_watchdog), then done all or none (carry_out).

#include "model/crash_delivery.hpp"
#include "ops/owned_files.hpp"
#include "system/crash_settings.hpp"
#include "system/root.hpp"

#include <chrono>
#include <optional>
#include <vector>

namespace ncs::ops {

/// Whether kernel.panic=0 is set without a hardware watchdog (the host stays down).
enum class StayDown { no, yes };

struct PanicWatchdogRequest {
    enum class Mode { set, remove };
    Mode mode = Mode::set;
    /// RuntimeWatchdogSec=; at least a second (FieldError, Field::watchdog).
    std::chrono::milliseconds watchdog_timeout = std::chrono::seconds(30);
    StayDown stay_down = StayDown::no;
    Force force = Force::no;
};

/// kernel.panic on the running kernel, from before to after.
struct KernelPanicChange {
    int before = 0;
    int after = 0;
};

struct PanicWatchdogPlan {
    std::vector<FilePlan> files;
    std::optional<KernelPanicChange> kernel_panic; ///< only on the running system (Root "/")
    std::optional<Watchdog> watchdog; ///< the hardware watchdog systemd will drive
    bool live = false; ///< the root is the running system's
    /// remove: kernel.panic is 0 and no value before panic-watchdog was recorded, so it
    /// stays 0 until the next boot.
    bool panic_unrecorded = false;
    /// set: the kernel, older than added_in::nbcon_netconsole, sends a panic before it
    /// reboots (kernel.panic=0 does not matter to it).
    std::optional<KernelVersion> sends_before_reboot;
    /// set: a loaded crash kernel takes the panic whatever kernel.panic says.
    std::optional<CrashVerdict> kdump;
    /// Whether carry_out changes anything.
    bool changes() const;
};

/// No hardware watchdog can reset a host that stays down after a panic (softdog cannot);
/// StayDown::yes would set kernel.panic=0 anyway. Nothing has changed.
class NoHardwareWatchdogError : public OperationError {
public:
    NoHardwareWatchdogError();
};

/// "30s", or "1500ms" when not whole seconds: RuntimeWatchdogSec='s value.
std::string systemd_timespan(std::chrono::milliseconds duration);

/// What request would change. Throws FieldError (a watchdog timeout under a second),
/// NoHardwareWatchdogError (and StayDown::no), OperationError (kernel.panic unreadable),
/// OwnedFileError; nothing has changed by then.
PanicWatchdogPlan plan_panic_watchdog(const Root& root, const PanicWatchdogRequest& request);

/// Changes the running kernel's kernel.panic (kernel: given when plan.kernel_panic is) and
/// writes the files, all or none, holding the writers' lock; the kernel first: it is one
/// value to put back if the files fail. Throws OperationError, std::system_error.
void carry_out(const Root& root, const PanicWatchdogPlan& plan, const LiveKernel* kernel);

} // namespace ncs::ops
