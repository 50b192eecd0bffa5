#include "system/sender_files.hpp"

#include <algorithm>
#include <cerrno>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ncs {
namespace {

/// Writes text; returns the bytes written and whether all were (errno kept).
std::pair<std::size_t, bool> write_all(int fd, std::string_view text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const auto written = ::write(fd, text.data() + done, text.size() - done);
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            if (written == 0) {
                errno = EIO;
            }
            return {done, false};
        }
        done += static_cast<std::size_t>(written);
    }
    return {done, true};
}

/// Truncates the last bytes of a regular file off again; false when it cannot.
bool take_back(int fd, std::size_t bytes) {
    struct stat status {};
    if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode) ||
        static_cast<std::size_t>(status.st_size) < bytes) {
        return false;
    }
    return ::ftruncate(fd, status.st_size - static_cast<off_t>(bytes)) == 0;
}

} // namespace

SenderFiles::SenderFiles(std::filesystem::path directory, Report report, std::size_t max_open,
                         std::size_t max_counted)
    : m_directory(std::move(directory)), m_report(std::move(report)), m_max_open(max_open),
      m_max_counted(max_counted) {}

SenderFiles::~SenderFiles() {
    flush();
    close_descriptors();
}

std::filesystem::path SenderFiles::path_of(const std::string& name) const {
    return m_directory / (name + ".log");
}

void SenderFiles::add(const std::string& name, std::string_view lines) {
    auto& file = m_files[name];
    file.buffer += lines;
    file.ends.push_back(file.buffer.size());
}

void SenderFiles::flush() {
    for (auto& [name, file] : m_files) {
        if (!file.ends.empty()) {
            flush(name, file);
        }
    }
}

void SenderFiles::reopen() {
    flush();
    close_descriptors();
    // A failing file is kept, so its recovery is still reported.
    for (auto it = m_files.begin(); it != m_files.end();) {
        it = it->second.error == 0 ? m_files.erase(it) : std::next(it);
    }
}

void SenderFiles::flush(const std::string& name, File& file) {
    if (file.fd < 0) {
        if (m_open >= m_max_open) {
            close_descriptors();
        }
        // O_NONBLOCK: a FIFO put there never blocks the listener (a regular file
        // ignores the flag); O_NOFOLLOW: a planted symlink is refused.
        file.fd = ::open(path_of(name).c_str(),
                         O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
                             O_NONBLOCK,
                         0640);
        if (file.fd < 0) {
            fail(name, file, errno, file.ends.size());
            return;
        }
        ++m_open;
    }
    if (file.torn) {
        // A record cut short that could not be taken back: end its line, so the next
        // record is a line of its own.
        if (!write_all(file.fd, "\n").second) {
            fail(name, file, errno, file.ends.size());
            return;
        }
        file.torn = false;
    }
    const auto [written, ok] = write_all(file.fd, file.buffer);
    const int error = errno;
    const auto whole = static_cast<std::size_t>(
        std::upper_bound(file.ends.begin(), file.ends.end(), written) - file.ends.begin());
    const std::size_t kept = whole == 0 ? 0 : file.ends[whole - 1];
    if (written > kept && !take_back(file.fd, written - kept)) {
        file.torn = true;
    }
    if (!ok) {
        fail(name, file, error, file.ends.size() - whole);
    } else if (file.error != 0) {
        m_report({SenderFileEvent::Kind::resumed, name, path_of(name), 0, file.unwritten});
        file.error = 0;
        file.unwritten = 0;
    }
    file.buffer.clear();
    file.ends.clear();
}

void SenderFiles::fail(const std::string& name, File& file, int error, std::size_t records) {
    m_unwritten += records;
    file.unwritten += records;
    // Bounded as the receiver's table of senders: a flood of spoofed senders on a
    // full disk adds up under "other".
    const bool known = m_unwritten_by_name.count(name) != 0;
    m_unwritten_by_name[known || m_unwritten_by_name.size() < m_max_counted ? name
                                                                            : std::string("other")] +=
        records;
    file.buffer.clear();
    file.ends.clear();
    if (error == file.error) {
        return;
    }
    file.error = error;
    m_report({SenderFileEvent::Kind::failed, name, path_of(name), error, 0});
}

void SenderFiles::close_descriptors() {
    for (auto& [name, file] : m_files) {
        if (file.fd >= 0) {
            ::close(file.fd);
            file.fd = -1;
        }
    }
    m_open = 0;
}

} // namespace ncs
