#include "model/crash_delivery.hpp"

namespace ncs {
namespace {

CrashVerdict verdict(const CrashSettings& host, CrashLoss loss,
                     std::optional<CrashFact> missing = std::nullopt) {
    return {loss, missing, host.kernel, host.panic_timeout};
}

/// Before 7.0 printk() writes netconsole synchronously, before kexec and the reboot.
bool flushed_last(const CrashSettings& host) {
    return *host.kernel >= added_in::nbcon_netconsole;
}

} // namespace

CrashVerdict panic_delivery(const CrashSettings& host) {
    if (!host.kernel) {
        return verdict(host, CrashLoss::unknown, CrashFact::kernel);
    }
    if (!flushed_last(host)) {
        return verdict(host, CrashLoss::none);
    }
    // vpanic() on 7.x: __crash_kexec() first, then the panic_timeout delay and
    // emergency_restart(), and only then nbcon_atomic_flush_unsafe().
    if (host.crash_kernel_loaded.value_or(false)) {
        return verdict(host, CrashLoss::crash_kernel);
    }
    if (!host.crash_kernel_loaded) {
        return verdict(host, CrashLoss::unknown, CrashFact::crash_kernel_loaded);
    }
    if (!host.panic_timeout) {
        return verdict(host, CrashLoss::unknown, CrashFact::panic_timeout);
    }
    return verdict(host, *host.panic_timeout != 0 ? CrashLoss::panic_reboots : CrashLoss::none);
}

CrashVerdict oops_delivery(const CrashSettings& host) {
    if (!host.kernel) {
        return verdict(host, CrashLoss::unknown, CrashFact::kernel);
    }
    if (!flushed_last(host)) {
        // printk() writes it while the oops is on, whether it then panics or not.
        return verdict(host, CrashLoss::none);
    }
    if (!host.panic_on_oops) {
        return verdict(host, CrashLoss::unknown, CrashFact::panic_on_oops);
    }
    if (*host.panic_on_oops) {
        return panic_delivery(host);
    }
    // 7.x: the printing thread sends the oops after oops_end(); netconsole's
    // "if (oops_only && !oops_in_progress) return" then drops it.
    if (!host.oops_only) {
        return verdict(host, CrashLoss::unknown, CrashFact::oops_only);
    }
    return verdict(host, *host.oops_only ? CrashLoss::oops_only : CrashLoss::none);
}

CrashDelivery crash_delivery(const CrashSettings& host, TargetState state, Netpoll netpoll) {
    if (state == TargetState::disabled) {
        const auto lost = verdict(host, CrashLoss::target_disabled);
        return {lost, lost};
    }
    if (state == TargetState::silent) {
        const auto lost = verdict(host, CrashLoss::device_silent);
        return {lost, lost};
    }
    if (netpoll == Netpoll::refused) {
        const auto lost = verdict(host, CrashLoss::device_cannot_netpoll);
        return {lost, lost};
    }
    return {panic_delivery(host), oops_delivery(host)};
}

bool stay_down_delivers(const CrashVerdict& verdict) noexcept {
    return verdict.loss == CrashLoss::panic_reboots;
}

} // namespace ncs
