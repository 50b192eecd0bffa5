// lib/system/event_loop.cpp: the one loop of watch, listen and test --ack, on real
// descriptors and signals of this process (raise(): the signal is this thread's).
#include "system/event_loop.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <thread>

#include <unistd.h>

using ncs::EventLoop;
using namespace std::chrono_literals;

namespace {

using Handler = void (*)(int);

Handler handler_of(int signal) {
    struct sigaction action {};
    sigaction(signal, nullptr, &action);
    return action.sa_handler;
}

bool blocked(int signal) {
    sigset_t mask;
    sigprocmask(SIG_BLOCK, nullptr, &mask);
    return sigismember(&mask, signal) == 1;
}

/// A pipe, closed when the test ends.
struct Pipe {
    int fds[2] = {-1, -1};
    Pipe() { REQUIRE(::pipe(fds) == 0); }
    ~Pipe() {
        for (const int fd : fds) {
            if (fd >= 0) {
                ::close(fd);
            }
        }
    }
};

} // namespace

TEST_CASE("a signal inherited as ignored still reaches the loop, and is ignored again after it",
          "[event_loop]") {
    std::signal(SIGUSR2, SIG_IGN);
    {
        EventLoop loop({SIGUSR2});
        CHECK(blocked(SIGUSR2));
        REQUIRE(std::raise(SIGUSR2) == 0);
        const auto wake = loop.wait(EventLoop::Clock::now() + 2s);
        REQUIRE(wake.signals.size() == 1);
        CHECK(wake.signals[0] == SIGUSR2);
        CHECK_FALSE(wake.deadline);
    }
    CHECK(handler_of(SIGUSR2) == SIG_IGN);
    CHECK_FALSE(blocked(SIGUSR2));
    std::signal(SIGUSR2, SIG_DFL);
}

TEST_CASE("a handler someone installed is kept, and the loop takes the signal while it lives",
          "[event_loop]") {
    static int handled = 0;
    std::signal(SIGUSR2, [](int) { ++handled; });
    {
        EventLoop loop({SIGUSR2});
        REQUIRE(std::raise(SIGUSR2) == 0);
        CHECK(loop.wait(EventLoop::Clock::now() + 2s).signals == std::vector<int>{SIGUSR2});
    }
    CHECK(handled == 0);
    std::raise(SIGUSR2);
    CHECK(handled == 1);
    std::signal(SIGUSR2, SIG_DFL);
}

TEST_CASE("while a loop takes signals, a write to a closed pipe is EPIPE, not a death",
          "[event_loop]") {
    const Handler before = handler_of(SIGPIPE);
    Pipe pipe;
    ::close(pipe.fds[0]);
    pipe.fds[0] = -1;
    {
        EventLoop loop({SIGUSR2});
        CHECK(handler_of(SIGPIPE) == SIG_IGN);
        errno = 0;
        CHECK(::write(pipe.fds[1], "x", 1) == -1);
        CHECK(errno == EPIPE);
    }
    CHECK(handler_of(SIGPIPE) == before);
}

TEST_CASE("a loop without signals waits for its descriptors or its deadline only",
          "[event_loop]") {
    const Handler before = handler_of(SIGPIPE);
    Pipe pipe;
    EventLoop loop;
    CHECK(handler_of(SIGPIPE) == before);
    loop.add(pipe.fds[0]);
    const auto start = EventLoop::Clock::now();
    auto wake = loop.wait(start + 30ms);
    CHECK(wake.deadline);
    CHECK(wake.readable.empty());
    CHECK(EventLoop::Clock::now() - start >= 30ms);
    REQUIRE(::write(pipe.fds[1], "x", 1) == 1);
    wake = loop.wait(std::nullopt);
    CHECK(wake.is_readable(pipe.fds[0]));
    CHECK_FALSE(wake.is_readable(pipe.fds[1]));
    CHECK_FALSE(wake.deadline);
}

TEST_CASE("an fd waited on for writing wakes the loop when writable, and modify/remove change it",
          "[event_loop]") {
    EventLoop loop;
    Pipe pipe;
    loop.add(pipe.fds[1], EventLoop::Interest::read_write);
    auto wake = loop.wait(EventLoop::Clock::now() + 1s);
    CHECK(wake.is_writable(pipe.fds[1]));
    CHECK_FALSE(wake.is_readable(pipe.fds[1]));
    loop.modify(pipe.fds[1], EventLoop::Interest::read);
    wake = loop.wait(EventLoop::Clock::now() + 20ms);
    CHECK(wake.writable.empty());
    CHECK(wake.deadline);
    loop.modify(pipe.fds[1], EventLoop::Interest::read_write);
    loop.remove(pipe.fds[1]);
    wake = loop.wait(EventLoop::Clock::now() + 20ms);
    CHECK(wake.writable.empty());
}

TEST_CASE("a Wakeup makes its fd readable until cleared, from another thread too", "[event_loop]") {
    EventLoop loop;
    ncs::Wakeup wakeup;
    loop.add(wakeup.fd());
    CHECK(loop.wait(EventLoop::Clock::now() + 10ms).readable.empty());
    std::thread other([&] { wakeup.notify(); });
    const auto wake = loop.wait(EventLoop::Clock::now() + 2s);
    other.join();
    CHECK(wake.is_readable(wakeup.fd()));
    wakeup.notify(); // twice: one clear() still empties it
    wakeup.clear();
    CHECK(loop.wait(EventLoop::Clock::now() + 10ms).readable.empty());
}
