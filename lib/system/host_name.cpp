#include "system/host_name.hpp"

#include "model/errors.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>
#include <mutex>
#include <system_error>

#include <fmt/format.h>

namespace ncs {

namespace {

struct AddrinfoDeleter {
    void operator()(addrinfo* ai) const noexcept { freeaddrinfo(ai); }
};

std::optional<IpAddress> to_ip(const addrinfo& ai) {
    if (ai.ai_family == AF_INET && ai.ai_addrlen >= sizeof(sockaddr_in)) {
        sockaddr_in sin{};
        std::memcpy(&sin, ai.ai_addr, sizeof sin);
        std::array<std::uint8_t, 4> bytes{};
        std::memcpy(bytes.data(), &sin.sin_addr, bytes.size());
        return IpAddress::v4(bytes);
    }
    if (ai.ai_family == AF_INET6 && ai.ai_addrlen >= sizeof(sockaddr_in6)) {
        sockaddr_in6 sin6{};
        std::memcpy(&sin6, ai.ai_addr, sizeof sin6);
        std::array<std::uint8_t, 16> bytes{};
        std::memcpy(bytes.data(), &sin6.sin6_addr, bytes.size());
        std::string zone = sin6.sin6_scope_id != 0 ? std::to_string(sin6.sin6_scope_id) : "";
        return IpAddress::v6(bytes, std::move(zone));
    }
    return std::nullopt;
}

} // namespace

void throw_lookup_error(const std::string& name, int gai_error) {
    switch (gai_error) {
    case EAI_AGAIN:
    case EAI_FAIL:
        throw OperationError(
            fmt::format("could not resolve host name '{}': {}", name, gai_strerror(gai_error)),
            "check the DNS servers in /etc/resolv.conf, or give the address");
    case EAI_MEMORY:
        throw OperationError(
            fmt::format("could not resolve host name '{}': {}", name, gai_strerror(gai_error)));
    case EAI_SYSTEM: {
        const int saved = errno;
        throw OperationError(fmt::format("could not resolve host name '{}': {}", name,
                                         std::generic_category().message(saved)));
    }
    default:
        throw InputError(fmt::format("'{}' is neither an IP address nor a host name that "
                                     "resolves: {}",
                                     name, gai_strerror(gai_error)),
                         "give an IPv4/IPv6 address, or add the name to /etc/hosts");
    }
}

std::vector<IpAddress> lookup_host(const std::string& name) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM; // one entry per address, not one per socket type
    addrinfo* raw = nullptr;
    const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &raw);
    std::unique_ptr<addrinfo, AddrinfoDeleter> list(raw);
    if (rc != 0) {
        throw_lookup_error(name, rc);
    }
    std::vector<IpAddress> result;
    for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
        if (auto address = to_ip(*ai);
            address && std::find(result.begin(), result.end(), *address) == result.end()) {
            result.push_back(*address);
        }
    }
    if (result.empty()) {
        throw InputError(fmt::format("host name '{}' has no IPv4 or IPv6 address", name));
    }
    return result;
}

namespace {

/// Threads for one name: a fresh lookup (after an event) may start beside one that was
/// superseded and still hangs, but storms of events queue instead of adding threads.
constexpr std::size_t k_threads_per_name = 2;

} // namespace

struct HostLookups::Shared {
    UniqueFd event;
    std::mutex mutex;
    std::vector<Completion> ended; ///< guarded by mutex
};

HostLookups::HostLookups(std::size_t max_threads)
    : m_max_threads(std::max<std::size_t>(max_threads, 1)), m_shared(std::make_shared<Shared>()) {
    m_shared->event = UniqueFd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!m_shared->event) {
        throw std::system_error(errno, std::generic_category(), "eventfd");
    }
}

HostLookups::~HostLookups() {
    const std::lock_guard lock(m_shared->mutex);
    for (const auto& c : m_shared->ended) {
        if (auto it = m_threads.find(c.id); it != m_threads.end()) {
            it->second.thread.join(); // it has ended: it only returns now
            m_threads.erase(it);
        }
    }
    for (auto& [id, running] : m_threads) {
        // Still in getaddrinfo, which cannot be interrupted: waiting for it would hold
        // the exit for resolv.conf's whole timeout. It touches only m_shared.
        running.thread.detach();
    }
}

int HostLookups::fd() const noexcept { return m_shared->event.get(); }

HostLookups::Id HostLookups::start(const std::string& name) {
    const Id id = m_next++;
    m_queue.push_back({id, name});
    try {
        launch();
    } catch (...) {
        cancel(id); // no thread could be made: the caller hears it, nothing is left queued
        throw;
    }
    return id;
}

void HostLookups::cancel(Id id) noexcept {
    const auto queued = std::find_if(m_queue.begin(), m_queue.end(),
                                     [&](const Queued& q) { return q.id == id; });
    if (queued != m_queue.end()) {
        m_queue.erase(queued);
    } else if (auto it = m_threads.find(id); it != m_threads.end()) {
        it->second.cancelled = true;
    }
}

void HostLookups::launch() {
    for (auto q = m_queue.begin(); q != m_queue.end() && m_threads.size() < m_max_threads;) {
        const auto same_name = std::count_if(m_threads.begin(), m_threads.end(),
                                             [&](const auto& r) { return r.second.name == q->name; });
        if (static_cast<std::size_t>(same_name) >= k_threads_per_name) {
            ++q;
            continue;
        }
        // The thread starts with every signal blocked (it inherits this thread's
        // mask): a SIGTERM must reach the loop's signalfd, never kill it here.
        sigset_t all;
        sigset_t old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        std::thread thread;
        try {
            thread = std::thread([shared = m_shared, id = q->id, name = q->name] {
                Completion c;
                c.id = id;
                try {
                    c.addresses = lookup_host(name);
                } catch (...) {
                    c.error = std::current_exception();
                }
                const std::lock_guard lock(shared->mutex);
                shared->ended.push_back(std::move(c));
                const std::uint64_t one = 1;
                [[maybe_unused]] const auto n = ::write(shared->event.get(), &one, sizeof one);
            });
        } catch (...) {
            pthread_sigmask(SIG_SETMASK, &old, nullptr);
            throw;
        }
        pthread_sigmask(SIG_SETMASK, &old, nullptr);
        m_threads.emplace(q->id, Running{q->name, std::move(thread), false});
        q = m_queue.erase(q);
    }
}

std::vector<HostLookups::Completion> HostLookups::take() {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto n = ::read(m_shared->event.get(), &count, sizeof count);
    std::vector<Completion> ended;
    {
        const std::lock_guard lock(m_shared->mutex);
        ended.swap(m_shared->ended);
    }
    std::vector<Completion> result;
    for (auto& c : ended) {
        auto it = m_threads.find(c.id);
        const bool cancelled = it == m_threads.end() || it->second.cancelled;
        if (it != m_threads.end()) {
            it->second.thread.join(); // it has ended: it only returns now
            m_threads.erase(it);
        }
        if (!cancelled) {
            result.push_back(std::move(c));
        }
    }
    launch();
    return result;
}

std::vector<HostLookups::Completion> HostLookups::wait() {
    pollfd p{m_shared->event.get(), POLLIN, 0};
    while (::poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
    return take();
}

} // namespace ncs
