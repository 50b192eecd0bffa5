// lib/ops/listen.cpp: the listen use case end to end on loopback (127.0.0.1, a port the
// kernel picks), with a recording sink: records handed over, acknowledgments sent or
// not, refused senders counted, and the two ways the loop ends (SIGTERM, a stdout that
// is gone). Signals are raised in this thread, where the loop's signalfd takes them.
#include "ops/listen.hpp"
#include "system/udp.hpp"
#include "loopback_socket.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <functional>
#include <memory>
#include <optional>
#include <system_error>
#include <string>
#include <vector>

using namespace ncs;

namespace {

/// A UDP socket on 127.0.0.1 that sends to the listener and reads its replies.
class Client {
public:
    Client() {
        m_fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        REQUIRE(m_fd >= 0);
        timeval timeout{0, 200'000};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }
    ~Client() { ::close(m_fd); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    void send(std::uint16_t port, const std::string& payload) const {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::sendto(m_fd, payload.data(), payload.size(), 0,
                         reinterpret_cast<const sockaddr*>(&to), sizeof to) ==
                static_cast<ssize_t>(payload.size()));
    }
    /// The next reply, or nullopt after 200 ms.
    std::optional<std::string> reply() const {
        char buffer[2048];
        const auto n = ::recv(m_fd, buffer, sizeof buffer, 0);
        return n < 0 ? std::nullopt : std::optional<std::string>(std::string(buffer, static_cast<std::size_t>(n)));
    }

private:
    int m_fd = -1;
};

/// Records what listen hands over; on ready, sends the datagrams and, when asked, stops
/// listen (SIGTERM) once it has taken them.
class RecordingSink : public ops::ListenSink {
public:
    RecordingSink(const Client& client, std::vector<std::string> datagrams)
        : m_client(client), m_datagrams(std::move(datagrams)) {}

    void ready(std::span<const std::uint16_t> ports) override {
        REQUIRE(ports.size() == 1);
        for (const auto& datagram : m_datagrams) {
            m_client.send(ports[0], datagram);
        }
        // Loopback delivers at once: the loop's first wait sees the datagrams and then
        // the signal.
        std::raise(SIGTERM);
    }
    void render(const receive::Record& record, std::chrono::system_clock::time_point,
                std::string& out) override {
        texts.push_back(record.text);
        out += record.text + "\n";
    }
    std::vector<std::string> journal_entry(const receive::Record&) override { return {}; }
    bool write(std::string_view lines) override {
        written += lines;
        return stdout_open;
    }
    void event(const ops::ListenEvent& event) override { events.push_back(event); }
    void summary(const ops::ListenSummary&) override { ++summaries; }

    std::vector<std::string> texts;
    std::string written;
    std::vector<ops::ListenEvent> events;
    int summaries = 0;
    bool stdout_open = true;

private:
    const Client& m_client;
    std::vector<std::string> m_datagrams;
};

/// Many clients (many source ports): on ready, before the workers start, each sends
/// records "record R" numbered 100 + R, the clients taking turns; then listen stops
/// once it has taken what came.
class ManySenders : public RecordingSink {
public:
    ManySenders(const Client& unused, int clients, int records)
        : RecordingSink(unused, {}), m_records(records) {
        for (int c = 0; c < clients; ++c) {
            m_clients.push_back(std::make_unique<Client>());
        }
    }
    void ready(std::span<const std::uint16_t> ports) override {
        REQUIRE(ports.size() == 1);
        for (int r = 0; r < m_records; ++r) {
            for (const auto& client : m_clients) {
                client->send(ports[0], fmt::format("6,{},{},-;record {}\n", 100 + r, 1000 + r, r));
            }
        }
        std::raise(SIGTERM);
    }

private:
    std::vector<std::unique_ptr<Client>> m_clients;
    int m_records;
};

ops::ListenRequest loopback_request() {
    ops::ListenRequest request;
    request.address = IpAddress::parse("127.0.0.1");
    request.ports = {0}; // the kernel picks a free one
    request.receive_buffer = 0;
    return request;
}

const std::string k_marker = "ncs-test-unit-1796161268-73566c73";
const std::string k_marker_record = "12,1,1000,-;netconsole-setup: test message " + k_marker + "\n";

} // namespace

TEST_CASE("listen hands every record to the sink, answers a test marker, stops on SIGTERM",
          "[listen]") {
    Client client;
    RecordingSink sink(client, {"6,1,100,-;first\n", "6,2,200,-;second\n", k_marker_record});
    const auto summary = ops::listen(loopback_request(), sink);
    CHECK(sink.texts == std::vector<std::string>{"first", "second",
                                                 "netconsole-setup: test message " + k_marker});
    CHECK(sink.written == "first\nsecond\nnetconsole-setup: test message " + k_marker + "\n");
    CHECK(summary.stats.records == 3);
    CHECK(summary.stats.senders == 1);
    CHECK(summary.counts.acknowledged == 1);
    CHECK(summary.counts.refused == 0);
    CHECK(client.reply() == "netconsole-setup ack " + k_marker);
    CHECK(sink.events.empty());
    CHECK(sink.summaries == 0); // the final counts are the return value
}

TEST_CASE("with acks off, listen takes a test marker as any record and answers nothing",
          "[listen]") {
    Client client;
    RecordingSink sink(client, {k_marker_record});
    auto request = loopback_request();
    request.acks = ops::Acks::never;
    const auto summary = ops::listen(request, sink);
    CHECK(summary.stats.records == 1);
    CHECK(summary.counts.acknowledged == 0);
    CHECK_FALSE(client.reply());
}

TEST_CASE("senders outside the allowed networks are counted, never handed over", "[listen]") {
    Client client;
    RecordingSink sink(client, {"6,1,100,-;refused\n", k_marker_record});
    auto request = loopback_request();
    request.allow = {receive::Cidr::parse("10.0.0.0/8")};
    const auto summary = ops::listen(request, sink);
    CHECK(sink.texts.empty());
    CHECK(summary.counts.refused == 2);
    CHECK(summary.stats.records == 0);
    CHECK_FALSE(client.reply());
}

TEST_CASE("a stdout that is gone ends listen with the counts, without a signal", "[listen]") {
    Client client;
    class ClosedStdout : public RecordingSink {
    public:
        using RecordingSink::RecordingSink;
        void ready(std::span<const std::uint16_t> ports) override {
            client_send(ports[0]);
        }
        std::function<void(std::uint16_t)> client_send;
    };
    ClosedStdout sink(client, {});
    sink.stdout_open = false;
    sink.client_send = [&](std::uint16_t port) { client.send(port, "6,1,100,-;lost\n"); };
    const auto summary = ops::listen(loopback_request(), sink);
    CHECK(sink.written == "lost\n");
    CHECK(summary.stats.records == 1);
}

TEST_CASE("an output that is not a directory is the output field's error", "[listen]") {
    Client client;
    RecordingSink sink(client, {});
    auto request = loopback_request();
    request.output = "/nonexistent/ncs-listen";
    try {
        ops::listen(request, sink);
        FAIL("no error");
    } catch (const FieldError& e) {
        CHECK(e.field() == Field::output);
        CHECK(std::string(e.what()) == "'/nonexistent/ncs-listen' is not a directory");
    }
}

TEST_CASE("workers never share a port with another process's SO_REUSEPORT group",
          "[listen]") {
    // A second listen by the same user would join the first's group and take half of
    // its datagrams, silently: binding fails instead, as with one worker.
    const auto other = UdpSocket::bind(IpAddress::parse("127.0.0.1"), 0, 0, ReusePort::yes);
    Client client;
    RecordingSink sink(client, {});
    auto request = loopback_request();
    request.ports = {other.local_port()};
    request.workers = 2;
    CHECK_THROWS_AS(ops::listen(request, sink), std::system_error);
}

TEST_CASE("three workers: every sender's records whole and in order, the counts summed",
          "[listen]") {
    // 12 senders (12 source ports), 20 records each: the kernel spreads them over the
    // workers' sockets; each sender stays on one, so its sequence has no gap.
    Client unused;
    ManySenders sink(unused, 12, 20);
    auto request = loopback_request();
    request.workers = 3;
    const auto summary = ops::listen(request, sink);
    CHECK(summary.workers == 3);
    CHECK(summary.stats.records == 240);
    CHECK(summary.stats.senders == 12);
    CHECK(summary.stats.lost == 0);
    REQUIRE(summary.streams.size() == 12);
    for (const auto& stream : summary.streams) {
        CHECK(stream.records == 20);
        CHECK(stream.lost == 0);
        CHECK(stream.late == 0);
    }
    CHECK(sink.texts.size() == 240);
}

TEST_CASE("a burst the sockets' buffers cannot hold: what they dropped is counted, summed "
          "over the workers, though no sequence gap shows it", "[listen]") {
    // Sent before the workers start, to sockets of the smallest buffer: each takes a
    // few datagrams and drops the rest, every sender's last records among them.
    Client unused;
    ManySenders sink(unused, 8, 50);
    auto request = loopback_request();
    request.receive_buffer = 1; // the kernel's minimum: a datagram or two
    request.workers = 2;
    const auto summary = ops::listen(request, sink);
    CHECK(summary.workers == 2);
    CHECK(summary.counts.socket_drops > 0);
    CHECK(summary.stats.records + summary.counts.socket_drops == 400);
    CHECK(summary.stats.lost == 0); // the missing records were each sender's last
}

TEST_CASE("workers out of range and a bad forward URL are their fields' errors", "[listen]") {
    Client client;
    RecordingSink sink(client, {});
    auto request = loopback_request();
    request.workers = 65;
    try {
        ops::listen(request, sink);
        FAIL("no error");
    } catch (const FieldError& e) {
        CHECK(e.field() == Field::workers);
    }
    request.workers = 1;
    request.forward = {"http://logs.example"};
    try {
        ops::listen(request, sink);
        FAIL("no error");
    } catch (const FieldError& e) {
        CHECK(e.field() == Field::forward);
    }
    request.forward = {"tcp://127.0.0.1:9"};
    request.forward_settings.spool = "/nonexistent/ncs-spool";
    try {
        ops::listen(request, sink);
        FAIL("no error");
    } catch (const FieldError& e) {
        CHECK(e.field() == Field::forward_spool);
    }
}

TEST_CASE("forwarding: records reach a TCP target octet-counted, "
          "receiving never waits for it", "[listen]") {
    // A TCP listener on loopback as the forward target.
    const auto [server, target_port] = ncs::test::bind_loopback(SOCK_STREAM);
    REQUIRE(::listen(server, 4) == 0);

    Client client;
    RecordingSink sink(client, {"6,1,100,-;first forwarded\n", "6,2,200,-;second forwarded\n"});
    auto request = loopback_request();
    request.workers = 1;
    request.forward = {fmt::format("tcp://127.0.0.1:{}", target_port)};
    request.forward_settings.drain = std::chrono::milliseconds(2000);
    const auto summary = ops::listen(request, sink);
    CHECK(summary.stats.records == 2);
    REQUIRE(summary.forwards.size() == 1);
    CHECK(summary.forwards[0].url == fmt::format("tcp://127.0.0.1:{}", target_port));
    CHECK(summary.forwards[0].stats.submitted == 2);
    CHECK(summary.forwards[0].stats.dropped == 0);

    const int peer = ::accept(server, nullptr, nullptr);
    REQUIRE(peer >= 0);
    std::string received;
    char buffer[4096];
    timeval timeout{1, 0};
    ::setsockopt(peer, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    for (ssize_t n; (n = ::recv(peer, buffer, sizeof buffer, 0)) > 0;) {
        received.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(peer);
    ::close(server);
    // "<length> <14>1 ... first forwarded": octet counting, kern.info, the text.
    CHECK(received.find("first forwarded") != std::string::npos);
    CHECK(received.find("second forwarded") != std::string::npos);
    CHECK(received.find("netconsole.target_port=") != std::string::npos);
    CHECK(std::isdigit(static_cast<unsigned char>(received.front())));
}

TEST_CASE("forwarding to a target that is down: the records wait, its failure is said once",
          "[listen]") {
    // A port nobody listens on (bound and closed again).
    const auto probe = ncs::test::bind_loopback(SOCK_STREAM);
    ::close(probe.fd);

    Client client;
    RecordingSink sink(client, {"6,1,100,-;waits\n"});
    auto request = loopback_request();
    request.forward = {fmt::format("tcp://127.0.0.1:{}", probe.port)};
    request.forward_settings.drain = std::chrono::milliseconds(300);
    const auto summary = ops::listen(request, sink);
    CHECK(sink.texts == std::vector<std::string>{"waits"}); // stdout had it at once
    REQUIRE(summary.forwards.size() == 1);
    CHECK(summary.forwards[0].stats.sent == 0);
    CHECK(summary.forwards[0].stats.queued == 1); // still queued at exit: in the summary
    CHECK(summary.forwards[0].stats.dropped == 0);
    const auto failed = std::count_if(sink.events.begin(), sink.events.end(), [](const auto& e) {
        return e.kind == ops::ListenEvent::Kind::forward_failed;
    });
    CHECK(failed == 1);
}
