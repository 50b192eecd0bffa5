#include "system/atomic_file.hpp"

#include "model/errors.hpp"

#include <fmt/format.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <memory>
#include <system_error>

namespace ncs {
namespace {

[[noreturn]] void throw_errno(int error, std::string_view what, std::string_view path) {
    throw std::system_error(error, std::generic_category(), fmt::format("{} {}", what, path));
}

/// "/etc/modprobe.d/x.conf" -> {"/etc/modprobe.d", "x.conf"}.
std::pair<std::string, std::string> split(std::string_view absolute) {
    std::string path(absolute);
    while (path.size() > 1 && path.back() == '/') {
        path.pop_back();
    }
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) {
        return {"/", path};
    }
    return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

void write_all(int fd, std::string_view content, std::string_view path) {
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

void fsync_fd(int fd, std::string_view path) {
    if (::fsync(fd) != 0) {
        throw_errno(errno, "cannot fsync", path);
    }
}

/// The directory absolute inside root, opened for *at() calls and fsync; made (0755
/// whatever the umask, parents first) when missing, each new one recorded in created.
UniqueFd open_directory(const Root& root, const std::string& absolute,
                        std::vector<std::string>* created) {
    UniqueFd fd = root.open(absolute, O_RDONLY | O_DIRECTORY);
    if (fd) {
        return fd;
    }
    if (errno != ENOENT || created == nullptr || absolute == "/") {
        throw_errno(errno, "cannot open directory", absolute);
    }
    const auto [parent_path, name] = split(absolute);
    const UniqueFd parent = open_directory(root, parent_path, created);
    if (::mkdirat(parent.get(), name.c_str(), 0755) != 0) {
        if (errno == EEXIST) {
            // ENOENT above, EEXIST here: a symbolic link that leads nowhere inside the root.
            throw OperationError(fmt::format("cannot create directory {}: it is a symbolic "
                                             "link to a directory missing under the root",
                                             absolute),
                                 "links are resolved inside the root, as the system there sees "
                                 "them");
        }
        throw_errno(errno, "cannot create directory", absolute);
    }
    created->push_back(absolute);
    fd = root.open(absolute, O_RDONLY | O_DIRECTORY);
    if (!fd) {
        throw_errno(errno, "cannot open directory", absolute);
    }
    if (::fchmod(fd.get(), 0755) != 0) {
        throw_errno(errno, "cannot set the mode of", absolute);
    }
    return fd;
}

/// A name for a temporary file beside name; O_EXCL makes a collision a retry, so
/// no randomness source is needed (getrandom(2) can block early at boot).
std::string temporary_name(const std::string& name, unsigned attempt) {
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    return fmt::format(".{}.{:x}-{:x}-{}", name, static_cast<unsigned>(::getpid()),
                       static_cast<unsigned long long>(now) & 0xffffffffULL, attempt);
}

/// One file of a transaction, from staging to commit.
struct Staged {
    std::string path;
    std::string name;
    UniqueFd dir;
    bool remove = false;
    bool existed = false;
    FileMode mode = FileMode::plain; ///< of a new file
    std::string temp;   ///< the new content, beside the target ("" for a removal)
    std::string backup; ///< a second name of the old inode while committing
    bool committed = false;
};

/// Creates a file beside name holding content with the given mode and owner; returns its name.
std::string stage_content(int dir, const Staged& file, std::string_view content,
                          const struct stat* old) {
    for (unsigned attempt = 0;; ++attempt) {
        auto temp = temporary_name(file.name, attempt);
        UniqueFd fd(::openat(dir, temp.c_str(),
                             O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd) {
            if (errno == EEXIST && attempt < 100) {
                continue;
            }
            throw_errno(errno, "cannot create a temporary file for", file.path);
        }
        try {
            write_all(fd.get(), content, file.path);
            const mode_t mode = old != nullptr                          ? (old->st_mode & 07777)
                                : file.mode == FileMode::executable ? 0755
                                                                    : 0644;
            if (::fchmod(fd.get(), mode) != 0) {
                throw_errno(errno, "cannot set the mode of", file.path);
            }
            if (old != nullptr && (old->st_uid != ::geteuid() || old->st_gid != ::getegid()) &&
                ::fchown(fd.get(), old->st_uid, old->st_gid) != 0) {
                throw_errno(errno, "cannot keep the owner of", file.path);
            }
            fsync_fd(fd.get(), file.path);
        } catch (...) {
            ::unlinkat(dir, temp.c_str(), 0);
            throw;
        }
        return temp;
    }
}

/// A second name for the old file, so that a failed commit can put it back.
std::string link_backup(int dir, const Staged& file) {
    for (unsigned attempt = 0;; ++attempt) {
        auto backup = temporary_name(file.name + ".old", attempt);
        if (::linkat(dir, file.name.c_str(), dir, backup.c_str(), 0) == 0) {
            return backup;
        }
        if (errno == EEXIST && attempt < 100) {
            continue;
        }
        throw_errno(errno, "cannot keep the old content of", file.path);
    }
}

/// Undoes a transaction that did not complete: the old inodes back, staged files and
/// new directories gone. Returns the files it could not put back.
std::vector<std::string> roll_back(const Root& root, std::vector<Staged>& files,
                                   const std::vector<std::string>& created) {
    std::vector<std::string> failed;
    for (auto it = files.rbegin(); it != files.rend(); ++it) {
        const int dir = it->dir.get();
        if (it->committed) {
            if (!it->backup.empty()) {
                if (::renameat(dir, it->backup.c_str(), dir, it->name.c_str()) != 0) {
                    failed.push_back(it->path);
                }
                it->backup.clear();
            } else if (!it->remove && ::unlinkat(dir, it->name.c_str(), 0) != 0) {
                failed.push_back(it->path);
            }
        }
        if (!it->temp.empty()) {
            ::unlinkat(dir, it->temp.c_str(), 0);
        }
        if (!it->backup.empty()) {
            ::unlinkat(dir, it->backup.c_str(), 0);
        }
        ::fsync(dir);
    }
    for (auto it = created.rbegin(); it != created.rend(); ++it) {
        const auto [parent_path, name] = split(*it);
        if (const UniqueFd parent = root.open(parent_path, O_RDONLY | O_DIRECTORY)) {
            ::unlinkat(parent.get(), name.c_str(), AT_REMOVEDIR);
            ::fsync(parent.get());
        }
    }
    return failed;
}

} // namespace

SmallFile read_small_file(const Root& root, std::string_view absolute, FollowLast follow,
                          std::size_t max_size) {
    const std::string path(absolute);
    const int nofollow = follow == FollowLast::no ? O_NOFOLLOW : 0;
    // O_PATH first: a FIFO or a device is looked at, never opened.
    const UniqueFd where = root.open(path, O_PATH | nofollow);
    if (!where) {
        if (errno == ENOENT || errno == ENOTDIR) { // ENOTDIR: a parent is a file
            return {ReadOutcome::absent, {}};
        }
        throw_errno(errno, "cannot read", path);
    }
    struct stat st {};
    if (::fstat(where.get(), &st) != 0) {
        throw_errno(errno, "cannot read", path);
    }
    if (!S_ISREG(st.st_mode)) {
        return {ReadOutcome::not_regular, {}};
    }
    if (static_cast<std::size_t>(st.st_size) > max_size) {
        return {ReadOutcome::too_large, {}};
    }
    const UniqueFd fd = root.open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | nofollow);
    struct stat again {};
    if (!fd || ::fstat(fd.get(), &again) != 0) {
        throw_errno(errno, "cannot read", path);
    }
    if (again.st_dev != st.st_dev || again.st_ino != st.st_ino) {
        return {ReadOutcome::not_regular, {}}; // replaced between the two opens
    }
    // /proc files say size 0: the limit holds for what read(2) returns.
    SmallFile file{ReadOutcome::ok, {}};
    char buffer[4096];
    for (;;) {
        const auto got = ::read(fd.get(), buffer, sizeof buffer);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_errno(errno, "cannot read", path);
        }
        if (got == 0) {
            return file;
        }
        file.content.append(buffer, static_cast<std::size_t>(got));
        if (file.content.size() > max_size) {
            return {ReadOutcome::too_large, {}};
        }
    }
}

std::string unread_reason(ReadOutcome outcome, std::string_view path) {
    switch (outcome) {
    case ReadOutcome::ok:
        break;
    case ReadOutcome::absent:
        return fmt::format("{} does not exist", path);
    case ReadOutcome::not_regular:
        return fmt::format("{} is not a regular file", path);
    case ReadOutcome::too_large:
        return fmt::format("{} is larger than {} KiB", path, k_max_config_file_size / 1024);
    }
    return {};
}

std::optional<std::string> read_optional_file(const Root& root, std::string_view absolute,
                                              FollowLast follow) {
    auto file = read_small_file(root, absolute, follow);
    if (file.outcome == ReadOutcome::ok) {
        return std::move(file.content);
    }
    if (file.outcome == ReadOutcome::absent) {
        return std::nullopt;
    }
    throw OperationError(unread_reason(file.outcome, absolute),
                         follow == FollowLast::no
                             ? "a configuration file, not a link, a directory, a FIFO or a device"
                             : "a configuration file, not a directory, a FIFO or a device");
}

std::optional<std::vector<std::string>> list_directory(const Root& root,
                                                       std::string_view absolute) {
    const std::string path(absolute);
    UniqueFd fd = root.open(path, O_RDONLY | O_DIRECTORY);
    if (!fd) {
        if (errno == ENOENT) {
            return std::nullopt;
        }
        throw_errno(errno, "cannot read directory", path);
    }
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(fd.get()), ::closedir);
    if (!dir) {
        throw_errno(errno, "cannot read directory", path);
    }
    fd.release(); // closedir closes it
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* entry = ::readdir(dir.get())) {
        const std::string_view name = entry->d_name;
        if (name != "." && name != "..") {
            names.emplace_back(name);
        }
    }
    if (errno != 0) {
        throw_errno(errno, "cannot read directory", path);
    }
    std::sort(names.begin(), names.end());
    return names;
}

