// ncs-loadgen: the project's own netconsole load generator, for the netns tests
// and bench/listen.sh. Sends extended records shaped as drivers/net/netconsole.c
// sends them (fragmented above 1000 bytes, by lib/receive's kernel_datagrams),
// from one or more source ports, each its own sender with its own sequence.
//
//   ncs-loadgen --to ADDR [--port 6666] [--source-port 6665] [--senders K]
//               [--from ADDR --from-count K] [--count N] [--rate R] [--skip-every M] [--text-bytes B]
//               [--userdata N] [--release STR] [--plain] [--partial] [--marker MARKER [--raw]]
//
// --count N sequence numbers per sender (0..N-1); --skip-every M leaves out
// every seq with seq % M == M/2 (deliberate loss the receiver must count);
// --rate R records per second per sender (0: flat out); --marker sends the one
// line `netconsole-setup test` writes and waits 2 s for the acknowledgment;
// with --raw (IPv4) it sends that line from a raw socket, as netpoll does,
// so `test --ack` can hold the source port, and does not wait.
// --partial sends only the first fragment of each record (text over 1000 bytes),
// the flood that fills a receiver's table of partial records (bench/listen-fragments.sh).
// --from ADDR --from-count K: K senders that are K source addresses (ADDR, ADDR+1,
// ...; they must be local, e.g. on a veth in the patients' namespace) sharing
// --source-port, as a fleet of patients: one socket, each datagram's source set with
// IP_PKTINFO / IPV6_PKTINFO (bench/fleet.sh; up to 65536 of them).
// Prints "sent S records (D datagrams) from K senders, skipped L" on stdout.

#include "model/ip_address.hpp"
#include "receive/ack.hpp"
#include "receive/record.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

struct Options {
    std::string to;
    unsigned port = 6666;
    unsigned source_port = 6665;
    unsigned senders = 1;
    unsigned long count = 1000;
    unsigned long rate = 0;
    unsigned long skip_every = 0;
    std::size_t text_bytes = 40;
    unsigned userdata = 0;
    std::string release;
    bool plain = false;
    bool raw = false;
    bool partial = false;
    std::string marker;
    std::string from;
    unsigned long from_count = 0;
};

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr, "ncs-loadgen: %s\n", why);
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--plain" || arg == "--raw" || arg == "--partial") {
            (arg == "--plain" ? options.plain : arg == "--raw" ? options.raw : options.partial) = true;
            continue;
        }
        if (i + 1 >= argc) {
            usage("an option lacks its value");
        }
        const char* value = argv[++i];
        auto number = [&] { return std::strtoul(value, nullptr, 10); };
        if (arg == "--to") options.to = value;
        else if (arg == "--port") options.port = static_cast<unsigned>(number());
        else if (arg == "--source-port") options.source_port = static_cast<unsigned>(number());
        else if (arg == "--senders") options.senders = static_cast<unsigned>(number());
        else if (arg == "--count") options.count = number();
        else if (arg == "--rate") options.rate = number();
        else if (arg == "--skip-every") options.skip_every = number();
        else if (arg == "--text-bytes") options.text_bytes = number();
        else if (arg == "--userdata") options.userdata = static_cast<unsigned>(number());
        else if (arg == "--release") options.release = value;
        else if (arg == "--marker") options.marker = value;
        else if (arg == "--from") options.from = value;
        else if (arg == "--from-count") options.from_count = number();
        else usage("unknown option");
    }
    if (options.to.empty() || options.senders == 0 || options.senders > 1000) {
        usage("--to ADDR is required; --senders is 1 to 1000");
    }
    if (options.from.empty() != (options.from_count == 0) || options.from_count > 65536) {
        usage("--from ADDR goes with --from-count K (1 to 65536)");
    }
    return options;
}

sockaddr_storage address_of(const ncs::IpAddress& address, unsigned port, socklen_t& length) {
    sockaddr_storage storage{};
    if (address.is_v4()) {
        auto& in = reinterpret_cast<sockaddr_in&>(storage);
        in.sin_family = AF_INET;
        in.sin_port = htons(static_cast<std::uint16_t>(port));
        std::memcpy(&in.sin_addr, address.bytes().data(), 4);
        length = sizeof in;
    } else {
        auto& in6 = reinterpret_cast<sockaddr_in6&>(storage);
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons(static_cast<std::uint16_t>(port));
        std::memcpy(&in6.sin6_addr, address.bytes().data(), 16);
        // fe80::1%eth0: the link, by name.
        in6.sin6_scope_id = address.zone().empty() ? 0 : ::if_nametoindex(address.zone().c_str());
        length = sizeof in6;
    }
    return storage;
}

