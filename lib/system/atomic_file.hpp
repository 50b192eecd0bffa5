#pragma once
// Writing a configuration file so that a reader sees the old content or the
// new one, never a mixture, even across a crash: a temporary file in the same
// directory, fsync, rename over the target, fsync of the directory.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ncs {

enum class FileChange { unchanged, created, replaced };

/// The whole content of path, or nullopt when it does not exist.
/// Throws std::system_error (naming path) on other failures.
std::optional<std::string> read_optional_file(const std::filesystem::path& path);

/// Makes path hold exactly content, with mode 0644 (parent directories made 0755).
/// When it already does, nothing is written (inode and mtime are kept).
/// Throws std::system_error naming the path; the old file is then intact.
FileChange write_file_atomically(const std::filesystem::path& path, std::string_view content);

/// Removes path and fsyncs its directory; false when there was nothing to remove.
/// Throws std::system_error naming the path.
bool remove_file_durably(const std::filesystem::path& path);

} // namespace ncs
