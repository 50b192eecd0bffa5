#pragma once
// A socket bound to 127.0.0.1 on a port the kernel picks, for tests that need a
// peer on loopback (a forward target, a port nobody listens on).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <stdexcept>

namespace ncs::test {

struct LoopbackSocket {
    int fd = -1;
    std::uint16_t port = 0;
};

/// type: SOCK_STREAM or SOCK_DGRAM; port 0 lets the kernel pick. The caller closes fd.
inline LoopbackSocket bind_loopback(int type, std::uint16_t port = 0) {
    LoopbackSocket bound;
    bound.fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (bound.fd < 0) {
        throw std::runtime_error("socket failed");
    }
    const int on = 1;
    ::setsockopt(bound.fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    socklen_t length = sizeof address;
    if (::bind(bound.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(bound.fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw std::runtime_error("binding 127.0.0.1 failed");
    }
    bound.port = ntohs(address.sin_port);
    return bound;
}

} // namespace ncs::test
