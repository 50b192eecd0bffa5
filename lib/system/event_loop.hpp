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

    /// What an fd is waited for: readability, or writability too (a forwarder's
    /// socket while it connects or has messages waiting).
    enum class Interest { read, read_write };

    /// Waits for fd too. Throws std::system_error.
    void add(int fd, Interest interest = Interest::read);
    /// Changes what fd, added before, is waited for. Throws std::system_error.
    void modify(int fd, Interest interest);
    /// Stops waiting for fd (before it is closed: a closed fd may be reused).
    void remove(int fd) noexcept;

    struct Wake {
        std::vector<int> readable; ///< the added fds that are readable (or hung up, or in error)
        std::vector<int> writable; ///< the added fds waited on for writing that are writable
        std::vector<int> signals;  ///< signals received, in order
        bool deadline = false;     ///< the deadline passed
        /// Whether fd is among the readable ones.
        bool is_readable(int fd) const;
        /// Whether fd is among the writable ones.
        bool is_writable(int fd) const;
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

/// A wake-up one thread sends another's EventLoop (an eventfd): `listen`'s workers
/// tell the output thread a batch is waiting, and it tells them to stop.
class Wakeup {
public:
    /// Throws std::system_error.
    Wakeup();
    ~Wakeup();
    Wakeup(const Wakeup&) = delete;
    Wakeup& operator=(const Wakeup&) = delete;

    /// The descriptor to add to an EventLoop: readable once notified.
    int fd() const { return m_fd; }
    /// Makes fd() readable (from any thread; never blocks).
    void notify() noexcept;
    /// Makes fd() unreadable again (the waiting thread, before it looks).
    void clear() noexcept;

private:
    int m_fd = -1;
};

} // namespace ncs
