#pragma once
// What `listen` takes from systemd, through libsystemd opened at run time only
// when needed (SharedLibrary): sockets passed by a .socket unit (sd_listen_fds)
// and the journal (sd_journal_sendv). The binary does not link libsystemd.

#include "system/shared_library.hpp"
#include "system/udp.hpp"

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
    /// Opens libsystemd.so.0. Throws OperationError when it is not installed.
    static Journal open();
    /// One entry of "FIELD=value" strings (MESSAGE, PRIORITY, ...). Throws
    /// std::system_error with sd_journal_sendv's error.
    void send(const std::vector<std::string>& fields) const;

private:
    using SendFunction = int(const iovec*, int);
    Journal(SharedLibrary library, SendFunction* function) : m_library(std::move(library)), m_send(function) {}
    SharedLibrary m_library;
    SendFunction* m_send;
};

} // namespace ncs
