#pragma once
// One epoll loop for the long-running commands (watch, listen) and for waits with a
// deadline (test --ack): file descriptors to wait on, signals taken through a
// signalfd (blocked for the whole process, so they never interrupt a write), and a
// deadline for timers (debounce, backoff, expiry).

#include <chrono>
#include <csignal>
#include <initializer_list>
#include <optional>
#include <utility>
#include <vector>

namespace ncs {

class EventLoop {
public:
    using Clock = std::chrono::steady_clock;

    /// A loop that takes signals (none: a plain wait, signals left alone). For the
    /// signals it takes, while it lives: blocks them and reads them from a signalfd;
    /// resets one inherited as ignored (a shell starts background jobs with SIGINT
    /// ignored, `nohup` ignores SIGHUP) to the default, so the loop's choice, not an
    /// inherited disposition, decides (Linux queues a blocked signal even when ignored,
    /// but only a blocked one); and ignores SIGPIPE, so a closed stdout or socket is
    /// an EPIPE error the caller reports, not a silent death. All restored when it is
    /// destroyed. Throws std::system_error.
    explicit EventLoop(std::initializer_list<int> signals = {});
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    /// Waits for readability of fd too. Throws std::system_error.
    void add(int fd);

    struct Wake {
        std::vector<int> readable; ///< the added fds that are readable
        std::vector<int> signals;  ///< signals received, in order
        bool deadline = false;     ///< the deadline passed
        /// Whether fd is among the readable ones.
        bool is_readable(int fd) const;
    };

    /// Waits until an fd is readable, a signal arrives or the deadline passes
    /// (nullopt: no deadline). Throws std::system_error.
    Wake wait(std::optional<Clock::time_point> deadline);

private:
    using Handler = void (*)(int);
    /// Closes the descriptors and restores the signals (the destructor, a failed constructor).
    void release() noexcept;
    int m_epoll = -1;
    int m_signals = -1;
    sigset_t m_old_mask{};
    std::vector<std::pair<int, Handler>> m_old_handlers; ///< restored when destroyed
};

} // namespace ncs