UniqueFd make_directories(const Root& root, std::string_view absolute) {
    std::vector<std::string> created;
    return open_directory(root, std::string(absolute), &created);
}

void write_files_atomically(const Root& root, const std::vector<FileWrite>& writes) {
    std::vector<Staged> files;
    std::vector<std::string> created;
    try {
        // 1. Stage: directories made, every new content written and synced beside
        //    its target. Nothing a reader sees has changed yet.
        for (const auto& write : writes) {
            Staged file;
            file.path = write.path;
            file.remove = !write.content;
            file.mode = write.mode;
            const auto [dir_path, name] = split(write.path);
            file.name = name;
            if (file.remove) {
                file.dir = root.open(dir_path, O_RDONLY | O_DIRECTORY);
                if (!file.dir) {
                    if (errno == ENOENT) {
                        continue; // nothing to remove
                    }
                    throw_errno(errno, "cannot open directory", dir_path);
                }
            } else {
                file.dir = open_directory(root, dir_path, &created);
            }
            struct stat old {};
            if (::fstatat(file.dir.get(), name.c_str(), &old, AT_SYMLINK_NOFOLLOW) == 0) {
                file.existed = true;
                if (!file.remove && !S_ISREG(old.st_mode)) {
                    throw std::system_error(
                        S_ISDIR(old.st_mode) ? EISDIR : EINVAL, std::generic_category(),
                        fmt::format("cannot replace {}: not a regular file", write.path));
                }
            } else if (errno != ENOENT) {
                throw_errno(errno, "cannot look at", write.path);
            } else if (file.remove) {
                continue;
            }
            if (!file.remove) {
                file.temp = stage_content(file.dir.get(), file, *write.content,
                                          file.existed ? &old : nullptr);
            }
            files.push_back(std::move(file));
        }
        // 2. Commit: each old inode keeps a second name until every rename is done.
        for (auto& file : files) {
            const int dir = file.dir.get();
            if (file.existed) {
                file.backup = link_backup(dir, file);
            }
            if (file.remove) {
                if (::unlinkat(dir, file.name.c_str(), 0) != 0) {
                    throw_errno(errno, "cannot remove", file.path);
                }
            } else if (::renameat(dir, file.temp.c_str(), dir, file.name.c_str()) != 0) {
                throw_errno(errno, "cannot rename a temporary file to", file.path);
            } else {
                file.temp.clear();
            }
            file.committed = true;
        }
    } catch (const std::exception& e) {
        const auto failed = roll_back(root, files, created);
        const auto* operation = dynamic_cast<const OperationError*>(&e);
        std::string hint = operation != nullptr ? operation->hint() : std::string();
        if (failed.empty()) {
            throw OperationError(fmt::format("{}; no file was changed", e.what()),
                                 std::move(hint));
        }
        std::string names;
        for (const auto& path : failed) {
            names += (names.empty() ? "" : ", ") + path;
        }
        throw OperationError(fmt::format("{}; could not put back {}", e.what(), names),
                             std::move(hint));
    }
    // 3. Done: drop the old names and make the renames durable.
    for (auto& file : files) {
        if (!file.backup.empty()) {
            ::unlinkat(file.dir.get(), file.backup.c_str(), 0);
            file.backup.clear();
        }
        fsync_fd(file.dir.get(), file.path);
    }
    for (const auto& dir : created) {
        const auto parent = split(dir).first;
        if (const UniqueFd fd = root.open(parent, O_RDONLY | O_DIRECTORY)) {
            fsync_fd(fd.get(), parent);
        }
    }
}

FileChange write_file_atomically(const Root& root, std::string_view absolute,
                                 std::string_view content) {
    const auto existing = read_small_file(root, absolute, FollowLast::no);
    if (existing.outcome == ReadOutcome::ok && existing.content == content) {
        return FileChange::unchanged;
    }
    write_files_atomically(root, {{std::string(absolute), std::string(content)}});
    return existing.outcome == ReadOutcome::absent ? FileChange::created : FileChange::replaced;
}

bool remove_file_durably(const Root& root, std::string_view absolute) {
    const auto [dir_path, name] = split(absolute);
    const UniqueFd dir = root.open(dir_path, O_RDONLY | O_DIRECTORY);
    if (!dir) {
        if (errno == ENOENT) {
            return false;
        }
        throw_errno(errno, "cannot open directory", dir_path);
    }
    if (::unlinkat(dir.get(), name.c_str(), 0) != 0) {
        if (errno == ENOENT) {
            return false;
        }
        throw_errno(errno, "cannot remove", absolute);
    }
    fsync_fd(dir.get(), dir_path);
    return true;
}

} // namespace ncs
