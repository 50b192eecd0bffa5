#include "system/service_notify.hpp"

#include <cstdlib>

namespace ncs {

ServiceNotifier ServiceNotifier::from_environment() {
    ServiceNotifier notifier;
    const char* socket = std::getenv("NOTIFY_SOCKET");
    if (socket == nullptr || *socket == '\0') {
        return notifier;
    }
    auto library = SharedLibrary::open("libsystemd.so.0", "libsystemd0");
    notifier.m_notify = library.function<NotifyFunction>("sd_notify");
    notifier.m_watchdog = library.function<WatchdogFunction>("sd_watchdog_enabled");
    notifier.m_library = std::move(library);
    return notifier;
}

void ServiceNotifier::notify(const std::string& state) const {
    if (m_notify != nullptr) {
        m_notify(0, state.c_str());
    }
}

std::optional<std::chrono::microseconds> ServiceNotifier::watchdog_interval() const {
    if (m_watchdog == nullptr) {
        return std::nullopt;
    }
    unsigned long long usec = 0;
    if (m_watchdog(0, &usec) <= 0 || usec == 0) {
        return std::nullopt;
    }
    return std::chrono::microseconds(usec / 2);
}

} // namespace ncs
