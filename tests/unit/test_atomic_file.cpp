// Configuration file reads and writes under a Root, on a real temporary directory:
// atomic and idempotent writes, all-or-none for several files, mode and owner kept,
// paths resolved inside the root, only small regular files read.
#include "system/atomic_file.hpp"

#include "model/errors.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

using ncs::FileChange;
using ncs::FileMode;
using ncs::FileWrite;
using ncs::FollowLast;
using ncs::ReadOutcome;
using ncs::Root;
using ncs::read_optional_file;
using ncs::read_small_file;
using ncs::remove_file_durably;
using ncs::write_file_atomically;
using ncs::write_files_atomically;
using ncs::test::TempTree;

namespace {

struct stat stat_of(const std::filesystem::path& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st;
}

std::size_t entries_in(const std::filesystem::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) {
        ++n;
    }
    return n;
}

/// Sets the umask for one scope.
struct Umask {
    explicit Umask(mode_t mask) : m_old(::umask(mask)) {}
    Umask(const Umask&) = delete;
    Umask& operator=(const Umask&) = delete;
    ~Umask() { ::umask(m_old); }
    mode_t m_old;
};

} // namespace

TEST_CASE("a new file is created with its parents, mode 0644", "[atomic_file]") {
    TempTree tree;
    const Root root(tree.dir());
    const auto file = tree.path("/etc/modprobe.d/netconsole.conf");
    CHECK(write_file_atomically(root, "/etc/modprobe.d/netconsole.conf",
                                "options netconsole x\n") == FileChange::created);
    CHECK(tree.read("/etc/modprobe.d/netconsole.conf") == "options netconsole x\n");
    CHECK((stat_of(file).st_mode & 07777) == 0644);
    CHECK(std::filesystem::is_directory(file.parent_path()));
    // No temporary file is left behind.
    CHECK(entries_in(file.parent_path()) == 1);
}

TEST_CASE("new directories are 0755 and new files 0644 whatever the umask", "[atomic_file]") {
    TempTree tree;
    const Root root(tree.dir());
    const Umask strict(077);
    write_file_atomically(root, "/etc/a/b/x.conf", "x\n");
    CHECK((stat_of(tree.path("/etc")).st_mode & 07777) == 0755);
    CHECK((stat_of(tree.path("/etc/a")).st_mode & 07777) == 0755);
    CHECK((stat_of(tree.path("/etc/a/b")).st_mode & 07777) == 0755);
    CHECK((stat_of(tree.path("/etc/a/b/x.conf")).st_mode & 07777) == 0644);
}

TEST_CASE("an executable file is created 0755, a replaced one keeps its mode", "[atomic_file]") {
    TempTree tree;
    const Root root(tree.dir());
    const Umask strict(077);
    const std::string hook = "/etc/initramfs-tools/hooks/netconsole-setup";
    write_files_atomically(root, {{hook, std::string("#!/bin/sh\n"), FileMode::executable}});
    CHECK((stat_of(tree.path(hook)).st_mode & 07777) == 0755);
    // The administrator's chmod stays: the mode is only for a new file.
    std::filesystem::permissions(tree.path(hook), std::filesystem::perms(0700));
    write_files_atomically(root, {{hook, std::string("#!/bin/sh\nexit 0\n"), FileMode::executable}});
    CHECK((stat_of(tree.path(hook)).st_mode & 07777) == 0700);
    CHECK(tree.read(hook) == "#!/bin/sh\nexit 0\n");
}

TEST_CASE("unchanged content keeps the inode and the mtime", "[atomic_file]") {
    TempTree tree;
    const Root root(tree.dir());
    const auto file = tree.path("/etc/x.conf");
    write_file_atomically(root, "/etc/x.conf", "a\n");
    const auto before = stat_of(file);
    CHECK(write_file_atomically(root, "/etc/x.conf", "a\n") == FileChange::unchanged);
    const auto after = stat_of(file);
    CHECK(after.st_ino == before.st_ino);
    CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec);
    CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
}

TEST_CASE("changed content replaces the file through a rename", "[atomic_file]") {
    TempTree tree;
    const Root root(tree.dir());
    const auto file = tree.path("/etc/x.conf");
    write_file_atomically(root, "/etc/x.conf", "a\n");
    const auto before = stat_of(file);
    CHECK(write_file_atomically(root, "/etc/x.conf", "b\n") == FileChange::replaced);
    CHECK(tree.read("/etc/x.conf") == "b\n");
    // A new inode: readers holding the old file never saw a partial write.
    CHECK(stat_of(file).st_ino != before.st_ino);
    CHECK(entries_in(file.parent_path()) == 1);
}

