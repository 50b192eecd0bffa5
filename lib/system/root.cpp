#include "system/root.hpp"

namespace ncs {

Root::Root(std::filesystem::path root) : m_root(std::move(root)) {}

std::filesystem::path Root::path(std::string_view absolute) const {
    std::filesystem::path relative(absolute);
    return m_root / relative.relative_path();
}

bool Root::is_system_root() const {
    std::error_code ec;
    return std::filesystem::equivalent(m_root, "/", ec);
}

} // namespace ncs
