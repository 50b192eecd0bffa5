#pragma once
// A temporary directory tree for tests that read or write under a Root;
// removed with everything in it when the object goes away.

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ncs::test {

class TempTree {
public:
    TempTree() {
        std::string pattern = (std::filesystem::temp_directory_path() / "ncs-unit-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        m_dir = pattern;
    }
    TempTree(const TempTree&) = delete;
    TempTree& operator=(const TempTree&) = delete;
    ~TempTree() {
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }

    const std::filesystem::path& dir() const noexcept { return m_dir; }

    /// <dir>/<absolute>, e.g. path("/etc/x.conf").
    std::filesystem::path path(std::string_view absolute) const {
        return m_dir / std::filesystem::path(absolute).relative_path();
    }

    /// Writes `text` to <dir>/<absolute>, creating parent directories.
    void write(std::string_view absolute, std::string_view text) const {
        const auto file = path(absolute);
        std::filesystem::create_directories(file.parent_path());
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << text;
    }

    /// Creates the directory <dir>/<absolute> and its parents.
    void mkdir(std::string_view absolute) const {
        std::filesystem::create_directories(path(absolute));
    }

    /// The whole content of <dir>/<absolute>.
    std::string read(std::string_view absolute) const {
        std::ifstream in(path(absolute), std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

private:
    std::filesystem::path m_dir;
};

} // namespace ncs::test
