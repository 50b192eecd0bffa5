#include "system/event_loop.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <system_error>

namespace ncs {
namespace {

[[noreturn]] void fail(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

} // namespace

EventLoop::EventLoop(std::initializer_list<int> signals) {
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0) {
        fail("epoll_create1");
    }
    if (signals.size() == 0) {
        return;
    }
    sigset_t set;
    sigemptyset(&set);
    for (const int s : signals) {
        sigaddset(&set, s);
    }
    if (sigprocmask(SIG_BLOCK, &set, &m_old_mask) != 0) {
        const int error = errno;
        close(m_epoll);
        throw std::system_error(error, std::generic_category(), "sigprocmask");
    }
    // Blocked first, so a signal sent meanwhile waits in the signalfd rather than
    // taking the default action.
    for (const int s : signals) {
        const Handler old = std::signal(s, SIG_DFL);
        if (old == SIG_IGN) {
            m_old_handlers.emplace_back(s, old);
        } else {
            std::signal(s, old); // a handler someone installed stays
        }
    }
    m_old_handlers.emplace_back(SIGPIPE, std::signal(SIGPIPE, SIG_IGN));
    m_signals = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (m_signals < 0) {
        const int error = errno;
        release();
        throw std::system_error(error, std::generic_category(), "signalfd");
    }
    add(m_signals);
}

EventLoop::~EventLoop() { release(); }

void EventLoop::release() noexcept {
    if (m_signals >= 0) {
        close(m_signals);
        m_signals = -1;
    }
    if (m_epoll >= 0) {
        close(m_epoll);
        m_epoll = -1;
    }
    // The handlers before the mask: a signal still pending is then ignored again if
    // it was inherited as ignored.
    for (const auto& [signal, handler] : m_old_handlers) {
        std::signal(signal, handler);
    }
    if (!m_old_handlers.empty()) {
        sigprocmask(SIG_SETMASK, &m_old_mask, nullptr);
        m_old_handlers.clear();
    }
}

namespace {

void control(int epoll, int operation, int fd, EventLoop::Interest interest) {
    epoll_event ev{};
    ev.events = EPOLLIN | (interest == EventLoop::Interest::read_write ? EPOLLOUT : 0U);
    ev.data.fd = fd;
    if (epoll_ctl(epoll, operation, fd, &ev) != 0) {
        fail("epoll_ctl");
    }
}

} // namespace

void EventLoop::add(int fd, Interest interest) { control(m_epoll, EPOLL_CTL_ADD, fd, interest); }

void EventLoop::modify(int fd, Interest interest) {
    control(m_epoll, EPOLL_CTL_MOD, fd, interest);
}

void EventLoop::remove(int fd) noexcept { epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr); }

bool EventLoop::Wake::is_readable(int fd) const {
    return std::find(readable.begin(), readable.end(), fd) != readable.end();
}

bool EventLoop::Wake::is_writable(int fd) const {
    return std::find(writable.begin(), writable.end(), fd) != writable.end();
}

EventLoop::Wake EventLoop::wait(std::optional<Clock::time_point> deadline) {
    Wake wake;
    int timeout = -1;
    if (deadline) {
        const auto now = Clock::now();
        timeout = *deadline <= now
                      ? 0
                      : static_cast<int>(
                            std::chrono::ceil<std::chrono::milliseconds>(*deadline - now).count());
    }
    std::array<epoll_event, 16> events{};
    int n = 0;
    do {
        n = epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()), timeout);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        fail("epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
        const auto& event = events[static_cast<std::size_t>(i)];
        const int fd = event.data.fd;
        if (fd != m_signals) {
            // An error or a hang-up is for the owner's read to find out.
            if ((event.events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) {
                wake.readable.push_back(fd);
            }
            if ((event.events & EPOLLOUT) != 0) {
                wake.writable.push_back(fd);
            }
            continue;
        }
        signalfd_siginfo info{};
        while (::read(m_signals, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
            wake.signals.push_back(static_cast<int>(info.ssi_signo));
        }
    }
    wake.deadline = deadline && Clock::now() >= *deadline;
    return wake;
}

Wakeup::Wakeup() : m_fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (m_fd < 0) {
        fail("eventfd");
    }
}

Wakeup::~Wakeup() { close(m_fd); }

void Wakeup::notify() noexcept {
    const std::uint64_t one = 1;
    // EAGAIN (the counter is full) still leaves it readable.
    [[maybe_unused]] const auto written = ::write(m_fd, &one, sizeof one);
}

void Wakeup::clear() noexcept {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto read = ::read(m_fd, &count, sizeof count);
}

} // namespace ncs
