#pragma once
// One writer at a time. Every command that changes netconsole targets (configfs) or
// a file the tool owns (modprobe.d, grub.d, the record of apply --config) holds an
// flock(2) on <root>/run/netconsole-setup/lock while it changes them: a `watch`
// correcting a target, an `apply` and a `remove` never interleave their disable ->
// write -> enable sequences or their read -> write of the record. The lock is held
// for one plan's apply (watch takes it per correction, never while it waits on the
// network), waited for at most k_writer_lock_wait, and names its holder: the holder
// writes its pid and arguments into the file (cleared when it lets go).

#include "system/root.hpp"

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ncs {

/// The lock file, a system path under the root.
inline constexpr std::string_view k_writer_lock_path = "/run/netconsole-setup/lock";

/// How long a command waits for another to let go of the lock before it gives up.
inline constexpr std::chrono::seconds k_writer_lock_wait{10};

/// Who holds the lock, as its file says.
struct LockHolder {
    pid_t pid = 0;
    std::string command; ///< its arguments after the program name, space-separated
    bool operator==(const LockHolder&) const = default;
};

/// The holder written in a lock file's text ("PID\nARGUMENTS\n"); nullopt when the
/// text names none (empty: nobody wrote it, or the holder let go).
std::optional<LockHolder> parse_lock_holder(std::string_view text);

/// The text a holder writes into the lock file.
std::string lock_holder_text(const LockHolder& holder);

/// The writers' lock of a root, held while the object lives. A thread that holds it
/// already takes it again at once (nested holds share one flock), so a command may
/// hold it around calls that take it themselves.
class WriterLock {
public:
    /// Takes root's lock, waiting at most wait for another holder; then writes this
    /// process's pid and arguments into the file. Throws OperationError naming the
    /// holder when the wait runs out, std::system_error when the file cannot be made.
    explicit WriterLock(const Root& root,
                        std::chrono::milliseconds wait = k_writer_lock_wait);
    WriterLock(WriterLock&& other) noexcept;
    WriterLock& operator=(WriterLock&&) = delete;
    WriterLock(const WriterLock&) = delete;
    WriterLock& operator=(const WriterLock&) = delete;
    /// Lets go (the outermost hold clears the holder and unlocks).
    ~WriterLock();

private:
    std::string m_path; ///< the lock file, as the thread's table of holds knows it
};

} // namespace ncs
