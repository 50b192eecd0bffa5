#include "system/forwarder.hpp"

#include "forward/syslog.hpp"
#include "model/errors.hpp"
#include "system/host_name.hpp"
#include "system/shared_library.hpp"

#include <gnutls/gnutls.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ncs {
namespace {

constexpr const char* k_gnutls_soname = "libgnutls.so.30";
constexpr const char* k_gnutls_package = "libgnutls30";

std::string errno_text(int error) { return std::generic_category().message(error); }

socklen_t to_sockaddr(const IpAddress& address, std::uint16_t port, sockaddr_storage& storage) {
    std::memset(&storage, 0, sizeof storage);
    const auto bytes = address.bytes();
    if (address.is_v4()) {
        auto& in = reinterpret_cast<sockaddr_in&>(storage);
        in.sin_family = AF_INET;
        in.sin_port = htons(port);
        std::memcpy(&in.sin_addr, bytes.data(), 4);
        return sizeof in;
    }
    auto& in6 = reinterpret_cast<sockaddr_in6&>(storage);
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(port);
    std::memcpy(&in6.sin6_addr, bytes.data(), 16);
    const auto& zone = address.zone();
    std::uint32_t scope = 0;
    std::from_chars(zone.data(), zone.data() + zone.size(), scope);
    in6.sin6_scope_id = scope;
    return sizeof in6;
}

} // namespace

/// GnuTLS through dlopen: the functions used, the credentials and one session.
struct Forwarder::Tls {
    SharedLibrary library;
    decltype(&gnutls_certificate_allocate_credentials) allocate_credentials;
    decltype(&gnutls_certificate_free_credentials) free_credentials;
    decltype(&gnutls_certificate_set_x509_system_trust) system_trust;
    decltype(&gnutls_certificate_set_x509_trust_file) trust_file;
    decltype(&gnutls_certificate_set_x509_key_file) key_file;
    decltype(&gnutls_init) init;
    decltype(&gnutls_deinit) deinit;
    decltype(&gnutls_set_default_priority) default_priority;
    decltype(&gnutls_credentials_set) credentials_set;
    decltype(&gnutls_server_name_set) server_name_set;
    decltype(&gnutls_session_set_verify_cert) set_verify_cert;
    decltype(&gnutls_transport_set_int2) set_int2;
    decltype(&gnutls_handshake) handshake;
    decltype(&gnutls_record_send) send;
    decltype(&gnutls_record_recv) recv;
    decltype(&gnutls_strerror) strerror;
    decltype(&gnutls_error_is_fatal) is_fatal;
    decltype(&gnutls_record_get_direction) direction;
    gnutls_certificate_credentials_t credentials = nullptr;
    gnutls_session_t session = nullptr;

    explicit Tls(SharedLibrary opened) : library(std::move(opened)) {
        allocate_credentials = library.function<decltype(gnutls_certificate_allocate_credentials)>(
            "gnutls_certificate_allocate_credentials");
        free_credentials = library.function<decltype(gnutls_certificate_free_credentials)>(
            "gnutls_certificate_free_credentials");
        system_trust = library.function<decltype(gnutls_certificate_set_x509_system_trust)>(
            "gnutls_certificate_set_x509_system_trust");
        trust_file = library.function<decltype(gnutls_certificate_set_x509_trust_file)>(
            "gnutls_certificate_set_x509_trust_file");
        key_file = library.function<decltype(gnutls_certificate_set_x509_key_file)>(
            "gnutls_certificate_set_x509_key_file");
        init = library.function<decltype(gnutls_init)>("gnutls_init");
        deinit = library.function<decltype(gnutls_deinit)>("gnutls_deinit");
        default_priority =
            library.function<decltype(gnutls_set_default_priority)>("gnutls_set_default_priority");
        credentials_set = library.function<decltype(gnutls_credentials_set)>("gnutls_credentials_set");
        server_name_set = library.function<decltype(gnutls_server_name_set)>("gnutls_server_name_set");
        set_verify_cert =
            library.function<decltype(gnutls_session_set_verify_cert)>("gnutls_session_set_verify_cert");
        set_int2 = library.function<decltype(gnutls_transport_set_int2)>("gnutls_transport_set_int2");
        handshake = library.function<decltype(gnutls_handshake)>("gnutls_handshake");
        send = library.function<decltype(gnutls_record_send)>("gnutls_record_send");
        recv = library.function<decltype(gnutls_record_recv)>("gnutls_record_recv");
        strerror = library.function<decltype(gnutls_strerror)>("gnutls_strerror");
        is_fatal = library.function<decltype(gnutls_error_is_fatal)>("gnutls_error_is_fatal");
        direction =
            library.function<decltype(gnutls_record_get_direction)>("gnutls_record_get_direction");
    }
    ~Tls() {
        end_session();
        if (credentials != nullptr) {
            free_credentials(credentials);
        }
    }
    Tls(const Tls&) = delete;
    Tls& operator=(const Tls&) = delete;

