#pragma once
// The file names an initramfs image holds, read without running lsinitramfs/lsinitrd:
// the image is one or more cpio "newc" archives one after the other (Debian 12: an
// uncompressed early-microcode archive, then the main one compressed with zstd or
// gzip). zstd and zlib are opened at run time (SharedLibrary), like libkmod: no other
// command maps them.

#include "system/root.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ncs {

/// The names (as stored: "usr/lib/modules/6.1.0-50-amd64/kernel/drivers/net/netconsole.ko")
/// of every member of the image at absolute inside root, in order; nullopt when it does
/// not exist. Throws OperationError for a part it cannot read (xz, lz4, a truncated or
/// malformed archive) or a missing zstd/zlib library, std::system_error on I/O errors.
std::optional<std::vector<std::string>> initramfs_members(const Root& root,
                                                          std::string_view absolute);

/// The member names of an image held in memory (the same reading as initramfs_members).
std::vector<std::string> initramfs_members_of(std::string_view image);

} // namespace ncs
