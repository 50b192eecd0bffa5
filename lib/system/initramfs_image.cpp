#include "system/initramfs_image.hpp"

#include "model/errors.hpp"
#include "system/shared_library.hpp"

#include <fmt/format.h>
#include <zlib.h> // declarations only: zlib and zstd are opened at run time
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ncs {
namespace {

constexpr std::string_view k_newc_magic = "070701";
constexpr std::string_view k_trailer = "TRAILER!!!";
constexpr std::size_t k_header_size = 110; // magic and 13 eight-digit hex fields

/// Rounds n up to cpio newc's four-byte alignment.
constexpr std::size_t align4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

/// A cpio newc stream read as it arrives: collects member names, skips their data.
/// Between archives (after a trailer) zero padding is skipped, and what follows must
/// be another archive.
class CpioReader {
public:
    explicit CpioReader(std::vector<std::string>& names) : m_names(names) {}

    /// Reads bytes; returns how many were taken (fewer than given only after a trailer,
    /// when the rest is not this reader's: a compressed archive follows).
    std::size_t feed(std::string_view bytes) {
        std::size_t used = 0;
        while (used < bytes.size()) {
            if (m_skip > 0) {
                const auto n = std::min(m_skip, bytes.size() - used);
                m_skip -= n;
                used += n;
                continue;
            }
            if (m_between && m_pending.empty()) {
                if (bytes[used] == '\0') {
                    ++used;
                    continue;
                }
                if (bytes[used] != '0') {
                    return used; // not another newc archive
                }
            }
            m_pending.push_back(bytes[used++]);
            take_pending();
        }
        return used;
    }

    /// Whether the stream ended where it may: between archives.
    bool at_end() const noexcept { return m_between && m_pending.empty() && m_skip == 0; }

private:
    void take_pending() {
        if (m_name_size == 0) {
            if (m_pending.size() < k_header_size) {
                return;
            }
            if (m_pending.compare(0, k_newc_magic.size(), k_newc_magic) != 0) {
                throw OperationError("the initramfs holds something that is not a cpio newc "
                                     "archive");
            }
            m_file_size = field(6);
            m_name_size = field(11);
            if (m_name_size == 0 || m_name_size > 4096) {
                throw OperationError("the initramfs's cpio archive is malformed");
            }
            m_between = false;
        }
        const auto name_end = align4(k_header_size + m_name_size);
        if (m_pending.size() < name_end) {
            return;
        }
        std::string name = m_pending.substr(k_header_size, m_name_size - 1); // without NUL
        m_pending.clear();
        m_name_size = 0;
        if (name == k_trailer) {
            m_between = true;
            return;
        }
        m_skip = align4(m_file_size);
        m_names.push_back(std::move(name));
    }

    /// Header field index (0 is c_ino), eight hex digits after the magic.
    std::size_t field(std::size_t index) const {
        std::size_t value = 0;
        for (std::size_t i = 0; i < 8; ++i) {
            const char c = m_pending[k_newc_magic.size() + index * 8 + i];
            const int digit = c >= '0' && c <= '9'   ? c - '0'
                              : c >= 'a' && c <= 'f' ? c - 'a' + 10
                              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                     : -1;
            if (digit < 0) {
                throw OperationError("the initramfs's cpio archive is malformed");
            }
            value = value * 16 + static_cast<std::size_t>(digit);
        }
        return value;
    }

    std::vector<std::string>& m_names;
    std::string m_pending;      ///< the header and name read so far
    std::size_t m_name_size = 0; ///< of the header in m_pending; 0 before it is whole
    std::size_t m_file_size = 0;
    std::size_t m_skip = 0;      ///< data and padding still to skip
    bool m_between = true;       ///< before the first archive or after a trailer
};

/// zstd's streaming decoder, from libzstd.so.1.
void unzstd(std::string_view input, CpioReader& reader) {
    const auto library = SharedLibrary::open("libzstd.so.1", "libzstd1");
    const auto create = library.function<decltype(ZSTD_createDStream)>("ZSTD_createDStream");
    const auto free_stream = library.function<decltype(ZSTD_freeDStream)>("ZSTD_freeDStream");
    const auto decompress =
        library.function<decltype(ZSTD_decompressStream)>("ZSTD_decompressStream");
    const auto is_error = library.function<decltype(ZSTD_isError)>("ZSTD_isError");
    const auto error_name = library.function<decltype(ZSTD_getErrorName)>("ZSTD_getErrorName");
    std::unique_ptr<ZSTD_DStream, decltype(free_stream)> stream(create(), free_stream);
    if (!stream) {
        throw std::bad_alloc();
    }
    std::string buffer(1 << 17, '\0');
    ZSTD_inBuffer in{input.data(), input.size(), 0};
    std::size_t last = 1;
    while (in.pos < in.size) {
        ZSTD_outBuffer out{buffer.data(), buffer.size(), 0};
        last = decompress(stream.get(), &out, &in);
        if (is_error(last) != 0U) {
            throw OperationError(
                fmt::format("the initramfs's zstd part does not decompress: {}", error_name(last)));
        }
        if (reader.feed({buffer.data(), out.pos}) < out.pos) {
            throw OperationError("the initramfs's compressed part holds more than cpio archives");
        }
    }
    // The decoder may still hold output once the input is used up.
    while (last != 0) {
        ZSTD_outBuffer out{buffer.data(), buffer.size(), 0};
        last = decompress(stream.get(), &out, &in);
        if (is_error(last) != 0U || out.pos == 0) {
            throw OperationError("the initramfs's zstd part is truncated");
        }
        if (reader.feed({buffer.data(), out.pos}) < out.pos) {
            throw OperationError("the initramfs's compressed part holds more than cpio archives");
        }
    }
}

/// gzip members one after the other, from libz.so.1.
void gunzip(std::string_view input, CpioReader& reader) {
    const auto library = SharedLibrary::open("libz.so.1", "zlib1g");
    const auto init = library.function<decltype(inflateInit2_)>("inflateInit2_");
    const auto inflate_some = library.function<decltype(inflate)>("inflate");
    const auto reset = library.function<decltype(inflateReset)>("inflateReset");
    const auto end = library.function<decltype(inflateEnd)>("inflateEnd");
    z_stream stream{};
    // 15 + 32: the largest window, a gzip or zlib header detected.
    if (init(&stream, 15 + 32, ZLIB_VERSION, static_cast<int>(sizeof(z_stream))) != Z_OK) {
        throw OperationError("zlib cannot start decompressing");
    }
    std::unique_ptr<z_stream, decltype(end)> guard(&stream, end);
    std::string buffer(1 << 17, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream.avail_in = static_cast<uInt>(input.size());
    for (;;) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
        stream.avail_out = static_cast<uInt>(buffer.size());
        const int status = inflate_some(&stream, Z_NO_FLUSH);
        const auto produced = buffer.size() - stream.avail_out;
        if (reader.feed({buffer.data(), produced}) < produced) {
            throw OperationError("the initramfs's compressed part holds more than cpio archives");
        }
        if (status == Z_STREAM_END) {
            if (stream.avail_in == 0 || *stream.next_in == 0) {
                return; // the end, or padding after the last member
            }
            reset(&stream);
        } else if (status != Z_OK) {
            throw OperationError(stream.avail_in == 0
                                     ? "the initramfs's gzip part is truncated"
                                     : "the initramfs's gzip part does not decompress");
        }
    }
}

} // namespace

std::vector<std::string> initramfs_members_of(std::string_view image) {
    std::vector<std::string> names;
    CpioReader reader(names);
    const auto used = reader.feed(image);
    const auto rest = image.substr(used);
    if (rest.empty()) {
        if (!reader.at_end()) {
            throw OperationError("the initramfs's cpio archive is truncated");
        }
        return names;
    }
    if (rest.size() >= 2 && rest[0] == '\x1f' && rest[1] == '\x8b') {
        gunzip(rest, reader);
    } else if (rest.size() >= 4 && rest.substr(0, 4) == "\x28\xb5\x2f\xfd") {
        unzstd(rest, reader);
    } else {
        throw OperationError("the initramfs's main archive is compressed with neither zstd nor "
                             "gzip, which is all this reads");
    }
    if (!reader.at_end()) {
        throw OperationError("the initramfs's cpio archive is truncated");
    }
    return names;
}

std::optional<std::vector<std::string>> initramfs_members(const Root& root,
                                                          std::string_view absolute) {
    // O_NONBLOCK: a FIFO in a --root tree must not block the open.
    const auto fd = root.open(absolute, O_RDONLY | O_NONBLOCK);
    if (!fd) {
        if (errno == ENOENT) {
            return std::nullopt;
        }
        throw std::system_error(errno, std::generic_category(), std::string(absolute));
    }
    struct stat status {};
    if (::fstat(fd.get(), &status) != 0) {
        throw std::system_error(errno, std::generic_category(), std::string(absolute));
    }
    if (!S_ISREG(status.st_mode)) {
        throw OperationError(fmt::format("{} is not a regular file", absolute));
    }
    // The whole image in memory (tens of MB); the decompressed archive is streamed.
    std::string image;
    std::string chunk(1 << 20, '\0');
    for (;;) {
        const auto n = ::read(fd.get(), chunk.data(), chunk.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw std::system_error(errno, std::generic_category(), std::string(absolute));
        }
        if (n == 0) {
            break;
        }
        image.append(chunk.data(), static_cast<std::size_t>(n));
    }
    return initramfs_members_of(image);
}

} // namespace ncs
