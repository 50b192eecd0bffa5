// lib/system/udp.cpp: what `listen --workers` rests on, on loopback: sockets of one
// SO_REUSEPORT group, and the kernel's hash that keeps each sender on one of them.
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
        const auto& socket = which == 0 ? first : second;
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
