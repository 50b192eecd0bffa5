#include "system/root.hpp"

#include "model/errors.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace ncs {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        m_fd = other.release();
    }
    return *this;
}

UniqueFd::~UniqueFd() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

int UniqueFd::release() noexcept {
    const int fd = m_fd;
    m_fd = -1;
    return fd;
}

Root::Root(std::filesystem::path dir) : m_root(std::move(dir)) {
    struct stat st {};
    if (m_root.empty() || ::stat(m_root.c_str(), &st) != 0) {
        const int err = m_root.empty() ? ENOENT : errno;
        if (err == ENOENT || err == ENOTDIR) {
            throw InputError(fmt::format("root directory {} does not exist", m_root.string()),
                             "give the directory that holds the system's /etc, /proc and /sys");
        }
        throw std::system_error(err, std::generic_category(),
                                "cannot open root directory " + m_root.string());
    }
    if (!S_ISDIR(st.st_mode)) {
        throw InputError(fmt::format("root directory {} is not a directory", m_root.string()),
                         "give the directory that holds the system's /etc, /proc and /sys");
    }
    const int fd = ::open(m_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        throw std::system_error(errno, std::generic_category(),
                                "cannot open root directory " + m_root.string());
    }
    m_fd = std::make_shared<UniqueFd>(fd);
    struct stat system {};
    m_system = ::stat("/", &system) == 0 && system.st_dev == st.st_dev &&
               system.st_ino == st.st_ino;
}

std::filesystem::path Root::path(std::string_view absolute) const {
    std::filesystem::path relative(absolute);
    return m_root / relative.relative_path();
}

bool Root::exists(std::string_view absolute) const {
    return static_cast<bool>(open(absolute, O_PATH));
}

bool Root::is_directory(std::string_view absolute) const {
    return static_cast<bool>(open(absolute, O_PATH | O_DIRECTORY));
}

std::optional<std::string> Root::system_path(const std::filesystem::path& full) const {
    const auto relative = full.lexically_normal().lexically_relative(m_root.lexically_normal());
    if (relative.empty() || *relative.begin() == "..") {
        return std::nullopt;
    }
    return relative == "." ? std::string("/") : "/" + relative.string();
}

LiveKernel Root::live_kernel(std::string_view operation) const {
    if (!m_system) {
        throw InputError(
            fmt::format("{} acts on the running kernel and is refused under {}", operation,
                        mention(Field::root)),
            fmt::format("under {} only files inside that directory are read or written",
                        mention(Field::root)));
    }
    return LiveKernel{};
}

UniqueFd Root::open(std::string_view absolute, int flags, mode_t mode) const {
    std::string relative(absolute);
    const auto first = relative.find_first_not_of('/');
    relative.erase(0, first == std::string::npos ? relative.size() : first);
    if (relative.empty()) {
        relative = ".";
    }
    open_how how{};
    how.flags = static_cast<__u64>(static_cast<unsigned>(flags | O_CLOEXEC));
    how.mode = (flags & (O_CREAT | O_TMPFILE)) != 0 ? static_cast<__u64>(mode) : 0;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    long fd = -1;
    // EAGAIN: a rename or mount raced with the lookup; openat2(2) asks for a retry.
    for (int attempt = 0; attempt < 8; ++attempt) {
        fd = ::syscall(SYS_openat2, m_fd->get(), relative.c_str(), &how, sizeof how);
        if (fd >= 0 || (errno != EAGAIN && errno != EINTR)) {
            break;
        }
    }
    if (fd >= 0) {
        return UniqueFd(static_cast<int>(fd));
    }
    // Before Linux 5.6 (or under a seccomp filter that does not know openat2) there
    // is no RESOLVE_IN_ROOT; in "/" plain resolution cannot leave the root anyway.
    if ((errno == ENOSYS || errno == EPERM) && m_system) {
        return UniqueFd(::openat(m_fd->get(), relative.c_str(), flags | O_CLOEXEC, mode));
    }
    if (errno == ENOSYS) {
        const int err = errno;
        throw std::system_error(err, std::generic_category(),
                                "openat2 (Linux 5.6+) is needed to resolve paths under another "
                                "root directory");
    }
    return UniqueFd();
}

} // namespace ncs
