// The Forwarder against a real TCP listener on loopback: order, the bounded queue,
// the spool, and a listener that goes away and comes back.
#include "system/forwarder.hpp"

#include "model/errors.hpp"
#include "loopback_socket.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <charconv>
#include <fstream>
#include <string>
#include <vector>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace ncs;
using namespace std::chrono_literals;

namespace {

/// A TCP listener on 127.0.0.1 that collects octet-counted messages.
class Collector {
public:
    explicit Collector(std::uint16_t port = 0) {
        const auto bound = ncs::test::bind_loopback(SOCK_STREAM, port);
        m_listen = bound.fd;
        m_port = bound.port;
        REQUIRE(::listen(m_listen, 4) == 0);
    }
    ~Collector() { close(); }
    void close() {
        for (const int fd : {m_listen, m_peer}) {
            if (fd >= 0) {
                ::close(fd);
            }
        }
        m_listen = m_peer = -1;
    }
    std::uint16_t port() const { return m_port; }
    /// Accepts and reads what is there now.
    void pump() {
        pollfd fds[2] = {{m_listen, POLLIN, 0}, {m_peer, POLLIN, 0}};
        ::poll(fds, 2, 0);
        if (fds[0].revents & POLLIN) {
            if (m_peer >= 0) {
                ::close(m_peer);
            }
            m_peer = ::accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            m_buffer.clear(); // a new connection: a torn frame of the old one is gone
        }
        char chunk[65536];
        while (m_peer >= 0) {
            const auto got = ::recv(m_peer, chunk, sizeof chunk, MSG_DONTWAIT);
            if (got <= 0) {
                break;
            }
            m_buffer.append(chunk, static_cast<std::size_t>(got));
        }
        for (;;) {
            const auto space = m_buffer.find(' ');
            std::size_t length = 0;
            if (space == std::string::npos ||
                std::from_chars(m_buffer.data(), m_buffer.data() + space, length).ec != std::errc() ||
                m_buffer.size() < space + 1 + length) {
                break;
            }
            messages.push_back(m_buffer.substr(space + 1, length));
            m_buffer.erase(0, space + 1 + length);
        }
    }
    std::vector<std::string> messages;

private:
    int m_listen = -1;
    int m_peer = -1;
    std::uint16_t m_port = 0;
    std::string m_buffer;
};

ForwarderOptions options_for(std::uint16_t port) {
    ForwarderOptions options;
    options.url = forward::ForwardUrl{forward::Transport::tcp, "127.0.0.1", port};
    options.address = IpAddress::v4({127, 0, 0, 1});
    options.min_backoff = 10ms;
    options.max_backoff = 40ms;
    return options;
}

/// Runs forwarder and collector until want messages arrived and all are acknowledged, or 5 s.
void run_until(Forwarder& forwarder, Collector& collector, std::size_t want) {
    const auto end = Forwarder::Clock::now() + 5s;
    while (Forwarder::Clock::now() < end) {
        forwarder.poll(Forwarder::Clock::now());
        collector.pump();
        if (collector.messages.size() >= want && forwarder.stats().queued == 0) {
            return;
        }
        ::usleep(2000);
    }
}

std::string numbered(int i) { return "<6>1 - h kernel - netconsole - record " + std::to_string(i); }

} // namespace

TEST_CASE("forwarder: messages arrive in order, octet-counted, and are counted sent") {
    Collector collector;
    Forwarder forwarder(options_for(collector.port()));
    for (int i = 0; i < 500; ++i) {
        CHECK(forwarder.submit(numbered(i)));
    }
    run_until(forwarder, collector, 500);
    REQUIRE(collector.messages.size() == 500);
    for (int i = 0; i < 500; ++i) {
        CHECK(collector.messages[static_cast<std::size_t>(i)] == numbered(i));
    }
    const auto stats = forwarder.stats();
    CHECK(stats.sent == 500);
    CHECK(stats.dropped == 0);
    CHECK(stats.connections == 1);
}

TEST_CASE("forwarder: a target down holds the queue's bound, drops beyond it exactly, in order after") {
    std::uint16_t port = 0;
    {
        Collector probe; // a free port, closed again: connections are refused
        port = probe.port();
    }
    auto options = options_for(port);
    options.max_queue_messages = 30;
    Forwarder forwarder(options);
    int accepted = 0;
    for (int i = 0; i < 50; ++i) {
        accepted += forwarder.submit(numbered(i)) ? 1 : 0;
        forwarder.poll(Forwarder::Clock::now());
    }
    CHECK(accepted == 30);
    CHECK(forwarder.stats().dropped == 20);
    CHECK(forwarder.stats().failures >= 1);
    CHECK_FALSE(forwarder.stats().last_error.empty());
    Collector collector(port);
    run_until(forwarder, collector, 30);
    REQUIRE(collector.messages.size() == 30);
    CHECK(collector.messages.front() == numbered(0));
    CHECK(collector.messages.back() == numbered(29));
    CHECK(forwarder.stats().sent == 30);
}

