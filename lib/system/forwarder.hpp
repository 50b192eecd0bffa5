#pragma once
// Hands syslog messages (lib/forward) to one forward target over UDP, TCP or TLS
// without ever blocking the caller: submit() only queues; a non-blocking socket,
// driven by the owner's event loop through fd()/wants_write()/deadline()/poll(),
// sends the queue in order. While the target is down or slow, messages wait in a
// bounded queue (bytes and count) and, with a spool directory, in a file beyond
// it; what neither can hold is dropped and counted. A lost connection is made
// again with exponential backoff, and over TCP the messages the peer's TCP never
// acknowledged (SIOCOUTQ) are sent again on the new one, so a restart of the
// target loses none of them (at worst a message is received twice). TLS is GnuTLS,
// opened with dlopen only when a tls:// target is used (SharedLibrary).

#include "forward/forward_url.hpp"
#include "model/ip_address.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ncs {

/// Whether a TLS peer's certificate is checked (against the CA and the host name).
enum class Verify { yes, no };

struct TlsOptions {
    std::filesystem::path ca_file;   ///< empty: the system's trust store
    std::filesystem::path cert_file; ///< the client certificate (PEM), optional
    std::filesystem::path key_file;  ///< its key (PEM), with cert_file
    std::string server_name;         ///< checked in the certificate; empty: the URL's host
    Verify verify = Verify::yes;
};

struct ForwarderOptions {
    forward::ForwardUrl url;
    IpAddress address;                                  ///< url.host resolved
    std::size_t max_queue_bytes = std::size_t{16} << 20; ///< memory held for the target
    std::size_t max_queue_messages = 100'000;
    /// A directory for messages beyond the memory queue (a file per target, whole
    /// messages appended); empty: none.
    std::filesystem::path spool_directory;
    std::size_t max_spool_bytes = std::size_t{256} << 20;
    TlsOptions tls;
    std::chrono::milliseconds min_backoff{100};
    std::chrono::milliseconds max_backoff{30'000};
};

struct ForwarderStats {
    std::uint64_t submitted = 0;
    std::uint64_t sent = 0;       ///< written to the socket (UDP: sent; TCP/TLS: acknowledged by TCP)
    std::uint64_t dropped = 0;    ///< neither the queue nor the spool could take them
    std::uint64_t resent = 0;     ///< written again after a lost connection
    std::uint64_t spooled = 0;    ///< went through the spool file
    std::uint64_t connections = 0;
    std::uint64_t failures = 0;   ///< connections refused, lost, or send errors
    std::size_t queued = 0;       ///< in memory now (including sent and not yet acknowledged)
    std::size_t queued_bytes = 0;
    std::size_t spool_bytes = 0;  ///< in the spool file now
    bool connected = false;
    std::string last_error;       ///< the last failure, for the summary
};

class Forwarder {
public:
    using Clock = std::chrono::steady_clock;

    /// Does not connect yet (poll() does). Throws OperationError when GnuTLS is
    /// needed and cannot be opened, or the credentials cannot be read; InputError
    /// for an unusable spool directory.
    explicit Forwarder(ForwarderOptions options);
    ~Forwarder();
    Forwarder(const Forwarder&) = delete;
    Forwarder& operator=(const Forwarder&) = delete;

    /// Queues one message (without framing; the transport frames it). Never
    /// blocks, never does I/O except appending to the spool when memory is full.
    /// Returns false when the message was dropped (counted).
    bool submit(std::string_view message);

    /// The socket to watch, or -1 while waiting to connect again (see deadline()).
    int fd() const { return m_fd; }
    /// Watch fd() for writability too (connecting, or messages waiting).
    bool wants_write() const;
    /// When poll() must run next without an event: the reconnect time, or the
    /// next check of what TCP acknowledged while messages are in flight.
    std::optional<Clock::time_point> deadline() const;
    /// Does whatever can be done now without blocking: connect when due, finish
    /// the handshake, send, notice a closed connection. Call it after submit(),
    /// when fd() is readable or writable, and at deadline().
    void poll(Clock::time_point now);

    ForwarderStats stats() const;
    const forward::ForwardUrl& url() const { return m_options.url; }

private:
    struct Tls;
    enum class State { idle, connecting, handshaking, connected };

    void connect(Clock::time_point now);
    void fail(std::string error, Clock::time_point now);
    void close_socket();
    bool send_queue(Clock::time_point now);
    void trim_acknowledged();
    bool peer_closed();
    void refill_from_spool();
    bool spool_append(std::string_view frame);
    /// The spool message at offset at: where its text starts and its length;
    /// nullopt when no whole message is there.
    std::optional<std::pair<std::uint64_t, std::size_t>> spool_entry(std::uint64_t at) const;
    /// The spool's bytes up to the end of its last whole message.
    std::uint64_t whole_spool_bytes() const;
    std::string frame(std::string_view message) const;
    static std::string trust_error(const std::string& where, const std::string& why);

    ForwarderOptions m_options;
    int m_fd = -1;
    State m_state = State::idle;
    std::unique_ptr<Tls> m_tls;
    std::deque<std::string> m_queue; ///< frames, oldest first
    std::size_t m_queue_bytes = 0;
    std::size_t m_written = 0;        ///< frames at the front written whole to the socket
    std::size_t m_offset = 0;         ///< bytes of frame m_written already written
    std::uint64_t m_wire_written = 0; ///< bytes on the wire since the connection began
    std::deque<std::uint64_t> m_wire_end; ///< each written frame's end on the wire
    std::uint64_t m_wire_acknowledged = 0;
    Clock::time_point m_retry_at{};
    std::chrono::milliseconds m_backoff{0};
    std::filesystem::path m_spool_path;
    int m_spool_fd = -1;
    std::uint64_t m_spool_read = 0;   ///< offset of the first message not yet taken back
    std::uint64_t m_spool_size = 0;
    ForwarderStats m_stats;
};

/// The forward target's address (its host looked up when it is a name). Throws as
/// lookup_host().
IpAddress resolve_forward_target(const forward::ForwardUrl& url);

} // namespace ncs
