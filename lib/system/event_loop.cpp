#include "system/event_loop.hpp"

#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
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
    sigset_t set;
    sigemptyset(&set);
    for (const int s : signals) {
        sigaddset(&set, s);
    }
    if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) {
        fail("sigprocmask");
    }
    m_signals = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (m_signals < 0) {
        fail("signalfd");
    }
    add(m_signals);
}

EventLoop::~EventLoop() {
    if (m_signals >= 0) {
        close(m_signals);
    }
    if (m_epoll >= 0) {
        close(m_epoll);
    }
}

void EventLoop::add(int fd) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) != 0) {
        fail("epoll_ctl");
    }
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
    std::array<epoll_event, 8> events{};
    int n = 0;
    do {
        n = epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()), timeout);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        fail("epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
        const int fd = events[static_cast<std::size_t>(i)].data.fd;
        if (fd != m_signals) {
            wake.readable.push_back(fd);
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

} // namespace ncs