/// The body of record seq: text, then userdata lines, then sysdata as 6.17+ sends it.
std::string body_of(const Options& options, unsigned long seq) {
    std::string body = "loadgen record " + std::to_string(seq) + " ";
    while (body.size() < options.text_bytes) {
        body += static_cast<char>('a' + body.size() % 26);
    }
    body += '\n';
    for (unsigned key = 0; key < options.userdata; ++key) {
        body += " key" + std::to_string(key) + "=" + std::string(150, 'v') + "\n";
    }
    if (options.userdata > 0) {
        body += " cpu=0\n taskname=loadgen\n msgid=" + std::to_string(seq + 1) + "\n";
    }
    return body;
}

/// The address count steps after base (as one big-endian number).
ncs::IpAddress nth_address(const ncs::IpAddress& base, unsigned long count) {
    const auto bytes = base.bytes();
    std::array<std::uint8_t, 16> value{};
    std::copy(bytes.begin(), bytes.end(), value.begin());
    auto carry = count;
    for (auto i = bytes.size(); i-- > 0 && carry > 0;) {
        carry += value[i];
        value[i] = static_cast<std::uint8_t>(carry & 0xff);
        carry >>= 8;
    }
    if (base.is_v4()) {
        return ncs::IpAddress::v4({value[0], value[1], value[2], value[3]});
    }
    return ncs::IpAddress::v6(value);
}

/// Sends one datagram from source (a local address) through fd, bound to the port.
bool send_from(int fd, const ncs::IpAddress& source, const std::string& datagram,
               const sockaddr_storage& destination, socklen_t length) {
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
    iovec iov{const_cast<char*>(datagram.data()), datagram.size()};
    msghdr message{};
    message.msg_name = const_cast<sockaddr_storage*>(&destination);
    message.msg_namelen = length;
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    auto* header = reinterpret_cast<cmsghdr*>(control);
    if (source.is_v4()) {
        message.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
        header->cmsg_level = IPPROTO_IP;
        header->cmsg_type = IP_PKTINFO;
        header->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
        in_pktinfo info{};
        std::memcpy(&info.ipi_spec_dst, source.bytes().data(), 4);
        std::memcpy(CMSG_DATA(header), &info, sizeof info);
    } else {
        message.msg_controllen = CMSG_SPACE(sizeof(in6_pktinfo));
        header->cmsg_level = IPPROTO_IPV6;
        header->cmsg_type = IPV6_PKTINFO;
        header->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
        in6_pktinfo info{};
        std::memcpy(&info.ipi6_addr, source.bytes().data(), 16);
        std::memcpy(CMSG_DATA(header), &info, sizeof info);
    }
    return ::sendmsg(fd, &message, 0) >= 0;
}

} // namespace

