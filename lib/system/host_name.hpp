#pragma once
// Host names to addresses through getaddrinfo (so /etc/hosts, and the
// /etc/netns/NAME/hosts that `ip netns exec` binds over it, work).

#include "model/ip_address.hpp"
#include "system/root.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace ncs {

/// Every distinct address getaddrinfo gives for name, in its order. An IPv6
/// link-local answer carries its scope as a numeric zone. Throws as
/// throw_lookup_error() when the name does not resolve.
std::vector<IpAddress> lookup_host(const std::string& name);

/// The error for getaddrinfo's answer gai_error (EAI_*) about name: InputError
/// when the name has no address (EAI_NONAME, EAI_NODATA, ...), OperationError
/// when resolving failed (EAI_AGAIN: no DNS server answered; EAI_FAIL,
/// EAI_MEMORY, EAI_SYSTEM), so that a DNS outage is exit 1, not bad input.
[[noreturn]] void throw_lookup_error(const std::string& name, int gai_error);

/// lookup_host() off the caller's thread, for an event loop (watch): getaddrinfo
/// blocks for resolv.conf's whole timeout when no DNS server answers and cannot be
/// cancelled, so each lookup runs on a thread of its own (all signals blocked: the
/// loop's signalfd takes them) and its completion makes fd() readable. Bounded: at
/// most max_threads threads at once, and two per name (a superseded lookup that still
/// hangs keeps its thread until getaddrinfo gives up, the fresh one runs beside it, and
/// further lookups of that name wait), so retries and event storms never add threads.
/// The rest queue (FIFO).
class HostLookups {
public:
    using Id = std::uint64_t;

    /// What one lookup ended with: the addresses, or what lookup_host() threw.
    struct Completion {
        Id id = 0;
        std::vector<IpAddress> addresses;
        std::exception_ptr error;
    };

    /// Throws std::system_error when the eventfd cannot be made.
    explicit HostLookups(std::size_t max_threads = 16);
    /// Joins the threads that ended; one still in getaddrinfo is left to end with the
    /// process (detached: it holds only the shared state, never this object).
    ~HostLookups();
    HostLookups(const HostLookups&) = delete;
    HostLookups& operator=(const HostLookups&) = delete;

    /// Readable when a lookup ended (take() it).
    int fd() const noexcept;
    /// Queues a lookup of name; it starts at once when a thread slot is free. Throws
    /// std::system_error when no thread can be made.
    Id start(const std::string& name);
    /// id's result will never be taken: queued, it never starts; running, its late
    /// result is dropped.
    void cancel(Id id) noexcept;
    /// The lookups that ended since the last call (cancelled ones left out); starts
    /// the queued ones that can start now.
    std::vector<Completion> take();
    /// Blocks until a lookup ended, then take().
    std::vector<Completion> wait();
    /// Threads running now (cancelled ones included), for tests and the bound.
    std::size_t running() const noexcept { return m_threads.size(); }

private:
    struct Shared;
    struct Queued {
        Id id;
        std::string name;
    };
    struct Running {
        std::string name;
        std::thread thread;
        bool cancelled = false;
    };
    void launch();

    std::size_t m_max_threads;
    std::shared_ptr<Shared> m_shared;
    std::deque<Queued> m_queue;
    std::map<Id, Running> m_threads;
    Id m_next = 1;
};

} // namespace ncs
