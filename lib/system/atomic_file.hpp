#pragma once
// Reading and writing configuration files under a Root. Every path is resolved
// inside the root (Root::open): a symbolic link never leads a read, a write or a
// removal out of it. Reads take only regular files of a bounded size; writes are
// atomic (a temporary file in the same directory, fsync, rename, fsync of the
// directory), and several files are written all or none.

#include "system/root.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ncs {

/// What the tool reads of one configuration file at most (modprobe.d, /proc/cmdline,
/// the config file): they are a few lines; more is not a configuration file.
inline constexpr std::size_t k_max_config_file_size = 64 * 1024;

enum class FileChange { unchanged, created, replaced };

/// Whether the last component of a path may be a symbolic link (resolved inside the root).
enum class FollowLast { yes, no };

enum class ReadOutcome {
    ok,
    absent,      ///< no such file (or a link that leads nowhere inside the root)
    not_regular, ///< a directory, FIFO, device, socket (or a link under FollowLast::no)
    too_large,   ///< more than the size limit
};

struct SmallFile {
    ReadOutcome outcome = ReadOutcome::absent;
    std::string content; ///< the whole file when outcome is ok
};

/// Why a read gave no content: "PATH does not exist", "PATH is not a regular file",
/// "PATH is larger than 64 KiB"; "" for ok.
std::string unread_reason(ReadOutcome outcome, std::string_view path);

/// Reads absolute (a system path) inside root without opening anything but a regular
/// file: a FIFO cannot block it, a device is never opened. Throws std::system_error
/// naming the path on other failures (EACCES, EIO, ...).
SmallFile read_small_file(const Root& root, std::string_view absolute,
                          FollowLast follow = FollowLast::yes,
                          std::size_t max_size = k_max_config_file_size);

/// The content of absolute inside root, or nullopt when it does not exist. Throws
/// OperationError when it is not a regular file or larger than k_max_config_file_size,
/// std::system_error (naming the path) on other failures.
std::optional<std::string> read_optional_file(const Root& root, std::string_view absolute,
                                              FollowLast follow = FollowLast::yes);

/// The names in the directory absolute inside root, sorted, without "." and "..";
/// nullopt when it does not exist. Throws std::system_error naming the path.
std::optional<std::vector<std::string>> list_directory(const Root& root,
                                                       std::string_view absolute);

/// The directory absolute inside root, opened; made with its missing parents (0755
/// whatever the umask) first. Throws std::system_error naming the path.
UniqueFd make_directories(const Root& root, std::string_view absolute);

/// The mode a file gets when a write creates it (a replaced file keeps its own).
enum class FileMode {
    plain,      ///< 0644: configuration
    executable, ///< 0755: a hook another program runs (initramfs-tools skips others)
};

/// One file of a write: content, or nullopt to remove it.
struct FileWrite {
    std::string path; ///< a system path, "/etc/modprobe.d/netconsole.conf"
    std::optional<std::string> content;
    FileMode mode = FileMode::plain;
};

/// Makes every file hold its content (or removes it), all or none: every new file is
/// written and synced beside its target first, then all are renamed into place; on
/// any failure the files already renamed get their old inode back, new ones and new
/// directories are removed, and the error is rethrown. A replaced file keeps its mode
/// and owner; a new one is 0644 (0755 for FileMode::executable), new directories 0755,
/// whatever the umask. A target
/// that is a symbolic link, a directory or another non-regular file is refused.
/// Throws OperationError naming the path and saying whether every file was put back.
void write_files_atomically(const Root& root, const std::vector<FileWrite>& files);

/// write_files_atomically of one file; when it already holds content, nothing is
/// written (inode and mtime are kept). Throws std::system_error when the file cannot
/// be read, OperationError when it cannot be written.
FileChange write_file_atomically(const Root& root, std::string_view absolute,
                                 std::string_view content);

/// Removes absolute (never what a link points to) and fsyncs its directory; false
/// when there was nothing to remove. Throws std::system_error naming the path.
bool remove_file_durably(const Root& root, std::string_view absolute);

} // namespace ncs
