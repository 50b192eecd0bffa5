#include "system/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <memory>
#include <system_error>

namespace ncs {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void throw_errno(int error, const std::string& what, const fs::path& path) {
    throw std::system_error(error, std::generic_category(), what + " " + path.string());
}

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

void fsync_directory(const fs::path& dir) {
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.fd < 0) {
        throw_errno(errno, "cannot open directory", dir);
    }
    if (::fsync(fd.fd) != 0) {
        throw_errno(errno, "cannot fsync directory", dir);
    }
}

void make_parents(const fs::path& dir) {
    if (dir.empty()) {
        return;
    }
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            throw_errno(ENOTDIR, "cannot create directory", dir);
        }
        return;
    }
    make_parents(dir.parent_path() == dir ? fs::path() : dir.parent_path());
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
        throw_errno(errno, "cannot create directory", dir);
    }
}

void write_all(int fd, std::string_view content, const fs::path& path) {
    while (!content.empty()) {
        const auto written = ::write(fd, content.data(), content.size());
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_errno(errno, "cannot write", path);
        }
        content.remove_prefix(static_cast<std::size_t>(written));
    }
}

} // namespace

std::optional<std::string> read_optional_file(const fs::path& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.fd < 0) {
        if (errno == ENOENT) {
            return std::nullopt;
        }
        throw_errno(errno, "cannot read", path);
    }
    std::string content;
    char buffer[4096];
    for (;;) {
        const auto got = ::read(fd.fd, buffer, sizeof buffer);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_errno(errno, "cannot read", path);
        }
        if (got == 0) {
            return content;
        }
        content.append(buffer, static_cast<std::size_t>(got));
    }
}

FileChange write_file_atomically(const fs::path& path, std::string_view content) {
    const auto existing = read_optional_file(path);
    if (existing) {
        struct stat st {};
        // Same content and already 0644: leave inode and mtime alone.
        if (*existing == content && ::stat(path.c_str(), &st) == 0 &&
            (st.st_mode & 07777) == 0644) {
            return FileChange::unchanged;
        }
    }
    const fs::path dir = path.parent_path();
    make_parents(dir);

    std::string temp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
    Fd fd(::mkostemp(temp.data(), O_CLOEXEC));
    if (fd.fd < 0) {
        throw_errno(errno, "cannot create a temporary file for", path);
    }
    // Removes the temporary file unless the rename below took it.
    auto cleanup = std::unique_ptr<std::string, void (*)(std::string*)>(
        &temp, [](std::string* name) { ::unlink(name->c_str()); });

    write_all(fd.fd, content, path);
    if (::fchmod(fd.fd, 0644) != 0) {
        throw_errno(errno, "cannot set the mode of", path);
    }
    if (::fsync(fd.fd) != 0) {
        throw_errno(errno, "cannot fsync", path);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        throw_errno(errno, "cannot rename a temporary file to", path);
    }
    cleanup.release();
    fsync_directory(dir.empty() ? fs::path(".") : dir);
    return existing ? FileChange::replaced : FileChange::created;
}

bool remove_file_durably(const fs::path& path) {
    if (::unlink(path.c_str()) != 0) {
        if (errno == ENOENT) {
            return false;
        }
        throw_errno(errno, "cannot remove", path);
    }
    const fs::path dir = path.parent_path();
    fsync_directory(dir.empty() ? fs::path(".") : dir);
    return true;
}

} // namespace ncs
