#include "system/systemd.hpp"

#include "model/errors.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

namespace ncs {
namespace {

constexpr const char* k_soname = "libsystemd.so.0";
constexpr const char* k_package = "libsystemd0";

bool positive_number(const char* text, long& value) {
    if (text == nullptr) {
        return false;
    }
    const std::string_view view(text);
    const auto [ptr, ec] = std::from_chars(view.data(), view.data() + view.size(), value);
    return ec == std::errc() && ptr == view.data() + view.size() && value > 0;
}

} // namespace

bool socket_activated() {
    long pid = 0;
    long count = 0;
    return positive_number(std::getenv("LISTEN_PID"), pid) && pid == ::getpid() &&
           positive_number(std::getenv("LISTEN_FDS"), count);
}

std::vector<UdpSocket> activated_sockets() {
    const auto library = SharedLibrary::open(k_soname, k_package);
    const auto listen_fds = library.function<int(int)>("sd_listen_fds");
    const int count = listen_fds(1);
    if (count < 0) {
        throw std::system_error(-count, std::generic_category(), "sd_listen_fds");
    }
    std::vector<UdpSocket> sockets;
    // SD_LISTEN_FDS_START: passed descriptors begin at 3.
    for (int fd = 3; fd < 3 + count; ++fd) {
        sockets.push_back(UdpSocket::adopt(fd));
    }
    return sockets;
}

namespace {

constexpr const char* k_journal_socket = "/run/systemd/journal/socket";

/// journald's native protocol: "KEY=value\n", or "KEY\n" + 64-bit little-endian
/// length + value + "\n" for a value with a newline in it.
std::string journal_datagram(const std::vector<std::string>& fields) {
    std::string out;
    for (const auto& field : fields) {
        const auto equals = field.find('=');
        const std::string_view value = std::string_view(field).substr(equals + 1);
        if (equals == std::string::npos || value.find('\n') == std::string_view::npos) {
            out += field;
            out += '\n';
            continue;
        }
        out.append(field, 0, equals);
        out += '\n';
        auto length = static_cast<std::uint64_t>(value.size());
        for (int i = 0; i < 8; ++i) {
            out += static_cast<char>(length & 0xff);
            length >>= 8;
        }
        out += value;
        out += '\n';
    }
    return out;
}

sockaddr_un journal_address() {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, k_journal_socket, sizeof address.sun_path - 1);
    return address;
}

/// An entry too large for one datagram: journald takes a sealed memfd instead.
void send_as_memfd(int socket, const std::string& entry, int flags) {
    UniqueFd memory(::memfd_create("netconsole-journal", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!memory) {
        throw std::system_error(errno, std::generic_category(), "memfd_create");
    }
    std::string_view rest = entry;
    while (!rest.empty()) {
        const auto written = ::write(memory.get(), rest.data(), rest.size());
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            throw std::system_error(errno, std::generic_category(), "write to memfd");
        }
        rest.remove_prefix(static_cast<std::size_t>(written));
    }
    if (::fcntl(memory.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) <
        0) {
        throw std::system_error(errno, std::generic_category(), "seal memfd");
    }
    auto address = journal_address();
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr message{};
    message.msg_name = &address;
    message.msg_namelen = sizeof address;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    auto* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    const int fd = memory.get();
    std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
    if (::sendmsg(socket, &message, MSG_NOSIGNAL | flags) < 0) {
        throw std::system_error(errno, std::generic_category(), "sendmsg to the journal");
    }
}

} // namespace

const char* Journal::path() { return k_journal_socket; }

Journal Journal::open() {
    UniqueFd socket(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!socket) {
        throw std::system_error(errno, std::generic_category(), "socket(AF_UNIX)");
    }
    // As sd-journal: a large send buffer for bursts; a blocked journald delays a
    // send by at most 100 ms, so receiving never stalls for long.
    const int buffer = 8 << 20;
    ::setsockopt(socket.get(), SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
    const timeval timeout{0, 100'000};
    ::setsockopt(socket.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    return Journal(std::move(socket));
}

void Journal::send(const std::vector<std::string>& fields, Wait wait) const {
    const auto entry = journal_datagram(fields);
    const int flags = wait == Wait::no ? MSG_DONTWAIT : 0;
    auto address = journal_address();
    iovec vector{const_cast<char*>(entry.data()), entry.size()};
    msghdr message{};
    message.msg_name = &address;
    message.msg_namelen = sizeof address;
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    for (;;) {
        if (::sendmsg(m_socket.get(), &message, MSG_NOSIGNAL | flags) >= 0) {
            return;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EMSGSIZE || errno == ENOBUFS) {
            send_as_memfd(m_socket.get(), entry, flags);
            return;
        }
        throw std::system_error(errno, std::generic_category(), "sendmsg to the journal");
    }
}

ServiceNotifier ServiceNotifier::from_environment() {
    ServiceNotifier notifier;
    const char* socket = std::getenv("NOTIFY_SOCKET");
    if (socket == nullptr || *socket == '\0') {
        return notifier;
    }
    auto library = SharedLibrary::open(k_soname, k_package);
    notifier.m_notify = library.function<NotifyFunction>("sd_notify");
    notifier.m_watchdog = library.function<WatchdogFunction>("sd_watchdog_enabled");
    notifier.m_library = std::move(library);
    return notifier;
}

void ServiceNotifier::notify(const std::string& state) const {
    if (m_notify != nullptr) {
        m_notify(0, state.c_str());
    }
}

std::optional<std::chrono::microseconds> ServiceNotifier::watchdog_interval() const {
    if (m_watchdog == nullptr) {
        return std::nullopt;
    }
    unsigned long long usec = 0;
    if (m_watchdog(0, &usec) <= 0 || usec == 0) {
        return std::nullopt;
    }
    return std::chrono::microseconds(usec / 2);
}

} // namespace ncs
