#pragma once
// Will a panic, or an oops, reach the doctor? Decided from the kernel version, the host's
// crash settings and a target's state. Pure: lib/system reads the facts.
// Measured: shared/reference/kernel-events-and-receivers.md "What a panic sends".

#include "model/kernel_facts.hpp"

#include <optional>

namespace ncs {

/// What the host does when it crashes; nullopt where it could not be read.
struct CrashSettings {
    std::optional<KernelVersion> kernel;
    /// kernel.panic: 0 the host stays down, > 0 it reboots after that many seconds,
    /// < 0 it reboots at once.
    std::optional<int> panic_timeout;
    std::optional<bool> panic_on_oops;       ///< kernel.panic_on_oops: an oops panics
    std::optional<bool> crash_kernel_loaded; ///< /sys/kernel/kexec_crash_loaded (kdump)
    std::optional<bool> oops_only;           ///< netconsole's oops_only parameter
    bool operator==(const CrashSettings&) const = default;
};

/// The facts of CrashSettings, to say which one was missing.
enum class CrashFact { kernel, panic_timeout, panic_on_oops, crash_kernel_loaded, oops_only };

/// Why a crash does not reach the doctor.
enum class CrashLoss {
    none,                  ///< it reaches the doctor
    unknown,               ///< a fact it depends on is unknown (CrashVerdict::missing)
    target_disabled,       ///< the target is disabled: it sends nothing
    device_silent,         ///< enabled, but its device is down or without carrier now
    device_cannot_netpoll, ///< the target's device refuses netpoll (veth, netkit on 6.12+)
    crash_kernel,          ///< 7.0+: kdump's kexec comes before netconsole is flushed
    panic_reboots,         ///< 7.0+: kernel.panic != 0 restarts before netconsole is flushed
    oops_only,             ///< 7.0+: the printing thread sends the oops once it is over,
                           ///< when oops_only drops it
};

/// The verdict on one kind of crash, with the facts that decided it.
struct CrashVerdict {
    CrashLoss loss = CrashLoss::none;
    std::optional<CrashFact> missing; ///< set when loss is unknown
    std::optional<KernelVersion> kernel;
    std::optional<int> panic_timeout;
    bool reaches() const noexcept { return loss == CrashLoss::none; }
    bool operator==(const CrashVerdict&) const = default;
};

/// Whether the target sends at all, as far as a crash is concerned.
enum class TargetState {
    enabled,
    silent, ///< enabled, but its device drops what it sends now (down, no carrier)
    disabled,
};
/// Whether the target's device does netpoll. A target the kernel enabled does: its
/// netpoll_setup() succeeded.
enum class Netpoll { capable, refused };

/// The verdicts for one target.
struct CrashDelivery {
    CrashVerdict panic;
    CrashVerdict oops;
    bool operator==(const CrashDelivery&) const = default;
};

/// Whether a panic on this host reaches a target that sends (the host's part of the verdict).
CrashVerdict panic_delivery(const CrashSettings& host);

/// Whether an oops that the host survives or panics on reaches a target that sends.
CrashVerdict oops_delivery(const CrashSettings& host);

/// Both verdicts for a target in state on a device that does netpoll or not.
CrashDelivery crash_delivery(const CrashSettings& host, TargetState state, Netpoll netpoll);

/// Whether kernel.panic=0 would make a panic that verdict loses reach the doctor: only
/// when the reboot is what loses it (not a crash kernel, which takes the panic first).
bool stay_down_delivers(const CrashVerdict& verdict) noexcept;

} // namespace ncs
