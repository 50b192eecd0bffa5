#pragma once
// One epoll loop for long-running commands (watch): file descriptors to wait on,
// signals taken through a signalfd (blocked for the whole process, so they never
// interrupt a write), and a deadline for timers (debounce, backoff).

#include <chrono>
#include <initializer_list>
#include <optional>
#include <vector>

namespace ncs {

class EventLoop {
public:
    using Clock = std::chrono::steady_clock;

    /// Blocks signals for the process and receives them on a signalfd. Throws
    /// std::system_error.
    explicit EventLoop(std::initializer_list<int> signals);
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    /// Waits for readability of fd too. Throws std::system_error.
    void add(int fd);

    struct Wake {
        std::vector<int> readable; ///< the added fds that are readable
        std::vector<int> signals;  ///< signals received, in order
        bool deadline = false;     ///< the deadline passed
    };

    /// Waits until an fd is readable, a signal arrives or the deadline passes
    /// (nullopt: no deadline). Throws std::system_error.
    Wake wait(std::optional<Clock::time_point> deadline);

private:
    int m_epoll = -1;
    int m_signals = -1;
};

} // namespace ncs