    void end_session() {
        if (session != nullptr) {
            deinit(session);
            session = nullptr;
        }
    }
    std::string error_text(int code) const { return std::string("TLS: ") + strerror(code); }
};

IpAddress resolve_forward_target(const forward::ForwardUrl& url) {
    if (const auto address = IpAddress::try_parse(url.host)) {
        return *address;
    }
    return lookup_host(url.host).front();
}

Forwarder::Forwarder(ForwarderOptions options) : m_options(std::move(options)) {
    if (m_options.url.transport == forward::Transport::tls) {
        m_tls = std::make_unique<Tls>(SharedLibrary::open(k_gnutls_soname, k_gnutls_package));
        auto& tls = *m_tls;
        int rc = tls.allocate_credentials(&tls.credentials);
        if (rc < 0) {
            throw OperationError(tls.error_text(rc));
        }
        const auto& files = m_options.tls;
        if (files.ca_file.empty()) {
            rc = tls.system_trust(tls.credentials);
        } else {
            rc = tls.trust_file(tls.credentials, files.ca_file.c_str(), GNUTLS_X509_FMT_PEM);
        }
        if (rc < 0 || (rc == 0 && files.verify == Verify::yes)) {
            throw OperationError(
                trust_error(files.ca_file.empty() ? "the system's trust store"
                                                       : files.ca_file.string(),
                                rc < 0 ? tls.error_text(rc) : "no certificate in it"));
        }
        if (!files.cert_file.empty()) {
            rc = tls.key_file(tls.credentials, files.cert_file.c_str(),
                              (files.key_file.empty() ? files.cert_file : files.key_file).c_str(),
                              GNUTLS_X509_FMT_PEM);
            if (rc < 0) {
                throw OperationError("TLS client certificate " + files.cert_file.string() + ": " +
                                     tls.error_text(rc));
            }
        }
    }
    if (!m_options.spool_directory.empty()) {
        auto name = m_options.url.to_string();
        std::replace_if(
            name.begin(), name.end(), [](char c) { return c == '/' || c == ':' || c == '[' || c == ']'; },
            '_');
        m_spool_path = m_options.spool_directory / (name + ".spool");
        m_spool_fd = ::open(m_spool_path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (m_spool_fd < 0) {
            throw InputError("spool " + m_spool_path.string() + ": " + errno_text(errno),
                             "give a directory this user can write");
        }
        if (::flock(m_spool_fd, LOCK_EX | LOCK_NB) != 0) {
            // Two writers would interleave their messages and take each other's back.
            ::close(m_spool_fd);
            m_spool_fd = -1;
            throw InputError("spool " + m_spool_path.string() + " is in use by another process",
                             "give each listen its own spool directory");
        }
        struct stat status {};
        if (::fstat(m_spool_fd, &status) == 0) {
            // What a previous run left is sent first; a torn tail (a crash mid-write)
            // is cut off now, before anything is appended behind it.
            m_spool_size = static_cast<std::uint64_t>(status.st_size);
            const auto whole = whole_spool_bytes();
            if (whole < m_spool_size) {
                ++m_stats.dropped;
                m_stats.last_error = "spool " + m_spool_path.string() + ": a torn message dropped";
                if (::ftruncate(m_spool_fd, static_cast<off_t>(whole)) == 0) {
                    m_spool_size = whole;
                }
            }
        }
    }
}

std::string Forwarder::trust_error(const std::string& where, const std::string& why) {
    return "TLS trust anchors from " + where + ": " + why;
}

Forwarder::~Forwarder() {
    close_socket();
    if (m_spool_fd >= 0) {
        ::close(m_spool_fd);
    }
}

std::string Forwarder::frame(std::string_view message) const {
    if (m_options.url.transport == forward::Transport::udp) {
        return std::string(message);
    }
    return forward::octet_counted(message);
}

bool Forwarder::submit(std::string_view message) {
    ++m_stats.submitted;
    auto framed = frame(message);
    const bool fits = m_queue.size() < m_options.max_queue_messages &&
                      m_queue_bytes + framed.size() <= m_options.max_queue_bytes;
    // Once messages wait in the spool, new ones go behind them: order is kept.
    if (fits && m_spool_size == m_spool_read) {
        m_queue_bytes += framed.size();
        m_queue.push_back(std::move(framed));
        return true;
    }
    if (m_spool_fd >= 0 && spool_append(message)) {
        ++m_stats.spooled;
        return true;
    }
    ++m_stats.dropped;
    return false;
}

bool Forwarder::spool_append(std::string_view message) {
    if (m_spool_size - m_spool_read + message.size() + 16 > m_options.max_spool_bytes) {
        return false;
    }
    // One write(2) of the whole message with O_APPEND; a short one is taken back,
    // so the file only ever holds whole messages.
    const auto record = forward::octet_counted(message);
    const auto written = ::write(m_spool_fd, record.data(), record.size());
    if (written == static_cast<ssize_t>(record.size())) {
        m_spool_size += record.size();
        return true;
    }
    m_stats.last_error = "spool " + m_spool_path.string() + ": " +
                         (written < 0 ? errno_text(errno) : std::string("short write"));
    if (::ftruncate(m_spool_fd, static_cast<off_t>(m_spool_size)) != 0) {
        m_stats.last_error += " (and truncating it back failed)";
    }
    return false;
}

std::optional<std::pair<std::uint64_t, std::size_t>> Forwarder::spool_entry(std::uint64_t at) const {
    char head[24];
    const auto got = ::pread(m_spool_fd, head, sizeof head, static_cast<off_t>(at));
    if (got <= 0) {
        return std::nullopt;
    }
    const auto space = std::find(head, head + got, ' ');
    std::size_t length = 0;
    const auto [ptr, ec] = std::from_chars(head, space, length);
    const auto start = at + static_cast<std::uint64_t>(space - head) + 1;
    if (space == head + got || ec != std::errc() || ptr != space || start + length > m_spool_size) {
        return std::nullopt;
    }
    return std::pair{start, length};
}

std::uint64_t Forwarder::whole_spool_bytes() const {
    std::uint64_t at = 0;
    while (at < m_spool_size) {
        const auto entry = spool_entry(at);
        if (!entry) {
            break;
        }
        at = entry->first + entry->second;
    }
    return at;
}

void Forwarder::refill_from_spool() {
    // Taken back while the memory queue is at most half full, in order.
    while (m_spool_read < m_spool_size && m_queue.size() < m_options.max_queue_messages / 2 &&
           m_queue_bytes < m_options.max_queue_bytes / 2) {
        const auto entry = spool_entry(m_spool_read);
        if (!entry) {
            // Cut short after it was opened (another writer, a full disk): the rest goes.
            ++m_stats.dropped;
            m_stats.last_error = "spool " + m_spool_path.string() + ": a torn message dropped";
            m_spool_read = m_spool_size;
            break;
        }
        const auto [offset, length] = *entry;
        std::string message(length, '\0');
        if (::pread(m_spool_fd, message.data(), length, static_cast<off_t>(offset)) !=
            static_cast<ssize_t>(length)) {
            ++m_stats.dropped;
            m_stats.last_error = "spool " + m_spool_path.string() + ": " + errno_text(errno);
            m_spool_read = m_spool_size;
            break;
        }
        m_spool_read = offset + length;
        auto framed = frame(message);
        m_queue_bytes += framed.size();
        m_queue.push_back(std::move(framed));
    }
    if (m_spool_fd >= 0 && m_spool_read == m_spool_size && m_spool_size > 0) {
        if (::ftruncate(m_spool_fd, 0) == 0) {
            m_spool_read = m_spool_size = 0;
        }
    }
}

bool Forwarder::wants_write() const {
    if (m_state == State::handshaking) {
        // The handshake waits for the server most of the time: writable is no news.
        return m_tls->direction(m_tls->session) == 1;
    }
    return m_fd >= 0 && (m_state == State::connecting || m_written < m_queue.size());
}

std::optional<Forwarder::Clock::time_point> Forwarder::deadline() const {
    if (m_fd < 0) {
        if (m_queue.empty() && m_spool_size == m_spool_read && m_stats.connections > 0) {
            return std::nullopt; // nothing to send: connect again when there is
        }
        return m_retry_at;
    }
    if (m_written > 0) {
        // Messages in flight: see what TCP acknowledged, now and then.
        return Clock::now() + std::chrono::milliseconds(100);
    }
    if (m_state == State::connected && m_spool_read < m_spool_size &&
        m_queue.size() < m_options.max_queue_messages / 2 &&
        m_queue_bytes < m_options.max_queue_bytes / 2) {
        // The spool's messages wait for room the queue has now (refill_from_spool):
        // nothing else would wake the owner's loop for them.
        return Clock::now();
    }
    return std::nullopt;
}

void Forwarder::close_socket() {
    if (m_tls) {
        m_tls->end_session();
    }
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    m_state = State::idle;
    m_stats.connected = false;
}

void Forwarder::fail(std::string error, Clock::time_point now) {
    ++m_stats.failures;
    m_stats.last_error = std::move(error);
    close_socket();
    // Whatever TCP did not acknowledge goes again, from its first byte.
    m_stats.resent += m_written + (m_offset > 0 ? 1 : 0);
    m_written = 0;
    m_offset = 0;
    m_wire_end.clear();
    m_wire_written = 0;
    m_wire_acknowledged = 0;
    m_backoff = m_backoff.count() == 0 ? m_options.min_backoff
                                       : std::min(m_backoff * 2, m_options.max_backoff);
    m_retry_at = now + m_backoff;
}

void Forwarder::connect(Clock::time_point now) {
    const bool udp = m_options.url.transport == forward::Transport::udp;
    sockaddr_storage storage{};
    const auto length = to_sockaddr(m_options.address, m_options.url.port, storage);
    m_fd = ::socket(storage.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    0);
    if (m_fd < 0) {
        fail("socket: " + errno_text(errno), now);
        return;
    }
    if (!udp) {
        const int on = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    if (::connect(m_fd, reinterpret_cast<const sockaddr*>(&storage), length) != 0 &&
        errno != EINPROGRESS) {
        fail("connect to " + m_options.url.to_string() + ": " + errno_text(errno), now);
        return;
    }
    m_state = udp ? State::connected : State::connecting;
    if (udp) {
        ++m_stats.connections;
        m_stats.connected = true;
    }
}

bool Forwarder::peer_closed() {
    // The target sends nothing in syslog; a readable socket is its close (or TLS's
    // own records: session tickets, an alert).
    char buffer[4096];
    for (;;) {
        ssize_t got = 0;
        if (m_tls) {
            got = m_tls->recv(m_tls->session, buffer, sizeof buffer);
            if (got == GNUTLS_E_AGAIN || got == GNUTLS_E_INTERRUPTED ||
                (got < 0 && !m_tls->is_fatal(static_cast<int>(got)))) {
                return false;
            }
            if (got < 0) {
                m_stats.last_error = m_tls->error_text(static_cast<int>(got));
                return true;
            }
        } else {
            got = ::recv(m_fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (got < 0) {
                if (errno == EAGAIN || errno == EINTR) {
                    return false;
                }
                m_stats.last_error = errno_text(errno);
                return true;
            }
        }
        if (got == 0) {
            m_stats.last_error = "the target closed the connection";
            return true;
        }
    }
}

void Forwarder::trim_acknowledged() {
    if (m_options.url.transport == forward::Transport::udp) {
        return;
    }
    int unacknowledged = 0;
    if (::ioctl(m_fd, SIOCOUTQ, &unacknowledged) != 0) {
        return;
    }
    // For TLS the wire count is the plain text, below the real bytes: messages are
    // taken as acknowledged late, never early (at worst sent twice).
    const auto outstanding = static_cast<std::uint64_t>(std::max(unacknowledged, 0));
    m_wire_acknowledged = m_wire_written > outstanding ? m_wire_written - outstanding : 0;
    while (!m_wire_end.empty() && m_wire_end.front() <= m_wire_acknowledged && m_written > 0) {
        m_wire_end.pop_front();
        m_queue_bytes -= m_queue.front().size();
        m_queue.pop_front();
        --m_written;
        ++m_stats.sent;
    }
}

bool Forwarder::send_queue(Clock::time_point now) {
    const bool udp = m_options.url.transport == forward::Transport::udp;
    while (m_written < m_queue.size()) {
        const auto& frame = m_queue[m_written];
        const auto* data = frame.data() + m_offset;
        const auto size = frame.size() - m_offset;
        ssize_t sent = 0;
        if (m_tls) {
            sent = m_tls->send(m_tls->session, data, size);
            if (sent == GNUTLS_E_AGAIN || sent == GNUTLS_E_INTERRUPTED) {
                return true;
            }
            if (sent < 0) {
                fail(m_tls->error_text(static_cast<int>(sent)), now);
                return false;
            }
        } else {
            sent = ::send(m_fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (sent < 0) {
                if (errno == EAGAIN || errno == EINTR) {
                    return true;
                }
                if (udp && (errno == ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH)) {
                    // An ICMP error for an earlier datagram: this one is not sent;
                    // keep it and try again after the backoff (UDP has no other news).
                    fail("send to " + m_options.url.to_string() + ": " + errno_text(errno), now);
                    return false;
                }
                if (udp && errno == EMSGSIZE) {
                    // Larger than any datagram the path takes: dropped, counted.
                    m_queue_bytes -= m_queue.front().size();
                    m_queue.pop_front();
                    ++m_stats.dropped;
                    m_stats.last_error = "a message larger than a datagram dropped";
                    continue;
                }
                fail("send to " + m_options.url.to_string() + ": " + errno_text(errno), now);
                return false;
            }
        }
        m_offset += static_cast<std::size_t>(sent);
        m_wire_written += static_cast<std::uint64_t>(sent);
        if (m_offset < frame.size()) {
            continue;
        }
        m_offset = 0;
        if (udp) {
            m_queue_bytes -= m_queue.front().size();
            m_queue.pop_front();
            ++m_stats.sent;
        } else {
            m_wire_end.push_back(m_wire_written);
            ++m_written;
        }
        if (m_written == m_queue.size() || m_queue.empty()) {
            refill_from_spool();
        }
    }
    return true;
}

void Forwarder::poll(Clock::time_point now) {
    refill_from_spool();
    if (m_fd < 0) {
        if (now < m_retry_at || (m_queue.empty() && m_stats.connections > 0)) {
            return;
        }
        connect(now);
        if (m_fd < 0) {
            return;
        }
    }
    if (m_state == State::connecting) {
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
            error = errno;
        }
        if (error != 0) {
            fail("connect to " + m_options.url.to_string() + ": " + errno_text(error), now);
            return;
        }
        sockaddr_storage peer{};
        socklen_t peer_length = sizeof peer;
        if (::getpeername(m_fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0) {
            return; // still connecting
        }
        if (m_tls) {
            auto& tls = *m_tls;
            int rc = tls.init(&tls.session, GNUTLS_CLIENT | GNUTLS_NONBLOCK);
            if (rc >= 0) {
                rc = tls.default_priority(tls.session);
            }
            if (rc >= 0) {
                rc = tls.credentials_set(tls.session, GNUTLS_CRD_CERTIFICATE, tls.credentials);
            }
            const auto& name = m_options.tls.server_name.empty() ? m_options.url.host
                                                                  : m_options.tls.server_name;
            if (rc >= 0 && !IpAddress::try_parse(name)) {
                rc = tls.server_name_set(tls.session, GNUTLS_NAME_DNS, name.data(), name.size());
            }
            if (rc < 0) {
                fail(tls.error_text(rc), now);
                return;
            }
            if (m_options.tls.verify == Verify::yes) {
                tls.set_verify_cert(tls.session, name.c_str(), 0);
            }
            tls.set_int2(tls.session, m_fd, m_fd);
            m_state = State::handshaking;
        } else {
            m_state = State::connected;
            ++m_stats.connections;
            m_stats.connected = true;
            m_backoff = {};
        }
    }
    if (m_state == State::handshaking) {
        auto& tls = *m_tls;
        const int rc = tls.handshake(tls.session);
        if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
            return;
        }
        if (rc < 0) {
            std::string error = tls.error_text(rc);
            if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
                error += " (the target's certificate was not accepted: check the CA file and "
                         "the name it is issued to)";
            }
            fail(std::move(error), now);
            return;
        }
        m_state = State::connected;
        ++m_stats.connections;
        m_stats.connected = true;
        m_backoff = {};
    }
    if (m_state != State::connected) {
        return;
    }
    if (m_options.url.transport != forward::Transport::udp) {
        // A connection the target closed takes nothing more: noticed before writing,
        // not after the writes are lost to its reset.
        if (peer_closed()) {
            fail(m_stats.last_error, now);
            return;
        }
        trim_acknowledged();
    }
    if (send_queue(now) && m_fd >= 0) {
        trim_acknowledged();
    }
}

ForwarderStats Forwarder::stats() const {
    auto stats = m_stats;
    stats.queued = m_queue.size();
    stats.queued_bytes = m_queue_bytes;
    stats.spool_bytes = static_cast<std::size_t>(m_spool_size - m_spool_read);
    return stats;
}

} // namespace ncs
