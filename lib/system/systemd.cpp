#include "system/systemd.hpp"

#include "model/errors.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <system_error>

#include <sys/uio.h>
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

Journal Journal::open() {
    auto library = SharedLibrary::open(k_soname, k_package);
    auto* send = library.function<SendFunction>("sd_journal_sendv");
    return Journal(std::move(library), send);
}

void Journal::send(const std::vector<std::string>& fields) const {
    std::vector<iovec> vectors;
    vectors.reserve(fields.size());
    for (const auto& field : fields) {
        vectors.push_back({const_cast<char*>(field.data()), field.size()});
    }
    const int result = m_send(vectors.data(), static_cast<int>(vectors.size()));
    if (result < 0) {
        throw std::system_error(-result, std::generic_category(), "sd_journal_sendv");
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
