#pragma once
// UDP sockets for the doctor's side (`listen`) and for `test --ack`: dual-stack
// binding, a large receive buffer, recvmmsg batches, replies to a sender, and the
// datagrams the kernel dropped on a socket (its receive buffer full).

#include "model/ip_address.hpp"
#include "receive/sender.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>

namespace ncs {

/// The local address a datagram was sent to (IP_PKTINFO / IPV6_PKTINFO): where a
/// reply should come from. IPv4 on a dual-stack socket is IPv4-mapped.
struct LocalAddress {
    int family = AF_UNSPEC;
    std::array<std::uint8_t, 16> address{};
    std::uint32_t ifindex = 0;
};

/// Whether a socket joins the port's SO_REUSEPORT group: `listen --workers` binds one
/// socket per worker on each port; the kernel hashes each sender's 4-tuple to one of
/// them, so a sender's datagrams always reach the same worker.
enum class ReusePort { no, yes };

/// A bound UDP socket (non-blocking, close-on-exec); closed when destroyed.
class UdpSocket {
public:
    UdpSocket() = default;
    UdpSocket(UdpSocket&& other) noexcept;
    UdpSocket& operator=(UdpSocket&& other) noexcept;
    UdpSocket(const UdpSocket&) = delete;
    UdpSocket& operator=(const UdpSocket&) = delete;
    ~UdpSocket();

    /// Binds port on address, or dual-stack (:: with IPV6_V6ONLY off, 0.0.0.0 where
    /// IPv6 is disabled) without one; a zone names the link of a link-local address.
    /// Asks for receive_buffer bytes of socket buffer (SO_RCVBUFFORCE when allowed,
    /// else SO_RCVBUF up to net.core.rmem_max). Throws std::system_error.
    static UdpSocket bind(const std::optional<IpAddress>& address, std::uint16_t port,
                          std::size_t receive_buffer = 0, ReusePort reuse = ReusePort::no);
    /// Takes an inherited descriptor (socket activation). Throws OperationError when
    /// it is not a UDP socket.
    static UdpSocket adopt(int fd);

    int fd() const { return m_fd; }
    int family() const { return m_family; }
    /// The port the socket is bound to.
    std::uint16_t local_port() const { return m_port; }
    /// Datagrams the kernel dropped on this socket (receive buffer full, or a bad
    /// checksum) since they were last counted, here or by a DatagramBatch: its drop
    /// counter now (SO_MEMINFO). The only way to see drops after the last datagram
    /// queued, which no datagram's SO_RXQ_OVFL reports. Counts those before this
    /// process had the socket (one systemd passes) the first time.
    std::uint64_t take_drops();
    /// One datagram to sender, from `from` when given (the address the sender
    /// wrote to, not the one routing would pick); false (errno kept) when the
    /// kernel refused it.
    bool send_to(const receive::SenderKey& sender, std::string_view payload,
                 const std::optional<LocalAddress>& from = std::nullopt) const;

private:
    friend class DatagramBatch;
    explicit UdpSocket(int fd);
    /// The increase of the drop counter from the last value seen to counter (none
    /// when counter is older: a datagram queued before the last look).
    std::uint64_t advance_drops(std::uint32_t counter);
    int m_fd = -1;
    int m_family = AF_UNSPEC;
    std::uint16_t m_port = 0;
    std::uint32_t m_drops_seen = 0; ///< the kernel's drop counter (u32, wraps) as last counted
};

/// Buffers for up to count datagrams of up to size bytes, filled by one recvmmsg.
class DatagramBatch {
public:
    explicit DatagramBatch(std::size_t count = 64, std::size_t size = 2048);
    DatagramBatch(const DatagramBatch&) = delete;
    DatagramBatch& operator=(const DatagramBatch&) = delete;

    /// recvmmsg(MSG_DONTWAIT): the number received, 0 when none is waiting.
    /// Throws std::system_error on other errors.
    std::size_t receive(UdpSocket& socket);
    /// Datagrams socket dropped before the last one received (their SO_RXQ_OVFL
    /// counter, against the socket's last count): datagrams, not records.
    std::uint64_t drops() const { return m_drops; }
    /// Datagram index's stream: its source, and the address (IP_PKTINFO) and port it
    /// was sent to.
    receive::SenderKey sender(std::size_t index) const;
    std::string_view payload(std::size_t index) const;
    /// Whether datagram index was longer than the buffer (MSG_TRUNC).
    bool truncated(std::size_t index) const;
    /// The local address datagram index was sent to, when the socket reports it.
    std::optional<LocalAddress> destination(std::size_t index) const;

private:
    /// Datagram index's SO_RXQ_OVFL counter, when the kernel added one.
    std::optional<std::uint32_t> drop_counter(std::size_t index) const;

    std::size_t m_size;
    std::uint16_t m_port = 0; ///< the local port of the socket last received from
    std::uint64_t m_drops = 0; ///< drops the last receive revealed
    std::vector<char> m_buffers;
    std::vector<sockaddr_storage> m_addresses;
    std::vector<iovec> m_iovecs;
    std::vector<char> m_control; ///< one pktinfo and drop-counter control buffer per datagram
    std::vector<mmsghdr> m_headers;
};

/// The name of the interface with index scope ("eth0"), or the number when there is
/// none (it went away).
std::string interface_name(std::uint32_t scope);

/// The scope id of a link-local address's zone ("eth0" or "3"); 0 without one.
/// Throws InputError for an unknown interface.
std::uint32_t scope_id(const IpAddress& address);

} // namespace ncs
