#include "ops/panic_watchdog.hpp"

#include "persist/persist.hpp"
#include "system/writer_lock.hpp"

#include <fmt/format.h>

namespace ncs::ops {
namespace {

/// The first watchdog that can reset a panicked host, or nullopt.
std::optional<Watchdog> hardware_watchdog(const std::vector<Watchdog>& watchdogs) {
    for (const auto& w : watchdogs) {
        if (is_hardware_watchdog(w)) {
            return w;
        }
    }
    return std::nullopt;
}

void plan_removal(const Root& root, const CrashSettings& settings, PanicWatchdogPlan& plan) {
    std::optional<int> recorded;
    plan.files.push_back(plan_sysctl(
        root,
        [&](persist::SysctlSettings& s) {
            recorded = s.panic_before;
            s.panic.reset();
            s.panic_before.reset();
        },
        Force::no));
    plan.files.push_back(plan_remove(root, persist::k_system_conf_path));
    if (plan.live && settings.panic_timeout == 0) {
        if (recorded) {
            plan.kernel_panic = KernelPanicChange{0, *recorded};
        } else {
            plan.panic_unrecorded = true;
        }
    }
}

void plan_setting(const Root& root, const PanicWatchdogRequest& request,
                  const CrashSettings& settings, PanicWatchdogPlan& plan) {
    if (request.watchdog_timeout < std::chrono::seconds(1)) {
        throw FieldError(Field::watchdog,
                         fmt::format("{}: a hardware watchdog counts whole seconds, at least 1",
                                     systemd_timespan(request.watchdog_timeout)),
                         "30s gives a panic time to reach the doctor before the reset");
    }
    const auto hardware = hardware_watchdog(read_watchdogs(root));
    if (!hardware && request.stay_down == StayDown::no) {
        throw NoHardwareWatchdogError();
    }
    if (request.stay_down == StayDown::no) {
        plan.watchdog = hardware;
    }
    const auto before = settings.panic_timeout;
    plan.files.push_back(plan_sysctl(
        root,
        [&](persist::SysctlSettings& s) {
            // The first run records what kernel.panic was; a later one keeps that.
            if (!s.panic && before && *before != 0) {
                s.panic_before = *before;
            }
            s.panic = 0;
        },
        request.force));
    if (plan.watchdog) {
        plan.files.push_back(plan_write(
            root, persist::k_system_conf_path,
            persist::watchdog_dropin(
                systemd_timespan(request.watchdog_timeout),
                fmt::format("{}, {}", plan.watchdog->name, plan.watchdog->identity)),
            request.force));
    }
    if (plan.live && settings.panic_timeout != 0) {
        if (!settings.panic_timeout) {
            throw OperationError(fmt::format("cannot read {}", k_panic_path));
        }
        plan.kernel_panic = KernelPanicChange{*settings.panic_timeout, 0};
    }
    if (settings.kernel && *settings.kernel < added_in::nbcon_netconsole) {
        plan.sends_before_reboot = settings.kernel;
    }
    if (const auto verdict = panic_delivery(settings); verdict.loss == CrashLoss::crash_kernel) {
        plan.kdump = verdict;
    }
}

} // namespace

NoHardwareWatchdogError::NoHardwareWatchdogError()
    : OperationError("no hardware watchdog in /sys/class/watchdog to reboot a host that stays "
                     "down after a panic (softdog does not fire in a panicked kernel)") {}

bool PanicWatchdogPlan::changes() const {
    return any_change(files) || kernel_panic.has_value();
}

std::string systemd_timespan(std::chrono::milliseconds duration) {
    if (duration.count() % 1000 == 0) {
        return fmt::format("{}s", duration.count() / 1000);
    }
    return fmt::format("{}ms", duration.count());
}

PanicWatchdogPlan plan_panic_watchdog(const Root& root, const PanicWatchdogRequest& request) {
    PanicWatchdogPlan plan;
    // Under --root the files are those of another system; its kernel is not running.
    plan.live = root.is_system_root();
    const auto settings = read_crash_settings(root);
    if (request.mode == PanicWatchdogRequest::Mode::remove) {
        plan_removal(root, settings, plan);
    } else {
        plan_setting(root, request, settings, plan);
    }
    return plan;
}

void carry_out(const Root& root, const PanicWatchdogPlan& plan, const LiveKernel* kernel) {
    // One writer at a time (carry_out of the files takes the same lock again).
    const WriterLock lock(root);
    const auto& change = plan.kernel_panic;
    if (change) {
        set_panic_timeout(*kernel, root, change->after);
    }
    try {
        carry_out(root, plan.files);
    } catch (...) {
        if (change) {
            set_panic_timeout(*kernel, root, change->before);
        }
        throw;
    }
}

} // namespace ncs::ops
