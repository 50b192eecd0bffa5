#pragma once
// Every path the tool reads or writes (/proc, /sys, /etc) is built from a root
// directory: / in production, --root DIR in tests (like systemd-sysusers --root).
//
// The --root rule, in this one place:
//  - Paths are resolved inside the root, as a process chrooted to it would see them
//    (openat2 RESOLVE_IN_ROOT): a symbolic link, absolute or with "..", never leads
//    out of it, for reads, writes and removals alike.
//  - Only the system root "/" hands out a LiveKernel, and every function that acts on
//    the running kernel (syslog(2), loading modules, mount(2), configfs writes,
//    /dev/kmsg) takes one: under --root DIR none of them can be reached.

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ncs {

class Root;

/// The right to act on the running kernel. Only Root::live_kernel() makes one.
class LiveKernel {
    friend class Root;
    LiveKernel() = default;
};

/// An owned file descriptor (closed on destruction); false when it holds none.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) noexcept : m_fd(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : m_fd(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd();
    int get() const noexcept { return m_fd; }
    int release() noexcept;
    explicit operator bool() const noexcept { return m_fd >= 0; }

private:
    int m_fd = -1;
};

class Root {
public:
    /// Opens dir as the root. Throws InputError when it does not exist or is not a
    /// directory, std::system_error when it cannot be opened.
    explicit Root(std::filesystem::path dir = "/");
    /// The path of an absolute system path under this root: path("/proc/cmdline").
    /// For messages and for code that does not open through open() yet.
    std::filesystem::path path(std::string_view absolute) const;
    const std::filesystem::path& dir() const noexcept { return m_root; }
    /// Whether the root is "/" (the running system), decided once when opened.
    bool is_system_root() const noexcept { return m_system; }

    /// The right to act on the running kernel for operation ("'apply'"). Throws
    /// InputError (exit 2) naming operation unless this is the system root.
    LiveKernel live_kernel(std::string_view operation) const;

    /// openat2(2) of absolute resolved inside the root (RESOLVE_IN_ROOT, no magic
    /// links): "/", "..", and absolute symbolic links all stay inside it. flags as
    /// open(2); O_CLOEXEC is added. Returns no fd and sets errno on failure.
    UniqueFd open(std::string_view absolute, int flags, mode_t mode = 0) const;
    /// Whether absolute, resolved inside the root, exists / is a directory (links followed).
    bool exists(std::string_view absolute) const;
    bool is_directory(std::string_view absolute) const;
    /// The system path ("/sys/x") of a path made by path() ("<root>/sys/x"); nullopt
    /// when full is not below the root.
    std::optional<std::string> system_path(const std::filesystem::path& full) const;

private:
    std::filesystem::path m_root;
    std::shared_ptr<UniqueFd> m_fd;
    bool m_system = false;
};

} // namespace ncs
