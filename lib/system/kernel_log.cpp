#include "system/kernel_log.hpp"

#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace ncs {
namespace {

constexpr std::string_view k_stopped = "netconsole: network logging stopped on interface ";
constexpr std::string_view k_resumed = "netconsole: network logging resumed on interface ";

// The message of one line: after "prio,seq,usec,flags;" for a /dev/kmsg record,
// after "[   12.345678] " for dmesg output, else the line. A record whose facility
// is not the kernel's (prio 8 and up: what userspace writes to /dev/kmsg, which
// the kernel marks LOG_USER) is no message of netconsole's: empty.
std::string_view message_of(std::string_view line) {
    if (!line.empty() && line.front() >= '0' && line.front() <= '9') {
        const auto semicolon = line.find(';');
        if (semicolon != std::string_view::npos &&
            line.substr(0, semicolon).find_first_not_of("0123456789,-+cC") ==
                std::string_view::npos) {
            const auto comma = line.find(',');
            const bool kernel = comma != std::string_view::npos && comma == 1; // prio 0-7
            return kernel ? line.substr(semicolon + 1) : std::string_view();
        }
    }
    if (!line.empty() && line.front() == '[') {
        const auto close = line.find("] ");
        if (close != std::string_view::npos) {
            return line.substr(close + 2);
        }
    }
    return line;
}

// "X as it unregistered" -> X and the reason.
std::optional<std::pair<std::string, StopReason>> parse_stop(std::string_view rest) {
    constexpr std::pair<std::string_view, StopReason> k_reasons[] = {
        {" as it unregistered", StopReason::unregistered},
        {" as it is joining a master device", StopReason::joined_master},
        {" as it released slaves", StopReason::released_slaves},
    };
    for (const auto& [suffix, reason] : k_reasons) {
        if (rest.size() > suffix.size() && rest.substr(rest.size() - suffix.size()) == suffix) {
            return std::pair{std::string(rest.substr(0, rest.size() - suffix.size())), reason};
        }
    }
    return std::nullopt;
}

// netpoll's (or, 7.x, netconsole's) setup line: "<prefix>: <name>: interface 'X'"
// (6.1) or "...: interface name 'X'" (6.12+).
std::optional<std::string> parse_setup(std::string_view message) {
    if (message.rfind("netpoll: ", 0) != 0 && message.rfind("netconsole: ", 0) != 0) {
        return std::nullopt;
    }
    for (const std::string_view marker : {std::string_view(": interface name '"),
                                          std::string_view(": interface '")}) {
        const auto at = message.find(marker);
        if (at != std::string_view::npos && message.back() == '\'') {
            const auto start = at + marker.size();
            return std::string(message.substr(start, message.size() - 1 - start));
        }
    }
    return std::nullopt;
}

} // namespace

std::map<std::string, std::optional<StopReason>> netconsole_device_events(std::string_view log) {
    std::map<std::string, std::optional<StopReason>> events;
    while (!log.empty()) {
        const auto end = log.find('\n');
        std::string_view line = log.substr(0, end);
        log = end == std::string_view::npos ? std::string_view() : log.substr(end + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        const auto message = message_of(line);
        if (message.rfind(k_stopped, 0) == 0) {
            if (auto stop = parse_stop(message.substr(k_stopped.size()))) {
                events[stop->first] = stop->second;
            }
        } else if (message.rfind(k_resumed, 0) == 0) {
            events[std::string(message.substr(k_resumed.size()))] = std::nullopt;
        } else if (auto device = parse_setup(message)) {
            events[*device] = std::nullopt;
        }
    }
    return events;
}

std::optional<std::string> read_kernel_log(const Root& root) {
    // Opened inside the root; non-blocking, so a FIFO in its place cannot hang us.
    const auto kmsg = root.open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    const int fd = kmsg.get();
    if (fd < 0) {
        return std::nullopt;
    }
    // /dev/kmsg gives one record per read(2) and EAGAIN at the end; EPIPE when the
    // next record was overwritten meanwhile (reading goes on). A file gives text.
    // The ring buffer is at most a few MiB (log_buf_len); a file under --root
    // is read as far as that, no further.
    constexpr std::size_t k_max_log = 32U << 20U;
    std::string log;
    char buffer[8192];
    while (log.size() < k_max_log) {
        const auto n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            log.append(buffer, static_cast<std::size_t>(n));
        } else if (n < 0 && (errno == EPIPE || errno == EINTR)) {
            continue;
        } else {
            break;
        }
    }
    return log;
}

void write_kernel_log(const LiveKernel& /*kernel*/, const Root& root, std::string_view record) {
    const auto path = root.path("/dev/kmsg");
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        throw std::system_error(errno, std::generic_category(), "cannot open /dev/kmsg");
    }
    const auto written = ::write(fd, record.data(), record.size());
    const int write_errno = errno;
    ::close(fd);
    if (written != static_cast<ssize_t>(record.size())) {
        throw std::system_error(written < 0 ? write_errno : EIO, std::generic_category(),
                                "cannot write to /dev/kmsg");
    }
}

} // namespace ncs