int main(int argc, char** argv) {
    const auto options = parse(argc, argv);
    const auto to = ncs::IpAddress::try_parse(options.to);
    if (!to) {
        usage("--to is not an address");
    }
    socklen_t to_length = 0;
    const auto destination = address_of(*to, options.port, to_length);
    const std::string release_prefix = options.release.empty() ? "" : options.release + ",";
    if (options.raw) {
        if (!to->is_v4() || options.marker.empty()) {
            usage("--raw sends a --marker over IPv4");
        }
        // netpoll builds its UDP packets itself, without a socket on the port: so does
        // this, leaving the port to `test --ack`. Checksum 0: none, allowed over IPv4.
        const int fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_UDP);
        if (fd < 0) {
            std::perror("ncs-loadgen: raw socket");
            return 1;
        }
        // A fresh sequence number and timestamp each run, as a kernel's next record.
        const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count();
        const auto text = release_prefix + "12," + std::to_string(now / 1000) + "," +
                          std::to_string(now) + ",-;netconsole-setup: test message " +
                          options.marker + "\n";
        std::string packet(8, '\0');
        const auto put16 = [&packet](std::size_t at, unsigned value) {
            packet[at] = static_cast<char>(value >> 8);
            packet[at + 1] = static_cast<char>(value & 0xff);
        };
        put16(0, options.source_port);
        put16(2, options.port);
        put16(4, static_cast<unsigned>(8 + text.size()));
        packet += text;
        if (::sendto(fd, packet.data(), packet.size(), 0,
                     reinterpret_cast<const sockaddr*>(&destination), to_length) < 0) {
            std::perror("ncs-loadgen: sendto");
            return 1;
        }
        std::printf("sent %s\n", options.marker.c_str());
        return 0;
    }
    std::vector<ncs::IpAddress> sources;
    if (!options.from.empty()) {
        const auto base = ncs::IpAddress::try_parse(options.from);
        if (!base || base->family() != to->family()) {
            usage("--from is not an address of --to's family");
        }
        for (unsigned long i = 0; i < options.from_count; ++i) {
            sources.push_back(nth_address(*base, i));
        }
    }
    std::vector<int> sockets;
    for (unsigned s = 0; s < (sources.empty() ? options.senders : 1); ++s) {
        const int fd = ::socket(to->is_v4() ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        socklen_t length = 0;
        const auto any = address_of(ncs::IpAddress::any(to->family()), options.source_port + s, length);
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&any), length) != 0) {
            std::perror("ncs-loadgen: bind");
            return 1;
        }
        sockets.push_back(fd);
    }

    if (!options.marker.empty()) {
        const std::string text = "netconsole-setup: test message " + options.marker + "\n";
        const auto datagram = release_prefix + "12,1,1000,-;" + text;
        const auto start = std::chrono::steady_clock::now();
        ::sendto(sockets[0], datagram.data(), datagram.size(), 0,
                 reinterpret_cast<const sockaddr*>(&destination), to_length);
        pollfd polled{sockets[0], POLLIN, 0};
        char reply[2048];
        while (::poll(&polled, 1, 2000) > 0) {
            const auto got = ::recv(sockets[0], reply, sizeof reply, 0);
            if (got > 0 && ncs::receive::parse_ack({reply, static_cast<std::size_t>(got)}) ==
                               std::optional<std::string>(options.marker)) {
                const std::chrono::duration<double, std::milli> took =
                    std::chrono::steady_clock::now() - start;
                std::printf("acknowledged %s in %.1f ms\n", options.marker.c_str(), took.count());
                return 0;
            }
        }
        std::printf("no acknowledgment\n");
        return 1;
    }

    unsigned long sent = 0;
    unsigned long datagrams = 0;
    unsigned long skipped = 0;
    const auto start = std::chrono::steady_clock::now();
    for (unsigned long seq = 0; seq < options.count; ++seq) {
        if (options.skip_every > 0 && seq % options.skip_every == options.skip_every / 2) {
            skipped += sources.empty() ? options.senders : sources.size();
            continue;
        }
        const auto body = body_of(options, seq);
        // ts_usec: microseconds since "boot", growing with seq.
        const auto header = release_prefix + "6," + std::to_string(seq) + "," +
                            std::to_string(1'000'000 + seq * 10) + ",-";
        auto pieces = options.plain ? std::vector<std::string>{body}
                                    : ncs::receive::kernel_datagrams(header, body);
        if (options.partial) {
            pieces.resize(1);
        }
        for (std::size_t s = 0; s < (sources.empty() ? sockets.size() : sources.size()); ++s) {
            const int fd = sources.empty() ? sockets[s] : sockets[0];
            for (const auto& piece : pieces) {
                // A full receive buffer drops at the receiver (that is the loss the
                // receiver counts); a full send queue (ENOBUFS) is retried here.
                while (!(sources.empty() ? ::sendto(fd, piece.data(), piece.size(), 0,
                                                    reinterpret_cast<const sockaddr*>(&destination),
                                                    to_length) >= 0
                                         : send_from(fd, sources[s], piece, destination, to_length))) {
                    if (errno != ENOBUFS && errno != EAGAIN) {
                        std::perror("ncs-loadgen: send");
                        return 1;
                    }
                    std::this_thread::yield();
                }
                ++datagrams;
            }
            ++sent;
        }
        if (options.rate > 0) {
            const auto due = start + std::chrono::microseconds((seq + 1) * 1'000'000 / options.rate);
            std::this_thread::sleep_until(due);
        }
    }
    std::printf("sent %lu records (%lu datagrams) from %lu senders, skipped %lu\n", sent, datagrams,
                sources.empty() ? static_cast<unsigned long>(options.senders) : sources.size(), skipped);
    return 0;
}