TEST_CASE("forwarder: beyond memory, the spool keeps every message, sent in order") {
    std::uint16_t port = 0;
    {
        Collector probe;
        port = probe.port();
    }
    test::TempTree tree;
    auto options = options_for(port);
    options.max_queue_messages = 10;
    options.spool_directory = tree.dir();
    Forwarder forwarder(options);
    for (int i = 0; i < 100; ++i) {
        CHECK(forwarder.submit(numbered(i)));
    }
    CHECK(forwarder.stats().spooled == 90);
    CHECK(forwarder.stats().spool_bytes > 0);
    Collector collector(port);
    run_until(forwarder, collector, 100);
    REQUIRE(collector.messages.size() == 100);
    for (int i = 0; i < 100; ++i) {
        CHECK(collector.messages[static_cast<std::size_t>(i)] == numbered(i));
    }
    CHECK(forwarder.stats().dropped == 0);
    CHECK(forwarder.stats().spool_bytes == 0);
}

TEST_CASE("forwarder: a listener restarted between messages loses none of them") {
    Collector collector;
    const auto port = collector.port();
    Forwarder forwarder(options_for(port));
    for (int i = 0; i < 20; ++i) {
        forwarder.submit(numbered(i));
    }
    run_until(forwarder, collector, 20);
    REQUIRE(collector.messages.size() == 20);
    auto received = collector.messages;
    collector.close();
    for (int i = 20; i < 40; ++i) {
        forwarder.submit(numbered(i));
        forwarder.poll(Forwarder::Clock::now());
    }
    Collector again(port);
    run_until(forwarder, again, 20);
    received.insert(received.end(), again.messages.begin(), again.messages.end());
    REQUIRE(received.size() >= 40);
    // Every message at least once, in order of first arrival.
    std::size_t next = 0;
    for (const auto& message : received) {
        if (next < 40 && message == numbered(static_cast<int>(next))) {
            ++next;
        }
    }
    CHECK(next == 40);
    CHECK(forwarder.stats().dropped == 0);
    CHECK(forwarder.stats().connections == 2);
}

TEST_CASE("forwarder: a spool a previous run left is sent first, and a torn last message is dropped and counted") {
    Collector collector;
    test::TempTree tree;
    auto options = options_for(collector.port());
    options.spool_directory = tree.dir();
    {
        // Two whole messages, then one cut short by a crash mid-write.
        std::ofstream spool(tree.dir() / ("tcp___127.0.0.1_" + std::to_string(collector.port()) +
                                          ".spool"),
                            std::ios::binary);
        spool << "5 first" << "6 second" << "40 torn";
    }
    Forwarder forwarder(options);
    CHECK(forwarder.stats().spool_bytes > 0);
    forwarder.submit("third");
    run_until(forwarder, collector, 3);
    REQUIRE(collector.messages.size() == 3);
    CHECK(collector.messages[0] == "first");
    CHECK(collector.messages[1] == "second");
    CHECK(collector.messages[2] == "third");
    CHECK(forwarder.stats().dropped == 1);
    CHECK_THAT(forwarder.stats().last_error, Catch::Contains("torn"));
}

TEST_CASE("forwarder: UDP sends one message a datagram, unframed") {
    const auto [fd, port] = ncs::test::bind_loopback(SOCK_DGRAM);
    auto options = options_for(port);
    options.url.transport = forward::Transport::udp;
    Forwarder forwarder(options);
    forwarder.submit(numbered(1));
    forwarder.submit(numbered(2));
    forwarder.poll(Forwarder::Clock::now());
    std::vector<std::string> received;
    char buffer[2048];
    pollfd wait{fd, POLLIN, 0};
    while (received.size() < 2 && ::poll(&wait, 1, 2000) > 0) {
        const auto got = ::recv(fd, buffer, sizeof buffer, 0);
        received.emplace_back(buffer, static_cast<std::size_t>(got));
    }
    ::close(fd);
    REQUIRE(received.size() == 2);
    CHECK(received[0] == numbered(1));
    CHECK(received[1] == numbered(2));
    CHECK(forwarder.stats().sent == 2);
    CHECK(forwarder.stats().queued == 0);
}

TEST_CASE("forwarder: one spool file has one writer") {
    test::TempTree tree;
    auto options = options_for(9);
    options.spool_directory = tree.dir();
    Forwarder first(options);
    CHECK_THROWS_AS(Forwarder(options), InputError);
}
