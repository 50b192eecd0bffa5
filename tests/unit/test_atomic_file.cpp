// Atomic, idempotent configuration file writes, on a real temporary directory.
#include "system/atomic_file.hpp"

#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <system_error>

using ncs::FileChange;
using ncs::read_optional_file;
using ncs::remove_file_durably;
using ncs::write_file_atomically;
using ncs::test::TempTree;

namespace {

struct stat stat_of(const std::filesystem::path& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st;
}

std::size_t entries_in(const std::filesystem::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) {
        ++n;
    }
    return n;
}

} // namespace

TEST_CASE("a new file is created with its parents, mode 0644", "[atomic_file]") {
    TempTree tree;
    const auto file = tree.path("/etc/modprobe.d/netconsole.conf");
    CHECK(write_file_atomically(file, "options netconsole x\n") == FileChange::created);
    CHECK(tree.read("/etc/modprobe.d/netconsole.conf") == "options netconsole x\n");
    CHECK((stat_of(file).st_mode & 07777) == 0644);
    CHECK(std::filesystem::is_directory(file.parent_path()));
    // No temporary file is left behind.
    CHECK(entries_in(file.parent_path()) == 1);
}

TEST_CASE("unchanged content keeps the inode and the mtime", "[atomic_file]") {
    TempTree tree;
    const auto file = tree.path("/etc/x.conf");
    write_file_atomically(file, "a\n");
    const auto before = stat_of(file);
    CHECK(write_file_atomically(file, "a\n") == FileChange::unchanged);
    const auto after = stat_of(file);
    CHECK(after.st_ino == before.st_ino);
    CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec);
    CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
}

TEST_CASE("changed content replaces the file through a rename", "[atomic_file]") {
    TempTree tree;
    const auto file = tree.path("/etc/x.conf");
    write_file_atomically(file, "a\n");
    const auto before = stat_of(file);
    CHECK(write_file_atomically(file, "b\n") == FileChange::replaced);
    CHECK(tree.read("/etc/x.conf") == "b\n");
    // A new inode: readers holding the old file never saw a partial write.
    CHECK(stat_of(file).st_ino != before.st_ino);
    CHECK(entries_in(file.parent_path()) == 1);
}

TEST_CASE("the same content with a wrong mode is rewritten 0644", "[atomic_file]") {
    TempTree tree;
    tree.write("/etc/x.conf", "a\n");
    std::filesystem::permissions(tree.path("/etc/x.conf"), std::filesystem::perms::owner_all);
    CHECK(write_file_atomically(tree.path("/etc/x.conf"), "a\n") == FileChange::replaced);
    CHECK((stat_of(tree.path("/etc/x.conf")).st_mode & 07777) == 0644);
}

TEST_CASE("a parent that is a file fails naming the path, writing nothing", "[atomic_file]") {
    TempTree tree;
    tree.write("/etc/modprobe.d", "not a directory");
    try {
        write_file_atomically(tree.path("/etc/modprobe.d/netconsole.conf"), "x\n");
        FAIL("no exception");
    } catch (const std::system_error& e) {
        CHECK(std::string(e.what()).find("modprobe.d") != std::string::npos);
        CHECK(e.code() == std::errc::not_a_directory);
    }
    CHECK(tree.read("/etc/modprobe.d") == "not a directory");
}

TEST_CASE("read_optional_file tells a missing file from an empty one", "[atomic_file]") {
    TempTree tree;
    CHECK_FALSE(read_optional_file(tree.path("/none")).has_value());
    tree.write("/empty", "");
    CHECK(read_optional_file(tree.path("/empty")) == std::string());
    CHECK_THROWS_AS(read_optional_file(tree.dir()), std::system_error);
}

TEST_CASE("remove_file_durably says whether there was a file", "[atomic_file]") {
    TempTree tree;
    tree.write("/etc/x.conf", "a\n");
    CHECK(remove_file_durably(tree.path("/etc/x.conf")));
    CHECK_FALSE(std::filesystem::exists(tree.path("/etc/x.conf")));
    CHECK_FALSE(remove_file_durably(tree.path("/etc/x.conf")));
}