TEST_CASE("a rewritten file keeps its mode and owner", "[atomic_file]") {
    TempTree tree;
    const Root root(tree.dir());
    tree.write("/etc/x.conf", "a\n");
    const auto file = tree.path("/etc/x.conf");
    REQUIRE(::chmod(file.c_str(), 0600) == 0);
    const bool can_chown = ::geteuid() == 0;
    if (can_chown) {
        REQUIRE(::chown(file.c_str(), 1234, 2345) == 0);
    }
    CHECK(write_file_atomically(root, "/etc/x.conf", "b\n") == FileChange::replaced);
    const auto after = stat_of(file);
    CHECK(tree.read("/etc/x.conf") == "b\n");
    CHECK((after.st_mode & 07777) == 0600);
    if (can_chown) {
        CHECK(after.st_uid == 1234);
        CHECK(after.st_gid == 2345);
    }
}

TEST_CASE("a parent that is a file fails naming the path, writing nothing", "[atomic_file]") {
    TempTree tree;
    const Root root(tree.dir());
    tree.write("/etc/modprobe.d", "not a directory");
    try {
        write_file_atomically(root, "/etc/modprobe.d/netconsole.conf", "x\n");
        FAIL("no exception");
    } catch (const ncs::OperationError& e) {
        CHECK_THAT(e.what(), Catch::Contains("/etc/modprobe.d"));
        CHECK_THAT(e.what(), Catch::Contains("Not a directory"));
    }
    CHECK(tree.read("/etc/modprobe.d") == "not a directory");
}

TEST_CASE("read_optional_file tells a missing file from an empty one", "[atomic_file]") {
    TempTree tree;
    const Root root(tree.dir());
    CHECK_FALSE(read_optional_file(root, "/none").has_value());
    tree.write("/empty", "");
    CHECK(read_optional_file(root, "/empty") == std::string());
    CHECK_THROWS_AS(read_optional_file(root, "/"), ncs::OperationError);
}

TEST_CASE("remove_file_durably says whether there was a file", "[atomic_file]") {
    TempTree tree;
    const Root root(tree.dir());
    tree.write("/etc/x.conf", "a\n");
    CHECK(remove_file_durably(root, "/etc/x.conf"));
    CHECK_FALSE(std::filesystem::exists(tree.path("/etc/x.conf")));
    CHECK_FALSE(remove_file_durably(root, "/etc/x.conf"));
}

TEST_CASE("links never lead a read, a write or a removal out of the root",
          "[atomic_file][root]") {
    TempTree tree;
    TempTree host;
    host.write("/victim.conf", "host\n");
    const Root root(tree.dir());
    tree.mkdir("/etc");
    SECTION("an absolute link to a host directory") {
        std::filesystem::create_directory_symlink(host.dir(), tree.path("/etc/modprobe.d"));
    }
    SECTION("a relative link that climbs with ..") {
        std::filesystem::create_directory_symlink(
            std::filesystem::path("../../../../../../..") / host.dir().relative_path(),
            tree.path("/etc/modprobe.d"));
    }
    // Resolved as the system under the root sees it: the host's file is not there.
    CHECK_FALSE(read_optional_file(root, "/etc/modprobe.d/victim.conf").has_value());
    CHECK_FALSE(remove_file_durably(root, "/etc/modprobe.d/victim.conf"));
    CHECK_THROWS_AS(write_file_atomically(root, "/etc/modprobe.d/victim.conf", "x\n"),
                    ncs::OperationError);
    CHECK(host.read("/victim.conf") == "host\n");
    CHECK(entries_in(host.dir()) == 1);
    // The same link target made inside the root is where the write goes.
    tree.mkdir(host.dir().string());
    CHECK(write_file_atomically(root, "/etc/modprobe.d/victim.conf", "x\n") ==
          FileChange::created);
    CHECK(tree.read(host.dir().string() + "/victim.conf") == "x\n");
    CHECK(host.read("/victim.conf") == "host\n");
}

TEST_CASE("a managed file that is a link is replaced or removed itself, never its target",
          "[atomic_file][root]") {
    TempTree tree;
    const Root root(tree.dir());
    tree.write("/etc/passwd", "root:x:0:0\n");
    tree.mkdir("/etc/modprobe.d");
    std::filesystem::create_symlink("/etc/passwd", tree.path("/etc/modprobe.d/netconsole.conf"));
    CHECK(read_small_file(root, "/etc/modprobe.d/netconsole.conf", FollowLast::no).outcome ==
          ReadOutcome::not_regular);
    CHECK_THROWS_AS(write_file_atomically(root, "/etc/modprobe.d/netconsole.conf", "x\n"),
                    ncs::OperationError);
    CHECK(remove_file_durably(root, "/etc/modprobe.d/netconsole.conf"));
    CHECK(tree.read("/etc/passwd") == "root:x:0:0\n");
}

