// The configured netconsole values of a --root tree: read inside the root, only
// from small regular files, each skipped file named in a warning.
#include "system/config_sources.hpp"

#include "system/atomic_file.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

using ncs::find_configured_values;
using ncs::Root;
using ncs::Warning;
using ncs::test::TempTree;

TEST_CASE("values come from /proc/cmdline, then modprobe.d/*.conf sorted by name",
          "[config_sources]") {
    TempTree tree;
    tree.write("/proc/cmdline", "quiet netconsole=@/eth0,@192.0.2.1/\n");
    tree.write("/etc/modprobe.d/b.conf", "options netconsole netconsole=@/eth0,@192.0.2.3/\n");
    tree.write("/etc/modprobe.d/a.conf", "options netconsole netconsole=@/eth0,@192.0.2.2/\n");
    tree.write("/etc/modprobe.d/c.txt", "options netconsole netconsole=@/eth0,@192.0.2.4/\n");
    std::vector<Warning> warnings;
    const auto found = find_configured_values(Root(tree.dir()), &warnings);
    REQUIRE(found.size() == 3);
    CHECK(found[0].source == "/proc/cmdline");
    CHECK(found[1].source == "/etc/modprobe.d/a.conf");
    CHECK(found[2].source == "/etc/modprobe.d/b.conf");
    CHECK(warnings.empty());
}

TEST_CASE("a FIFO, a device link, a directory and a huge file are skipped with a warning",
          "[config_sources][root]") {
    TempTree tree;
    tree.mkdir("/etc/modprobe.d/dir.conf");
    REQUIRE(::mkfifo(tree.path("/etc/modprobe.d/fifo.conf").c_str(), 0644) == 0);
    std::filesystem::create_symlink("/proc/self/fd/0", tree.path("/etc/modprobe.d/fd.conf"));
    tree.write("/etc/modprobe.d/huge.conf", std::string(ncs::k_max_config_file_size + 1, '#'));
    tree.write("/etc/modprobe.d/real.conf", "options netconsole netconsole=@/eth0,@192.0.2.2/\n");
    std::vector<Warning> warnings;
    const auto found = find_configured_values(Root(tree.dir()), &warnings);
    REQUIRE(found.size() == 1);
    CHECK(found[0].source == "/etc/modprobe.d/real.conf");
    REQUIRE(warnings.size() == 3);
    CHECK_THAT(warnings[0].message, Catch::Contains("/etc/modprobe.d/dir.conf is not a regular"));
    CHECK_THAT(warnings[1].message, Catch::Contains("/etc/modprobe.d/fifo.conf is not a regular"));
    CHECK_THAT(warnings[2].message, Catch::Contains("/etc/modprobe.d/huge.conf is larger"));
}

TEST_CASE("a modprobe.d that links out of the root reads nothing from the host",
          "[config_sources][root]") {
    TempTree tree;
    TempTree host;
    host.write("/host.conf", "options netconsole netconsole=@/eth0,@192.0.2.9/\n");
    tree.mkdir("/etc");
    std::filesystem::create_directory_symlink(host.dir(), tree.path("/etc/modprobe.d"));
    CHECK(find_configured_values(Root(tree.dir())).empty());
}
