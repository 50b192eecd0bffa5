// ncs-recv-ceiling: what one core can receive with recvmmsg and no parsing, the
// ceiling a `listen` worker is measured against (bench/listen.sh). The same socket
// (lib/system's UdpSocket: 64 MiB buffer), the same batch (64 datagrams of up to
// 64 KiB, DatagramBatch) and the same wait (EventLoop) as a listen worker, and
// nothing else: no reassembly, no sequence tracking, no hand-off, no output.
//
//   ncs-recv-ceiling --port PORT
//
// Receives until SIGINT or SIGTERM, then prints "received N datagrams, D dropped by
// the socket" on stdout.

#include "system/event_loop.hpp"
#include "system/udp.hpp"

#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string_view>

namespace {

// As lib/ops/listen.cpp's worker.
constexpr std::size_t k_batch = 64;
constexpr std::size_t k_max_datagram = 65536;
constexpr std::size_t k_receive_buffer = std::size_t{64} << 20;

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr, "ncs-recv-ceiling: %s\nusage: ncs-recv-ceiling --port PORT\n", why);
    std::exit(2);
}

std::uint16_t parse_port(int argc, char** argv) {
    if (argc != 3 || std::strcmp(argv[1], "--port") != 0) {
        usage("--port PORT is the one option");
    }
    const std::string_view text = argv[2];
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (ec != std::errc() || end != text.data() + text.size() || port == 0 || port > 65535) {
        usage("--port takes 1-65535");
    }
    return static_cast<std::uint16_t>(port);
}

} // namespace

int main(int argc, char** argv) {
    const auto port = parse_port(argc, argv);
    try {
        auto socket = ncs::UdpSocket::bind(std::nullopt, port, k_receive_buffer);
        ncs::EventLoop loop({SIGINT, SIGTERM});
        loop.add(socket.fd());
        ncs::DatagramBatch batch(k_batch, k_max_datagram);
        std::uint64_t received = 0;
        std::uint64_t dropped = 0;
        for (;;) {
            const auto wake = loop.wait(std::nullopt);
            // Drained as a worker drains, batches until one comes back short; what
            // came before a signal too.
            for (auto n = batch.receive(socket); n > 0; n = batch.receive(socket)) {
                received += n;
                dropped += batch.drops();
                if (n < k_batch) {
                    break;
                }
            }
            if (!wake.signals.empty()) {
                break;
            }
        }
        dropped += socket.take_drops();
        std::printf("received %llu datagrams, %llu dropped by the socket\n",
                    static_cast<unsigned long long>(received),
                    static_cast<unsigned long long>(dropped));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ncs-recv-ceiling: %s\n", e.what());
        return 1;
    }
}
