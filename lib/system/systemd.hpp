#pragma once
// What `listen` takes from systemd, through libsystemd opened at run time only
// when needed (SharedLibrary): sockets passed by a .socket unit (sd_listen_fds)
// and the journal (sd_journal_sendv). The binary does not link libsystemd.

#include "system/root.hpp"
#include "system/shared_library.hpp"
#include "system/udp.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/uio.h>

namespace ncs {

/// Whether systemd passed sockets to this process: LISTEN_PID is our pid and
/// LISTEN_FDS is positive (read only to decide whether to open libsystemd).
bool socket_activated();

/// The passed sockets, from sd_listen_fds(1) (which also unsets the variables).
/// Throws OperationError when libsystemd is missing or a descriptor is not UDP.
std::vector<UdpSocket> activated_sockets();

/// The systemd journal.
class Journal {
public:
    /// How long send() may wait for a journald that is slow to read.
    enum class Wait { briefly, no };

    /// A socket for journald's native protocol (systemd.journal-fields(7)), written
    /// here rather than through sd_journal_sendv, which returns success when the
    /// socket is missing (ENOENT). Throws std::system_error.
    static Journal open();
    /// One entry of "FIELD=value" strings (MESSAGE, PRIORITY, ...): one datagram, or
    /// a sealed memfd when too large for one. Throws std::system_error with the errno
    /// (ENOENT: no journald; ECONNREFUSED: stopped; EAGAIN: not reading).
    void send(const std::vector<std::string>& fields, Wait wait = Wait::briefly) const;
    /// The socket path, /run/systemd/journal/socket.
    static const char* path();

private:
    explicit Journal(UniqueFd socket) : m_socket(std::move(socket)) {}
    UniqueFd m_socket;
};

/// systemd's service notifications (sd_notify(3)) for a Type=notify service (watch):
/// READY=1 after the first apply, WATCHDOG=1 while alive, STOPPING=1. libsystemd is
/// opened only when systemd asked for notifications (NOTIFY_SOCKET is set).
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
