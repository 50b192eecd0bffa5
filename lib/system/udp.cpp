#include "system/udp.hpp"

#include "model/errors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <unistd.h>

namespace ncs {
namespace {

std::system_error os_error(std::string_view what) {
    return std::system_error(errno, std::generic_category(), std::string(what));
}

void set_receive_buffer(int fd, std::size_t bytes) {
    if (bytes == 0) {
        return;
    }
    const int value = static_cast<int>(std::min<std::size_t>(bytes, 1U << 30));
    // SO_RCVBUFFORCE passes net.core.rmem_max with CAP_NET_ADMIN; without it the
    // plain option is capped there, which is the best an unprivileged listener gets.
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &value, sizeof value) != 0) {
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, sizeof value);
    }
}

receive::SenderKey key_of(const sockaddr_storage& storage) {
    receive::SenderKey key;
    if (storage.ss_family == AF_INET) {
        const auto& in = reinterpret_cast<const sockaddr_in&>(storage);
        std::memcpy(key.address.data(), &in.sin_addr, 4);
        key.port = ntohs(in.sin_port);
        key.v4 = true;
        return key;
    }
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(storage);
    key.port = ntohs(in6.sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr)) {
        std::memcpy(key.address.data(), in6.sin6_addr.s6_addr + 12, 4);
        key.v4 = true;
        return key;
    }
    std::memcpy(key.address.data(), in6.sin6_addr.s6_addr, 16);
    key.v4 = false;
    key.scope = in6.sin6_scope_id;
    return key;
}

/// Asks for the destination address of each datagram (to reply from it).
void ask_destination(int fd, int family) {
    const int one = 1;
    if (family == AF_INET) {
        ::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
    } else {
        // IPv4 on a dual-stack socket comes as an IPv4-mapped IPV6_PKTINFO.
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
    }
}

/// Asks for the socket's drop counter on each datagram (SO_RXQ_OVFL): what listen
/// lost to a full receive buffer, which no sequence gap shows when the last records
/// of a burst are the ones dropped.
void ask_drops(int fd) {
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
}

constexpr std::size_t k_control_size = CMSG_SPACE(sizeof(in6_pktinfo)) +
                                       CMSG_SPACE(sizeof(in_pktinfo)) +
                                       CMSG_SPACE(sizeof(std::uint32_t));

} // namespace

std::uint32_t scope_id(const IpAddress& address) {
    const auto& zone = address.zone();
    if (zone.empty()) {
        return 0;
    }
    std::uint32_t index = 0;
    const auto [ptr, ec] = std::from_chars(zone.data(), zone.data() + zone.size(), index);
    if (ec == std::errc() && ptr == zone.data() + zone.size()) {
        return index;
    }
    index = ::if_nametoindex(zone.c_str());
    if (index == 0) {
        throw InputError(fmt::format("there is no interface '{}' for {}", zone,
                                     address.to_string_with_zone()),
                         "'ip link' lists the interfaces");
    }
    return index;
}

UdpSocket::UdpSocket(int fd) : m_fd(fd) {}

UdpSocket::UdpSocket(UdpSocket&& other) noexcept
    : m_fd(other.m_fd), m_family(other.m_family), m_port(other.m_port),
      m_drops_seen(other.m_drops_seen) {
    other.m_fd = -1;
}

UdpSocket& UdpSocket::operator=(UdpSocket&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        m_fd = other.m_fd;
        m_family = other.m_family;
        m_port = other.m_port;
        m_drops_seen = other.m_drops_seen;
        other.m_fd = -1;
    }
    return *this;
}

UdpSocket::~UdpSocket() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

UdpSocket UdpSocket::bind(const std::optional<IpAddress>& address, std::uint16_t port,
                          std::size_t receive_buffer, ReusePort reuse) {
    const bool v4 = address && address->is_v4();
    int fd = ::socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int family = v4 ? AF_INET : AF_INET6;
    if (fd < 0 && !address && errno == EAFNOSUPPORT) {
        // IPv6 disabled (ipv6.disable=1): IPv4 only.
        fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        family = AF_INET;
    }
    if (fd < 0) {
        throw os_error("cannot open a UDP socket");
    }
    UdpSocket socket(fd);
    socket.m_family = family;
    set_receive_buffer(fd, receive_buffer);
    if (reuse == ReusePort::yes) {
        const int one = 1;
        if (::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
            throw os_error("cannot set SO_REUSEPORT");
        }
    }
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (family == AF_INET) {
        auto& in = reinterpret_cast<sockaddr_in&>(storage);
        in.sin_family = AF_INET;
        in.sin_port = htons(port);
        if (address) {
            std::memcpy(&in.sin_addr, address->bytes().data(), 4);
        }
        length = sizeof in;
    } else {
        auto& in6 = reinterpret_cast<sockaddr_in6&>(storage);
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons(port);
        const int v6only = address ? 1 : 0;
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
        if (address) {
            std::memcpy(&in6.sin6_addr, address->bytes().data(), 16);
            in6.sin6_scope_id = scope_id(*address);
        }
        length = sizeof in6;
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
        throw os_error(fmt::format("cannot bind UDP port {}{}", port,
                                   address ? " on " + address->to_string_with_zone() : ""));
    }
    sockaddr_storage bound{};
    socklen_t bound_length = sizeof bound;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_length);
    socket.m_port = key_of(bound).port;
    ask_destination(fd, family);
    ask_drops(fd);
    return socket;
}

