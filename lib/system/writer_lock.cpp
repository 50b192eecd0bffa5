#include "system/writer_lock.hpp"

#include "model/errors.hpp"
#include "system/atomic_file.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <map>
#include <system_error>
#include <thread>

namespace ncs {
namespace {

/// The locks this thread holds, by lock file: flock(2) belongs to an open file
/// description, so a second open in the same process would wait for the first.
struct Held {
    UniqueFd fd;
    int depth = 0;
};

std::map<std::string, Held>& held_locks() {
    thread_local std::map<std::string, Held> held;
    return held;
}

/// This process's arguments after the program name, from /proc/self/cmdline: the
/// process's own, not the configured system's, so not under the root.
std::string own_arguments() {
    const UniqueFd fd(::open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC));
    if (!fd) {
        return {};
    }
    std::string text;
    char buffer[4096];
    for (;;) {
        const auto got = ::read(fd.get(), buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0 || text.size() > 64 * 1024) {
            break;
        }
        text.append(buffer, static_cast<std::size_t>(got));
    }
    std::string arguments;
    std::size_t start = text.find('\0'); // after argv[0]
    while (start != std::string::npos && start + 1 < text.size()) {
        const auto end = text.find('\0', start + 1);
        if (!arguments.empty()) {
            arguments += ' ';
        }
        arguments += text.substr(start + 1, end == std::string::npos ? end : end - start - 1);
        start = end;
    }
    // One line in the file; the reader escapes what it shows.
    std::replace(arguments.begin(), arguments.end(), '\n', ' ');
    return arguments;
}

std::string read_holder_text(int fd) {
    std::string text;
    char buffer[1024];
    for (off_t offset = 0; text.size() < 8192;) {
        const auto got = ::pread(fd, buffer, sizeof buffer, offset);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            break;
        }
        text.append(buffer, static_cast<std::size_t>(got));
        offset += got;
    }
    return text;
}

std::string duration_text(std::chrono::milliseconds wait) {
    if (wait.count() % 1000 == 0) {
        return fmt::format("{} s", wait.count() / 1000);
    }
    return fmt::format("{} ms", wait.count());
}

[[noreturn]] void timed_out(int fd, const std::string& path, std::chrono::milliseconds wait) {
    const auto holder = parse_lock_holder(read_holder_text(fd));
    const auto who =
        holder ? fmt::format("another netconsole-setup (pid {}{}{})", holder->pid,
                             holder->command.empty() ? "" : ": ", holder->command)
               : std::string("another process");
    throw OperationError(
        fmt::format("{} holds the lock on {} for more than {}", who, path, duration_text(wait)),
        "it is changing netconsole targets or the files netconsole-setup owns; try again "
        "when it is done");
}

/// Records this process as the holder: from offset 0, replacing what was there.
void write_holder(int fd) {
    const auto text = lock_holder_text({::getpid(), own_arguments()});
    // Best effort: the lock holds without it; only a waiter's message is poorer.
    if (::ftruncate(fd, 0) == 0) {
        [[maybe_unused]] const auto written = ::pwrite(fd, text.data(), text.size(), 0);
    }
}

} // namespace

std::optional<LockHolder> parse_lock_holder(std::string_view text) {
    const auto newline = text.find('\n');
    const auto first = text.substr(0, newline);
    LockHolder holder;
    const auto [ptr, ec] = std::from_chars(first.data(), first.data() + first.size(), holder.pid);
    if (first.empty() || ec != std::errc{} || ptr != first.data() + first.size() ||
        holder.pid <= 0) {
        return std::nullopt;
    }
    if (newline != std::string_view::npos) {
        auto rest = text.substr(newline + 1);
        holder.command = std::string(rest.substr(0, rest.find('\n')));
    }
    return holder;
}

std::string lock_holder_text(const LockHolder& holder) {
    return fmt::format("{}\n{}\n", holder.pid, holder.command);
}

WriterLock::WriterLock(const Root& root, std::chrono::milliseconds wait)
    : m_path(root.path(k_writer_lock_path).string()) {
    auto& held = held_locks();
    if (const auto it = held.find(m_path); it != held.end()) {
        ++it->second.depth;
        return;
    }
    const std::string_view lock_file = k_writer_lock_path;
    make_directories(root, lock_file.substr(0, lock_file.rfind('/')));
    // The file itself is the lock: never replaced (a rename would make a second lock),
    // never followed through a link.
    UniqueFd fd = root.open(lock_file, O_RDWR | O_CREAT | O_NOFOLLOW, 0644);
    if (!fd) {
        throw std::system_error(errno, std::generic_category(),
                                fmt::format("cannot open the lock file {}", m_path));
    }
    // flock(2) cannot wait with a bound: try, then sleep a little longer each time.
    const auto deadline = std::chrono::steady_clock::now() + wait;
    auto pause = std::chrono::milliseconds(1);
    while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) {
            continue;
        }
        if (errno != EWOULDBLOCK) {
            throw std::system_error(errno, std::generic_category(),
                                    fmt::format("cannot lock {}", m_path));
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            timed_out(fd.get(), m_path, wait);
        }
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
        pause = std::min(pause * 2, std::chrono::milliseconds(20));
    }
    write_holder(fd.get());
    held.emplace(m_path, Held{std::move(fd), 1});
}

WriterLock::WriterLock(WriterLock&& other) noexcept : m_path(std::move(other.m_path)) {
    other.m_path.clear();
}

WriterLock::~WriterLock() {
    if (m_path.empty()) {
        return; // moved from
    }
    auto& held = held_locks();
    const auto it = held.find(m_path);
    if (it == held.end() || --it->second.depth > 0) {
        return;
    }
    // The next holder writes its own; a waiter never names one that has gone.
    [[maybe_unused]] const auto truncated = ::ftruncate(it->second.fd.get(), 0);
    held.erase(it); // closing the descriptor unlocks
}

} // namespace ncs