TEST_CASE("only small regular files are read", "[atomic_file][root]") {
    TempTree tree;
    const Root root(tree.dir());
    tree.mkdir("/etc/modprobe.d");
    REQUIRE(::mkfifo(tree.path("/etc/modprobe.d/fifo.conf").c_str(), 0644) == 0);
    // O_PATH first: the FIFO is never opened, so this returns at once.
    CHECK(read_small_file(root, "/etc/modprobe.d/fifo.conf").outcome ==
          ReadOutcome::not_regular);
    std::filesystem::create_symlink("/dev/zero", tree.path("/etc/modprobe.d/zero.conf"));
    tree.mkdir("/dev");
    if (::geteuid() == 0) {
        REQUIRE(::mknod(tree.path("/dev/zero").c_str(), S_IFCHR | 0666, makedev(1, 5)) == 0);
        CHECK(read_small_file(root, "/etc/modprobe.d/zero.conf").outcome ==
              ReadOutcome::not_regular);
    }
    tree.write("/etc/modprobe.d/big.conf", std::string(ncs::k_max_config_file_size + 1, '#'));
    CHECK(read_small_file(root, "/etc/modprobe.d/big.conf").outcome == ReadOutcome::too_large);
    CHECK_THROWS_AS(read_optional_file(root, "/etc/modprobe.d/big.conf"), ncs::OperationError);
    tree.write("/etc/modprobe.d/max.conf", std::string(ncs::k_max_config_file_size, '#'));
    CHECK(read_small_file(root, "/etc/modprobe.d/max.conf").content.size() ==
          ncs::k_max_config_file_size);
}

TEST_CASE("several files are written all or none", "[atomic_file]") {
    TempTree tree;
    const Root root(tree.dir());
    tree.write("/etc/modprobe.d/netconsole.conf", "old\n");
    const auto old_inode = stat_of(tree.path("/etc/modprobe.d/netconsole.conf")).st_ino;
    tree.write("/etc/gone.conf", "gone\n");
    // The third cannot be written: its directory is a link to a missing directory.
    tree.mkdir("/etc");
    std::filesystem::create_directory_symlink("/nowhere", tree.path("/etc/sysctl.d"));
    const std::vector<FileWrite> writes = {
        {"/etc/modprobe.d/netconsole.conf", std::string("new\n")},
        {"/etc/modules-load.d/netconsole.conf", std::string("netconsole\n")},
        {"/etc/gone.conf", std::nullopt},
        {"/etc/sysctl.d/90-netconsole.conf", std::string("kernel.printk = 8\n")},
    };
    try {
        write_files_atomically(root, writes);
        FAIL("no exception");
    } catch (const ncs::OperationError& e) {
        CHECK_THAT(e.what(), Catch::Contains("/etc/sysctl.d"));
        CHECK_THAT(e.what(), Catch::Contains("no file was changed"));
    }
    CHECK(tree.read("/etc/modprobe.d/netconsole.conf") == "old\n");
    CHECK(stat_of(tree.path("/etc/modprobe.d/netconsole.conf")).st_ino == old_inode);
    CHECK(tree.read("/etc/gone.conf") == "gone\n");
    CHECK_FALSE(std::filesystem::exists(tree.path("/etc/modules-load.d")));
    CHECK(entries_in(tree.path("/etc/modprobe.d")) == 1);

    std::filesystem::remove(tree.path("/etc/sysctl.d"));
    write_files_atomically(root, writes);
    CHECK(tree.read("/etc/modprobe.d/netconsole.conf") == "new\n");
    CHECK(tree.read("/etc/modules-load.d/netconsole.conf") == "netconsole\n");
    CHECK(tree.read("/etc/sysctl.d/90-netconsole.conf") == "kernel.printk = 8\n");
    CHECK_FALSE(std::filesystem::exists(tree.path("/etc/gone.conf")));
    CHECK(entries_in(tree.path("/etc/modprobe.d")) == 1);
    CHECK(entries_in(tree.path("/etc")) == 3); // modprobe.d, modules-load.d, sysctl.d
}

TEST_CASE("a commit that fails half way puts back what it renamed", "[atomic_file]") {
    TempTree tree;
    const Root root(tree.dir());
    tree.write("/etc/a.conf", "old a\n");
    // Staged fine (the directory opens), but the rename over a non-empty directory fails.
    tree.write("/etc/b.conf/inside", "x");
    const std::vector<FileWrite> writes = {
        {"/etc/a.conf", std::string("new a\n")},
        {"/etc/c.conf", std::string("new c\n")},
        {"/etc/b.conf", std::nullopt},
    };
    CHECK_THROWS_AS(write_files_atomically(root, writes), ncs::OperationError);
    CHECK(tree.read("/etc/a.conf") == "old a\n");
    CHECK_FALSE(std::filesystem::exists(tree.path("/etc/c.conf")));
    CHECK(tree.read("/etc/b.conf/inside") == "x");
    CHECK(entries_in(tree.path("/etc")) == 2);
}