UdpSocket UdpSocket::adopt(int fd) {
    int type = 0;
    socklen_t length = sizeof type;
    sockaddr_storage bound{};
    socklen_t bound_length = sizeof bound;
    if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0 || type != SOCK_DGRAM ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_length) != 0 ||
        (bound.ss_family != AF_INET && bound.ss_family != AF_INET6)) {
        throw OperationError(fmt::format("inherited file descriptor {} is not a UDP socket", fd),
                             "the .socket unit needs ListenDatagram=");
    }
    const int flags = ::fcntl(fd, F_GETFL);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    UdpSocket socket(fd);
    socket.m_family = bound.ss_family;
    socket.m_port = key_of(bound).port;
    ask_destination(fd, bound.ss_family);
    ask_drops(fd);
    return socket;
}

std::uint64_t UdpSocket::advance_drops(std::uint32_t counter) {
    // A u32 that wraps: the difference taken modulo 2^32, and as signed so that an
    // older value (a datagram queued before the last SO_MEMINFO look) adds nothing.
    const auto increase = static_cast<std::int32_t>(counter - m_drops_seen);
    if (increase <= 0) {
        return 0;
    }
    m_drops_seen = counter;
    return static_cast<std::uint64_t>(increase);
}

std::uint64_t UdpSocket::take_drops() {
    std::array<std::uint32_t, SK_MEMINFO_VARS> memory{};
    socklen_t length = sizeof memory;
    if (::getsockopt(m_fd, SOL_SOCKET, SO_MEMINFO, memory.data(), &length) != 0 ||
        length <= SK_MEMINFO_DROPS * sizeof(std::uint32_t)) {
        return 0; // a kernel without it: what the datagrams said is all there is
    }
    return advance_drops(memory[SK_MEMINFO_DROPS]);
}

bool UdpSocket::send_to(const receive::SenderKey& sender, std::string_view payload,
                        const std::optional<LocalAddress>& from) const {
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (m_family == AF_INET) {
        if (!sender.v4) {
            errno = EAFNOSUPPORT;
            return false;
        }
        auto& in = reinterpret_cast<sockaddr_in&>(storage);
        in.sin_family = AF_INET;
        in.sin_port = htons(sender.port);
        std::memcpy(&in.sin_addr, sender.address.data(), 4);
        length = sizeof in;
    } else {
        auto& in6 = reinterpret_cast<sockaddr_in6&>(storage);
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons(sender.port);
        if (sender.v4) {
            in6.sin6_addr.s6_addr[10] = 0xff;
            in6.sin6_addr.s6_addr[11] = 0xff;
            std::memcpy(in6.sin6_addr.s6_addr + 12, sender.address.data(), 4);
        } else {
            std::memcpy(in6.sin6_addr.s6_addr, sender.address.data(), 16);
            in6.sin6_scope_id = sender.scope;
        }
        length = sizeof in6;
    }
    iovec vector{const_cast<char*>(payload.data()), payload.size()};
    msghdr message{};
    message.msg_name = &storage;
    message.msg_namelen = length;
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    alignas(cmsghdr) char control[k_control_size] = {};
    if (from && from->family == m_family) {
        message.msg_control = control;
        auto* header = reinterpret_cast<cmsghdr*>(control);
        if (m_family == AF_INET) {
            in_pktinfo info{};
            std::memcpy(&info.ipi_spec_dst, from->address.data(), 4);
            header->cmsg_level = IPPROTO_IP;
            header->cmsg_type = IP_PKTINFO;
            header->cmsg_len = CMSG_LEN(sizeof info);
            std::memcpy(CMSG_DATA(header), &info, sizeof info);
            message.msg_controllen = CMSG_SPACE(sizeof info);
        } else {
            // The kernel takes IPV6_PKTINFO with an IPv4-mapped source for an IPv4
            // sender too; the interface only where a link-local address needs it.
            in6_pktinfo info{};
            std::memcpy(&info.ipi6_addr, from->address.data(), 16);
            info.ipi6_ifindex = IN6_IS_ADDR_LINKLOCAL(&info.ipi6_addr) ? from->ifindex : 0;
            header->cmsg_level = IPPROTO_IPV6;
            header->cmsg_type = IPV6_PKTINFO;
            header->cmsg_len = CMSG_LEN(sizeof info);
            std::memcpy(CMSG_DATA(header), &info, sizeof info);
            message.msg_controllen = CMSG_SPACE(sizeof info);
        }
        if (::sendmsg(m_fd, &message, MSG_DONTWAIT) == static_cast<ssize_t>(payload.size())) {
            return true;
        }
        // A destination no reply can come from (a broadcast or multicast address):
        // let routing choose.
        message.msg_control = nullptr;
        message.msg_controllen = 0;
    }
    return ::sendmsg(m_fd, &message, MSG_DONTWAIT) == static_cast<ssize_t>(payload.size());
}

