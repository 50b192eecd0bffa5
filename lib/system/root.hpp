#pragma once
// Every path the tool reads or writes (/proc, /sys, /etc) is built from a root
// directory: "/" in production, --root DIR in tests (like systemd-sysusers --root).

#include <filesystem>
#include <string_view>

namespace ncs {

class Root {
public:
    explicit Root(std::filesystem::path root = "/");
    /// The path of an absolute system path under this root: path("/proc/cmdline").
    std::filesystem::path path(std::string_view absolute) const;
    const std::filesystem::path& dir() const noexcept { return m_root; }
    bool is_system_root() const;

private:
    std::filesystem::path m_root;
};

} // namespace ncs
