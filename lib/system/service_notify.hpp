#pragma once
// systemd's service notifications (sd_notify(3)) for a Type=notify service: READY=1
// after the first apply, WATCHDOG=1 while alive, RELOADING=1/STOPPING=1. libsystemd is
// opened at run time through SharedLibrary, and only when systemd asked for
// notifications (NOTIFY_SOCKET is set): the binary does not link it.

#include "system/shared_library.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace ncs {

class ServiceNotifier {
public:
    /// Inactive unless NOTIFY_SOCKET is set; then opens libsystemd.so.0. Throws
    /// OperationError when systemd asked but libsystemd is missing.
    static ServiceNotifier from_environment();

    /// Whether notifications go anywhere.
    bool active() const noexcept { return m_notify != nullptr; }

    /// sd_notify(0, state), e.g. "READY=1\nSTATUS=watching 2 targets". Nothing when
    /// inactive. A failure is ignored, as systemd's own callers do.
    void notify(const std::string& state) const;

    /// Half the watchdog timeout (WATCHDOG_USEC for this process), the interval at
    /// which to send WATCHDOG=1; nullopt when there is no watchdog.
    std::optional<std::chrono::microseconds> watchdog_interval() const;

private:
    using NotifyFunction = int(int, const char*);
    using WatchdogFunction = int(int, unsigned long long*);
    ServiceNotifier() = default;
    std::optional<SharedLibrary> m_library;
    NotifyFunction* m_notify = nullptr;
    WatchdogFunction* m_watchdog = nullptr;
};

} // namespace ncs
