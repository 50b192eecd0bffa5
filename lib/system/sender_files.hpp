#pragma once
// `listen --output DIR`: one append-only file per sender, written a batch at a time.
// Only whole records reach a file: a write cut short (a full disk) is truncated back
// to the last whole record, or else the next record starts on a new line. Records
// not written are counted per sender, and each file's failure and recovery are
// reported once per episode through a callback (the caller decides what to say).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ncs {

/// A file of SenderFiles stopped or started taking records again.
struct SenderFileEvent {
    enum class Kind {
        failed,  ///< error: the sender's records are counted as unwritten from now on
        resumed, ///< writing works again; unwritten records were lost meanwhile
    };
    Kind kind = Kind::failed;
    std::string name;           ///< the sender's name, as given to add()
    std::filesystem::path path; ///< its file
    int error = 0;              ///< errno of the failure (failed)
    std::uint64_t unwritten = 0; ///< records not written during the episode (resumed)
};

class SenderFiles {
public:
    using Report = std::function<void(const SenderFileEvent&)>;

    /// Files named DIRECTORY/NAME.log. At most max_open stay open (more close the lot,
    /// reopened on demand); unwritten records are counted by name for max_counted
    /// names, the rest under "other".
    SenderFiles(std::filesystem::path directory, Report report, std::size_t max_open = 512,
                std::size_t max_counted = 4096);
    ~SenderFiles();
    SenderFiles(const SenderFiles&) = delete;
    SenderFiles& operator=(const SenderFiles&) = delete;

    /// Queues one record (whole lines, each ending in a newline) for name's file.
    void add(const std::string& name, std::string_view lines);
    /// Writes what is queued (O_APPEND, never following a symlink, never blocking on
    /// a FIFO).
    void flush();
    /// Flushes and closes every file, so the next write opens it afresh (logrotate
    /// moved it: SIGHUP).
    void reopen();

    /// Records not written, in all.
    std::uint64_t unwritten() const { return m_unwritten; }
    /// Records not written, per name (those that had some).
    const std::map<std::string, std::uint64_t>& unwritten_by_name() const {
        return m_unwritten_by_name;
    }

private:
    struct File {
        int fd = -1;
        std::string buffer;
        std::vector<std::size_t> ends; ///< where each queued record ends in buffer
        bool torn = false;             ///< the file ends inside a line
        int error = 0;                 ///< the failure reported; 0 while writing works
        std::uint64_t unwritten = 0;   ///< since the failure began
    };

    std::filesystem::path path_of(const std::string& name) const;
    void flush(const std::string& name, File& file);
    void fail(const std::string& name, File& file, int error, std::size_t records);
    void close_descriptors();

    std::filesystem::path m_directory;
    Report m_report;
    std::size_t m_max_open;
    std::size_t m_max_counted;
    std::unordered_map<std::string, File> m_files;
    std::map<std::string, std::uint64_t> m_unwritten_by_name;
    std::uint64_t m_unwritten = 0;
    std::size_t m_open = 0;
};

} // namespace ncs