DatagramBatch::DatagramBatch(std::size_t count, std::size_t size)
    : m_size(size), m_buffers(count * size), m_addresses(count), m_iovecs(count),
      m_control(count * k_control_size), m_headers(count) {}

std::size_t DatagramBatch::receive(UdpSocket& socket) {
    m_port = socket.local_port();
    m_drops = 0;
    for (std::size_t i = 0; i < m_headers.size(); ++i) {
        m_iovecs[i] = {m_buffers.data() + i * m_size, m_size};
        auto& header = m_headers[i].msg_hdr;
        header = {};
        header.msg_name = &m_addresses[i];
        header.msg_namelen = sizeof(sockaddr_storage);
        header.msg_iov = &m_iovecs[i];
        header.msg_iovlen = 1;
        header.msg_control = m_control.data() + i * k_control_size;
        header.msg_controllen = k_control_size;
        m_headers[i].msg_len = 0;
    }
    const int received = ::recvmmsg(socket.fd(), m_headers.data(),
                                    static_cast<unsigned>(m_headers.size()), MSG_DONTWAIT, nullptr);
    if (received < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            return 0;
        }
        throw os_error("recvmmsg");
    }
    // The counter as the last datagram was queued (it only grows): the kernel adds
    // it only once the socket has dropped something.
    for (auto i = static_cast<std::size_t>(received); i-- > 0;) {
        if (const auto counter = drop_counter(i)) {
            m_drops = socket.advance_drops(*counter);
            break;
        }
    }
    return static_cast<std::size_t>(received);
}

std::optional<std::uint32_t> DatagramBatch::drop_counter(std::size_t index) const {
    auto& header = const_cast<msghdr&>(m_headers[index].msg_hdr);
    for (auto* control = CMSG_FIRSTHDR(&header); control != nullptr;
         control = CMSG_NXTHDR(&header, control)) {
        if (control->cmsg_level == SOL_SOCKET && control->cmsg_type == SO_RXQ_OVFL) {
            std::uint32_t counter = 0;
            std::memcpy(&counter, CMSG_DATA(control), sizeof counter);
            return counter;
        }
    }
    return std::nullopt;
}

receive::SenderKey DatagramBatch::sender(std::size_t index) const {
    auto key = key_of(m_addresses[index]);
    key.local_port = m_port;
    if (const auto local = destination(index)) {
        std::array<std::uint8_t, 4> v4{};
        std::copy_n(local->address.begin(), 4, v4.begin());
        key = key.at(local->family == AF_INET ? IpAddress::v4(v4) : IpAddress::v6(local->address),
                     m_port);
    }
    return key;
}

std::string_view DatagramBatch::payload(std::size_t index) const {
    return {m_buffers.data() + index * m_size, std::min<std::size_t>(m_headers[index].msg_len, m_size)};
}

bool DatagramBatch::truncated(std::size_t index) const {
    return (m_headers[index].msg_hdr.msg_flags & MSG_TRUNC) != 0;
}

std::optional<LocalAddress> DatagramBatch::destination(std::size_t index) const {
    auto& header = const_cast<msghdr&>(m_headers[index].msg_hdr);
    for (auto* control = CMSG_FIRSTHDR(&header); control != nullptr;
         control = CMSG_NXTHDR(&header, control)) {
        LocalAddress local;
        if (control->cmsg_level == IPPROTO_IP && control->cmsg_type == IP_PKTINFO) {
            in_pktinfo info{};
            std::memcpy(&info, CMSG_DATA(control), sizeof info);
            local.family = AF_INET;
            std::memcpy(local.address.data(), &info.ipi_addr, 4);
            local.ifindex = static_cast<std::uint32_t>(info.ipi_ifindex);
            return local;
        }
        if (control->cmsg_level == IPPROTO_IPV6 && control->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo info{};
            std::memcpy(&info, CMSG_DATA(control), sizeof info);
            local.family = AF_INET6;
            std::memcpy(local.address.data(), &info.ipi6_addr, 16);
            local.ifindex = info.ipi6_ifindex;
            return local;
        }
    }
    return std::nullopt;
}

std::string interface_name(std::uint32_t scope) {
    char name[IF_NAMESIZE] = {};
    if (::if_indextoname(scope, name) == nullptr) {
        return std::to_string(scope);
    }
    return name;
}

} // namespace ncs
