// lib/system/udp.cpp: what `listen --workers` rests on, on loopback: sockets of one
// SO_REUSEPORT group, and the kernel's hash that keeps each sender on one of them;
// the datagrams a full receive buffer dropped, counted.
#include "system/udp.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

using namespace ncs;

TEST_CASE("SO_REUSEPORT: a sender's datagrams always reach the same socket of the group",
          "[udp]") {
    const auto loopback = IpAddress::parse("127.0.0.1");
    auto first = UdpSocket::bind(loopback, 0, 0, ReusePort::yes);
    const auto port = first.local_port();
    auto second = UdpSocket::bind(loopback, port, 0, ReusePort::yes);
    CHECK(second.local_port() == port);
    CHECK_THROWS(UdpSocket::bind(loopback, port)); // outside the group: the port is taken

    const auto doctor = receive::SenderKey::from(loopback, port);
    std::vector<UdpSocket> senders;
    for (int s = 0; s < 32; ++s) {
        senders.push_back(UdpSocket::bind(loopback, 0));
    }
    for (int round = 0; round < 8; ++round) {
        for (const auto& sender : senders) {
            REQUIRE(sender.send_to(doctor, "record " + std::to_string(round)));
        }
    }
    std::map<std::uint16_t, std::set<int>> sockets_of; // sender port -> which socket
    DatagramBatch batch(64, 2048);
    for (int which = 0; which < 2; ++which) {
        auto& socket = which == 0 ? first : second;
        for (std::size_t n = batch.receive(socket); n > 0; n = batch.receive(socket)) {
            for (std::size_t d = 0; d < n; ++d) {
                const auto sender = batch.sender(d);
                CHECK(sender.local_port == port);
                CHECK(sender.local_ip() == loopback);
                sockets_of[sender.port].insert(which);
            }
        }
    }
    CHECK(sockets_of.size() == 32);
    std::set<int> used;
    for (const auto& [sender, sockets] : sockets_of) {
        CHECK(sockets.size() == 1); // never split over two sockets
        used.insert(*sockets.begin());
    }
    // 32 senders all hashed to one socket: 1 in 2^31.
    CHECK(used.size() == 2);
}

namespace {

constexpr int k_burst = 200;

/// A socket with the smallest receive buffer the kernel allows (a few datagrams),
/// and k_burst datagrams sent to it from another without reading any.
struct Overflowed {
    UdpSocket doctor = UdpSocket::bind(IpAddress::parse("127.0.0.1"), 0, 1);
    UdpSocket patient = UdpSocket::bind(IpAddress::parse("127.0.0.1"), 0);
    DatagramBatch batch{64, 2048};

    Overflowed() {
        const auto to = receive::SenderKey::from(IpAddress::parse("127.0.0.1"), doctor.local_port());
        for (int n = 0; n < k_burst; ++n) {
            REQUIRE(patient.send_to(to, "burst " + std::to_string(n) + std::string(100, '.')));
        }
    }
    /// Reads every datagram waiting: how many, and the drops the batches said.
    std::pair<std::uint64_t, std::uint64_t> drain() {
        std::uint64_t received = 0;
        std::uint64_t drops = 0;
        for (auto n = batch.receive(doctor); n > 0; n = batch.receive(doctor)) {
            received += n;
            drops += batch.drops();
        }
        return {received, drops};
    }
};

} // namespace

TEST_CASE("SO_RXQ_OVFL: the next datagram after an overflow says how many the socket dropped",
          "[udp]") {
    Overflowed run;
    auto [received, drops] = run.drain();
    CHECK(received < k_burst);
    // The counter each queued datagram carries is the one when it was queued: what
    // was dropped after the last one shows on the next datagram.
    REQUIRE(run.patient.send_to(
        receive::SenderKey::from(IpAddress::parse("127.0.0.1"), run.doctor.local_port()), "after"));
    const auto [after, more] = run.drain();
    CHECK(after == 1);
    drops += more;
    CHECK(drops > 0);
    CHECK(received + drops == k_burst);
    CHECK(run.doctor.take_drops() == 0); // counted once
}

TEST_CASE("the drops at the end of a burst, that no datagram reports, are the socket's own count",
          "[udp]") {
    Overflowed run;
    const auto [received, said] = run.drain();
    const auto drops = said + run.doctor.take_drops();
    CHECK(drops > 0);
    CHECK(received + drops == k_burst);
    CHECK(run.doctor.take_drops() == 0);
}
